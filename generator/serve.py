"""Live preview: regenerate the staging Markdown incrementally when data/ or content/
changes; MkDocs' own server rebuilds (dirty: only changed pages) and reloads the browser."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

from .build import check, mkdocs_overrides
from .incremental import IncrementalBuilder
from .settings import Project

POLL_SECONDS = 0.2


def _snapshot(folders: list[Path]) -> dict[str, tuple[int, int]]:
    state: dict[str, tuple[int, int]] = {}
    for folder in folders:
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file():
                    stat = path.stat()
                    state[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return state


def regenerate(project: Project, builder: IncrementalBuilder | None = None) -> bool:
    """Check and regenerate; on bad data keep serving the last good pages and say why."""
    builder = builder or IncrementalBuilder(project)
    result = builder.refresh()
    for problem in result.report.problems:
        print(problem, file=sys.stderr)
    if not result.ok:
        print("data has errors: the preview shows the last good version", file=sys.stderr)
        return False
    print(
        f"regenerated: {result.rendered} page(s) rendered, {len(result.written)} file(s) written in {result.seconds:.2f} s",
        file=sys.stderr,
    )
    return True


def _watch(project: Project, builder: IncrementalBuilder, stop: threading.Event) -> None:
    folders = [project.data_dir, project.content_dir]
    before = _snapshot(folders)
    while not stop.wait(POLL_SECONDS):
        now = _snapshot(folders)
        if now != before:
            before = now
            regenerate(project, builder)


def serve(project: Project, lang: str, port: int) -> int:
    from mkdocs.commands.serve import serve as mkdocs_serve

    index, report = check(project)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if index is None:
        return 1
    builder = IncrementalBuilder(project)
    started = time.perf_counter()
    builder.refresh()
    print(f"generated in {time.perf_counter() - started:.1f} s; watching data/ and content/", file=sys.stderr)
    stop = threading.Event()
    watcher = threading.Thread(target=_watch, args=(project, builder, stop), daemon=True)
    watcher.start()
    overrides = mkdocs_overrides(project, index, lang)
    overrides["site_url"] = f"http://127.0.0.1:{port}/"  # preview at the root, whatever the public base path
    try:
        mkdocs_serve(
            config_file=str(project.mkdocs_config),
            dev_addr=f"127.0.0.1:{port}",
            build_type="dirty",
            **overrides,
        )
    finally:
        stop.set()
    return 0
