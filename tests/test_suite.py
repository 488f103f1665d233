"""The test suite's own machinery (conftest.py, built_site.py, real_build.py): slow tests are marked
by the fixtures they use, and what makes the suite fast changes nothing a test sees."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Doctype

from generator.model.settings import LANGUAGES
from generator.print import pdf
from generator.web import render

from . import real_build
from .built_site import BuiltSite, every_string, reader_text, select, text, without
from .conftest import FIXTURE, REPO, SLOW_FIXTURES, write


def test_a_slow_fixture_marks_every_test_that_uses_it(request: pytest.FixtureRequest) -> None:
    items = request.session.items
    assert items
    for item in items:
        for fixture, marker in SLOW_FIXTURES.items():
            if fixture in item.fixturenames:
                assert item.get_closest_marker(marker), f"{item.nodeid} uses {fixture} but is not marked {marker}"


def test_make_test_fast_leaves_out_every_slow_marker() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^test-fast:.*\n\t(.*)$", makefile, re.MULTILINE)
    assert recipe, "no test-fast target"
    selection = re.search(r'-m "([^"]*)"', recipe.group(1))
    assert selection, "make test-fast selects no markers"
    for marker in SLOW_FIXTURES.values():
        # The hostile pull request's site builds are the one kind of `build` the fast loop keeps.
        left_out = f"(not {marker} or hostile)" if marker == "build" else f"not {marker}"
        assert left_out in selection.group(1), f"make test-fast runs the tests marked {marker}"


def test_the_tests_on_the_real_site_run_last(request: pytest.FixtureRequest) -> None:
    """Its build runs in the background meanwhile (tests/real_build.py)."""
    uses = ["real_project" in item.fixturenames for item in request.session.items]
    assert uses == sorted(uses)


def test_the_long_tests_on_the_real_site_start_first_among_them(request: pytest.FixtureRequest) -> None:
    """Longest first: a crawl of every page dealt out last kept one worker busy while the other idled."""
    on_the_site = [item for item in request.session.items if "real_project" in item.fixturenames]
    long = [item.get_closest_marker("long") is not None for item in on_the_site]
    assert long == sorted(long, reverse=True)
    for item in request.session.items:
        if item.get_closest_marker("long"):
            assert "real_project" in item.fixturenames, f"{item.nodeid} is marked long but is not on the real site"


@pytest.mark.tool  # pytest with two workers, in processes of its own: not in make test-fast
def test_each_modules_tests_run_on_one_worker() -> None:
    """As `make test` runs them (pytest-xdist, --dist loadgroup): a module's fixtures are made once
    only if all its tests go to one worker. A pytest that stops honouring conftest's groups (9.2
    did, silently) fails this test."""
    modules = ("tests/test_cli.py", "tests/test_feed.py")
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup", "-v", *modules]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    ran = re.findall(r"^\[(gw\d+)\] \[ *\d+%\] PASSED (\S+?)::(\S+) *$", result.stdout, re.MULTILINE)
    workers: dict[str, set[str]] = {}
    for worker, module, test in ran:
        assert test.endswith("@" + module), f"{module}::{test} is in no group"
        workers.setdefault(module, set()).add(worker)
    assert set(workers) == set(modules), result.stdout[-3000:]
    assert all(len(used) == 1 for used in workers.values()), workers


def test_rendering_a_pdf_without_saying_so_fails() -> None:
    """A test that renders a report must ask for `pdf_rendering`, so that it is marked `pdf`."""
    with pytest.raises(pytest.fail.Exception, match="pdf_rendering"):
        pdf.render_pdf(pdf.environment(), None, None, "full", "nb", Path("x.pdf"))  # type: ignore[arg-type]


# --- templates compiled once per session ---------------------------------------------------------


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    template = write(tmp_path / "page.md.j2", "one {{ x }}\n")
    assert render.jinja_environment(tmp_path).get_template("page.md.j2").render(x=1) == "one 1"
    template.write_text("two {{ x }}\n", encoding="utf-8")
    assert render.jinja_environment(tmp_path).get_template("page.md.j2").render(x=1) == "two 1"


def test_compiled_templates_follow_the_environments_settings(tmp_path: Path) -> None:
    """What a cached template renders is what the same environment compiling it anew renders."""
    write(tmp_path / "page.md.j2", "{% if x %}\n  yes {{ x }}\n{% endif %}\nend\n")
    rendered = {}
    for keep in (False, True, False, True):  # the second round comes from the cache
        cached = render.jinja_environment(tmp_path, keep_trailing_newline=keep)
        fresh = render.jinja_environment(tmp_path, keep_trailing_newline=keep)
        fresh.bytecode_cache = None
        assert cached.get_template("page.md.j2").render(x=True) == fresh.get_template("page.md.j2").render(x=True)
        rendered[keep] = cached.get_template("page.md.j2").render(x=True)
    assert rendered[False] != rendered[True]


# --- the parsed site reads what BeautifulSoup read ------------------------------------------------

PAGE = """<!doctype html><html lang="nb"><head><title>T</title><style>a@b.no {}</style>
<script>var mail = "x@y.no"; if (1 < 2) {}</script></head><body>
<!-- 22 33 44 55 --><article class="md-content"><h1 id="top">Funn 1 <a class="headerlink" href="#top">¶</a></h1>
<p>Tekst <b>fet</b> og <i>kursiv</i>.</p><template><p>i mal</p></template>
<span class="kb-badge kb-confidence-high"><span aria-hidden="true">●</span> Høy</span> etter
<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>
<a name="gammel">x</a><div id="d"><article class="kb-card"><p id="inner">kort</p></article></div>
</article></body></html>"""


def test_the_text_is_what_beautifulsoup_gives(tmp_path: Path) -> None:
    page = write(tmp_path / "site" / "index.html", PAGE)
    parsed = BuiltSite.parse(tmp_path / "site").pages["index.html"]
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert " ".join(reader_text(parsed)) == soup.get_text(" ")
    assert [s for s in every_string(parsed) if s.strip()] == [
        s for s in soup.find_all(string=True) if not isinstance(s, Doctype) and s.strip()
    ]
    assert [text(h) for h in select(parsed, "h1")] == [h.get_text() for h in soup.select("h1")]


def test_selectors_match_as_in_beautifulsoup(tmp_path: Path) -> None:
    write(tmp_path / "site" / "index.html", PAGE)
    parsed = BuiltSite.parse(tmp_path / "site").pages["index.html"]
    soup = BeautifulSoup(PAGE, "html.parser")
    for css in ("[id]", "a[name]", "article", "article p", ".kb-badge", "[class*='kb-confidence-']", 'span[aria-hidden="true"]'):
        assert [e.get("id") or e.tag for e in select(parsed, css)] == [e.get("id") or e.name for e in soup.select(css)], css
    article = select(parsed, "article")[1]
    assert select(article, "article") == [], "an element is not one of its own matches"
    badge = select(parsed, ".kb-badge")[0]
    assert " ".join(text(without(badge, '[aria-hidden="true"]')).split()) == "Høy"
    assert badge.tail.strip() == "etter", "the copy left the page as it was"


def test_pages_by_language_and_by_source(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for rel in ("index.html", "findings/x/index.html", "en/index.html", "en/findings/x/index.html", "404.html"):
        write(site / rel, f"<html><body><p>{rel}</p></body></html>")
    built = BuiltSite.parse(site)
    assert sorted(rel for rel, _ in built.language_pages("nb")) == ["404.html", "findings/x/index.html", "index.html"]
    assert sorted(rel for rel, _ in built.language_pages("en")) == ["en/findings/x/index.html", "en/index.html"]
    assert text(built.page("en", "findings/x.md")) == "en/findings/x/index.html"
    assert text(built.page("nb", "index.md")) == "index.html"
    assert text(built.at(site.resolve() / "findings" / "x" / "index.html")) == "findings/x/index.html"


# --- the real knowledge base's build, in a process of its own ------------------------------------


def test_a_build_that_fails_fails_the_tests_that_wait_for_it(tmp_path: Path) -> None:
    """Started twice, built once; broken data is reported with its location to every waiting test.
    (A build that succeeds is what every test on the real site waits for.)"""
    source = tmp_path / "source"
    shutil.copytree(FIXTURE, source, ignore=shutil.ignore_patterns("build", "site"))
    shutil.copy(REPO / "mkdocs.yml", source / "mkdocs.yml")
    write(source / "data" / "themes" / "tema-a.yaml", "id: tema-a\n")
    shared = tmp_path / "session"
    shared.mkdir()
    real_build.start(shared, source)
    real_build.start(shared, source)
    with pytest.raises(pytest.fail.Exception, match="data/themes/tema-a.yaml:1:1: name: required field is missing"):
        real_build.wait(shared)
    assert [p.name for p in shared.iterdir()] == ["real"], "one build folder"
    real_build.finish()


def _entries(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_the_real_build_starts_from_the_reports_of_the_last_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's report cache starts as the shared one, and what the build left in it (the
    reports it used) replaces the shared one whole."""
    from generator.pipeline import build as pipeline

    source = tmp_path / "source"
    shared = source / real_build.SHARED_PDF_CACHE
    write(shared / "old.pdf", "%PDF old")
    write(shared / "old.json", "{}")
    write(shared / "stale.pdf", "%PDF stale")
    seen: dict[str, dict[str, bytes]] = {}

    def build_site(project, strict: bool, with_pdf: bool) -> None:  # type: ignore[no-untyped-def]
        cache = pdf.cache_dir(project)
        seen["at the start"] = _entries(cache)
        (cache / "stale.pdf").unlink()  # as the cache drops what a build did not use
        write(cache / "new.pdf", "%PDF new")

    monkeypatch.setattr(pipeline, "build_site", build_site)
    for variable in ("KB_SITE_URL", "KB_REPO_URL"):
        monkeypatch.setenv(variable, "")  # build() sets them for its own process: put back after
    folder = tmp_path / "session"
    folder.mkdir()
    assert real_build.build(folder, source, with_pdf=True) == real_build.OK
    assert seen["at the start"] == {"old.json": b"{}", "old.pdf": b"%PDF old", "stale.pdf": b"%PDF stale"}
    assert _entries(shared) == {"new.pdf": b"%PDF new", "old.json": b"{}", "old.pdf": b"%PDF old"}
    assert sorted(p.name for p in shared.parent.iterdir()) == [shared.name], "no copy left beside it"


