"""Live preview: regenerate the staging Markdown incrementally when data/ or content/ changes;
MkDocs rebuilds the pages that changed and reloads the browser.

MkDocs' own dirty build lists the whole staging folder, makes a page object for every file and
compares every page's timestamps before it skips it: at 10,000 studies, 6.5 s for one changed page.
The preview keeps what MkDocs' last build made instead (its files, navigation and template
environment, `Made`) and, while the settings stay the same, builds only the staging files the
refresh's writer reported changed, with MkDocs' own page functions. Anything else (a page added or
removed, a new sidebar, a saved mkdocs.yml) is a MkDocs build as before, and is kept in its turn.

The preview survives every mistake. A refresh that finds problems, or raises, keeps the last
good pages, prints why in the terminal, and shows the problems as a banner on every page until
a save fixes them. A page whose source is deleted disappears (a dirty build alone would keep it).
Data that is already broken at the start does not stop the preview: until the first good
version is built, every page is a placeholder with the same banner.

MkDocs reads the theme's templates from overrides/ and copies its other files into the site on
every rebuild, whatever started it: each build first runs `build.check_links`, and builds
nothing while a link leads out of the project.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator.model.errors import Problem, Report, one_line
from generator.model.i18n import ui
from generator.model.settings import Project
from generator.pipeline.build import check_links, published_folders
from generator.pipeline.incremental import IncrementalBuilder, RefreshResult
from generator.pipeline.mkdocs_run import HOOKS
from generator.tools.refresher import BuilderProcess, RefreshFailed, crash

POLL_SECONDS = 0.2
"""How often the sources are compared with the last look at them, where the system does not say
when a file changes."""
NOTIFIED_POLL_SECONDS = 2.0
"""The same where it does (inotify): the files a notification names are looked at when it comes,
and every file this often besides, for what no notification reports (a file saved through a link
to elsewhere in the project). A look at every file lists 18,500 of them at 10,000 studies in about
0.1 s: five times a second, half a core when idle."""
PAUSE_AFTER_REFRESH_SECONDS = 1.0
"""Where the system reports changes: how long after a refresh the look at every file waits."""
SETTLE_SECONDS = 0.03
"""How long the reports of a change must pause before the watcher looks (`Notifications.settle`)."""
SETTLE_AT_MOST_SECONDS = 0.5
"""How long the watcher waits for that pause at most (a file written on and on)."""
BUILD_WAIT_SECONDS = 60.0
"""How long a refresh waits, once its pages are written, for MkDocs to build them before it makes
the downloads anyway (a build that never comes must not hold them back for good)."""
WRITING_WAIT_SECONDS = 5.0
"""How long a build waits for a refresh to finish writing a batch of pages before it builds what
is there: the server answers no page while a build is due, and a refresh that re-renders every
page writes for minutes at 10,000 studies."""
MKDOCS_QUIET_SECONDS = 0.01
"""How long MkDocs' server waits for the files it watches to stop changing before it builds (its own
`build_delay`, 0.1 s). The quiet it waits for is ours to say: the refresh tells the preview when a
batch of pages is written, every file of it named before (`refresher.py`), and the build waits for
that (`Preview.build`). Its tenth of a second was in every edit's way to the screen."""
STOP_WAIT_SECONDS = 30.0
"""How long a stopped preview waits for a refresh under way (at 10,000 studies about 5 s) before it
ends the builder's process anyway."""
BANNER_LIMIT = 50
"""Problems listed in the browser; the terminal has all of them."""
StartResponse = Callable[..., Callable[[bytes], object]]
"""WSGI's start_response: it returns the (legacy) write callable."""
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def regenerate(project: Project, builder: IncrementalBuilder | None = None) -> bool:
    """Check and regenerate; on bad data keep serving the last good pages and say why."""
    return _announce((builder or IncrementalBuilder(project)).refresh())


