from __future__ import annotations

import importlib
import os
import pickle
import pkgutil
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import pytest
from hypothesis import HealthCheck, settings
from markupsafe import Markup

import generator
from generator.model.errors import Report
from generator.model.index import Index
from generator.model.models import Publication
from generator.model.settings import Project
from scripts import chromium

from . import real_build
from .built_site import BuiltSite

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "kb"
WHOLE = Path(__file__).parent / "fixtures" / "kb-whole"
"""Added on top of FIXTURE: a second publication with every kind beyond findings and studies
(a thesis that is also a study, themes with code counts, results, implications, an intervention
with studies, effects and sectors, a case, a chart, a topic)."""

# How hard the property tests (tests/test_properties.py) look: `make test` tries 200 generated
# inputs per property, `make test-fast` 40 (`--hypothesis-profile=fast`), which keeps the everyday
# loop under a minute while CI still runs the full search.
settings.register_profile("full", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fast", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("full")

SLOW_FIXTURES = {
    "real_project": "site",
    "browser": "browser",
    "pdf_rendering": "pdf",
    "site_building": "build",
}
"""A test that uses one of these fixtures (directly or through another fixture) gets the marker:
`make test-fast` runs the tests that have none of them, `make test` runs all."""

MARKERS = {
    "site": "uses the real knowledge base, built once per session with its PDFs (real_project; minutes)",
    "browser": "drives Chromium through Playwright (the browser fixture)",
    "pdf": "renders PDF reports with WeasyPrint, seconds each (the pdf_rendering fixture)",
    "build": "builds a whole site of a fixture with MkDocs and Pagefind, seconds each (the site_building fixture)",
    "hostile": "a hostile pull request's data, built and printed (tests/test_hostile.py): in `make test-fast` "
    "although it builds sites, since a hole it finds is the one mistake that must never wait for CI",
    "long": "a test on the real site that takes seconds (a crawl of every page, every page in a browser): "
    "these start first among the tests on the real site, so that none is left for last while the other workers idle",
    "tool": "runs a tool end to end in processes and git repositories of its own: the live preview, "
    "make diff, make bench, the YAML language server, the Nu Html Checker (marked per module)",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, description in MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")


# tryfirst: pytest-xdist's worker reads the xdist_group markers in its own hook of this name, so
# they must be there before it runs. (With pytest 9.2 it read them and its grouping still did
# nothing: requirements.in. test_suite.py fails when a module's tests are spread over workers.)
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        for fixture, marker in SLOW_FIXTURES.items():
            if fixture in used:
                item.add_marker(marker)
    # The tests on the real site last: its build (tests/real_build.py) runs meanwhile; the long
    # ones first among them (longest processing time first: a 10 s crawl dealt out last kept one
    # core busy while the other idled). A stable sort: each module's other tests stay together.
    items.sort(key=lambda item: (_on_the_real_site(item), not item.get_closest_marker("long")))
    for item in items:
        if not _on_the_real_site(item):
            # With pytest-xdist's --dist loadgroup, a module's tests run on one worker, so its
            # module fixtures (the hostile sites, the fixture's PDFs) are made once; the tests on
            # the real site share session fixtures only and go to whichever worker is free.
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def _on_the_real_site(item: pytest.Item) -> bool:
    return "real_project" in getattr(item, "fixturenames", ())


@pytest.fixture(autouse=True)
def _no_deployment_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test builds what its project's site.yaml says: a deployment's KB_SITE_URL or KB_REPO_URL in
    the environment (CI sets them for the real build) never reaches it unasked."""
    from generator.model.siteconfig import ENVIRONMENT

    for variable in ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture(scope="session")
def pdf_rendering() -> None:
    """Asked for by every test that renders PDF reports, so that it is marked `pdf`."""


@pytest.fixture(scope="session")
def site_building() -> None:
    """Asked for by every test that builds a whole site with MkDocs, so that it is marked `build`."""


_running: list[pytest.Item] = []
"""The test being set up, run or torn down (its module's fixtures are set up with it)."""


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    _running[:] = [item]


@pytest.fixture(scope="session", autouse=True)
def _site_builds_only_where_marked() -> Iterator[None]:
    """A test that runs MkDocs, or whose module's fixture does, fails and says so unless it is left
    out of `make test-fast` by a marker (`build` through the `site_building` fixture, or `pdf`,
    `site`, `browser`, `tool`): a site build is seconds, and the fast loop must not grow unseen."""
    from generator.pipeline import build

    make = build.build_mkdocs
    allowed = {*SLOW_FIXTURES.values(), "tool"}

    def guarded(*args: Any, **kwargs: Any) -> list[str]:
        guarded_check()
        return make(*args, **kwargs)

    def guarded_check() -> None:
        item = _running[0] if _running else None
        if item is not None and not any(item.get_closest_marker(marker) for marker in allowed):
            pytest.fail(
                f"{item.nodeid} builds a whole site with MkDocs (seconds each): ask for the `site_building` fixture "
                "(in the fixture that builds), which marks it `build` so that `make test-fast` leaves it out",
                pytrace=False,
            )

    side_by_side = build.build_languages

    def guarded_languages(*args: Any, **kwargs: Any) -> dict[str, list[str]]:
        guarded_check()
        return side_by_side(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "build_mkdocs", guarded)
        patch.setattr(build, "build_languages", guarded_languages)
        yield


@pytest.fixture(autouse=True)
def _pdfs_only_where_marked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that renders a report without asking for `pdf_rendering` fails and says so: it would
    slow down `make test-fast` unseen. (The real site's PDFs are built in a process of their own.)"""
    if "pdf_rendering" in request.fixturenames:
        return
    from generator.print import pdf

    def unmarked(*args: object, **kwargs: object) -> None:
        pytest.fail(
            "this test renders a PDF report (seconds each): ask for the `pdf_rendering` fixture, which marks it `pdf` "
            "so that `make test-fast` leaves it out",
            pytrace=False,
        )

    monkeypatch.setattr(pdf, "render_pdf", unmarked)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates in memory for the whole session, keyed by the environment's settings,
    the template's path and its source's checksum (an edited template is compiled again)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> jinja2.bccache.Bucket:
        from generator.web.render import compile_key

        return super().get_bucket(environment, compile_key(environment, name), filename, source)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def _templates_compiled_once() -> Iterator[None]:
    """The generator makes a Jinja environment per build, and so compiles every template again:
    across the tests' hundreds of builds that was a fifth of the fast tests' time. Jinja's own
    bytecode cache, shared by the session, compiles each template once; what is rendered is the same."""
    from generator.web import render

    make = render.jinja_environment
    cache = _CompiledTemplates()

    def jinja_environment(folder: Path, keep_trailing_newline: bool = False, compiled: Path | None = None) -> jinja2.Environment:
        env = make(folder, keep_trailing_newline=keep_trailing_newline)  # not `compiled`: the session's cache instead
        env.bytecode_cache = cache
        return env

    with pytest.MonkeyPatch.context() as patch:
        # Wherever the name is bound: the print's module imports it from render, and missed by the
        # patch its templates were compiled anew for every report, a tenth of the fast tests' time.
        _patch_everywhere(patch, make, jinja_environment)
        yield


def _patch_everywhere(
    patch: pytest.MonkeyPatch, function: Callable[..., Any], replacement: Callable[..., Any], name: str | None = None
) -> None:
    """`function` replaced under its name (`name`, else its own) in every module of the generator
    that holds it: a module that imports it by name holds a binding of its own (so the package is
    imported whole first)."""
    name = name or function.__name__
    for info in pkgutil.walk_packages(generator.__path__, "generator."):
        if not info.name.endswith(".__main__"):  # which would run the command line
            importlib.import_module(info.name)
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("generator.") and getattr(module, name, None) is function:
            patch.setattr(module, name, replacement)


@pytest.fixture(scope="session", autouse=True)
def _references_formatted_once() -> Iterator[None]:
    """Each test's copy of a knowledge base starts with no reference cache (build/cache/), so
    citeproc-py formatted the same references again in every one: 10 ms each, a tenth of the fast
    tests' time. A reference formatted once in the session is entered in a later cache as if
    formatted there (the entry, `dirty`), under the same key (`ReferenceCache.key`: everything
    its formatting depends on); `references._format` itself is left as it is."""
    from generator.present.references import ReferenceCache

    format_ = ReferenceCache.format
    formatted: dict[str, str] = {}

    def format_once(self: ReferenceCache, item: dict[str, object], lang: str) -> Markup:
        key = ReferenceCache.key(item, lang)
        if key not in self.entries and key in formatted:
            self.entries[key] = formatted[key]
            self.dirty = True
        html = format_(self, item, lang)
        formatted[key] = str(html)
        return html

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ReferenceCache, "format", format_once)
        yield


@pytest.fixture(scope="session", autouse=True)
def _data_files_loaded_once() -> Iterator[None]:
    """Each test's copy of a knowledge base is loaded anew, and parsing YAML with a mark on every
    value and validating it with pydantic was a fifth of the fast tests' time, for files whose bytes
    most tests share. What loading a file gives depends on its kind, path and bytes alone: the
    build's model cache rests on that (`modelcache.file_digest`). So a file loaded once in the session
    is, in a later load, what the model cache would hand back: its model, marks and problems,
    unpickled afresh for each load. Every file is still listed and read through the same checks
    (`sources.read_source`); `modelcache._load` itself runs as it is for each new file."""
    from generator.model import validate
    from generator.model.errors import relative
    from generator.model.sources import read_source
    from generator.pipeline import modelcache

    load = modelcache._load
    loaded: dict[bytes, bytes] = {}

    def load_once(kind: str, raw: bytes, path: Path, display: str) -> modelcache.Loaded:
        key = modelcache.file_digest(kind, display, raw)
        if key in loaded:
            return pickle.loads(loaded[key])
        result = load(kind, raw, path, display)
        loaded[key] = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        return result

    def load_and_validate(
        kind: str, path: Path, root: Path, report: Report, folders: dict[str, str] | None = None
    ) -> tuple[Any, Any]:
        """The plain loader as the model cache's with nothing kept from a last build."""
        raw = read_source(path, root, report, folders)
        if raw is None:
            return None, None
        display = relative(path, root)
        return modelcache.handed_back(load_once(kind, raw, path, display), path, display, report)

    with pytest.MonkeyPatch.context() as patch:
        for own, replacement in ((modelcache._load, load_once), (validate.load_and_validate, load_and_validate)):
            replacement.__wrapped__ = own  # type: ignore[attr-defined]  # what it replaces: `files_parsed_each_time` puts it back
            _patch_everywhere(patch, own, replacement)
        yield


@pytest.fixture
def files_parsed_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """For a test of loading itself (the model cache against a load that parses every file): the
    generator's own loaders, every file parsed and validated as the generator does it."""
    from generator.model import validate
    from generator.pipeline import modelcache

    for replacement in (modelcache._load, validate.load_and_validate):
        own = replacement.__wrapped__
        _patch_everywhere(monkeypatch, replacement, own, own.__name__)


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


def whole_copy(folder: Path) -> Project:
    """A copy of the fixture plus the second publication in `folder`: for a module's fixture that
    builds it once for tests that only read what was built."""
    root = folder / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    shutil.copytree(WHOLE, root, dirs_exist_ok=True)
    return Project(root)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _session_temp(factory: pytest.TempPathFactory) -> Path:
    """A folder of this test session that all its pytest-xdist workers share."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session", autouse=True)
def _real_build_starts_with_the_session(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """When a selected test needs the real knowledge base, its build starts with the first test."""
    if any("real_project" in getattr(item, "fixturenames", ()) for item in request.session.items):
        real_build.start(_session_temp(tmp_path_factory))
    yield
    real_build.finish()


@pytest.fixture(scope="module")
def index() -> Index:
    """The fixture knowledge base (tests/fixtures/kb), loaded once per module: read it, never change
    it. A module that needs another knowledge base defines its own `index`."""
    from generator.pipeline.build import load_or_fail

    return load_or_fail(Project(FIXTURE))


@pytest.fixture(scope="module")
def pub(index: Index) -> Publication:
    """The fixture's first publication (the one with a matrix, GRADE-CERQual findings and notes)."""
    return index.publications()[0]


@pytest.fixture(scope="session")
def real_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A copy of the real knowledge base, built once per test session (site and PDFs) in a process
    of its own (tests/real_build.py)."""
    shared = _session_temp(tmp_path_factory)
    real_build.start(shared)
    return real_build.wait(shared)


@pytest.fixture(scope="session")
def repo_checked() -> tuple[Index, Report]:
    """The repository's own data as `make check --strict` reads it (nothing built), once per test
    process: a dozen modules read it, at about a second each. Read it, never change it."""
    from generator.pipeline.build import check

    index, report = check(Project(REPO))
    assert index is not None and not report.failed(True), [str(p) for p in report.errors(strict=True)]
    return index, report


@pytest.fixture(scope="session")
def repo_index(repo_checked: tuple[Index, Report]) -> Index:
    return repo_checked[0]


@pytest.fixture(scope="session")
def real_index(real_project: Project):
    from generator.pipeline.build import load_or_fail

    return load_or_fail(real_project, strict=True)


@pytest.fixture(scope="session")
def real_site(real_project: Project) -> BuiltSite:
    """Every HTML page of the built real site, parsed once for all the tests that read them."""
    return BuiltSite.parse(real_project.site_dir)


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
