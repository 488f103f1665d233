"""`make serve` as an editor uses it: edit a file, the served page changes; make a mistake, the
browser says where, the preview keeps running, and the mistake's banner goes when it is fixed."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.model.errors import Location, Problem
from generator.model.i18n import ui
from generator.model.settings import Project
from generator.pipeline.mkdocs_run import HOOKS
from generator.pipeline.write import StagingWriter
from generator.present import urls
from generator.tools import serve as serve_module
from generator.tools.serve import Made, Preview, render_banner

from .conftest import write

pytestmark = pytest.mark.tool  # runs a tool end to end: not in make test-fast

REPO = Path(__file__).resolve().parent.parent
BANNER = 'id="kb-preview-problems"'
STARTUP_SECONDS = 90
CHANGE_SECONDS = 45
SECRET = "SECRET-OUTSIDE-THE-PROJECT-51c9"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str] | None:
    """(status, body), also for 404; None while the server does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except OSError:
        return None


def _wait_until(
    url: str, wanted: Callable[[int, str], bool], seconds: float, server: subprocess.Popen[bytes] | None = None
) -> str:
    """Poll the page until `wanted(status, html)` holds; fail with the last answer otherwise, or
    as soon as the `server` process has stopped."""
    deadline = time.monotonic() + seconds
    last: tuple[int, str] | None = None
    while time.monotonic() < deadline:
        assert server is None or server.poll() is None, f"the preview stopped (exit code {server.returncode})"
        last = _get(url)
        if last is not None and wanted(*last):
            return last[1]
        time.sleep(0.1)
    raise AssertionError(f"{url} never became as expected; last answer: {last and (last[0], last[1][-3000:])}")


def _shows(text: str) -> Callable[[int, str], bool]:
    return lambda status, html: status == 200 and text in html


def _banner_with(*texts: str) -> Callable[[int, str], bool]:
    return lambda status, html: BANNER in html and all(t in html for t in texts)


def _no_banner(status: int, html: str) -> bool:
    return status == 200 and BANNER not in html


@contextmanager
def _serving(project: Project, lang: str = "nb") -> Iterator[str]:
    port = _free_port()
    scratch = project.root.parent / "preview-tmp"  # where the preview makes its working folder
    scratch.mkdir()
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "TMPDIR": str(scratch)}
    log = project.root.parent / "preview.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "--root", str(project.root), "serve", "--port", str(port), "--lang", lang],
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}/"
        _wait_until(base, lambda status, html: status == 200, STARTUP_SECONDS, server)
        yield base
        assert server.poll() is None, "the preview stopped"
    finally:
        server.terminate()
        server.wait(timeout=30)
    # Stopped as a process manager stops it, the preview ends well and takes its working folder along.
    said = log.read_text(encoding="utf-8", errors="replace")[-3000:]
    assert server.returncode == 0, f"the preview ended with exit code {server.returncode} when told to stop:\n{said}"
    assert list(scratch.iterdir()) == [], "the preview left its working folder behind"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_edit_shows_in_the_live_preview(fixture_project: Project) -> None:
    with _serving(fixture_project) as base:
        url = base + "publications/demo-2025/findings/"
        _wait_until(url, _shows("Forebygging"), CHANGE_SECONDS)
        _edit(fixture_project.data_dir / "themes" / "tema-a.yaml", "Forebygging", "Forebygging i skolen")
        _wait_until(url, _shows("Forebygging i skolen"), CHANGE_SECONDS)


def test_stopped_right_after_a_save_it_ends_well(fixture_project: Project) -> None:
    """Told to stop as a save's refresh begins, the preview lets the refresh end, then its builder's
    process, exits with 0 and leaves no working folder (`_serving` checks both). Its pipe was once
    closed under a running refresh: exit code 1 and a traceback."""
    with _serving(fixture_project):
        _edit(fixture_project.data_dir / "themes" / "tema-a.yaml", "Forebygging", "Forebygging i skolen")


def test_citation_mistakes_show_on_every_page_and_the_preview_keeps_going(fixture_project: Project) -> None:
    """An unknown [[study:...]] used to kill the watcher (KeyError): the preview never updated again."""
    page = write(fixture_project.content_dir / "nb" / "om.md", "# Om\n\nSe [[study:gamma-2022]].\n")
    with _serving(fixture_project) as base:
        about, findings = base + "om/", base + "publications/demo-2025/findings/"
        _wait_until(about, _shows("Gamma et al. 2022"), CHANGE_SECONDS)
        write(
            page,
            "# Om\n\nSe [[study:gama-2022]].\n\nOg [[Finding:demo-2025-f01]] og [[study:<script>alert(1)</script>]].\n",
        )
        for url in (about, findings):  # every page, also those MkDocs did not rebuild
            html = _wait_until(
                url,
                _banner_with(
                    "content/nb/om.md:3:4",
                    "unknown study &#39;gama-2022&#39; (did you mean &#39;gamma-2022&#39;?)",
                    "content/nb/om.md:5:4",
                    "write [[finding:demo-2025-f01]]",
                    "Forhåndsvisningen er ikke oppdatert",
                ),
                CHANGE_SECONDS,
            )
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
            assert "<script>alert(1)" not in html
        assert "Gamma et al. 2022" in _get(about)[1]  # the last good version stays
        write(page, "# Om\n\nSe [[study:beta-2021]] og [[finding:demo-2025-f01]].\n")
        _wait_until(about, lambda status, html: _no_banner(status, html) and "Funn 1" in html, CHANGE_SECONDS)
        _wait_until(findings, _no_banner, CHANGE_SECONDS)
        _edit(fixture_project.data_dir / "themes" / "tema-a.yaml", "Forebygging", "Forebygging i skolen")
        _wait_until(findings, _shows("Forebygging i skolen"), CHANGE_SECONDS)