def _announce(result: RefreshResult, shown: str = "the last good version") -> bool:
    for problem in result.report.problems:
        print(problem, file=sys.stderr)
    if not result.ok:
        print(f"data has errors: the preview shows {shown}", file=sys.stderr)
        return False
    print(
        f"regenerated: {result.rendered} page(s) rendered, {len(result.written)} file(s) written in {result.seconds:.2f} s"
        f" (the pages after {result.pages_seconds:.2f} s)",
        file=sys.stderr,
    )
    return True


def render_banner(problems: Iterable[Problem], lang: str, *, built: bool = True) -> Markup:
    """The problems as an HTML banner fixed to the bottom of the window. Every piece of text is
    escaped: messages quote what editors wrote. `built`: a good version is shown under it (the
    text says so); otherwise the page is the placeholder of `render_placeholder`."""
    problems = list(problems)
    items = Markup("").join(
        Markup("<li><code>{}</code> {}{}</li>").format(
            one_line(str(p.location)),
            Markup("<code>{}</code>: ").format(one_line(p.field_path)) if p.field_path else "",
            one_line(p.message),
        )
        for p in problems[:BANNER_LIMIT]
    )
    more = ""
    if len(problems) > BANNER_LIMIT:
        more = Markup("<p>{}</p>").format(ui("preview_problems_more", lang).format(n=len(problems) - BANNER_LIMIT))
    return Markup(
        '<div id="kb-preview-problems" role="alert" style="position:fixed;left:0;right:0;bottom:0;z-index:10000;'
        "max-height:50vh;overflow:auto;margin:0;padding:.75rem 1.25rem;background:#fdecea;color:#5f2120;"
        'border-top:.25rem solid #b3261e;font:.8rem/1.5 system-ui,sans-serif">'
        '<p style="margin:0"><strong>{}</strong> {}</p><ul style="margin:.25rem 0 0;padding-left:1.25rem">{}</ul>{}</div>'
    ).format(
        ui("preview_problems", lang),
        ui("preview_problems_text" if built else "preview_problems_first_text", lang),
        items,
        more,
    )


def render_placeholder(lang: str) -> Markup:
    """The page shown for every address until the first good version is built; the banner
    with the problems is added to it like to any page."""
    return Markup(
        '<!doctype html>\n<html lang="{}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>{}</title></head>'
        '<body style="margin:2rem;font:1rem/1.5 system-ui,sans-serif"><main><h1>{}</h1><p>{}</p></main></body></html>\n'
    ).format(lang, ui("preview_nothing_yet", lang), ui("preview_nothing_yet", lang), ui("preview_nothing_yet_text", lang))


BODY = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)
LIVERELOAD = "/livereload/"
"""MkDocs' server answers the browser's "reload yet?" polls under this path."""


def is_page_request(path: str) -> bool:
    """A request for a page (`/`, `/x/`, `/x.html`, `/x`), not for a stylesheet, an image or a poll."""
    last = path.rsplit("/", 1)[-1]
    return not path.startswith(LIVERELOAD) and (last == "" or last.endswith(".html") or "." not in last)


def insert_banner(page: bytes, banner: bytes) -> bytes:
    body = BODY.search(page)
    at = body.end() if body else 0
    return page[:at] + banner + page[at:]


