from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.settings import Project
from scripts import chromium

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "kb"
WHOLE = Path(__file__).parent / "fixtures" / "kb-whole"
"""Added on top of FIXTURE: a second publication with every kind beyond findings and studies
(a thesis that is also a study, themes with code counts, results, implications, an intervention
with studies, effects and sectors, a case, a chart, a topic)."""


@pytest.fixture
def fixture_project(tmp_path: Path) -> Project:
    """A writable copy of the tiny fixture knowledge base."""
    root = tmp_path / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    return Project(root)


@pytest.fixture
def whole_project(fixture_project: Project) -> Project:
    """The fixture plus the second publication (kb-whole/)."""
    shutil.copytree(WHOLE, fixture_project.root, dirs_exist_ok=True)
    return fixture_project


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def real_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the real knowledge base, built once per test session (site and PDFs)."""
    from generator.build import build_site

    root = tmp_path_factory.mktemp("real") / "kb"
    root.mkdir()
    for name in ("mkdocs.yml", "data", "content", "overrides"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copy(source, root / name)
    project = Project(root)
    build_site(project, strict=True, with_pdf=True)
    return project


@pytest.fixture(scope="session")
def real_index(real_project: Project):
    from generator.build import load_or_fail

    return load_or_fail(real_project, strict=True)


@pytest.fixture(scope="session")
def site_server(real_project: Project):
    """The built real site over HTTP on localhost, as a reader's browser sees it."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(real_project.site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    """Chromium found by the one rule of scripts/chromium.py. Missing, it fails the test with what
    to do: a browser test never passes by being skipped."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


def launch_chromium(playwright):  # type: ignore[no-untyped-def]
    try:
        return chromium.launch(playwright)
    except chromium.ChromiumNotFound as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()
