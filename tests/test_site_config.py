"""The site's configuration (site.yaml and the environment: generator/model/siteconfig.py), and what a
build does with it: without a public address no page points at one (nor at a placeholder); with one,
canonical and hreflang links, the sitemap and "edit this page" are right."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from generator.cli import main
from generator.model.errors import Report
from generator.model.settings import Project
from generator.model.siteconfig import load_site_config
from generator.pipeline.build import build_site

from .conftest import FIXTURE, REPO, WHOLE, write

PLACEHOLDERS = ("example.org", "example.com", "github.com/example")
URL = "https://kunnskap-org.github.io/kb/"
REPOSITORY = "https://github.com/kunnskap-org/kb"


def _config_problems(root: Path, site_yaml: str, environ: dict[str, str] | None = None) -> list[str]:
    write(root / "site.yaml", site_yaml)
    report = Report()
    load_site_config(root, report, environ or {})
    return [str(problem) for problem in report.problems]


@pytest.mark.parametrize(
    ("site_yaml", "expected"),
    [
        pytest.param(
            "url: http://kunnskap.no/\n",
            "site.yaml:1:1: url: value error, the site's address must be a web address starting with https://, got 'http://kunnskap.no/'",
            id="not-https",
        ),
        pytest.param(
            "url: https://example.org/kunnskapsbase/\n",
            "site.yaml:1:1: url: value error, example.org is a placeholder, not a public address: leave the field out until there is one",
            id="placeholder",
        ),
        pytest.param(
            "repository: https://github.com/owner/kb.git\n",
            "site.yaml:1:1: repository: value error, give the repository's web page, without '.git': "
            "'https://github.com/owner/kb'",
            id="git-suffix",
        ),
        pytest.param(
            "contact: Ola Nordmann\n",
            "site.yaml:1:1: contact: value error, write 'issues', a web address (https://...) or a role e-mail address "
            "(mailto:...), got 'Ola Nordmann'",
            id="contact",
        ),
        pytest.param(
            "urll: https://kunnskap.no/\n", "site.yaml:1:1: urll: unknown field 'urll' (did you mean 'url'?)", id="typo"
        ),
        pytest.param(
            "branch: ../main\n",
            "site.yaml:1:1: branch: value error, a branch name is letters, digits, '.', '_', '-' and '/', got '../main'",
            id="branch",
        ),
        pytest.param("url:\n", "site.yaml:1:1: url: fill this in, or remove the line", id="empty"),
    ],
)
def test_a_bad_value_is_located(tmp_path: Path, site_yaml: str, expected: str) -> None:
    assert _config_problems(tmp_path, site_yaml) == [expected]


def test_the_environment_overrides_the_file_and_is_named_when_wrong(tmp_path: Path) -> None:
    write(tmp_path / "site.yaml", f"url: {URL}\nbranch: main\n")
    report = Report()
    config = load_site_config(
        tmp_path, report, {"KB_SITE_URL": "https://kunnskap.no", "KB_REPO_URL": REPOSITORY, "KB_REPO_BRANCH": ""}
    )
    assert report.problems == []
    assert (config.base_url, config.repository_url, config.branch) == ("https://kunnskap.no/", REPOSITORY, "main")
    assert config.edit_base == f"{REPOSITORY}/edit/main/" and config.contact_url == f"{REPOSITORY}/issues"
    assert _config_problems(tmp_path, "branch: main\n", {"KB_SITE_URL": "kunnskap.no"}) == [
        "$KB_SITE_URL (environment):1:1: url: value error, the site's address must be a web address starting with "
        "https://, got 'kunnskap.no'"
    ]


def test_without_the_file_nothing_is_configured(tmp_path: Path) -> None:
    report = Report()
    config = load_site_config(tmp_path, report, {})
    assert report.problems == []
    assert (config.base_url, config.repository_url, config.edit_base, config.contact_url) == (None, None, None, None)
    assert len(config.missing()) == 2


def test_mkdocs_yml_holds_no_address(fixture_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """The address and the repository have one place: mkdocs.yml setting one is an error there."""
    config = fixture_project.mkdocs_config
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(4, "site_url: https://kunnskap.no/\n")
    config.write_text("".join(lines), encoding="utf-8")
    assert main(["--root", str(fixture_project.root), "check"]) == 1
    assert "mkdocs.yml:5:1: site_url: the site's configuration holds this: set 'url' in site.yaml" in capsys.readouterr().err


def test_the_repositorys_site_yaml_is_valid_and_has_no_address() -> None:
    """The committed configuration: a publisher and a contact, no address (the Pages workflow sets it)."""
    report = Report()
    config = load_site_config(REPO, report, {})
    assert report.problems == []
    assert config.base_url is None and config.repository_url is None
    assert config.publisher is not None and config.publisher.nb and config.publisher.en
    assert config.contact == "issues"


# --- the fixture built without an address and with one --------------------------------------------


def _project(tmp: Path) -> Project:
    """The fixture with the project's own theme, as the site is built from it."""
    root = tmp / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    shutil.copytree(WHOLE, root, dirs_exist_ok=True)
    shutil.rmtree(root / "overrides", ignore_errors=True)
    shutil.copytree(REPO / "overrides", root / "overrides")
    shutil.copytree(REPO / "content" / "assets", root / "content" / "assets")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    return Project(root)