@dataclass
class Made:
    """What MkDocs made in its last build of the preview, kept so that a file the refresh changed
    since is built again alone. Our builds' hooks (`mkdocs_run.HOOKS`) drop each page's Markdown
    and HTML once it is written, in these builds too (21,000 pages a language at 10,000 studies);
    the titles and tables of contents stay, as MkDocs keeps them."""

    config: Any
    files: Any
    nav: Any
    env: Any
    settings: tuple[int, int]
    """mkdocs.yml's timestamp and size: a changed mkdocs.yml is a MkDocs build."""

    @property
    def doc_files(self) -> list[Any]:
        from mkdocs.structure.files import InclusionLevel

        return list(self.files.documentation_pages(inclusion=InclusionLevel.is_in_serve))

    def build_changed(self, changed: set[str]) -> list[str] | None:
        """Build the pages among `changed` (staging paths) with MkDocs' own page functions, and copy
        the other files, without listing the folder or making the navigation again. None, and
        nothing built, when a path is not one the last build knew or is gone: MkDocs builds then.
        A warning fails as in MkDocs' strict build."""
        import logging

        from mkdocs import utils
        from mkdocs.commands.build import _build_page, _populate_page
        from mkdocs.exceptions import Abort

        files = [self.files.get_file_from_path(doc) for doc in sorted(changed)]
        if any(file is None or not os.path.isfile(file.abs_src_path) for file in files):
            return None
        pages = [file for file in files if file.page is not None]
        config = self.config
        warnings = utils.CountHandler()
        warnings.setLevel(logging.WARNING)
        logger = logging.getLogger("mkdocs")
        logger.addHandler(warnings)
        try:
            for file in files:
                if file.page is None:
                    file.copy_file(dirty=True)
            for file in pages:
                _populate_page(file.page, config, self.files)
            doc_files = self.doc_files
            for file in pages:
                _build_page(file.page, config, doc_files, self.nav, self.env, excluded=file.inclusion.is_excluded())
            for file in pages:
                file.page.validate_anchor_links(files=self.files, log_level=config.validation.links.anchors)
        finally:
            logger.removeHandler(warnings)
        if config.strict and (counts := warnings.get_counts()):
            raise Abort(f"Aborted with {', '.join(f'{n} {level.lower()}s' for level, n in counts)} in strict mode!")
        return [file.src_uri for file in pages]


class _Recorder:
    """A plugin of the preview's own MkDocs builds: it keeps the files, navigation and environment
    the build made (`Made`)."""

    def __init__(self) -> None:
        self.files: Any = None
        self.nav: Any = None
        self.env: Any = None

    def on_nav(self, nav: Any, *, config: Any, files: Any) -> Any:
        self.nav = nav
        return nav

    def on_env(self, env: Any, *, config: Any, files: Any) -> Any:
        self.env, self.files = env, files
        return env


RECORDER = "kb-preview-recorder"


