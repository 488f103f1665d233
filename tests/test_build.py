from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from generator.cli import main
from generator.model.settings import LANGUAGES, Project
from generator.pipeline import build as pipeline
from generator.pipeline.build import (
    build_site,
    check,
    generate,
    load_or_fail,
    mkdocs_overrides,
    navigation,
    search_plugin_languages,
)
from generator.tools.serve import regenerate
from generator.web.pages import plan
from generator.web.render import without_provenance

from .conftest import REPO, whole_copy, write


def test_lunr_gets_no_for_bokmal_never_false() -> None:
    plugins = yaml.safe_load("plugins: [search, {tags: {}}]")["plugins"]
    nb = search_plugin_languages(plugins, "nb")
    assert nb == [{"search": {"lang": ["no"]}}, {"tags": {}}]
    assert search_plugin_languages(plugins, "en") == [{"search": {"lang": ["en"]}}, {"tags": {}}]
    assert search_plugin_languages([], "nb") is None
    # the trap this guards against:
    assert yaml.safe_load("lang: [no]") == {"lang": [False]}


def test_per_language_config(fixture_project: Project) -> None:
    site_yaml = fixture_project.root / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "url: https://owner.github.io/kb/\n", encoding="utf-8")
    index, _ = check(fixture_project)
    assert index is not None
    nb = mkdocs_overrides(fixture_project, index, "nb")
    en = mkdocs_overrides(fixture_project, index, "en")
    assert nb["theme"]["language"] == "nb" and en["theme"]["language"] == "en"
    assert nb["site_url"] == "https://owner.github.io/kb/"
    assert en["site_url"] == nb["site_url"] + "en/"
    assert nb["site_name"] != en["site_name"]
    links = {alt["lang"]: alt["link"] for alt in en["extra"]["kb_alternate"]}
    assert links == {"nb": "../", "en": ""}
    assert [list(item)[0] for item in nb["nav"]][:6] == [
        "Hjem",
        "Oversikt over kunnskapsbasen",
        "Emner på tvers av kildene",
        "Implikasjoner for praksis",
        "Publikasjoner",
        "Demo-oversikt",
    ]
    assert [list(item)[0] for item in en["nav"]][:6] == [
        "Home",
        "Knowledge base overview",
        "Topics across the sources",
        "Implications for practice",
        "Publications",
        "Demo review",
    ]


def test_sidebar_lists_section_pages_only(fixture_project: Project) -> None:
    index, _ = check(fixture_project)
    nav = mkdocs_overrides(fixture_project, index, "nb")["nav"]
    flat = str(nav)
    assert "findings/demo-2025-f01.md" not in flat and "studies/alpha-2020.md" not in flat
    assert "studies/index.md" in flat


def test_serve_regenerates_only_what_changed(fixture_project: Project) -> None:
    index, _ = check(fixture_project)
    generate(fixture_project, index)
    path = fixture_project.data_dir / "themes" / "tema-a.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Forebygging", "Forebygging og tidlig innsats"), encoding="utf-8")
    assert regenerate(fixture_project) is True  # how fast: `make bench --incremental`, not a timed test
    page = (fixture_project.staging_docs("nb") / "publications" / "demo-2025" / "findings.md").read_text(encoding="utf-8")
    assert "Forebygging og tidlig innsats" in page


def test_serve_keeps_last_good_pages_on_bad_data(fixture_project: Project) -> None:
    index, _ = check(fixture_project)
    generate(fixture_project, index)
    before = (fixture_project.staging_docs("nb") / "index.md").read_text(encoding="utf-8")
    (fixture_project.data_dir / "themes" / "tema-a.yaml").write_text("id: tema-a\n", encoding="utf-8")
    assert regenerate(fixture_project) is False
    assert (fixture_project.staging_docs("nb") / "index.md").read_text(encoding="utf-8") == before


def _local_links(site: Path) -> list[tuple[str, str, Path]]:
    """(page, link, file it resolves to) for every link and resource a built page refers to
    inside the site, in both languages."""
    found = []
    for page in sorted(site.rglob("*.html")):
        if page.name == "404.html":
            continue  # MkDocs writes the error page with absolute URLs under site_url, by design
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for element in soup.select("[href], [src]"):
            ref = element.get("href") or element.get("src")
            target_ref = urldefrag(ref)[0]
            if not target_ref or urlsplit(ref).scheme or ref.startswith("//"):
                continue
            target = (page.parent / unquote(target_ref)).resolve()
            found.append((page.relative_to(site).as_posix(), ref, target / "index.html" if target.is_dir() else target))
    return found