def test_data_mistake_banner_in_english_goes_when_undone(fixture_project: Project) -> None:
    """Undoing a mistake changes no page; the banner must go all the same."""
    theme = fixture_project.data_dir / "themes" / "tema-a.yaml"
    good = theme.read_text(encoding="utf-8")
    with _serving(fixture_project, "en") as base:
        url = base + "publications/demo-2025/findings/"
        _wait_until(url, _no_banner, CHANGE_SECONDS)
        theme.write_text("id: tema-a\n", encoding="utf-8")
        _wait_until(
            url,
            _banner_with("The preview is not up to date", "data/themes/tema-a.yaml:1:1", "required field is missing"),
            CHANGE_SECONDS,
        )
        theme.write_text(good, encoding="utf-8")
        _wait_until(url, _no_banner, CHANGE_SECONDS)


def test_deleted_pages_disappear_from_the_preview(fixture_project: Project) -> None:
    """MkDocs' dirty build kept the page of a deleted finding; a deleted content page (in the sidebar,
    so every page changes) must go as well."""
    page = write(fixture_project.content_dir / "nb" / "om.md", "# Om\n\nTekst om basen.\n")
    with _serving(fixture_project) as base:
        finding, about, table = base + "findings/demo-2025-f03/", base + "om/", base + "publications/demo-2025/findings/"
        _wait_until(finding, _shows("demo-2025-f03"), CHANGE_SECONDS)
        _wait_until(about, _shows("Tekst om basen."), CHANGE_SECONDS)
        _edit(fixture_project.data_dir / "publications" / "demo-2025.yaml", ", demo-2025-f03]", "]")
        (fixture_project.data_dir / "findings" / "demo-2025-f03.yaml").unlink()
        _wait_until(finding, lambda status, html: status == 404, CHANGE_SECONDS)
        _wait_until(
            table, lambda status, html: _no_banner(status, html) and "findings/demo-2025-f03/" not in html, CHANGE_SECONDS
        )
        _wait_until(table, _shows('href="../../../om/"'), CHANGE_SECONDS)  # in the sidebar
        page.unlink()
        _wait_until(about, lambda status, html: status == 404, CHANGE_SECONDS)
        _wait_until(table, lambda status, html: status == 200 and 'href="../../../om/"' not in html, CHANGE_SECONDS)


def test_data_broken_at_the_start_is_shown_until_fixed(fixture_project: Project) -> None:
    """`make serve` on a half-finished branch: the preview starts, every page says what is wrong
    (escaped, in the chosen language), and the site appears by itself once the data is fixed."""
    theme = fixture_project.data_dir / "themes" / "tema-a.yaml"
    good = theme.read_text(encoding="utf-8")
    theme.write_text('id: tema-a\n"<b>x</b>": 1\n', encoding="utf-8")
    with _serving(fixture_project, "en") as base:
        findings = base + "publications/demo-2025/findings/"
        problems = _banner_with(
            ui("preview_nothing_yet", "en"),
            ui("preview_problems_first_text", "en"),
            "data/themes/tema-a.yaml:1:1",
            "required field is missing",
            "data/themes/tema-a.yaml:2:1",
            "unknown field &#39;&lt;b&gt;x&lt;/b&gt;&#39;",
        )
        for url in (base, findings, base + "no/such/page.html"):
            html = _wait_until(url, lambda status, html: status == 200 and problems(status, html), CHANGE_SECONDS)
            assert '<html lang="en">' in html and "<b>x</b>" not in html
            assert "livereload(" in html  # MkDocs' reload script: the page reloads by itself when fixed
        assert _get(base + "assets/stylesheets/x.css")[0] == 404  # only pages' addresses get the placeholder
        theme.write_text('id: tema-a\nname: {nb: Forebygging, en: Prevention}\n"<b>x</b>": 1\n', encoding="utf-8")
        html = _wait_until(findings, lambda status, html: "data/themes/tema-a.yaml:3:1" in html, CHANGE_SECONDS)
        assert "required field is missing" not in html and ui("preview_nothing_yet", "en") in html
        theme.write_text(good, encoding="utf-8")
        _wait_until(findings, lambda status, html: _no_banner(status, html) and "Prevention" in html, CHANGE_SECONDS)
        _wait_until(
            base, lambda status, html: _no_banner(status, html) and ui("preview_nothing_yet", "en") not in html, CHANGE_SECONDS
        )
        theme.write_text("id: tema-a\n", encoding="utf-8")  # from now on, the last good version stays
        html = _wait_until(findings, _banner_with(ui("preview_problems_text", "en")), CHANGE_SECONDS)
        assert "Prevention" in html