class Preview:
    """One preview session: the incremental builder, MkDocs' builds into a private site folder,
    and the problems the browser is shown."""

    def __init__(self, project: Project, lang: str, port: int, workdir: Path) -> None:
        self.project = project
        self.lang = lang
        self.serve_url = f"http://127.0.0.1:{port}/"
        self.site_dir = workdir / "site"
        self.signal = workdir / "status.txt"
        """Rewritten when what the browser shows changes without a page changing (problems found
        or fixed, a new sidebar): MkDocs' server watches it, rebuilds and reloads the browser."""
        self.signal.write_text("", encoding="utf-8")
        self.builder = self._incremental_builder()
        self.problems: tuple[Problem, ...] = ()
        """Errors of the last regeneration (data, citations, or an exception)."""
        self.build_problems: tuple[Problem, ...] = ()
        """Why the last MkDocs build did not run (a link out of the project) or failed (an exception)."""
        self.overrides: dict[str, Any] | None = None
        """MkDocs' settings from the last good index (the sidebar lists content pages and publications)."""
        self._built_with: dict[str, Any] | None = None
        self._built_docs: set[str] = set()
        self.made: Made | None = None
        """What the last MkDocs build made, while its settings and pages are those of the staging folder."""
        self._staged: set[str] = set()
        """The files of the language served that refreshes changed since the last build began."""
        self._staged_lock = threading.Lock()
        self._signals = 0
        # MkDocs builds in the server's thread and the refresh runs in the watcher's, in one
        # process, so they take turns: a build waits while a refresh is writing pages of the
        # language served (it would build the first page written, and hold the interpreter's lock
        # while the rest are made), and a refresh waits, once a batch of them is written, until a
        # build has taken them (the rest of its pages and the downloads, at 10,000 studies seconds
        # of Python, would hold the lock while MkDocs builds the page the editor is waiting for).
        self._turns = threading.Condition()
        self._writing = False
        """A refresh is writing pages of the language served: a build waits (`_build_waits`)."""
        self._batches = 0
        """Batches of pages of the language served that refreshes have written."""
        self._batches_built = 0
        self._stopping = False
        """Set once the preview stops: a refresh under way no longer waits for MkDocs, whose server is gone."""
        """The batches a finished build had been told of when it began."""

    def _incremental_builder(self) -> BuilderProcess:
        return BuilderProcess(self.project, self.lang, self._staged_change)

    def stop_waiting(self) -> None:
        """The server has stopped: a refresh under way goes on without waiting for builds that will not come."""
        with self._turns:
            self._stopping = True
            self._turns.notify_all()

    def close(self) -> None:
        """Stop the builder's process."""
        self.builder.close()

    def _staged_change(self, lang: str, doc: str) -> None:
        """Told by the refresh's writer of every file it changes, as it does (`BuilderProcess`)."""
        if lang == self.lang:
            with self._staged_lock:
                self._staged.add(doc)

    def _settings_stamp(self) -> tuple[int, int]:
        stat = self.project.mkdocs_config.stat()
        return (stat.st_mtime_ns, stat.st_size)

    @property
    def built(self) -> bool:
        """Whether a good version has been built: until then every page is the placeholder."""
        return self._built_with is not None

    def regenerate(self, changed_files: Iterable[str] | None = None) -> bool:
        """Refresh the staging docs. Never raises: whatever goes wrong is printed and shown.
        `changed_files`: what the watcher saw change since the last refresh (`IncrementalBuilder.refresh`)."""
        overrides = self.overrides
        shown = "the last good version" if self.built else "the problems until they are fixed"
        self._set_writing(True)
        try:
            result = self.builder.refresh(self._pages_written, first=self.lang, changed_files=changed_files)
            ok = _announce(result, shown)
            problems = () if ok else tuple(result.report.errors())
            if ok:
                assert self.builder.overrides is not None
                overrides = {**self.builder.overrides, "site_url": self.serve_url}  # at the root, whatever the public base path
        except Exception as exc:  # the preview must outlive any bug: show it, keep watching
            if isinstance(exc, RefreshFailed):  # raised in the builder's process, which is started afresh
                print(exc, file=sys.stderr)
            else:
                traceback.print_exc()
            print(f"regeneration failed: the preview shows {shown}", file=sys.stderr)
            ok, problems = False, (exc.problem if isinstance(exc, RefreshFailed) else crash(exc, "regeneration"),)
            self.builder.close()
            self.builder = self._incremental_builder()  # its state may be half-updated: start afresh
        finally:
            self._set_writing(False)
        # A build that did not run or failed is retried on the next change, or its problems would stay.
        # A file the builder's process changed that no build has taken yet is built too: MkDocs'
        # server may have seen it, and built, before the process's word of it came (the word
        # follows the write within milliseconds, the build a tenth of a second of quiet later).
        with self._staged_lock:
            unbuilt = bool(self._staged)
        if problems != self.problems or overrides != self.overrides or self.build_problems or unbuilt:
            self.problems, self.overrides = problems, overrides
            self._signals += 1
            self.signal.write_text(f"{self._signals}\n" + "".join(f"{p}\n" for p in problems), encoding="utf-8")
        return ok

    def _set_writing(self, writing: bool) -> None:
        with self._turns:
            self._writing = writing
            self._turns.notify_all()

    def _pages_written(self, lang: str, changed: int, more: bool) -> None:
        """Once a refresh has written a batch of pages of the language served (the edited files'
        own pages, then the rest; before the other language's and the downloads): when some
        changed and a good version is up, wait until MkDocs has built them (its server sees the
        changed files itself) before the refresh goes on. A build waits for the next batch when
        `more` follow; the downloads are built as they come."""
        if lang != self.lang:
            return
        with self._turns:
            self._batches += 1
            batch = self._batches
            self._writing = False
            self._turns.notify_all()
            if (
                changed
                and self.built
                and not self._turns.wait_for(lambda: self._batches_built >= batch or self._stopping, BUILD_WAIT_SECONDS)
            ):
                print(f"MkDocs did not build within {BUILD_WAIT_SECONDS:.0f} s: the refresh goes on", file=sys.stderr)
            self._writing = more

    def build(self) -> None:
        """One build, called by the server whenever the staging docs or the signal change: the
        files the refreshes changed since the last build, built alone (`Made.build_changed`); a
        MkDocs build when there is nothing to build on, when a page was added or removed (dirty)
        or when the settings changed (whole: a new sidebar is on every page). Nothing is built
        through a link out of the project, nor before the data was good once. While a refresh
        writes pages of the language served, the build waits for it to finish the batch."""
        with self._turns:
            self._turns.wait_for(lambda: not self._writing, WRITING_WAIT_SECONDS)
            batches = self._batches
        try:
            self._build()
        finally:
            with self._turns:
                self._batches_built = max(self._batches_built, batches)
                self._turns.notify_all()

    def _build(self) -> None:
        # MkDocs reads overrides/ on every build, however it was started (mkdocs.yml saved, a
        # signal): the links are checked right here, not only when the data was last refreshed.
        links = Report()
        check_links(self.project, links)
        if links.failed():
            self.build_problems = tuple(links.errors())
            for problem in self.build_problems:
                print(problem, file=sys.stderr)
            print("site not built: a symbolic link above leads where the site may not read", file=sys.stderr)
            self._placeholder_until_built()
            return
        overrides = self.overrides
        if overrides is None:  # the data has not been good yet: nothing to build from
            self.build_problems = ()
            self._placeholder_until_built()
            return
        with self._staged_lock:
            changed, self._staged = self._staged, set()
        full = overrides != self._built_with
        try:
            if not full and self.made is not None and self.made.settings == self._settings_stamp():
                started = time.perf_counter()
                built = self.made.build_changed(changed)
                if built is not None:
                    print(f"built {len(built)} changed page(s) in {time.perf_counter() - started:.2f} s", file=sys.stderr)
                    self.build_problems = ()
                    return
            self.made = None  # a build that fails halfway leaves nothing to build on
            docs = _files_under(Path(overrides["docs_dir"]))
            self.made = self._mkdocs_build(overrides, docs, full)
        except Exception as exc:  # shown in the browser; MkDocs' server would stop reloading
            traceback.print_exc()
            self.made = None
            self.build_problems = (crash(exc, "site build"),)
            self._placeholder_until_built()
            return
        self._built_with, self._built_docs, self.build_problems = overrides, docs, ()

    def _mkdocs_build(self, overrides: dict[str, Any], docs: set[str], full: bool) -> Made:
        """MkDocs' own build: whole when the settings changed, else dirty (only changed pages);
        what it made is kept for the next change."""
        from mkdocs.commands import build
        from mkdocs.config import load_config

        # Our builds' hooks (mkdocs_run.HOOKS): a page's HTML held compressed between MkDocs' two
        # passes. At 10,000 studies the preview's first build held 21,000 pages' HTML (2.1 GB).
        hooks = [*overrides.get("hooks", []), str(HOOKS)]
        config = load_config(
            config_file=str(self.project.mkdocs_config), site_dir=str(self.site_dir), **{**overrides, "hooks": hooks}
        )
        config.site_url = self.serve_url
        recorder = _Recorder()
        config.plugins[RECORDER] = recorder  # type: ignore[assignment]  # any object with on_* methods
        build.build(config, serve_url=self.serve_url, dirty=not full)
        if not full:
            self._remove_pages(self._built_docs - docs, config)
        return Made(config, recorder.files, recorder.nav, recorder.env, self._settings_stamp())

    def _placeholder_until_built(self) -> None:
        """Until a good version is built, the site is the placeholder page alone (`with_banner`
        serves it for every page's address, so MkDocs' server adds its reload script)."""
        if self.built:
            return
        self.site_dir.mkdir(parents=True, exist_ok=True)
        (self.site_dir / "index.html").write_text(str(render_placeholder(self.lang)), encoding="utf-8")

    def _remove_pages(self, gone: set[str], config: Any) -> None:
        """Delete what MkDocs made from docs that no longer exist; a dirty build keeps it."""
        from mkdocs.structure.files import File

        site = Path(config.site_dir)
        for doc in gone:
            output = Path(File(doc, config.docs_dir, config.site_dir, config.use_directory_urls).abs_dest_path)
            output.unlink(missing_ok=True)
            for folder in output.parents:
                if folder == site or not folder.is_relative_to(site) or any(folder.iterdir()):
                    break
                folder.rmdir()
            print(f"removed from the preview: {output.relative_to(site).as_posix()}", file=sys.stderr)

    def banner(self) -> bytes:
        problems = tuple(dict.fromkeys(self.problems + self.build_problems))  # a link out is found by both
        return str(render_banner(problems, self.lang, built=self.built)).encode("utf-8") if problems else b""

    def error_page(self, code: int) -> bytes | None:
        """MkDocs' own 404 page, as `mkdocs serve` shows it."""
        page = self.site_dir / f"{code}.html"
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    def with_banner(self, app: WsgiApp) -> WsgiApp:
        """Wrap the server's WSGI app: every HTML response gets the banner while there are problems.
        Done per request, so pages MkDocs did not rebuild show it too, and it goes when fixed.
        Until a good version is built, every page's address is answered with the placeholder."""

        def preview_app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
            if not self.built and is_page_request(environ.get("PATH_INFO", "")):
                environ = {**environ, "PATH_INFO": "/"}  # the placeholder, as MkDocs serves it: it reloads
            banner = self.banner()
            if not banner:
                return app(environ, start_response)
            held: list[tuple[str, list[tuple[str, str]]]] = []

            def hold(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
                if any(k.lower() == "content-type" and v.startswith("text/html") for k, v in headers):
                    held.append((status, headers))
                    return _no_write
                return start_response(status, headers, exc_info)

            body = app(environ, hold)
            if not held:
                return body
            try:
                page = insert_banner(b"".join(body), banner)
            finally:
                if hasattr(body, "close"):
                    body.close()
            status, headers = held[0]
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(len(page)))]
            start_response(status, headers)
            return [page]

        return preview_app