def test_a_build_without_pdfs_links_to_none(fixture_project: Project, capsys, pdf_rendering: None) -> None:
    """`build --no-pdf` after a full build: no page links to a PDF, and no link is dead. The PDFs
    of the earlier build are not carried over: nothing tells whether they still match the data."""
    # The real theme overrides (the header's PDF buttons) and stylesheet; the fixture has neither.
    shutil.copytree(REPO / "overrides", fixture_project.overrides_dir)
    shutil.copytree(REPO / "content" / "assets", fixture_project.content_dir / "assets")
    site = fixture_project.site_dir
    build_site(fixture_project, strict=False, with_pdf=True)
    linked = {(page, ref) for page, ref, target in _local_links(site) if target.suffix == ".pdf"}
    for lang_root in ("", "en/"):  # each language's pages link its own PDFs, from the header and the pages
        assert {ref.rsplit("/", 1)[1] for page, ref in linked if page == lang_root + "findings/demo-2025-f01/index.html"} == {
            f"demo-2025-full-{lang_root[:2] or 'nb'}.pdf",
            f"demo-2025-summary-{lang_root[:2] or 'nb'}.pdf",
        }
        assert any(page == lang_root + "index.html" for page, _ in linked)
    assert [(page, ref) for page, ref, target in _local_links(site) if not target.is_file()] == []

    assert main(["--root", str(fixture_project.root), "build", "--no-pdf"]) == 0
    capsys.readouterr()
    links = _local_links(site)
    assert {page for page, _, _ in links} >= {"index.html", "en/index.html", "publications/demo-2025/index.html"}
    assert [(page, ref) for page, ref, target in links if target.suffix == ".pdf" or not target.is_file()] == []
    assert not list(site.rglob("*.pdf"))


def test_where_a_page_comes_from_is_not_shown_on_it(fixture_project: Project, site_building: None) -> None:
    """The provenance front matter (kb_template, kb_sources) is for editors reading the Markdown:
    the built pages are byte for byte the pages built without it, with the real theme overrides."""
    shutil.copytree(REPO / "overrides", fixture_project.overrides_dir)
    index, _ = check(fixture_project)
    assert index is not None
    generate(fixture_project, index, languages=("en",), pdfs=False)
    with_it, without_it = fixture_project.build_dir / "with", fixture_project.build_dir / "without"
    assert pipeline.build_mkdocs(fixture_project, index, "en", with_it) == []
    docs = fixture_project.staging_docs("en")
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        assert "\nkb_sources:" in text
        page.write_text(without_provenance(text), encoding="utf-8")
    assert pipeline.build_mkdocs(fixture_project, index, "en", without_it) == []
    built = sorted(p.relative_to(with_it) for p in with_it.rglob("*.html"))
    assert built and built == sorted(p.relative_to(without_it) for p in without_it.rglob("*.html"))
    for name in built:
        shown = (with_it / name).read_text(encoding="utf-8")
        assert shown == (without_it / name).read_text(encoding="utf-8"), name
        assert "kb_sources" not in shown and "generator/templates" not in shown, name


def test_the_about_page_comes_right_after_home_in_the_sidebar(fixture_project: Project) -> None:
    """The About page (content/<lang>/om.md) is second in the sidebar, as on the home page; other
    hand-written pages come last."""
    write(fixture_project.content_dir / "nb" / "annet.md", "# Annet\n")
    write(fixture_project.content_dir / "nb" / "om.md", "# Om kunnskapsbasen\n")
    index = load_or_fail(fixture_project)
    nb = [next(iter(entry.items())) for entry in navigation(fixture_project, index, "nb")]
    assert nb[:2] == [("Hjem", "index.md"), ("Om kunnskapsbasen", "om.md")]
    assert nb[-1] == ("Annet", "annet.md")
    en = [next(iter(entry.items())) for entry in navigation(fixture_project, index, "en")]
    assert en[0] == ("Home", "index.md") and "om.md" not in [doc for _, doc in en if isinstance(doc, str)]


def test_the_languages_build_side_by_side_as_in_one_process(fixture_project: Project, site_building: None) -> None:
    """MkDocs runs for each language in a fresh process of its own (generator/pipeline/mkdocs_run.py),
    side by side: each language's pages are byte for byte what an MkDocs run in this process makes."""
    from generator.pipeline.build import build_languages

    index, _ = check(fixture_project)
    assert index is not None
    generate(fixture_project, index, pdfs=False)
    apart = {lang: fixture_project.build_dir / f"apart-{lang}" for lang in ("nb", "en")}
    assert build_languages(fixture_project, index, apart) == {"nb": [], "en": []}
    for lang, folder in apart.items():
        here = fixture_project.build_dir / f"here-{lang}"
        assert pipeline.build_mkdocs(fixture_project, index, lang, here) == []
        pages = sorted(p.relative_to(here) for p in here.rglob("*.html"))
        assert pages and pages == sorted(p.relative_to(folder) for p in folder.rglob("*.html"))
        assert all((here / p).read_bytes() == (folder / p).read_bytes() for p in pages)