def _wait_for_a_build_after(base: str, html: str) -> None:
    """Until MkDocs' server has finished a build begun after it served `html` (its reload script
    carries the build it shows; the server answers a poll with a newer one once it exists)."""
    epoch = int(re.search(r"livereload\((\d+),", html)[1])
    deadline = time.monotonic() + CHANGE_SECONDS
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}livereload/{epoch}/0", timeout=CHANGE_SECONDS + 65) as response:
            if int(response.read()) > epoch:
                return
    raise AssertionError("no build after the page was served")


def _outside(project: Project) -> Path:
    """A folder beside the project holding a secret file and a secret folder."""
    folder = project.root.parent / "outside"
    write(folder / "secret.txt", f"{SECRET}\n")
    write(folder / "dir" / "page.txt", f"{SECRET}\n")
    return folder


def test_links_out_added_while_serving_are_shown_and_never_published(fixture_project: Project) -> None:
    """A link in overrides/ (MkDocs' theme folder: it copies its files) or content/, to a file or a
    folder out of the project, added while the preview runs: reported at once, nothing published."""
    write(fixture_project.overrides_dir / "extra.txt", "a theme file\n")
    write(fixture_project.content_dir / "nb" / "om.md", "# Om\n\nTekst om basen.\n")
    outside = _outside(fixture_project)
    in_overrides = {
        fixture_project.overrides_dir / "leak.txt": outside / "secret.txt",
        fixture_project.overrides_dir / "leak": outside / "dir",
    }
    in_content = {
        fixture_project.content_dir / "nb" / "leak.txt": outside / "secret.txt",
        fixture_project.content_dir / "assets" / "leak": outside / "dir",
    }
    with _serving(fixture_project) as base:
        findings = base + "publications/demo-2025/findings/"
        _wait_until(base + "extra.txt", _shows("a theme file"), CHANGE_SECONDS)  # overrides/ is published
        for leaks in (in_overrides, in_content):  # each folder on its own is watched
            for link, target in leaks.items():
                link.parent.mkdir(parents=True, exist_ok=True)
                link.symlink_to(target)
            lines = [f"{link.relative_to(fixture_project.root).as_posix()}:1:1" for link in leaks]
            html = _wait_until(findings, _banner_with(*lines, "symbolic link points outside the project"), CHANGE_SECONDS)
        leaks = in_overrides | in_content
        (fixture_project.root / "mkdocs.yml").touch()  # a rebuild that MkDocs' server starts by itself
        _wait_for_a_build_after(base, html)
        for path in ("leak.txt", "leak/page.txt"):
            assert _get(base + path)[0] == 404, path
        _edit(fixture_project.data_dir / "themes" / "tema-a.yaml", "Forebygging", "Forebygging i skolen")
        for link in leaks:
            link.unlink()
        _wait_until(findings, lambda status, html: _no_banner(status, html) and "Forebygging i skolen" in html, CHANGE_SECONDS)
        for path in ("leak.txt", "leak/page.txt", "nb/leak.txt", "assets/leak/page.txt", "om/", "extra.txt"):
            answer = _get(base + path)
            assert answer is not None and SECRET not in answer[1], path
        assert _get(base + "leak.txt")[0] == 404 and _get(base + "assets/leak/page.txt")[0] == 404


# --- in-process: the watcher and the banner -------------------------------------------------------


def _workdir(tmp_path: Path) -> Path:
    """The preview's own folder, outside the project (as `serve` makes it)."""
    folder = tmp_path / "preview"
    folder.mkdir(parents=True)
    return folder


def _site_text(site: Path) -> str:
    return "".join(path.read_text(encoding="utf-8", errors="replace") for path in site.rglob("*") if path.is_file())


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("overrides/leak.txt", "secret.txt"),
        ("overrides/partials/leak", "dir"),
        ("content/nb/leak.md", "secret.txt"),
        ("content/assets/leak", "dir"),
    ],
)
def test_no_site_build_reads_through_a_link_out(fixture_project: Project, tmp_path: Path, name: str, target: str) -> None:
    """MkDocs reads overrides/ on every rebuild, whatever started it (mkdocs.yml saved, the staging
    docs, the signal): each build runs the same check as `check` first and builds nothing through
    a link out of the project, then builds again once it is gone."""
    write(fixture_project.overrides_dir / "extra.txt", "a theme file\n")
    preview = Preview(fixture_project, "nb", 1, _workdir(tmp_path))
    assert preview.regenerate()
    preview.build()
    assert (preview.site_dir / "extra.txt").read_text(encoding="utf-8") == "a theme file\n"
    leak = fixture_project.root / name
    leak.parent.mkdir(parents=True, exist_ok=True)
    leak.symlink_to(_outside(fixture_project) / target)
    preview.build()
    assert [str(p) for p in preview.build_problems] == [
        f"{name}:1:1: (file): symbolic link points outside the project: {(_outside(fixture_project) / target).resolve()}"
    ]
    assert f"<code>{name}:1:1</code>" in preview.banner().decode()
    assert SECRET not in _site_text(preview.site_dir)
    assert (preview.site_dir / "index.html").is_file()  # the last good version stays
    leak.unlink()
    preview.build()
    assert preview.build_problems == () and preview.banner() == b""