def _no_write(data: bytes) -> object:
    raise RuntimeError("the preview buffers HTML responses; write() is not supported")


def _files_under(folder: Path) -> set[str]:
    found: set[str] = set()
    for directory, _, names in os.walk(folder):
        found.update((Path(directory) / name).relative_to(folder).as_posix() for name in names)
    return found


Stamp = tuple[int, int, int, int]


def _stamp(path: str) -> Stamp | None:
    """The entry itself (a link's own change) and what it leads to (a file saved through a link);
    a link that leads nowhere still counts."""
    try:
        own = os.lstat(path)
    except OSError:  # saved by renaming, or deleted, while we looked: the next poll sees it
        return None
    try:
        target = os.stat(path)
    except OSError:
        return (own.st_mtime_ns, own.st_size, -1, -1)
    return (own.st_mtime_ns, own.st_size, target.st_mtime_ns, target.st_size)


def _snapshot(folders: list[Path]) -> dict[str, Stamp]:
    state: dict[str, Stamp] = {}
    for folder in folders:
        for directory, subfolders, names in os.walk(folder):
            # os.walk lists a link to a folder among the folders and does not enter it: a link
            # added or changed is a change all the same (check_links judges where it leads).
            links = [name for name in subfolders if os.path.islink(os.path.join(directory, name))]
            for name in names + links:
                path = os.path.join(directory, name)
                stamp = _stamp(path)
                if stamp is not None:
                    state[path] = stamp
    return state


