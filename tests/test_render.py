"""What a reader sees in the generated Markdown of the fixture: escaping, fallbacks, computed counts."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import lxml.html
import markdown
import pytest
import yaml

from generator.model.settings import LANGUAGES, Project
from generator.pipeline.build import generate, load_or_fail
from generator.present import search
from generator.web.pages import plan
from generator.web.render import jinja_environment as compiling_environment
from generator.web.render import md_attribute, md_escape, page_title

from .conftest import REPO, write


def _generate(project: Project) -> Path:
    generate(project, load_or_fail(project))
    return project.build_dir / "docs"


def test_markup_in_data_is_escaped(fixture_project: Project) -> None:
    docs = _generate(fixture_project)
    page = (docs / "nb" / "findings" / "demo-2025-f02.md").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    lines = (docs / "nb" / "publications" / "demo-2025" / "index.md").read_text(encoding="utf-8").split("\n")
    assert r"# Demo\-oversikt om skole &amp; hjem &lt;test&gt;" in lines
    # the theme prints the page title raw, so the front matter carries it escaped
    assert lines[1] == 'title: "Demo-oversikt om skole &amp; hjem &lt;test&gt;"'


def test_markdown_syntax_is_escaped_in_headings() -> None:
    assert md_escape("*bold* [x](y)") == r"\*bold\* \[x\]\(y\)"


def test_missing_english_falls_back_visibly(fixture_project: Project) -> None:
    docs = _generate(fixture_project)
    page = (docs / "en" / "findings" / "demo-2025-f02.md").read_text(encoding="utf-8")
    assert '<span lang="nb">Lærere opplevde' in page
    assert "This text is not yet available in English; it is shown in Norwegian." in page


def test_generated_justification_and_counts(fixture_project: Project) -> None:
    docs = _generate(fixture_project)
    table = (docs / "en" / "publications" / "demo-2025" / "findings.md").read_text(encoding="utf-8")
    assert (
        "Moderate concerns regarding methodological limitations, no or very minor concerns regarding coherence, minor concerns regarding adequacy and no or very minor concerns regarding relevance."
        in table
    )
    # footer totals per confidence: high 1, moderate 1, low 0, very low 1, total 3
    cells = '<td class="kb-num">{}</td>'
    assert '<tfoot><tr><th scope="row">Total</th>' + "".join(cells.format(n) for n in (1, 1, 0, 1, 3)) + "</tr></tfoot>" in table


def test_edit_link_points_at_the_yaml(fixture_project: Project) -> None:
    docs = _generate(fixture_project)
    page = (docs / "nb" / "studies" / "beta-2021.md").read_text(encoding="utf-8")
    front = page.split("---\n")[1]
    assert "edit_source: data/studies/beta-2021.yaml\n" in front


# --- one hop from a page to its sources ------------------------------------------------------------


def front_matter(page: str) -> dict[str, Any]:
    assert page.startswith("---\n")
    return yaml.safe_load(page.split("---\n")[1])  # type: ignore[no-any-return]


def test_every_page_names_its_template_and_the_data_files_it_read(whole_project: Project) -> None:
    index = load_or_fail(whole_project)
    generate(whole_project, index)
    for page in plan(index):
        fronts = [front_matter((whole_project.staging_docs(lang) / page.doc).read_text(encoding="utf-8")) for lang in LANGUAGES]
        assert fronts[0]["kb_template"] == fronts[1]["kb_template"] == f"generator/templates/{page.template}"
        assert (REPO / fronts[0]["kb_template"]).is_file()
        sources = fronts[0]["kb_sources"]
        assert sources == fronts[1]["kb_sources"] == sorted(sources), page.doc  # the same data in both languages
        assert sources and all((whole_project.root / path).exists() for path in sources), page.doc
        folders = {path for path in sources if path.endswith("/")}
        if page.source:  # the file 'edit this page' opens is among them (or its whole folder is)
            assert page.source in sources or any(page.source.startswith(folder) for folder in folders), page.doc
    finding = index.finding("demo-2025-f01")
    front = front_matter((whole_project.staging_docs("en") / "findings" / "demo-2025-f01.md").read_text(encoding="utf-8"))
    expected = {
        "data/findings/demo-2025-f01.yaml",
        "data/publications/demo-2025.yaml",
        f"data/themes/{finding.theme}.yaml",
        "data/vocabularies/confidence.yaml",
        *(f"data/studies/{study_id}.yaml" for study_id in finding.studies),
    }
    assert expected <= set(front["kb_sources"])
    assert not any(path.startswith("data/studies/") for path in set(front["kb_sources"]) - expected)  # only its own studies
    # A page that goes through every file of a kind names the folder, not a list of every file.
    overview = front_matter((whole_project.staging_docs("nb") / "overview.md").read_text(encoding="utf-8"))
    assert "data/studies/" in overview["kb_sources"] and "data/findings/" in overview["kb_sources"]
    assert not any(path.startswith("data/studies/") and path.endswith(".yaml") for path in overview["kb_sources"])


def test_the_sources_are_what_the_page_read(fixture_project: Project) -> None:
    """A note about a finding is shown on the finding's page, so its file is among that page's sources."""
    page = fixture_project.staging_docs("en") / "findings" / "demo-2025-f01.md"
    generate(fixture_project, load_or_fail(fixture_project))
    assert "data/notes/about-f01.yaml" not in front_matter(page.read_text(encoding="utf-8"))["kb_sources"]
    (fixture_project.data_dir / "notes" / "about-f01.yaml").write_text(
        'id: about-f01\napplies_to: ["finding:demo-2025-f01"]\ncategory: editorial\n'
        'text: {nb: "Merknad.", en: "Note.", nb_origin: editorial}\n',
        encoding="utf-8",
    )
    generate(fixture_project, load_or_fail(fixture_project))
    assert "data/notes/about-f01.yaml" in front_matter(page.read_text(encoding="utf-8"))["kb_sources"]


ODD_FOLDER = 'a: #"x" --> <b>'


def test_a_file_name_cannot_break_the_front_matter(fixture_project: Project) -> None:
    """Data files may sit in sub-folders of any name, and hand-written pages may have any name: the
    front matter stays valid YAML and names them exactly (MkDocs would otherwise show it as text)."""
    studies = fixture_project.data_dir / "studies"
    (studies / ODD_FOLDER).mkdir()
    (studies / "beta-2021.yaml").rename(studies / ODD_FOLDER / "beta-2021.yaml")
    odd_page = f"{ODD_FOLDER}.md"
    for lang in LANGUAGES:
        (fixture_project.content_dir / lang).mkdir(parents=True, exist_ok=True)
        (fixture_project.content_dir / lang / odd_page).write_text("# Om\n", encoding="utf-8")
    index = load_or_fail(fixture_project)
    generate(fixture_project, index)
    study = f"data/studies/{ODD_FOLDER}/beta-2021.yaml"
    for lang in LANGUAGES:
        front = front_matter((fixture_project.staging_docs(lang) / "studies" / "beta-2021.md").read_text(encoding="utf-8"))
        assert front["edit_source"] == study and study in front["kb_sources"]
        content = front_matter((fixture_project.staging_docs(lang) / odd_page).read_text(encoding="utf-8"))
        assert content["edit_source"] == f"content/{lang}/{odd_page}"


def test_a_heading_s_attribute_list_is_not_part_of_the_page_title() -> None:
    """A finding's heading says what search reads of it in an attribute list; its title is the
    text, escaped as it was. Braces from the data are escaped, so they stay in the title."""
    body = '# Funn 2 – svært lav tillit { data-pagefind-ignore="index" data-pagefind-meta="title:Funn 2" }\n'
    assert page_title(body) == "Funn 2 – svært lav tillit"
    assert page_title("# A &lt;b&gt; \\& \\(B\\) \\{x\\}\n") == "A &lt;b&gt; & (B) {x}"


HOSTILE_TITLE = 'A "q" {: #id } [x](javascript:y) | ~ # h <b> & \\'


def test_a_title_from_the_data_is_one_literal_text_in_the_heading_and_its_attribute() -> None:
    """A finding's title is the heading and the value of its `data-pagefind-meta`: no quote ends the
    value, no brace ends the attribute list, and the page title is the heading's text alone."""
    body = f'# {md_escape(HOSTILE_TITLE)} {{ data-pagefind-meta="title:{md_attribute(HOSTILE_TITLE)}" }}\n'
    value = str(md_attribute(HOSTILE_TITLE))
    assert not set(value) & set('"{}<>\\[]()|~') and "&#34;" in value and "&#123;" in value
    assert html.unescape(page_title(body)) == HOSTILE_TITLE
    rendered = markdown.markdown(body, extensions=["toc", "attr_list"])
    heading = lxml.html.fragment_fromstring(rendered)
    assert heading.tag == "h1" and heading.text_content() == HOSTILE_TITLE
    assert heading.get("data-pagefind-meta") == f"title:{HOSTILE_TITLE}"
    assert heading.cssselect("a") == []


