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

PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
"""The features Playwright (requirements.txt's version) disables itself. Chromium keeps the last
value of a switch, so our own --disable-features replaces Playwright's: it repeats them
(tests/test_chromium.py reads Playwright's list and fails when it grows)."""

WITHOUT_ADDRESS_BAR_POPUP = ("WebUIOmniboxPopup", "WebUIOmniboxAimPopup")
"""Chromium 156 preloads the address bar's popup, a web page of its own
(chrome://omnibox-popup.top-chrome/), in every browser context, headless too: a renderer process
costing about 0.5 s of CPU a context, three times what loading one of our pages costs. The browser
tests open a context per test. Measured by loading 20 pages of the built site, each in a context
of its own, and reading /proc/stat: 15.6 core-seconds with the popup, 8.1 without."""

PLAYWRIGHT_ARGS = [*ARGS, "--disable-features=" + ",".join((*PLAYWRIGHT_DISABLED_FEATURES, *WITHOUT_ADDRESS_BAR_POPUP))]
"""The flags for Chromium driven by Playwright (Lighthouse's launcher brings its own feature list)."""


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
    return playwright.chromium.launch(executable_path=executable, args=PLAYWRIGHT_ARGS)


def main() -> int:
    try:
        print(find_chromium())
    except ChromiumNotFound as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
