"""The live preview's refreshes, in a process of their own.

The preview's process serves pages and has MkDocs build them; the incremental builder (its index,
its cache of every data file, the recorded reads of every page) lives in a child process that does
nothing else. At 10,000 studies one process holding both peaked at 1.38 GB; apart, each stays under
1 GB (README, issue 16's memory row). It also spares the server the interpreter lock while a
refresh makes the other language's pages and the downloads.

The two talk over a pipe, in order: the child tells of every staging file its writer changes as
it changes it (`IncrementalBuilder.on_change`), of every batch of pages written (and then waits
for the preview's go-ahead, which comes once MkDocs has built them: `Preview._pages_written`),
and ends each refresh with its result and, when the data was good, the MkDocs settings of the
served language (`build.mkdocs_overrides`, which reads the index).
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from generator.model.errors import Location, Problem
from generator.model.settings import Project
from generator.pipeline.build import mkdocs_overrides
from generator.pipeline.incremental import IncrementalBuilder, PagesWritten, RefreshResult

GENERATOR = Path(__file__).resolve().parent.parent


def crash(exc: BaseException, stage: str) -> Problem:
    """An exception as a problem the banner can show: where in the generator it was raised, and what."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if Path(f.filename).resolve().is_relative_to(GENERATOR)] or frames
    if not ours:
        return Problem(Location(stage), "", f"{stage} failed: {type(exc).__name__}: {exc}")
    frame = ours[-1]
    path = Path(frame.filename).resolve()
    shown = path.relative_to(GENERATOR.parent).as_posix() if path.is_relative_to(GENERATOR) else path.as_posix()
    column = (frame.colno or 0) + 1
    return Problem(Location(shown, frame.lineno or 1, column), "", f"{stage} failed: {type(exc).__name__}: {exc}")


class RefreshFailed(RuntimeError):
    """A refresh raised in the builder's process: what the banner shows, and the traceback."""

    def __init__(self, problem: Problem, text: str) -> None:
        super().__init__(text)
        self.problem = problem


class BuilderProcess:
    """`IncrementalBuilder.refresh` for the preview, run by a child process (started on first use;
    started afresh after it failed or died, since its state may be half-updated)."""

    def __init__(self, project: Project, lang: str, on_change: Callable[[str, str], None]) -> None:
        self.project = project
        self.lang = lang
        self.on_change = on_change
        """Told (language, staging path) of every file a refresh writes anew or removes, as it does."""
        self.overrides: dict[str, Any] | None = None
        """The MkDocs settings of `lang` from the last refresh whose data was good."""
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None

    def _connection(self) -> Connection:
        if self._conn is None or self._process is None or not self._process.is_alive():
            self.close()
            # A fresh interpreter: the preview's process runs threads (the server, the watcher,
            # the notifications), which a fork would copy mid-step.
            context = multiprocessing.get_context("spawn")
            ours, theirs = context.Pipe()
            self._process = context.Process(
                target=_serve_refreshes, args=(theirs, str(self.project.root), self.lang), daemon=True, name="preview-builder"
            )
            self._process.start()
            theirs.close()
            self._conn = ours
        return self._conn

    def refresh(
        self, pages_written: PagesWritten | None = None, first: str | None = None, changed_files: Iterable[str] | None = None
    ) -> RefreshResult:
        conn = self._connection()
        try:
            conn.send((first, None if changed_files is None else sorted(changed_files), pages_written is not None))
            while True:
                message = conn.recv()
                if message[0] == "changed":
                    self.on_change(message[1], message[2])
                elif message[0] == "pages":
                    if pages_written is not None:
                        pages_written(message[1], message[2], message[3])
                    conn.send("go on")
                elif message[0] == "done":
                    result: RefreshResult = message[1]
                    if result.ok:
                        self.overrides = message[2]
                    return result
                else:  # "failed": the builder's state may be half-updated
                    self.close()
                    raise RefreshFailed(message[1], message[2])
        except (EOFError, OSError) as error:  # the process died (killed, out of memory)
            self.close()
            raise RefreshFailed(crash(error, "regeneration"), f"the builder's process stopped: {error}") from error

    def close(self) -> None:
        """End the process. Safe to call again, and from another thread while a refresh fails: each
        caller takes the process and its pipe before it ends them, so only one does."""
        conn, process = self._conn, self._process
        self._process, self._conn = None, None
        if conn is not None:
            conn.close()
        if process is not None:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()


def _serve_refreshes(conn: Connection, root: str, lang: str) -> None:
    """The child: one refresh per request, until the preview closes the pipe."""
    project = Project(Path(root))

    def changed(language: str, doc: str) -> None:
        conn.send(("changed", language, doc))

    def pages_written(language: str, count: int, more: bool) -> None:
        conn.send(("pages", language, count, more))
        conn.recv()  # the go-ahead: MkDocs has built them (or was not waited for)

    builder = IncrementalBuilder(project, on_change=changed)
    while True:
        try:
            first, changed_files, told = conn.recv()
        except EOFError:
            return
        try:
            result = builder.refresh(pages_written if told else None, first=first, changed_files=changed_files)
            overrides = mkdocs_overrides(project, builder.index, lang) if result.ok and builder.index is not None else None
            conn.send(("done", result, overrides))
        except Exception as exc:
            conn.send(("failed", crash(exc, "regeneration"), traceback.format_exc()))
            return