def watched_sources(project: Project) -> list[Path]:
    """data/ and every folder the site is made from (`build.published_folders`): a link out of the
    project added to any of them while serving is reported at once."""
    return [project.data_dir, *(folder for folder, _ in published_folders(project))]


class Notifications:
    """What the system reported changing under the watched folders since the watcher last looked:
    the files it named, or, after a report about a whole folder (created, deleted or moved: what
    is under it is not reported file by file), everything. `wake` is set on every report."""

    NOT_CHANGES = frozenset({"opened", "closed_no_write"})
    """Reports of a file read (each refresh reads the files it parses): nothing changed."""

    def __init__(self) -> None:
        self.wake = threading.Event()
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._everything = False

    def report(self, event: Any) -> None:
        """One watchdog event (`FileSystemEvent`)."""
        if event.event_type in self.NOT_CHANGES:
            return
        with self._lock:
            if event.is_directory:
                # A folder's own "modified" comes with a file of it created or deleted, which is
                # reported itself; anything else done to a folder moves what is under it.
                self._everything |= event.event_type != "modified"
            else:
                self._paths.update(os.fsdecode(path) for path in (event.src_path, event.dest_path) if path)
        self.wake.set()

    def settle(self) -> None:
        """Wait until the reports pause for `SETTLE_SECONDS` (at most `SETTLE_AT_MOST_SECONDS`): a
        save is several (the file emptied, written, closed), and a look between them reads a stamp
        the next changes again, which costs a whole second refresh (at 10,000 studies 4 s, during
        which the next edit waits: measured, an edit on the screen after 5.1 s)."""
        until = time.monotonic() + SETTLE_AT_MOST_SECONDS
        while True:
            self.wake.clear()
            if not self.wake.wait(min(SETTLE_SECONDS, max(0.0, until - time.monotonic()))) or time.monotonic() >= until:
                return

    def take(self) -> set[str] | None:
        """The files reported since the last `take`; None when a report was about a whole folder."""
        with self._lock:
            paths, everything = self._paths, self._everything
            self._paths, self._everything = set(), False
        return None if everything else paths


