"""Hand-written pages cite the data: links and counts are resolved at build time, and a
citation of something that does not exist is a located error."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import citations
from generator.build import check, generate
from generator.cli import main
from generator.errors import Report
from generator.index import Index
from generator.pages import PageSpec
from generator.render import View
from generator.settings import Project

from .conftest import write


@pytest.fixture
def index(whole_project: Project) -> Index:
    found, report = check(whole_project)
    assert found is not None, report.problems
    return found


def test_scan_gives_line_and_column() -> None:
    text = "# T\n\nSe [[finding:a-f01]] og\n  [[count:studies country=nor]].\n"
    found = list(citations.scan(text))
    assert [(c.kind, c.target, c.line, c.column) for c in found] == [("finding", "a-f01", 3, 4), ("count", "studies", 4, 3)]
    assert found[1].params == (("country", "nor"),)


@pytest.mark.parametrize(
    ("what", "params", "expected"),
    [
        ("publications", (), 2),
        ("findings", (), 5),
        ("findings", (("publication", "demo-2025"),), 3),
        ("findings", (("confidence", "high"),), 1),
        ("findings", (("type", "qualitative-finding"),), 1),
        ("findings", (("topic", "tidlig"),), 1),
        ("studies", (), 4),
        ("studies", (("country", "nor"),), 2),
        ("studies", (("country", "swe"),), 2),
        ("studies", (("publication", "demo-thesis-2022"),), 2),
        ("implications", (("audience", "teachers"),), 1),
        ("implications", (("type", "knowledge-gap"),), 1),
        ("interventions", (("evidence", "promising"),), 1),
        ("cases", (), 1),
    ],
)
def test_counts_are_computed_from_the_data(index: Index, what: str, params: tuple, expected: int) -> None:
    assert citations.count(index, what, params) == expected


def test_count_follows_the_data(whole_project: Project) -> None:
    """Add a study and the count in the prose changes with it: nothing is typed by hand."""
    before, _ = check(whole_project)
    assert before is not None
    n = citations.count(before, "studies", (("country", "nor"),))
    write(
        whole_project.data_dir / "studies" / "epsilon-2020.yaml",
        "id: epsilon-2020\ncitation: Epsilon 2020\nauthors: [E]\nyear: 2020\npublication_type: report\ndesign: rct\ncountry: nor\n",
    )
    after, _ = check(whole_project)
    assert after is not None
    assert citations.count(after, "studies", (("country", "nor"),)) == n + 1


def test_expanded_page_links_finding_with_number_and_confidence(index: Index) -> None:
    view = View(index, "nb", PageSpec("om.md", ""))
    html = citations.expand("Se [[finding:demo-2025-f01]] og [[count:studies]] studier.", view)
    assert 'href="../findings/demo-2025-f01/"' in html
    assert "Funn 1" in html and "Moderat tillit" in html
    assert '<span class="kb-count">4</span>' in html
    assert "[[" not in html


def test_english_page_gets_english_labels(index: Index) -> None:
    view = View(index, "en", PageSpec("about.md", ""))
    html = citations.expand("[[finding:demo-2025-f01]]", view)
    assert "Finding 1" in html and "Moderate confidence" in html


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[[finding:demo-2025-f09]]", "unknown finding 'demo-2025-f09' (did you mean 'demo-2025-f03'?)"),
        ("[[study:gama-2022]]", "unknown study 'gama-2022' (did you mean 'gamma-2022'?)"),
        ("[[count:reviews]]", "cannot count 'reviews'"),
        ("[[count:studies land=nor]]", "'studies' has no filter 'land'"),
        ("[[count:studies country=no]]", "unknown country 'no'"),
        ("[[count:findings publication=demo-2026]]", "unknown publication 'demo-2026' (did you mean 'demo-2025'?)"),
        ("[[chapter:intro]]", "unknown reference kind 'chapter'"),
        ("[[finding:demo-2025-f01 x=1]]", "takes no parameters"),
    ],
)
def test_unknown_references_are_located_errors(
    whole_project: Project, capsys: pytest.CaptureFixture[str], line: str, message: str
) -> None:
    page = whole_project.content_dir / "nb" / "side.md"
    write(page, f"# Side\n\nTekst foran {line} og etter.\n")
    status = main(["--root", str(whole_project.root), "check"])
    out = capsys.readouterr().err
    assert status == 1
    problem = next(line for line in out.splitlines() if line.startswith("content/nb/side.md"))
    assert problem.startswith("content/nb/side.md:3:13: "), problem
    assert message in problem


def test_a_citation_cannot_inject_markup(whole_project: Project) -> None:
    """Content is not a template: an id with markup is not found, and never reaches the page."""
    report = Report()
    found, _ = check(whole_project)
    assert found is not None
    write(whole_project.content_dir / "nb" / "x.md", "# X\n\n[[finding:<script>alert(1)</script>]]\n")
    citations.check_content(whole_project.content_dir, whole_project.root, found, report)
    assert [p.message for p in report.problems] == ["unknown finding '<script>alert(1)</script>'"]
    write(whole_project.content_dir / "nb" / "x.md", "# X\n\n{{ 7*7 }} [[count:cases]]\n")
    generate(whole_project, found, ("nb",))
    staged = (whole_project.staging_docs("nb") / "x.md").read_text()
    assert "{{ 7*7 }}" in staged and "49" not in staged
    assert '<span class="kb-count">1</span>' in staged


def test_real_content_pages_cite_only_what_exists() -> None:
    """The committed hand-written pages use citations, and every one of them resolves."""
    root = Path(__file__).resolve().parents[1]
    project = Project(root)
    index, report = check(project)
    assert index is not None, [str(p) for p in report.errors()]
    pages = sorted((root / "content").glob("*/*.md"))
    cited = [c for page in pages for c in citations.scan(page.read_text(encoding="utf-8"))]
    assert len(cited) >= 10
    assert {c.kind for c in cited} >= {"count", "finding"}
    assert all(not citations.problems(index, c) for c in cited)


def test_data_and_content_problems_in_one_pass(whole_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """An editor sees every problem at once: a broken data file and a bad citation in the same run,
    and a citation of the broken entity itself is not reported a second time."""
    study = whole_project.data_dir / "studies" / "delta-2019.yaml"
    study.write_text(study.read_text(encoding="utf-8").replace("year: 2019", "year: 19"), encoding="utf-8")
    write(whole_project.content_dir / "nb" / "side.md", "# Side\n\n[[study:delta-2019]] og [[topic:tidlig-x]]\n")
    status = main(["--root", str(whole_project.root), "check"])
    err = capsys.readouterr().err.splitlines()
    assert status == 1
    assert any(line.startswith("data/studies/delta-2019.yaml:4:1: year: ") for line in err), err
    assert any(line.startswith("content/nb/side.md:3:25: [[topic:tidlig-x]]: unknown topic") for line in err), err
    assert not any("[[study:delta-2019]]" in line for line in err), err
