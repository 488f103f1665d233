"""`make diff BASE=ref` (generator.tools.diff): what a change does, as a reviewer reads it.

Small git repositories of the fixture (tests/gitrepo.py): a base commit on `main`, a branch with
the change. Assertions are on the content of the report."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from generator.model.models import Change, Finding, Text
from generator.model.settings import Project
from generator.tools import baseline, diff
from generator.tools.changes import EntityChange, FieldChange, compare_models
from generator.tools.pagediff import Edit, Page, PageChanges, compare_docs

from .conftest import write
from .gitrepo import F01, F03, HISTORY_ENTRY, PUBLICATION, Repo, fixture_repo

pytestmark = pytest.mark.tool  # runs a tool end to end: not in make test-fast

# --- a typical editorial pull request --------------------------------------------------------


@pytest.fixture(scope="module")
def typical(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repo, diff.Review]:
    """Finding 1 reworded (both languages), its confidence raised and one study swapped, with a
    history entry; the publication's version raised; finding 3 touched only by a comment."""
    repo = fixture_repo(tmp_path_factory.mktemp("typical"))
    repo.replace(F01, "Foresatte ønsket tidlig kontakt.", "Foresatte ønsket rask kontakt.")
    repo.replace(F01, "Parents wanted early contact.", "Parents wanted prompt contact.")
    repo.replace(F01, "confidence: moderate", "confidence: high")
    repo.replace(F01, "studies: [beta-2021, gamma-2022]", "studies: [alpha-2020, gamma-2022]")
    repo.append(F01, HISTORY_ENTRY)
    repo.replace(PUBLICATION, '\nversion: "1.1"', '\nversion: "1.2"')
    repo.append(F03, "# reviewed again, nothing to change\n")
    repo.commit()
    return repo, diff.compare(Project(repo.root), "main")


def _section(text: str, header: str) -> list[str]:
    """The lines under a file's header, up to the next file's header."""
    lines = text.splitlines()
    start = lines.index(f"  {header}")
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"  \S", lines[i]) or not lines[i]), len(lines))
    return lines[start + 1 : end]


def test_each_changed_field_under_its_file(typical: tuple[Repo, diff.Review]) -> None:
    text = diff.render_text(typical[1])
    f01 = _section(text, F01)
    assert f01[0] == "    finding demo-2025-f01 changed"
    assert '      statement.nb: "Foresatte ønsket tidlig kontakt." -> "Foresatte ønsket rask kontakt."' in f01
    assert '      statement.en: "Parents wanted early contact." -> "Parents wanted prompt contact."' in f01
    assert '      confidence: "moderate" -> "high"' in f01
    assert '      studies: removed "beta-2021"' in f01
    assert '      studies: added "alpha-2020"' in f01
    assert '      history[1].change.nb: added "Funnet er omformulert."' in f01
    assert _section(text, PUBLICATION) == ["    publication demo-2025 changed", '      version: "1.1" -> "1.2"']


def test_files_are_listed_once_in_order(typical: tuple[Repo, diff.Review]) -> None:
    text = diff.render_text(typical[1])
    headers = [line.strip() for line in text.splitlines() if re.match(r"  \S", line) and "/" in line.split()[0]]
    files = [h.split(":")[0] for h in headers]
    assert files == sorted({F01, F03, PUBLICATION})
    assert "Files changed: 3" in text


def test_a_comment_is_not_a_change_to_the_data(typical: tuple[Repo, diff.Review]) -> None:
    text = diff.render_text(typical[1])
    assert f"  {F03}: no change to the data (comments or formatting only)" in text
    assert "finding demo-2025-f03" not in text


