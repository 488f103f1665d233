"""One language's MkDocs build, in this process or in a fresh one of its own.

`build.build_languages` starts one `python -m generator.pipeline.mkdocs_run REQUEST` per language,
side by side. A fresh process (not a fork) holds only MkDocs and its pages: the generator's index
and rendered pages stay in the parent, so no process holds both (at 10,000 studies the generator
peaks near 0.9 GB and MkDocs alone at 1.2 GB; in one process they were 1.9 GB). The request file
holds the configuration file, the site folder and the per-language overrides as JSON (plain
values: `build.mkdocs_overrides`); the child writes the warnings MkDocs logged and the error that
stopped it, if any, as JSON to the result file named in it. Imports stay few: the child starts in well under a second.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

HOOKS = Path(__file__).with_name("mkdocs_hooks.py")
"""Our builds' MkDocs hooks (mkdocs_hooks.py): a page's HTML held compressed between MkDocs' two
passes, and the ids in its raw HTML found only when a link asks for one."""


class _WarningCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def build_with(config_file: Path, site_dir: Path, overrides: dict[str, Any], logged: list[str] | None = None) -> list[str]:
    """A strict MkDocs build of `config_file` with `overrides` into `site_dir`; the warnings it
    logged, also added to `logged` as they come (so a build that raises leaves them there)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    counter = _WarningCounter()
    if logged is not None:
        counter.messages = logged
    logger = logging.getLogger("mkdocs")
    logger.addHandler(counter)
    try:
        hooks = [*overrides.get("hooks", []), str(HOOKS)]
        config = load_config(config_file=str(config_file), site_dir=str(site_dir), strict=True, **{**overrides, "hooks": hooks})
        build(config)
    finally:
        logger.removeHandler(counter)
    return counter.messages


def main(request_file: Path) -> int:
    request = json.loads(request_file.read_text(encoding="utf-8"))
    warnings: list[str] = []
    error = None
    try:
        build_with(Path(request["config_file"]), Path(request["site_dir"]), request["overrides"], warnings)
    except Exception as exc:  # told to the parent with the warnings that led to it
        error = f"{type(exc).__name__}: {exc}"
    result = Path(request["result"])
    result.with_suffix(".part").write_text(json.dumps({"warnings": warnings, "error": error}), encoding="utf-8")
    result.with_suffix(".part").replace(result)  # whole, or not there
    return 0 if error is None else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