def _watch(preview: Preview, stop: threading.Event, before: dict[str, Stamp], notified: Notifications | None = None) -> None:
    """Regenerate whenever the sources differ from `before`, taken before the last regeneration
    began, so that a save made while it ran is not missed. `notified`: what the system reports
    (`notify_changes`). The files a report names are looked at when it comes (at 10,000 studies a
    look at every file lists 18,500 of them: 0.15 s between a save and its refresh), and every file
    at least every `NOTIFIED_POLL_SECONDS`, for what no report names (a file saved through a link to
    elsewhere in the project), after the named files' refresh, `PAUSE_AFTER_REFRESH_SECONDS` after
    any refresh and unless another report waits: a refresh takes seconds at that size, and the
    look at every file that fell due meanwhile must not hold up the next edit (while reports keep
    coming, it waits for a pause).
    Without reports, every file is looked at every `POLL_SECONDS`."""
    folders = watched_sources(preview.project)
    looked_at_all = refreshed = time.monotonic()

    def look(now: dict[str, Stamp]) -> None:
        nonlocal before, refreshed
        if now != before:
            changed = {path for path in now.keys() | before.keys() if now.get(path) != before.get(path)}
            before = now
            preview.regenerate(changed)
            refreshed = time.monotonic()

    def next_look_at_all() -> float:
        # Due every NOTIFIED_POLL_SECONDS, and not before a pause after a refresh: an editor who
        # waited for the page saves again then, and the look (0.15 s at 10,000 studies) would hold it.
        return max(looked_at_all + NOTIFIED_POLL_SECONDS, refreshed + PAUSE_AFTER_REFRESH_SECONDS)

    while not stop.is_set():
        reported: set[str] | None = None
        if notified is None:
            stop.wait(POLL_SECONDS)
        else:
            if notified.wake.wait(max(0.0, next_look_at_all() - time.monotonic())):
                notified.settle()
            notified.wake.clear()  # a report after this is for a change the looks below may miss
            reported = notified.take()
        if stop.is_set():
            break
        try:
            if reported:
                look(_restamped(before, reported))
            due = time.monotonic() >= next_look_at_all()
            if reported is None or (due and not (notified is not None and notified.wake.is_set())):
                look(_snapshot(folders))
                looked_at_all = time.monotonic()
        except Exception:  # never stop watching
            traceback.print_exc()


