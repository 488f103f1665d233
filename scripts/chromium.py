"""Where Chromium is, decided in one place: the browser tests, `make screenshots` and the check in
scripts/system-deps.sh all ask this module.

The rule: the environment variable `CHROMIUM` (a path, or a command name looked up on PATH) if it
is set, otherwise the `chromium` command on PATH. scripts/system-deps.sh installs Debian's chromium
when this rule finds nothing; CI puts the runner's Google Chrome on PATH as `chromium`. Never
`playwright install`: Playwright drives the browser the system provides.

Standard library only: system-deps.sh runs it with the system's python3, before `.venv/` exists.
`python3 scripts/chromium.py` prints the path, or the reason it found none (exit status 1).
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

ENVIRONMENT_VARIABLE = "CHROMIUM"
COMMAND = "chromium"

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
"""Without the background-networking flags Chromium keeps trying to reach Google's hosts."""


class ChromiumNotFound(Exception):
    """No Chromium by the rule above; the message says what to do."""


def find_chromium() -> str:
    """The absolute path of the Chromium to drive, or ChromiumNotFound saying why there is none."""
    chosen = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise ChromiumNotFound(
                f"{ENVIRONMENT_VARIABLE}={chosen!r} is not an executable file or a command on PATH; "
                f"point {ENVIRONMENT_VARIABLE} at Chromium (or Google Chrome), or unset it to use `{COMMAND}` from PATH"
            )
        return os.path.abspath(found)
    found = shutil.which(COMMAND)
    if found is None:
        raise ChromiumNotFound(
            f"Chromium not found: no `{COMMAND}` on PATH and {ENVIRONMENT_VARIABLE} is not set. "
            f"Install it with `bash scripts/system-deps.sh` (Debian's chromium), "
            f"or set {ENVIRONMENT_VARIABLE} to the path of a Chromium or Google Chrome"
        )
    return os.path.abspath(found)


def launch(playwright: Any) -> Any:
    """Chromium through Playwright, with the flags every caller uses."""
    executable = find_chromium()
    return playwright.chromium.launch(executable_path=executable, args=ARGS)


def main() -> int:
    try:
        print(find_chromium())
    except ChromiumNotFound as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
