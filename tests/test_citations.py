"""Hand-written pages cite the data: links and counts are resolved at build time, and a
citation of something that does not exist is a located error."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.model.errors import Report
from generator.model.index import Index
from generator.model.settings import Project
from generator.pipeline.build import check, generate
from generator.present import citations
from generator.web.pages import PageSpec
from generator.web.render import View

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


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[[finding:demo-2025-f01]", "close it with ']]': write [[finding:demo-2025-f01]]"),
        ("[[finding:demo-2025-f01] og mer", "close it with ']]': write [[finding:demo-2025-f01]]"),
        ("[[Finding:demo-2025-f01]]", "the kind is lower case: write [[finding:demo-2025-f01]]"),
        ("[[COUNT:studies]]", "the kind is lower case: write [[count:studies]]"),
        ("[[count]]", "'count' needs what to count: write [[count:<what>]]"),
        ("[[finding]]", "'finding' needs an id: write [[finding:<id>]]"),
        ("[[finding:]]", "'finding:' needs an id first: write [[finding:<id>]]"),
        ("[[ finding:demo-2025-f01 ]]", "no space just inside the brackets: write [[finding:demo-2025-f01]]"),
        ("[[finding: demo-2025-f01]]", "no space around ':': write [[finding:demo-2025-f01]]"),
        ("[[finding demo-2025-f01]]", "write a colon between the kind and an id: [[finding:demo-2025-f01]]"),
        ("[[count:studies country = nor]]", "no space around '=': write [[count:studies country=nor]]"),
        ("[[count:studies country]]", "filter 'country' needs a value: write country=<value>"),
        ("[[count:studies country=]]", "filter 'country' needs a value after '='"),
        ("[[count:studies country=nor country=swe]]", "filter 'country' is given twice"),
        ("[[study:gamma-2022 side=3]]", "a study reference takes no parameters"),
        ("[[Kapittel:innledning]]", "unknown reference kind 'Kapittel' (use one of: count, finding, study"),
        ("[[f\u0456nding:demo-2025-f01]]", "its 2nd character is CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I (U+0456)"),
        ("[[:demo-2025-f01]]", "a kind goes before ':'"),
        ("[[se funn 3]]", "not a citation: write [[finding:<id>]], [[study:<id>]]"),
    ],
)
def test_malformed_citations_are_located_errors_that_name_the_right_form(
    whole_project: Project, capsys: pytest.CaptureFixture[str], line: str, message: str
) -> None:
    """Anything that starts like a citation but does not parse would reach the site as literal text."""
    write(whole_project.content_dir / "nb" / "side.md", f"# Side\n\nTekst foran {line} og etter.\n")
    status = main(["--root", str(whole_project.root), "check"])
    out = capsys.readouterr().err
    assert status == 1
    problems = [line for line in out.splitlines() if line.startswith("content/nb/side.md")]
    assert len(problems) == 1, problems
    assert problems[0].startswith("content/nb/side.md:3:13: "), problems
    assert message in problems[0], problems


LITERAL = """# Side

Markdown-lenker med klammer: [[1]](https://example.org/1) og [[Ibsen]](https://example.org/ibsen),
en referanselenke [[2]][ref], en [[lenke] med tekst](https://example.org), og [[3]] alene.

Syntaksen i kode: `[[finding:hva-som-helst]]` og ``[[Count]]``; escapet: \\[[finding:ukjent]].

```
[[count:noe-ukjent]]
[[Finding:x]
```

~~~markdown
[[ study:y ]]
~~~

Men her gjelder den: [[count:cases]].

[ref]: https://example.org/2
"""


def test_legitimate_markdown_and_code_keep_their_brackets(whole_project: Project) -> None:
    """Links whose text is in brackets, code spans, fenced blocks and escaped brackets are not
    citations: nothing is reported, and they reach the page exactly as written."""
    write(whole_project.content_dir / "nb" / "side.md", LITERAL)
    index, report = check(whole_project)
    assert index is not None, [str(p) for p in report.errors()]
    assert not [p for p in report.problems if p.location.path.startswith("content/")]
    generate(whole_project, index, ("nb",))
    staged = (whole_project.staging_docs("nb") / "side.md").read_text(encoding="utf-8")
    for literal in (
        "`[[finding:hva-som-helst]]`",
        "[[count:noe-ukjent]]",
        "[[Finding:x]",
        "[[ study:y ]]",
        "\\[[finding:ukjent]]",
    ):
        assert literal in staged
    assert staged.count('<span class="kb-count">') == 1


def test_citations_outside_code_on_the_same_line_still_count() -> None:
    text = "`kode` [[count:cases]] `[[count:x]]` [[finding:a-f01]]\n```\n[[finding:b]]\n```\n[[finding:c]]"
    assert [(c.target, c.line, c.column) for c in citations.scan(text)] == [("cases", 1, 8), ("a-f01", 1, 38), ("c", 5, 1)]


def test_a_citation_may_wrap_between_its_filters() -> None:
    """Hard-wrapped prose may break a long count between two filters (not inside the brackets' ends)."""
    found = list(citations.tokens("Av [[count:studies publication=demo-2025\n  country=nor]] studier"))
    assert [(type(t).__name__, t.line, t.column) for t in found] == [("Citation", 1, 4)]
    assert found[0].params == (("publication", "demo-2025"), ("country", "nor"))


def test_pages_in_subfolders_are_checked_as_they_are_expanded(whole_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """content/<lang>/ is copied with its subfolders, and their citations expanded: they are checked too
    (an unknown id there passed `check` and then crashed the build)."""
    write(whole_project.content_dir / "en" / "guides" / "start.md", "# Start\n\n[[finding:demo-2025-f09]]\n")
    status = main(["--root", str(whole_project.root), "check"])
    err = capsys.readouterr().err
    assert status == 1
    assert "content/en/guides/start.md:3:1: [[finding:demo-2025-f09]]: unknown finding 'demo-2025-f09'" in err


def test_a_page_that_is_not_utf8_is_a_located_error(whole_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    page = whole_project.content_dir / "nb" / "side.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_bytes("# Side\n\nBlåbær i Latin-1: ".encode() + "blå".encode("latin-1") + b"\n")
    status = main(["--root", str(whole_project.root), "check"])
    err = capsys.readouterr().err
    assert status == 1
    assert "content/nb/side.md:3:21: (file): file is not valid UTF-8 (byte 0xe5); save it as UTF-8" in err