def test_the_real_build_left_its_reports_for_the_next_session(real_project, real_index) -> None:  # type: ignore[no-untyped-def]
    shared = REPO / real_build.SHARED_PDF_CACHE
    assert _entries(shared) == _entries(pdf.cache_dir(real_project))
    reports = len(real_index.publications()) * len(pdf.KINDS) * len(LANGUAGES)
    assert len(list(shared.glob("*.pdf"))) == len(list(real_project.site_dir.rglob("*.pdf"))) == reports


def test_no_test_module_takes_the_guarded_builds_by_name() -> None:
    """conftest.py guards `build_mkdocs` and `build_languages` by replacing them in their module
    for the session; a test module that imported either by name at its top would hold the
    function from before, and its MkDocs builds would slip into `make test-fast` unseen."""
    import ast

    guarded = {"build_mkdocs", "build_languages"}
    taken = []
    for path in sorted((REPO / "tests").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # the module's top level only
            if isinstance(node, ast.ImportFrom) and node.module == "generator.pipeline.build":
                taken += [f"{path.name}: {alias.name}" for alias in node.names if alias.name in guarded]
    assert taken == []


EMPTY_CONTAINERS = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter"}


def _starts_empty(value: object) -> bool:
    """An empty dict, list or set literal, or a call that makes an empty container."""
    import ast

    if isinstance(value, ast.Dict):
        return not value.keys
    if isinstance(value, (ast.List, ast.Set)):
        return not value.elts
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in EMPTY_CONTAINERS
        and not value.args
        and not value.keywords
    )