def test_the_version_stamp_is_one_edit_with_all_its_pages(typical: tuple[Repo, diff.Review]) -> None:
    repo, review = typical
    text = diff.render_text(review)
    lines = text.splitlines()
    stamp = [i for i, line in enumerate(lines) if line.strip() == '"v1.1" -> "v1.2"']
    assert len(stamp) == 1
    # The stamp: "Demo-oversikt v1.2 · Tema: ..." on finding pages, "... · 2025 · v1.2</p>" on the home page.
    stamp_pattern = re.compile(r" v1\.2( ·|</p>)")
    stamped = [p for p in (repo.root / "build" / "docs").rglob("*.md") if stamp_pattern.search(p.read_text(encoding="utf-8"))]
    assert len(stamped) >= 8  # three finding pages and the home page, in both languages
    assert lines[stamp[0] + 1].strip().startswith(f"{len(stamped)} page(s): ")
    edit_lines = [line for line in lines if line.startswith("    ") and not line.startswith("      ")]
    assert len(edit_lines) == len(set(edit_lines))  # no edit is listed twice
    assert text.count('version: "1.1" -> "1.2"') == 1


def test_pages_added_and_removed(typical: tuple[Repo, diff.Review]) -> None:
    # The drill-down list of moderate findings in theme A goes; one of high findings comes.
    pages = typical[1].pages
    assert Page("nb", "publications/demo-2025/lists/findings-tema-a-high.md") in pages.added
    assert Page("en", "publications/demo-2025/lists/findings-tema-a-moderate.md") in pages.removed
    text = diff.render_text(typical[1])
    assert "/en/publications/demo-2025/lists/findings-tema-a-high/" in text


def test_markdown_report(typical: tuple[Repo, diff.Review]) -> None:
    markdown = diff.render_markdown(typical[1])
    assert markdown.startswith(diff.MARKER + "\n")
    assert "| `statement.nb` | Foresatte ønsket tidlig kontakt\\. | Foresatte ønsket rask kontakt\\. |" in markdown
    assert "| `confidence` | moderate | high |" in markdown
    assert "| `studies` | beta\\-2021 |  |" in markdown
    assert "| `studies` |  | alpha\\-2020 |" in markdown
    assert markdown.count("| v1\\.1 | v1\\.2 |") == 1
    assert re.search(r"(?<!\\)<span", markdown) is None  # generated HTML is shown as text, never rendered
    files = re.findall(r"^\*\*`([^`]+)`\*\*", markdown, flags=re.MULTILINE)
    assert files == sorted({F01, F03, PUBLICATION})


