"""What a reader sees in the generated Markdown of the fixture: escaping, fallbacks, computed counts."""

from __future__ import annotations

from pathlib import Path

from generator.build import generate, load_or_fail
from generator.render import md_escape
from generator.settings import Project


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