def test_broken_data_at_the_start_builds_a_placeholder_then_the_site(fixture_project: Project, tmp_path: Path) -> None:
    theme = fixture_project.data_dir / "themes" / "tema-a.yaml"
    good = theme.read_text(encoding="utf-8")
    theme.write_text("id: tema-a\n", encoding="utf-8")
    preview = Preview(fixture_project, "nb", 1, _workdir(tmp_path))
    assert not preview.regenerate()
    preview.build()
    assert not preview.built
    assert sorted(p.name for p in preview.site_dir.iterdir()) == ["index.html"]  # MkDocs did not run
    page = (preview.site_dir / "index.html").read_text(encoding="utf-8")
    assert '<html lang="nb">' in page and ui("preview_nothing_yet", "nb") in page and ui("preview_nothing_yet_text", "nb") in page
    banner = preview.banner().decode()
    assert ui("preview_problems_first_text", "nb") in banner and "data/themes/tema-a.yaml:1:1" in banner
    theme.write_text(good, encoding="utf-8")
    assert preview.regenerate()
    preview.build()
    assert preview.built and preview.banner() == b""
    assert ui("preview_nothing_yet", "nb") not in (preview.site_dir / "index.html").read_text(encoding="utf-8")
    assert (preview.site_dir / "publications" / "demo-2025" / "findings" / "index.html").is_file()


def test_the_watcher_sees_links_come_go_and_change(tmp_path: Path) -> None:
    """Links to folders (which os.walk does not enter), links that lead nowhere, and a link that is
    pointed elsewhere are changes: the refresh that follows reports them."""
    folder, elsewhere = tmp_path / "overrides", tmp_path / "elsewhere"
    write(folder / "main.html", "x")
    write(elsewhere / "a" / "page.html", "x")
    states = [serve_module._snapshot([folder])]
    (folder / "partials").symlink_to(elsewhere / "a")
    states.append(serve_module._snapshot([folder]))
    (folder / "gone.html").symlink_to(elsewhere / "nowhere.html")
    states.append(serve_module._snapshot([folder]))
    (folder / "partials").unlink()
    (folder / "partials").symlink_to(elsewhere / "b-longer-name")
    states.append(serve_module._snapshot([folder]))
    assert all(before != after for before, after in zip(states, states[1:], strict=False))


