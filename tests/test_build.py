from __future__ import annotations

import yaml

from generator.build import check, generate, mkdocs_overrides, search_plugin_languages
from generator.serve import regenerate
from generator.settings import Project


def test_lunr_gets_no_for_bokmal_never_false() -> None:
    plugins = yaml.safe_load("plugins: [search, {tags: {}}]")["plugins"]
    nb = search_plugin_languages(plugins, "nb")
    assert nb == [{"search": {"lang": ["no"]}}, {"tags": {}}]
    assert search_plugin_languages(plugins, "en") == [{"search": {"lang": ["en"]}}, {"tags": {}}]
    assert search_plugin_languages([], "nb") is None
    # the trap this guards against:
    assert yaml.safe_load("lang: [no]") == {"lang": [False]}


def test_per_language_config(fixture_project: Project) -> None:
    index, _ = check(fixture_project)
    assert index is not None
    nb = mkdocs_overrides(fixture_project, index, "nb")
    en = mkdocs_overrides(fixture_project, index, "en")
    assert nb["theme"]["language"] == "nb" and en["theme"]["language"] == "en"
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