def test_a_language_whose_mkdocs_fails_fails_the_build_with_what_it_said(
    fixture_project: Project, site_building: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warning that stops the strict build, and a configuration MkDocs cannot load, fail with
    MkDocs' own words: nothing is lost because MkDocs ran in another process."""
    from generator.pipeline.build import build_languages

    index, _ = check(fixture_project)
    assert index is not None
    generate(fixture_project, index, pdfs=False)
    (fixture_project.staging_docs("en") / "broken.md").write_text("[gone](no-such-page.md)\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"MkDocs \(en\) failed[\s\S]*no-such-page\.md[\s\S]*strict"):
        build_languages(fixture_project, index, {"en": fixture_project.build_dir / "warned"})
    # The other language, started beside the failing one, has ended when the failure is raised
    # (waited for: none is left running into a folder that is being removed).
    started: list[subprocess.Popen[bytes]] = []
    popen = subprocess.Popen

    def recorded(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(popen(*args, **kwargs))
        return started[-1]

    sites = {"en": fixture_project.build_dir / "warned-again", "nb": fixture_project.build_dir / "beside"}
    with monkeypatch.context() as patch, pytest.raises(RuntimeError, match=r"MkDocs \(en\) failed"):
        patch.setattr(subprocess, "Popen", recorded)
        build_languages(fixture_project, index, sites)
    assert len(started) == 2 and all(process.returncode is not None for process in started)
    config = fixture_project.mkdocs_config
    config.write_text(config.read_text(encoding="utf-8").replace("name: material", "name: no-such-theme"), encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"MkDocs \(nb\) failed[\s\S]*no-such-theme"):
        build_languages(fixture_project, index, {"nb": fixture_project.build_dir / "failed"})


def _staged(project: Project) -> dict[str, bytes]:
    return {
        f"{lang}/{path.relative_to(project.staging_docs(lang)).as_posix()}": path.read_bytes()
        for lang in LANGUAGES
        for path in sorted(project.staging_docs(lang).rglob("*"))
        if path.is_file()
    }


def test_the_languages_generated_side_by_side_are_those_of_one_process(tmp_path: Path) -> None:
    """Each language in a forked process of its own: the same staged files, the same formatted
    references kept, and a page cache that keeps every page the next time."""
    from generator.pipeline.pagecache import PageCache

    alone, side_by_side = whole_copy(tmp_path / "alone"), whole_copy(tmp_path / "side")
    for project, processes in ((alone, 1), (side_by_side, 2)):
        index = load_or_fail(project)
        cache = PageCache.open(project.build_dir, index)
        changed = generate(project, index, cache=cache, processes=processes)
        assert cache.rendered == len(LANGUAGES) * len(plan(index)) and cache.kept == 0
        assert set(changed) == set(LANGUAGES) and all(changed.values())
    assert _staged(alone) == _staged(side_by_side)
    references = "build/cache/references.json"
    assert (alone.root / references).read_text() == (side_by_side.root / references).read_text() != "{}"
    index = load_or_fail(side_by_side)
    again = PageCache.open(side_by_side.build_dir, index)
    assert generate(side_by_side, index, cache=again, processes=2) == {lang: [] for lang in LANGUAGES}
    assert again.rendered == 0 and again.kept == len(LANGUAGES) * len(plan(index))


def test_a_failure_in_a_languages_process_is_raised_whole(fixture_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.model.errors import DataError, Location, Report
    from generator.web import render

    report = Report()
    report.add(Location("data/x.yaml", 3, 5), "statement", "a mistake only English pages find")
    rendered = render.render_page

    def failing(env: Any, index: Any, lang: str, *args: Any, **kwargs: Any) -> str:
        if lang == "en":
            raise DataError(report)
        return rendered(env, index, lang, *args, **kwargs)

    monkeypatch.setattr(pipeline, "render_page", failing)
    with pytest.raises(DataError) as raised:
        generate(fixture_project, load_or_fail(fixture_project), processes=2)
    assert [str(problem) for problem in raised.value.report.problems] == [str(problem) for problem in report.problems]