def _restamped(before: dict[str, Stamp], paths: set[str]) -> dict[str, Stamp]:
    """`before` with the stamps of `paths` read again (a path gone is left out)."""
    now = dict(before)
    for path in paths:
        stamp = _stamp(path)
        if stamp is None:
            now.pop(path, None)
        else:
            now[path] = stamp
    return now


def notify_changes(folders: list[Path], notified: Notifications) -> Any:
    """Report to `notified` whatever the system reports changing under `folders` (inotify on
    Linux); the started watchdog observer, or None where the system cannot (the watcher then polls)."""
    import watchdog.events
    import watchdog.observers

    handler = watchdog.events.FileSystemEventHandler()
    handler.on_any_event = notified.report  # type: ignore[method-assign]
    observer = watchdog.observers.Observer()
    try:
        for folder in folders:
            if folder.is_dir():
                observer.schedule(handler, str(folder), recursive=True)
        observer.start()
    except OSError as error:  # no notifications (a limit on watches reached, a file system without them)
        print(f"no file notifications ({error}): the preview looks for changes every {POLL_SECONDS} s", file=sys.stderr)
        return None
    return observer


def serve(project: Project, lang: str, port: int) -> int:
    import watchdog.observers
    from mkdocs.livereload import LiveReloadServer

    _stop_on_terminate()
    workdir = Path(tempfile.mkdtemp(prefix="kb-preview-"))
    preview: Preview | None = None
    stop, notified = threading.Event(), Notifications()
    watcher: threading.Thread | None = None
    try:
        preview = Preview(project, lang, port, workdir)
        started = time.perf_counter()
        folders = watched_sources(project)
        sources = _snapshot(folders)
        # Broken data at the start serves the problems (a placeholder page) until they are fixed.
        preview.regenerate()
        notifier = notify_changes(folders, notified)
        server = LiveReloadServer(builder=preview.build, host="127.0.0.1", port=port, root=str(preview.site_dir))
        server.build_delay = MKDOCS_QUIET_SECONDS
        if notifier is not None:
            # MkDocs' server polls what it watches (every 0.5 s it lists the staging folder: 30,000
            # files a language at 10,000 studies, a third of a second of Python each time, beside
            # the build). The system's notifications tell it instead, where they work.
            server.observer = watchdog.observers.Observer()  # type: ignore[assignment]  # typed as the polling one
        server.set_app(preview.with_banner(server.serve_request))
        server.error_handler = preview.error_page
        preview.build()
        watching = ", ".join(
            f"{folder.relative_to(project.root).as_posix()}/" for folder in folders if folder.is_relative_to(project.root)
        )
        print(
            f"{'built' if preview.built else 'not built'} in {time.perf_counter() - started:.1f} s; watching {watching}",
            file=sys.stderr,
        )
        project.staging_docs(lang).mkdir(parents=True, exist_ok=True)  # not yet written when the data is broken
        for watched in (project.staging_docs(lang), project.mkdocs_config, preview.signal):
            server.watch(str(watched))
        watched_by = (preview, stop, sources, notified if notifier is not None else None)
        watcher = threading.Thread(target=_watch, args=watched_by, daemon=True, name="preview-watcher")
        watcher.start()
        print(f"preview at {preview.serve_url} (Ctrl+C stops it)", file=sys.stderr)
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            if notifier is not None:
                notifier.stop()
            server.shutdown()
    except KeyboardInterrupt:  # stopped while it was starting
        pass
    finally:
        stop.set()
        notified.wake.set()
        if preview is not None:
            preview.stop_waiting()
        if watcher is not None:
            # A refresh under way ends before its builder does: closed under it, the refresh would
            # fail and the watcher start another builder on the way out.
            watcher.join(timeout=STOP_WAIT_SECONDS)
        if preview is not None:
            preview.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _stop_on_terminate() -> None:
    """A termination signal (a process manager, a test, `kill`) stops the preview as Ctrl+C does:
    its builder process is ended and its working folder (a copy of the site) removed, where the
    default action would end the process on the spot and leave them behind."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)