def test_watcher_survives_any_exception(fixture_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a refresh raises is shown and logged; the next save is picked up as usual."""
    monkeypatch.setattr(serve_module, "POLL_SECONDS", 0.02)
    preview = Preview(fixture_project, "nb", 1, tmp_path)
    sources = serve_module._snapshot(serve_module.watched_sources(fixture_project))
    assert preview.regenerate()
    stop = threading.Event()
    watcher = threading.Thread(target=serve_module._watch, args=(preview, stop, sources), daemon=True)
    watcher.start()
    try:

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("a bug <b>here</b>")

        monkeypatch.setattr(preview.builder, "refresh", broken)
        theme = fixture_project.data_dir / "themes" / "tema-a.yaml"
        _edit(theme, "Forebygging", "Forebygging i skolen")
        _until(lambda: any("RuntimeError: a bug <b>here</b>" in p.message for p in preview.problems))
        assert watcher.is_alive()
        assert "a bug &lt;b&gt;here&lt;/b&gt;" in preview.banner().decode()
        assert preview.problems[0].location.path == "generator/tools/serve.py"  # where it surfaced in the generator
        _edit(theme, "Forebygging i skolen", "Forebygging i hjemmet")
        _until(lambda: not preview.problems)
        staged = fixture_project.staging_docs("nb") / "publications" / "demo-2025" / "findings.md"
        assert "Forebygging i hjemmet" in staged.read_text(encoding="utf-8")
        assert watcher.is_alive()
    finally:
        stop.set()
        watcher.join(timeout=10)


def test_a_change_the_system_notifies_is_regenerated_at_once(
    fixture_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the system says when a file changes (inotify), the watcher looks when it is told, not
    five times a second, and only at the files it was told of (at 10,000 studies a look at every
    file lists 18,500 of them): here it would not look at every file for an hour, and the edit is
    regenerated all the same, the refresh told which file changed."""
    monkeypatch.setattr(serve_module, "NOTIFIED_POLL_SECONDS", 3600)
    preview = Preview(fixture_project, "nb", 1, _workdir(tmp_path))
    folders = serve_module.watched_sources(fixture_project)
    sources = serve_module._snapshot(folders)
    assert preview.regenerate()
    looks_at_all: list[int] = []
    snapshot = serve_module._snapshot
    monkeypatch.setattr(serve_module, "_snapshot", lambda folders: looks_at_all.append(1) or snapshot(folders))
    told: list[set[str] | None] = []
    regenerate = preview.regenerate
    monkeypatch.setattr(preview, "regenerate", lambda changed=None: told.append(changed) or regenerate(changed))
    stop, notified = threading.Event(), serve_module.Notifications()
    notifier = serve_module.notify_changes(folders, notified)
    assert notifier is not None, "this machine's file notifications work (inotify)"
    watcher = threading.Thread(target=serve_module._watch, args=(preview, stop, sources, notified), daemon=True)
    watcher.start()
    theme = fixture_project.data_dir / "themes" / "tema-a.yaml"
    try:
        _edit(theme, "Forebygging", "Forebygging i skolen")
        staged = fixture_project.staging_docs("nb") / "publications" / "demo-2025" / "findings.md"
        _until(lambda: "Forebygging i skolen" in staged.read_text(encoding="utf-8"))
        # A note taken out, then a folder holding it moved in: the folder is reported as a whole
        # (its files are not named), and every file is looked at.
        notes = fixture_project.staging_docs("nb") / "publications" / "demo-2025" / "notes.md"
        note = fixture_project.data_dir / "notes" / "note-demo-count.yaml"
        away = tmp_path / "flyttet"
        away.mkdir()
        shutil.copy(note, away / note.name)
        note.unlink()
        _until(lambda: "Teksten sier 2 funn" not in notes.read_text(encoding="utf-8"))
        looks_at_all.clear()
        away.rename(note.parent / "flyttet")
        _until(lambda: "Teksten sier 2 funn" in notes.read_text(encoding="utf-8"))
    finally:
        stop.set()
        notified.wake.set()
        notifier.stop()
        watcher.join(timeout=10)
    assert not watcher.is_alive()
    assert told[:2] == [{str(theme)}, {str(note)}]
    assert looks_at_all, "a folder reported: every file looked at"
    assert told[-1] == {str(note.parent / "flyttet" / note.name)}


@contextmanager
def _watching(
    project: Project,
    notified: serve_module.Notifications,
    regenerate: Callable[[set[str] | None], object],
    monkeypatch: pytest.MonkeyPatch,
    looks: list[object],
) -> Iterator[None]:
    """The watcher over `project`, told of changes by the test (`notified.report`), refreshing a
    stand-in preview with `regenerate`; each look at every file is put in `looks` as "every file"."""
    sources = serve_module._snapshot(serve_module.watched_sources(project))
    snapshot = serve_module._snapshot
    monkeypatch.setattr(serve_module, "_snapshot", lambda folders: looks.append("every file") or snapshot(folders))
    stand_in = SimpleNamespace(project=project, regenerate=regenerate)
    stop = threading.Event()
    watcher = threading.Thread(target=serve_module._watch, args=(stand_in, stop, sources, notified), daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        notified.wake.set()
        watcher.join(timeout=10)


def _saved(path: Path, notified: serve_module.Notifications) -> None:
    """One more line at the end of `path`, and the system's report of it."""
    import watchdog.events as events

    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    notified.report(events.FileModifiedEvent(str(path)))


def test_a_save_reported_during_a_refresh_comes_before_the_look_at_every_file(
    fixture_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 10,000 studies a refresh takes seconds, so the look at every file is due when it ends;
    a save reported meanwhile is refreshed first (the look takes 0.15 s at that size)."""
    monkeypatch.setattr(serve_module, "NOTIFIED_POLL_SECONDS", 0.05)
    first, second = (fixture_project.data_dir / "themes" / name for name in ("tema-a.yaml", "tema-b.yaml"))
    notified = serve_module.Notifications()
    happened: list[object] = []

    def regenerate(changed: set[str] | None) -> bool:
        happened.append(changed)
        if changed == {str(first)}:  # the second save comes while the first is refreshed
            _saved(second, notified)
            time.sleep(0.2)
        return True

    with _watching(fixture_project, notified, regenerate, monkeypatch, happened):
        _saved(first, notified)
        _until(lambda: {str(second)} in happened)
    assert happened[:2] == [{str(first)}, {str(second)}]


def test_the_look_at_every_file_waits_for_a_pause_after_a_refresh(
    fixture_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editor who waited for the page saves again soon after: the look at every file, due long
    since at 10,000 studies (a refresh takes seconds), waits for a pause after the refresh."""
    monkeypatch.setattr(serve_module, "NOTIFIED_POLL_SECONDS", 0.01)
    monkeypatch.setattr(serve_module, "PAUSE_AFTER_REFRESH_SECONDS", 0.5)
    first, second = (fixture_project.data_dir / "themes" / name for name in ("tema-a.yaml", "tema-b.yaml"))
    notified = serve_module.Notifications()
    happened: list[object] = []
    with _watching(fixture_project, notified, lambda changed: happened.append(changed), monkeypatch, happened):
        for path in (first, second):
            _saved(path, notified)
            _until(lambda path=path: {str(path)} in happened)
            time.sleep(0.1)  # the editor looks at the page, then saves again
        _until(lambda: happened[-1] == "every file")  # once the pause is over
    refreshes = [i for i, what in enumerate(happened) if what != "every file"]
    assert happened[refreshes[0] : refreshes[1] + 1] == [{str(first)}, {str(second)}]


def test_a_save_reported_in_several_steps_is_looked_at_once_it_is_whole(
    fixture_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save is reported several times (the file emptied, written, closed): the watcher looks once
    the reports pause, not at the first, whose stamp the next steps change (a second refresh)."""
    import watchdog.events as events

    monkeypatch.setattr(serve_module, "NOTIFIED_POLL_SECONDS", 3600)
    theme = fixture_project.data_dir / "themes" / "tema-a.yaml"
    whole = theme.read_text(encoding="utf-8") + "\n# saved\n"
    notified = serve_module.Notifications()
    told: list[tuple[set[str] | None, str]] = []
    looks: list[object] = []
    with _watching(
        fixture_project, notified, lambda changed: told.append((changed, theme.read_text(encoding="utf-8"))), monkeypatch, looks
    ):
        with theme.open("w", encoding="utf-8") as file:
            for part in (whole[:20], whole[20:60], whole[60:]):
                file.write(part)
                file.flush()
                notified.report(events.FileModifiedEvent(str(theme)))
                time.sleep(serve_module.SETTLE_SECONDS / 3)
        notified.report(events.FileClosedEvent(str(theme)))
        _until(lambda: bool(told))
        time.sleep(serve_module.SETTLE_SECONDS * 5)  # nothing more comes
    assert told == [({str(theme)}, whole)]


def test_notifications_name_the_files_changed_and_ignore_files_read() -> None:
    """Every refresh reads the files it parses: a file opened and closed unwritten is no change
    and wakes nobody. A move names both paths (an editor saves by renaming a new file over the
    old); a folder created, moved or deleted cannot be answered file by file."""
    import watchdog.events as events

    notified = serve_module.Notifications()
    notified.report(events.FileOpenedEvent("/kb/data/a.yaml"))
    notified.report(events.FileClosedNoWriteEvent("/kb/data/a.yaml"))
    assert not notified.wake.is_set()
    assert notified.take() == set()
    notified.report(events.FileModifiedEvent("/kb/data/a.yaml"))
    notified.report(events.FileMovedEvent("/kb/data/.a.yaml.tmp", "/kb/data/b.yaml"))
    notified.report(events.DirModifiedEvent("/kb/data"))  # comes with a file created or deleted in it
    assert notified.wake.is_set()
    assert notified.take() == {"/kb/data/a.yaml", "/kb/data/.a.yaml.tmp", "/kb/data/b.yaml"}
    assert notified.take() == set(), "taken once"
    for folder_event in (
        events.DirCreatedEvent("/kb/data/x"),
        events.DirMovedEvent("/kb/a", "/kb/b"),
        events.DirDeletedEvent("/kb/c"),
    ):
        notified.report(events.FileModifiedEvent("/kb/data/a.yaml"))
        notified.report(folder_event)
        assert notified.take() is None, folder_event
        assert notified.take() == set()


def test_a_refresh_waiting_for_mkdocs_goes_on_once_the_preview_stops(fixture_project: Project, tmp_path: Path) -> None:
    """A refresh whose pages are written waits for MkDocs to build them; once the preview stops,
    no build will come, and the refresh goes on (else stopping waited for it for a minute)."""
    preview = Preview(fixture_project, "nb", 1, _workdir(tmp_path))
    try:
        assert preview.regenerate()
        preview.build()
        assert preview.built, "a good version is up: a refresh then waits for MkDocs"
        refresh = threading.Thread(target=preview._pages_written, args=("nb", 1, False))
        refresh.start()
        refresh.join(0.5)
        assert refresh.is_alive(), "the refresh waits for MkDocs to build its pages"
        preview.stop_waiting()
        refresh.join(5)
        assert not refresh.is_alive(), "the refresh still waits for a build after the preview stopped"
    finally:
        preview.close()


def test_the_refreshes_run_in_a_process_of_their_own_started_again_when_it_is_gone(
    fixture_project: Project, tmp_path: Path
) -> None:
    """The builder (the index, every file's model, every page's reads) is held by a child process,
    not by the process that serves and has MkDocs build; one that died is replaced on the next
    refresh, which then reads everything afresh."""
    preview = Preview(fixture_project, "nb", 1, _workdir(tmp_path))
    try:
        assert preview.regenerate()
        child = preview.builder._process
        assert child is not None and child.is_alive() and child.pid != os.getpid()
        child.kill()
        child.join()
        _edit(fixture_project.data_dir / "themes" / "tema-a.yaml", "Forebygging", "Forebygging i skolen")
        assert preview.regenerate()
        again = preview.builder._process
        assert again is not None and again.is_alive() and again.pid != child.pid
        staged = fixture_project.staging_docs("nb") / "publications" / "demo-2025" / "findings.md"
        assert "Forebygging i skolen" in staged.read_text(encoding="utf-8")
    finally:
        preview.close()
    assert preview.builder._process is None


def test_a_failed_site_build_is_shown_and_cleared(
    fixture_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MkDocs' server stops reloading after a build raises; the preview shows the error instead."""
    import mkdocs.commands.build

    preview = Preview(fixture_project, "en", 1, tmp_path)
    assert preview.regenerate()
    real_build = mkdocs.commands.build.build

    def failing_build(*args: object, **kwargs: object) -> None:
        raise OSError("disk <full>")

    monkeypatch.setattr(mkdocs.commands.build, "build", failing_build)
    preview.build()
    assert [p.message for p in preview.build_problems] == ["site build failed: OSError: disk <full>"]
    assert "disk &lt;full&gt;" in preview.banner().decode()
    monkeypatch.setattr(mkdocs.commands.build, "build", real_build)
    preview.build()
    assert preview.build_problems == () and preview.banner() == b""
    assert (preview.site_dir / "index.html").is_file()


def test_the_edited_page_is_built_first_and_the_downloads_wait_for_mkdocs(
    fixture_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MkDocs builds in the server's thread of the preview's process, and the two take turns: a
    build that comes while a refresh writes pages waits for the batch, and the refresh, once the
    edited finding's own page is written, waits for MkDocs to build it before it writes the pages
    that list the finding; then, once those are built, makes the downloads, which would otherwise
    hold the interpreter while the editor waits for the page."""
    preview = Preview(fixture_project, "nb", 1, tmp_path)
    assert preview.regenerate()
    preview.build()
    assert preview.built
    staging = fixture_project.staging_docs("nb")
    page, listing = staging / urls.finding("demo-2025-f03"), staging / urls.findings_table("demo-2025")
    opendata = staging / urls.KNOWLEDGE_BASE_JSON
    built_page = preview.site_dir / "findings" / "demo-2025-f03" / "index.html"
    assert opendata.is_file() and "særlig" not in opendata.read_text(encoding="utf-8")
    builds_saw: list[tuple[bool, bool]] = []
    build_changed = Made.build_changed

    def looking(made: Made, changed: set[str]) -> list[str] | None:
        builds_saw.append(("særlig" in page.read_text(encoding="utf-8"), "særlig" in listing.read_text(encoding="utf-8")))
        return build_changed(made, changed)

    monkeypatch.setattr(Made, "build_changed", looking)
    path = fixture_project.data_dir / "findings" / "demo-2025-f03.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Tillit ble bygget", "Tillit ble særlig bygget"), encoding="utf-8")
    refreshing = threading.Thread(target=preview.regenerate)
    refreshing.start()
    _until(lambda: preview._writing)
    early = threading.Thread(target=preview.build)  # as when MkDocs' server saw a file before the refresh wrote it
    early.start()
    _until(lambda: "særlig" in built_page.read_text(encoding="utf-8"))
    early.join(CHANGE_SECONDS)
    assert builds_saw == [(True, False)], "the build waited for the edited page, and built it before the listing was made"
    _until(lambda: "særlig" in listing.read_text(encoding="utf-8"))
    assert refreshing.is_alive() and "særlig" not in opendata.read_text(encoding="utf-8"), "the downloads did not wait"
    preview.build()  # as the server does when it sees the changed listing
    refreshing.join(CHANGE_SECONDS)
    assert not refreshing.is_alive()
    assert builds_saw == [(True, False), (True, True)]
    assert "særlig" in opendata.read_text(encoding="utf-8")
    assert "særlig" in (preview.site_dir / urls.findings_table("demo-2025").removesuffix(".md") / "index.html").read_text(
        encoding="utf-8"
    )


def test_a_refresh_that_changes_no_page_of_the_language_served_does_not_wait(fixture_project: Project, tmp_path: Path) -> None:
    preview = Preview(fixture_project, "nb", 1, tmp_path)
    assert preview.regenerate()
    preview.build()
    path = fixture_project.data_dir / "findings" / "demo-2025-f03.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Trust was built", "Trust was above all built"), encoding="utf-8")
    refreshing = threading.Thread(target=preview.regenerate)
    refreshing.start()
    refreshing.join(CHANGE_SECONDS)  # no build comes: English pages only changed
    assert not refreshing.is_alive()


def _until(condition: Callable[[], bool], seconds: float = CHANGE_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.02)


def test_banner_escapes_everything_and_is_bounded() -> None:
    hostile = Problem(
        Location('content/nb/<a href="x">.md', 3, 4), "[[study:<img src=x onerror=alert(1)>]]", "unknown '<script>'\n::x"
    )
    html = str(render_banner([hostile] * 60, "en"))
    assert "<img" not in html and "<script>" not in html and '<a href="x">' not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "\\n::x" in html
    assert html.count("<li>") == serve_module.BANNER_LIMIT
    assert "… and 10 more. The terminal lists them all." in html


def test_staging_writes_never_put_a_temporary_file_where_mkdocs_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs lists the staging folder at any moment; a temporary file it listed could vanish before
    it read it (FileNotFoundError in the preview). At every rename the folder holds only real pages."""
    root = tmp_path / "docs" / "nb"
    writer = StagingWriter(root)
    real_replace = os.replace
    seen: list[set[str]] = []

    def spying_replace(source: str | Path, target: str | Path) -> None:
        seen.append({p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()})
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", spying_replace)
    for doc in ("index.md", "findings/a.md", "findings/b.md"):
        writer.write(doc, f"# {doc}\n")
    StagingWriter(root).write("index.md", "# changed\n")  # a rewrite, as on every save
    assert seen and all(files <= {"index.md", "findings/a.md", "findings/b.md"} for files in seen)
    assert {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} == {
        "index.md",
        "findings/a.md",
        "findings/b.md",
    }


# --- MkDocs' build in the preview: a changed page alone --------------------------------------------


def _site_files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def _no_waiting_for_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """In these tests nothing builds while a refresh runs: it goes on at once, and the test builds after."""
    monkeypatch.setattr(serve_module, "BUILD_WAIT_SECONDS", 0)


def test_a_changed_page_is_built_alone_and_as_mkdocs_builds_it(
    fixture_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an edit, the preview builds the pages the refresh changed with what MkDocs' last build
    made, without MkDocs' build (which lists and compares every page); the site is then byte for
    byte the site MkDocs builds whole from the same staging folder."""
    import mkdocs.commands.build

    _no_waiting_for_the_server(monkeypatch)
    preview = Preview(fixture_project, "nb", 1, _workdir(tmp_path))
    assert preview.regenerate()
    preview.build()
    assert preview.made is not None
    # The preview's MkDocs holds each page's HTML compressed between its passes and drops it once
    # written, as our builds do: what it keeps for the next change holds no page's text.
    assert str(HOOKS) in preview.made.config["hooks"]
    assert all(not file.page.content and not file.page.markdown for file in preview.made.doc_files)
    finding = fixture_project.data_dir / "findings" / "demo-2025-f03.yaml"

    def refreshed(old: str, new: str) -> set[str]:
        """Edit, refresh: the files of the Norwegian staging folder that changed."""
        before = _site_files(fixture_project.staging_docs("nb"))
        _edit(finding, old, new)
        assert preview.regenerate()
        after = _site_files(fixture_project.staging_docs("nb"))
        return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}

    # English text alone: the Norwegian downloads (which hold both languages) change, no Norwegian page.
    changed = refreshed("Trust was built", "Trust was slowly built")
    assert changed and not any(name.endswith(".md") for name in changed)
    assert preview._staged == changed, "the preview is told of exactly the files of its language the refresh changed"
    preview.build()
    assert not preview._staged, "what was built is not built again"
    changed = refreshed("Tillit ble bygget", "Tillit ble særlig bygget")
    assert "findings/demo-2025-f03.md" in changed
    assert preview._staged == changed

    def no_mkdocs_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("MkDocs' whole build ran for a changed page")

    with monkeypatch.context() as patch:
        patch.setattr(mkdocs.commands.build, "build", no_mkdocs_build)
        patch.setattr(mkdocs.commands.build, "get_files", no_mkdocs_build)
        preview.build()
    assert preview.build_problems == ()
    page = preview.site_dir / "findings" / "demo-2025-f03" / "index.html"
    assert "Tillit ble særlig bygget" in page.read_text(encoding="utf-8")
    assert not preview._staged, "what was built is not built again"
    assert all(not file.page.content and not file.page.markdown for file in preview.made.doc_files)

    whole = Preview(fixture_project, "nb", 1, _workdir(tmp_path / "whole"))
    whole.overrides = preview.overrides
    whole.build()
    assert whole.build_problems == ()
    built, expected = _site_files(preview.site_dir), _site_files(whole.site_dir)
    assert built.keys() == expected.keys()
    differing = [name for name in expected if built[name] != expected[name]]
    assert not differing, f"pages built alone differ from MkDocs' whole build: {differing[:10]}"


def test_a_new_page_or_new_settings_are_a_mkdocs_build(
    fixture_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the last build did not know (a page added) and a saved mkdocs.yml go through MkDocs'
    own build, which is then the one kept."""
    _no_waiting_for_the_server(monkeypatch)
    preview = Preview(fixture_project, "nb", 1, _workdir(tmp_path))
    assert preview.regenerate()
    preview.build()
    builds: list[object] = []
    mkdocs_build = preview._mkdocs_build

    def counted(*args: object) -> serve_module.Made:
        builds.append(args)
        return mkdocs_build(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(preview, "_mkdocs_build", counted)
    write(fixture_project.content_dir / "nb" / "ny-side.md", "# Ny side\n\nNoe nytt.\n")
    assert preview.regenerate()
    preview.build()
    assert len(builds) == 1 and "Noe nytt." in (preview.site_dir / "ny-side" / "index.html").read_text(encoding="utf-8")
    kept = preview.made
    config = fixture_project.mkdocs_config
    config.write_text(config.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    preview.build()
    assert len(builds) == 2 and preview.made is not kept
    _edit(fixture_project.data_dir / "findings" / "demo-2025-f03.yaml", "Tillit ble bygget", "Tillit ble særlig bygget")
    assert preview.regenerate()
    preview.build()
    assert len(builds) == 2, "a changed page after them is built alone again"
    assert "særlig" in (preview.site_dir / "findings" / "demo-2025-f03" / "index.html").read_text(encoding="utf-8")


def test_mkdocs_server_builds_after_our_quiet_not_its_own(tmp_path: Path) -> None:
    """`serve` shortens the quiet MkDocs' server waits for before a build by setting its
    `build_delay`, an attribute its constructor sets (the refresh says itself when its pages are
    written). Were it renamed by an upgrade of MkDocs, the setting would do nothing, unseen."""
    from mkdocs.livereload import LiveReloadServer

    from generator.tools import serve

    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    assert isinstance(server.build_delay, float)
    assert server.build_delay > serve.MKDOCS_QUIET_SECONDS