def test_markdown_has_no_backslash_escape_for_pipes_and_tildes() -> None:
    """`\\|` would show its backslash: a pipe and a tilde are written as character references."""
    assert md_escape("a | b ~ c") == "a &#124; b &#126; c"
    assert markdown.markdown(f"# {md_escape('a | b ~ c')}") == "<h1>a &#124; b &#126; c</h1>"


def test_only_a_single_study_s_page_counts_less_in_search(fixture_project: Project) -> None:
    docs = _generate(fixture_project)
    for lang in LANGUAGES:
        for page in (docs / lang).rglob("*.md"):
            front = page.read_text(encoding="utf-8").split("---\n")[1].splitlines()
            weights = [line for line in front if line.startswith("kb_search_weight:")]
            single_study = page.parent == docs / lang / "studies" and page.name != "index.md"
            assert weights == ([f"kb_search_weight: {search.SINGLE_STUDY_WEIGHT}"] if single_study else []), page


# `compiling_environment` is bound when this module is collected, before the session's fixture puts
# an environment with an in-memory cache of compiled templates in its place (conftest.py).


def test_compiled_templates_are_kept_in_their_folder_between_environments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates, compiled = tmp_path / "templates", tmp_path / "compiled"
    write(templates / "page.md.j2", "one {{ x }}\n")
    assert compiling_environment(templates, compiled=compiled).get_template("page.md.j2").render(x=1) == "one 1"
    assert len(list(compiled.iterdir())) == 1
    again = compiling_environment(templates, compiled=compiled)
    monkeypatch.setattr(again, "compile", lambda *_, **__: pytest.fail("compiled again, though kept"))
    assert again.get_template("page.md.j2").render(x=1) == "one 1"
    write(templates / "page.md.j2", "two {{ x }}\n")
    assert compiling_environment(templates, compiled=compiled).get_template("page.md.j2").render(x=1) == "two 1"
    # Other settings compile the same source to other code: kept apart.
    kept_newline = compiling_environment(templates, keep_trailing_newline=True, compiled=compiled)
    assert kept_newline.get_template("page.md.j2").render(x=1) == "two 1\n"
    assert compiling_environment(templates, compiled=compiled).get_template("page.md.j2").render(x=1) == "two 1"


def test_a_kept_template_that_cannot_be_read_is_compiled_again(tmp_path: Path) -> None:
    templates, compiled = tmp_path / "templates", tmp_path / "compiled"
    write(templates / "page.md.j2", "one {{ x }}\n")
    compiling_environment(templates, compiled=compiled).get_template("page.md.j2")
    for kept in compiled.iterdir():
        kept.write_bytes(b"not compiled code")
    assert compiling_environment(templates, compiled=compiled).get_template("page.md.j2").render(x=1) == "one 1"