def test_the_command_line(typical: tuple[Repo, diff.Review], capsys: pytest.CaptureFixture[str]) -> None:
    repo = typical[0]
    assert diff.main(["--root", str(repo.root), "--base", "main", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(diff.MARKER) and "| `confidence` | moderate | high |" in out
    assert repo.worktrees() == [f"worktree {repo.root.resolve()}"]


def test_a_long_text_says_what_differs_in_it() -> None:
    before = "Mange foresatte ville ha informasjon om hva som skjedde på skolen, så tidlig som mulig."
    after = "Mange foresatte ønsket informasjon om hva som skjedde på skolen, så tidlig som mulig."
    change = EntityChange("finding", "f", "changed", "data/findings/f.yaml", (FieldChange(("statement", "nb"), before, after),))
    review = diff.Review("main", "0" * 40, ["data/findings/f.yaml"], [change], PageChanges())
    assert '        differs: "ville ha" -> "ønsket"' in diff.render_text(review).splitlines()
    assert "| ville ha → ønsket |" in diff.render_markdown(review)


# --- code changes: the base is generated with its own code --------------------------------------


def test_a_template_change_shows_in_the_pages_and_the_files(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    template = "generator/templates/finding.md.j2"
    text = (repo.root / template).read_text(encoding="utf-8")
    repo.replace(template, text.splitlines()[-1], text.splitlines()[-1] + "\n\nKONTROLLERT-MARKER")
    repo.commit()
    review = diff.compare(Project(repo.root), "main")
    assert review.entities == []
    report = diff.render_text(review)
    assert f"  {template}" in report.splitlines()
    marker = next(pages for edit, pages in review.pages.edits if edit == Edit("", "KONTROLLERT-MARKER"))
    findings = sorted(p.name for p in (repo.root / "data" / "findings").glob("*.yaml"))
    assert len(marker) == 2 * len(findings)  # every finding page, in both languages


def test_uncommitted_and_new_files_count(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    repo.replace(F01, "confidence: moderate", "confidence: low")  # not committed
    write(repo.root / "content" / "nb" / "om.md", "# Om\n\nEn ny side.\n")  # untracked
    review = diff.compare(Project(repo.root), "main")
    assert review.files == ["content/nb/om.md", F01]
    assert Page("nb", "om.md") in review.pages.added
    assert [c.fields for c in review.entities] == [(FieldChange(("confidence",), "moderate", "low"),)]


def test_no_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = fixture_repo(tmp_path)
    assert diff.main(["--root", str(repo.root), "--base", "main"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "No changes to the data or the published pages."


# --- what cannot be compared: a clear message, non-zero, no traceback, no worktree left -------------


def _fails(repo: Repo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, str]:
    code = diff.main(["--root", str(repo.root), *args])
    out, err = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out + err
    assert repo.worktrees() == [f"worktree {repo.root.resolve()}"]
    return out, err


def test_broken_data_on_this_branch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = fixture_repo(tmp_path)
    repo.replace(F01, "confidence: moderate", "confidence: moderate\nconfidance: high")
    out, err = _fails(repo, capsys, "--base", "main", "--format", "markdown")
    assert err.splitlines()[:2] == [
        "error: this branch (working tree): the data has 1 error(s); the comparison needs data that loads:",
        f"{F01}:11:1: confidance: unknown field 'confidance' (did you mean 'confidence'?)",
    ]
    assert out.startswith(diff.MARKER)
    assert f"{F01}:11:1: confidance: unknown field" in out


def test_broken_data_in_the_base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = fixture_repo(tmp_path)
    repo.git("checkout", "-q", "main")
    repo.replace(PUBLICATION, '\nversion: "1.1"', "\nversion: 1.1.1")
    repo.commit("broken on main")
    base = repo.git("rev-parse", "--short=7", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "fixed")
    repo.replace(PUBLICATION, "version: 1.1.1", 'version: "1.2"')
    _, err = _fails(repo, capsys, "--base", "main")
    assert err.splitlines()[0] == f"error: base main ({base}): the data has 1 error(s); the comparison needs data that loads:"
    assert err.splitlines()[1].startswith(f"{PUBLICATION}:10:1: version: string should match pattern")


def test_both_sides_broken_are_both_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = fixture_repo(tmp_path)
    repo.git("checkout", "-q", "main")
    f03_appended = _lines(repo, F03) + 1
    repo.append(F03, "unknown_field: 1\n")
    repo.commit("broken on main")
    repo.git("checkout", "-q", "change")
    f01_appended = _lines(repo, F01) + 1
    repo.append(F01, "- [\n")  # a syntax error on the appended line (the file ends with a list)
    _, err = _fails(repo, capsys, "--base", "main")
    assert "this branch (working tree): the data has 1 error(s)" in err
    assert f"{F01}:{f01_appended}:" in err
    assert "base main (" in err and f"{F03}:{f03_appended}:1: unknown_field: unknown field" in err


def _lines(repo: Repo, name: str) -> int:
    return len((repo.root / name).read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("ref", ["no-such-branch", "--output=/tmp/x", "", "main:data"])
def test_unknown_base(tmp_path: Path, capsys: pytest.CaptureFixture[str], ref: str) -> None:
    repo = fixture_repo(tmp_path)
    _, err = _fails(repo, capsys, f"--base={ref}")
    assert err.startswith(f"error: unknown base {ref!r}: ")


def test_not_a_git_repository(fixture_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    code = diff.main(["--root", str(fixture_project.root), "--base", "main"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == f"error: {fixture_project.root} is not in a git repository: a base commit can only be compared within one\n"


def test_the_worktree_is_removed_when_anything_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = fixture_repo(tmp_path)
    seen: list[Path] = []

    def interrupted(project: Project, label: str) -> Path:
        seen.append(project.root)
        raise KeyboardInterrupt

    monkeypatch.setattr(diff, "generate_pages", interrupted)
    with pytest.raises(KeyboardInterrupt):
        diff.compare(Project(repo.root), "main")
    assert seen and not seen[0].exists()
    assert repo.worktrees() == [f"worktree {repo.root.resolve()}"]


def test_the_base_code_failing_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = fixture_repo(tmp_path)
    repo.git("checkout", "-q", "main")
    repo.append("generator/cli.py", "\nraise SystemExit('the old generator gives up')\n")
    repo.commit("a base whose code fails")
    repo.git("checkout", "-q", "-b", "other")
    repo.git("checkout", "-q", "change", "--", "generator/cli.py")
    _, err = _fails(repo, capsys, "--base", "main")
    assert err.splitlines()[0].endswith("): generating its pages failed:")
    assert "the old generator gives up" in err


# --- pure parts ---------------------------------------------------------------------------------


def test_an_edit_on_many_pages_is_reported_once(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    for lang in ("nb", "en"):
        for name in ("a", "b", "c"):
            write(base / lang / "findings" / f"{name}.md", f"# {name}\n\nDemo v1.1 · 15. juni 2025\n")
            write(head / lang / "findings" / f"{name}.md", f"# {name}\n\nDemo v1.2 · 1. mars 2026\n")
    write(base / "nb" / "studies" / "s1.md", "Tillit: moderat\n")
    write(head / "nb" / "studies" / "s1.md", "Tillit: høy\n")
    write(head / "en" / "findings" / "new.md", "added")
    write(base / "en" / "index.md", "gone")
    changes = compare_docs(base, head)
    assert changes.added == [Page("en", "findings/new.md")]
    assert changes.removed == [Page("en", "index.md")]
    assert [(edit, len(pages)) for edit, pages in changes.edits] == [
        (Edit("v1.1 · 15. juni 2025", "v1.2 · 1. mars 2026"), 6),
        (Edit("moderat", "høy"), 1),
    ]
    assert [p.url for p in changes.edits[0][1][:4]] == ["/findings/a/", "/findings/b/", "/findings/c/", "/en/findings/a/"]


def test_where_a_page_comes_from_is_no_change_readers_see(tmp_path: Path) -> None:
    """The provenance front matter (kb_template, kb_sources) grows with edits that show elsewhere on
    the page, and changes with the templates: it is never reported as an edit of the page."""
    base, head = tmp_path / "base", tmp_path / "head"
    front = '---\ntitle: "F"\nkb_template: generator/templates/finding.md.j2\nkb_sources:\n{}---\n\n# F\n\n{}\n'
    write(base / "nb" / "findings" / "a.md", front.format("  - data/findings/a.yaml\n", "Studier: 1"))
    write(head / "nb" / "findings" / "a.md", front.format("  - data/findings/a.yaml\n  - data/studies/s.yaml\n", "Studier: 2"))
    write(base / "nb" / "findings" / "b.md", front.format("  - data/findings/b.yaml\n", "Uendret"))
    write(head / "nb" / "findings" / "b.md", front.format("  - data/findings/b.yaml\n  - data/notes/n.yaml\n", "Uendret"))
    changes = compare_docs(base, head)
    assert changes.changed == [Page("nb", "findings/a.md")]
    assert [edit for edit, _ in changes.edits] == [Edit("1", "2")]


def test_page_urls() -> None:
    assert Page("nb", "index.md").url == "/"
    assert Page("en", "publications/p/index.md").url == "/en/publications/p/"
    assert Page("en", "downloads/p-references.ris").url == "/en/downloads/p-references.ris"


def _finding(**fields: object) -> Finding:
    values: dict[str, object] = {
        "id": "f",
        "number": 1,
        "theme": "t",
        "title": {"nb": "Et gammelt funn", "en": "An old finding", "nb_origin": "editorial"},
        "statement": {"nb": "Gammel.", "en": "Old."},
        "studies": ["a", "b"],
    }
    return Finding.model_validate(values | fields)


def test_model_changes_name_every_field() -> None:
    before = _finding(history=[{"date": dt.date(2025, 1, 1), "change": {"nb": "Ny.", "en": "New."}}])
    after = _finding(
        statement={"nb": "Gammel.", "en": "Changed."},
        studies=["b", "c"],
        topics=["x"],
        history=[
            {"date": dt.date(2025, 1, 1), "change": {"nb": "Ny.", "en": "New."}},
            {"date": dt.date(2026, 3, 1), "version": "1.2", "change": {"nb": "Endret.", "en": "Changed."}},
        ],
    )
    assert compare_models(before, after) == [
        FieldChange(("statement", "en"), "Old.", "Changed."),
        FieldChange(("studies",), "a", None),
        FieldChange(("studies",), None, "c"),
        FieldChange(("topics",), None, "x"),
        FieldChange(("history", 1, "date"), None, "2026-03-01"),
        FieldChange(("history", 1, "version"), None, "1.2"),
        FieldChange(("history", 1, "change", "nb"), None, "Endret."),
        FieldChange(("history", 1, "change", "en"), None, "Changed."),
    ]


def test_model_changes_reorder_edit_and_removal() -> None:
    before = _finding(studies=["a", "b"], history=[{"date": dt.date(2025, 1, 1), "change": {"nb": "Ny."}}])
    after = _finding(
        studies=["b", "a"], history=[{"date": dt.date(2025, 1, 2), "change": {"nb": "Ny.", "nb_origin": "editorial"}}]
    )
    assert compare_models(before, after) == [
        FieldChange(("studies",), "a, b", "b, a"),
        FieldChange(("history", 0, "date"), "2025-01-01", "2025-01-02"),
        FieldChange(("history", 0, "change", "nb_origin"), "source", "editorial"),
    ]
    assert compare_models(Change.model_validate({"date": dt.date(2025, 1, 1), "change": {"nb": "Ny."}}), None) == [
        FieldChange(("date",), "2025-01-01", None),
        FieldChange(("change", "nb"), "Ny.", None),
    ]


def test_an_added_entity_lists_what_it_sets() -> None:
    assert compare_models(None, Text(nb="Ny.", en_origin="source")) == [
        FieldChange(("nb",), None, "Ny."),
        FieldChange(("en_origin",), "editorial", "source"),
    ]


HOSTILE = [
    "@octocat please merge",
    "see #1 and GH-2",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "a | b | c",
    "```\nfenced\n```",
    "**bold** _em_ ~~strike~~ `code`",
    "line one\nline two\x1b[31m",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_shows_data_as_text(value: str) -> None:
    cell = diff.md_text(value)
    assert "\n" not in cell and "\x1b" not in cell
    assert re.search(r"(?<!\\)[<>|`*_~\[\]()]", cell.replace("<br>", "")) is None  # nothing unescaped
    assert re.search(r"@\w", cell) is None and re.search(r"#\d", cell) is None  # no mention, no issue link


def test_markdown_code_and_block() -> None:
    assert diff.md_code("data/findings/x.yaml") == "`data/findings/x.yaml`"
    assert diff.md_code("a`b") == "a\\`b"
    block = diff.md_block("x ```` y")
    assert block.startswith("`````text\n") and block.endswith("\n`````")


def test_markdown_fits_in_a_comment() -> None:
    lines = [diff.MARKER, *(f"| row {i} | {'x' * 200} |" for i in range(1000))]
    text = diff._fit(lines)
    assert len(text) <= diff.COMMENT_LIMIT
    assert text.startswith(diff.MARKER)
    assert text.splitlines()[-1].startswith("**Cut here: the report is longer than a comment may be (")


def test_touched_files_are_relative_to_the_project(tmp_path: Path) -> None:
    repo = fixture_repo(tmp_path)
    repo.replace(F01, "confidence: moderate", "confidence: low")
    commit = baseline.resolve(repo.root, "main")
    assert baseline.touched_files(Project(repo.root), commit) == [F01]
