"""Live preview: regenerate the staging Markdown when data/ or content/ changes; MkDocs'
own server rebuilds and reloads the browser when the staging files change."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from .build import check, generate, mkdocs_overrides
from .settings import Project

POLL_SECONDS = 0.25


def _snapshot(folders: list[Path]) -> dict[str, tuple[int, int]]:
    state: dict[str, tuple[int, int]] = {}
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file():
                    stat = path.stat()
                    state[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return state


def regenerate(project: Project) -> bool:
    """Check and regenerate; on bad data keep serving the last good pages and say why."""
    started = time.perf_counter()
    index, report = check(project)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if index is None:
        print("data has errors: preview shows the last good version", file=sys.stderr)
        return False
    changed = generate(project, index)
    total = sum(len(files) for files in changed.values())
    print(f"regenerated: {total} file(s) changed in {time.perf_counter() - started:.2f} s", file=sys.stderr)
    return True


def _watch(project: Project, stop: threading.Event) -> None:
    folders = [project.data_dir, project.content_dir]
    before = _snapshot(folders)
    while not stop.wait(POLL_SECONDS):
        now = _snapshot(folders)
        if now != before:
            before = now
            regenerate(project)


def serve(project: Project, lang: str, port: int) -> int:
    from mkdocs.commands.serve import serve as mkdocs_serve

    index, report = check(project)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if index is None:
        return 1
    generate(project, index)
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(project, stop), daemon=True)
    watcher.start()
    try:
        mkdocs_serve(
            config_file=str(project.mkdocs_config),
            dev_addr=f"127.0.0.1:{port}",
            **mkdocs_overrides(project, index, lang),
        )
    finally:
        stop.set()
    return 0