@pytest.fixture(scope="module")
def without_address(tmp_path_factory: pytest.TempPathFactory, site_building: None) -> tuple[Project, str]:
    """Built by the command line, to see what it says."""
    import contextlib
    import io

    project = _project(tmp_path_factory.mktemp("without"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--root", str(project.root), "build", "--no-pdf"]) == 0
    return project, out.getvalue()


@pytest.fixture(scope="module")
def with_address(tmp_path_factory: pytest.TempPathFactory, site_building: None) -> Project:
    """The address in site.yaml, the repository from the environment (as the Pages workflow gives it)."""
    project = _project(tmp_path_factory.mktemp("with"))
    site_yaml = project.root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + f"url: {URL}\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KB_REPO_URL", REPOSITORY)
        build_site(project, with_pdf=False)
    return project


THEIRS = re.compile(r"(en/)?(pagefind|assets/javascripts)/")
"""The search engine's and the theme's own scripts: nothing of ours (Pagefind's code has an example
address in a comment)."""


def _text_files(site: Path) -> dict[str, str]:
    """Every text file the build writes, but THEIRS."""
    suffixes = {".html", ".xml", ".js", ".json", ".bib", ".ris", ".txt", ".css"}
    paths = [p for p in sorted(site.rglob("*")) if p.suffix in suffixes]
    return {
        p.relative_to(site).as_posix(): p.read_text(encoding="utf-8")
        for p in paths
        if not THEIRS.match(p.relative_to(site).as_posix())
    }


def _html(site: Path) -> dict[str, BeautifulSoup]:
    return {rel: BeautifulSoup(text, "html.parser") for rel, text in _text_files(site).items() if rel.endswith(".html")}


@pytest.mark.parametrize("build", ["without_address", "with_address"])
def test_no_placeholder_address_anywhere(request: pytest.FixtureRequest, build: str, site_building: None) -> None:
    built = request.getfixturevalue(build)
    project = built[0] if isinstance(built, tuple) else built
    files = _text_files(project.site_dir)
    assert len(files) > 100
    found = {rel: p for rel, text in files.items() for p in PLACEHOLDERS if p in text}
    assert found == {}


def test_without_an_address_nothing_needs_one(without_address: tuple[Project, str]) -> None:
    project, printed = without_address
    site = project.site_dir
    assert not any((root / name).exists() for root in (site, site / "en") for name in ("sitemap.xml", "sitemap.xml.gz"))
    for rel, soup in _html(site).items():
        assert soup.select('link[rel="canonical"]') == [], rel
        assert soup.select('link[rel="alternate"][hreflang]') == [], rel
        assert soup.select('a[rel="edit"]') == [] and soup.select("a.md-source") == [], rel
        assert soup.select('meta[name="citation_pdf_url"]') == [], rel
        for link in soup.select("a[href]"):
            assert not link["href"].startswith(("https://kunnskap", "http://")), (rel, link["href"])
    # The command says what was left out, once each.
    notes = [line for line in printed.splitlines() if line.startswith("note: ")]
    assert len(notes) == 2
    assert notes[0].startswith("note: no public address (site.yaml 'url', or KB_SITE_URL)")
    assert notes[1].startswith("note: no repository (site.yaml 'repository', or KB_REPO_URL)")


def _page_url(rel: str) -> str:
    """The public address of a built page from its file (`en/findings/x/index.html`)."""
    return URL + re.sub(r"index\.html$", "", rel)


def test_with_an_address_every_page_names_itself_and_its_counterpart(with_address: Project) -> None:
    pages = _html(with_address.site_dir)
    checked = 0
    for rel, soup in pages.items():
        if rel.endswith("404.html"):
            continue
        own = _page_url(rel)
        assert [link["href"] for link in soup.select('link[rel="canonical"]')] == [own], rel
        path = rel.removeprefix("en/")
        alternates = {link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"][hreflang]')}
        assert alternates == {"nb": _page_url(path), "en": _page_url("en/" + path), "x-default": _page_url(path)}, rel
        checked += 1
    assert checked > 100


def test_with_an_address_the_sitemaps_list_every_page(with_address: Project) -> None:
    site = with_address.site_dir
    for root, prefix in ((site, ""), (site / "en", "en/")):
        locs = re.findall(r"<loc>([^<]+)</loc>", (root / "sitemap.xml").read_text(encoding="utf-8"))
        assert len(locs) > 50
        for loc in locs:
            assert loc.startswith(URL + prefix), loc
            assert (site / loc.removeprefix(URL) / "index.html").is_file() or (site / loc.removeprefix(URL)).is_file(), loc


def test_with_a_repository_edit_links_open_the_data_file(with_address: Project) -> None:
    pages = _html(with_address.site_dir)
    finding = pages["findings/demo-2025-f01/index.html"]
    assert [a["href"] for a in finding.select('a[rel="edit"]')] == [f"{REPOSITORY}/edit/main/data/findings/demo-2025-f01.yaml"]
    assert {a["href"] for a in finding.select("a.md-source")} == {REPOSITORY}  # the header and the drawer
    edits = [a["href"] for soup in pages.values() for a in soup.select('a[rel="edit"]')]
    assert len(edits) > 50 and all(href.startswith(f"{REPOSITORY}/edit/main/") for href in edits)
    for href in edits:
        assert (with_address.root / href.removeprefix(f"{REPOSITORY}/edit/main/")).is_file(), href


def test_with_an_address_citations_give_the_page(with_address: Project) -> None:
    site = with_address.site_dir
    page = _html(site)["en/findings/demo-2025-f01/index.html"]
    cite = page.select_one(".kb-cite-text")
    assert cite is not None and cite.get_text().strip().endswith(URL + "en/findings/demo-2025-f01/")
    bib = (site / "en" / "downloads" / "cite" / "finding-demo-2025-f01.bib").read_text(encoding="utf-8")
    assert f"url = {{{URL}en/findings/demo-2025-f01/}}" in bib