def test_no_test_module_keeps_what_it_finds_at_its_top_level() -> None:
    """What a module's tests find and share (parsed pages, tags by region) lives in a module-scoped
    fixture, which is dropped when the module's last test ends. An empty container at a test module's
    top level, filled as the tests run, lives as long as the test process: test_hostile.py kept its
    pages' 470,000 parsed tags that way, and every later pass of the garbage collector in that
    worker walked them (the incremental tests after it ran 3x slower)."""
    import ast

    kept = []
    for path in sorted((REPO / "tests").glob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:  # the module's top level only
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and _starts_empty(node.value):
                kept.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert kept == []


def test_the_top_level_check_finds_a_container_filled_by_the_tests() -> None:
    import ast

    module = ast.parse("FOUND: dict[int, str] = {}\nSEEN = set()\nNAMES = ['a']\nCOUNTS = Counter(['a'])\n")
    assert [_starts_empty(node.value) for node in module.body] == [True, True, False, False]  # type: ignore[attr-defined]


def test_a_function_the_session_replaces_is_replaced_where_a_module_imported_it_by_name() -> None:
    """The print imports the template environments' maker by name, the schema tool the plain loader:
    each module's own binding is the session's (templates compiled once, files loaded once)."""
    from generator.model import validate
    from generator.pipeline import modelcache
    from generator.print import pdf
    from generator.tools import schema

    assert pdf.jinja_environment is render.jinja_environment
    assert pdf.environment().bytecode_cache is render.environment().bytecode_cache is not None
    assert schema.load_and_validate is validate.load_and_validate
    assert validate.load_and_validate.__module__ == modelcache._load.__module__ == __name__.replace("test_suite", "conftest")


def test_a_test_of_loading_itself_gets_the_generator_s_own_loaders(files_parsed_each_time: None) -> None:
    from generator.model import validate
    from generator.pipeline import modelcache
    from generator.tools import schema

    assert validate.load_and_validate.__module__ == "generator.model.validate"
    assert modelcache._load.__module__ == "generator.pipeline.modelcache"
    assert schema.load_and_validate is validate.load_and_validate
