"""A finding's title: required, in both languages, short enough for a table row, a list or a
search result, and one of a kind within its publication (models.TITLE_*, index.titles)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.model.errors import Problem, Report, Severity
from generator.model.index import Index, title_length
from generator.model.models import TITLE_EXAMPLE, TITLE_MAX_CHARACTERS, TITLE_MAX_WORDS, TITLE_MIN_WORDS
from generator.model.settings import LANGUAGES, Project
from generator.pipeline.build import check

from .conftest import REPO, write

F01 = "findings/demo-2025-f01.yaml"
F03 = "findings/demo-2025-f03.yaml"
THESIS_F01 = "findings/demo-thesis-2022-f01.yaml"
TITLE = re.compile(r"^title: .*\n", re.MULTILINE)


def _with_title(project: Project, rel: str, title: str) -> Path:
    """The finding's title line replaced by `title` (YAML lines, or nothing to remove it)."""
    path = project.data_dir / rel
    text = path.read_text(encoding="utf-8")
    assert len(TITLE.findall(text)) == 1, rel
    write(path, TITLE.sub(title, text))
    return path


def _block(nb: str, en: str) -> str:
    return f'title:\n  nb: "{nb}"\n  en: "{en}"\n  nb_origin: editorial\n'


def _title_problems(project: Project) -> list[Problem]:
    _, report = check(project)
    return [p for p in report.problems if p.field_path.startswith("title")]


def _line_of(path: Path, start: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith(start))


# --- required --------------------------------------------------------------------------------


def test_a_missing_title_is_an_error_that_says_what_to_write(fixture_project: Project) -> None:
    _with_title(fixture_project, F01, "")
    index, report = check(fixture_project)
    assert index is None
    (error,) = report.errors()
    assert (error.location.path, error.location.line, error.location.column) == ("data/findings/demo-2025-f01.yaml", 1, 1)
    assert error.field_path == "title"
    assert error.message.startswith("required field is missing: a short title in both languages")
    assert f"({TITLE_MIN_WORDS} to {TITLE_MAX_WORDS} words, at most {TITLE_MAX_CHARACTERS} characters)" in error.message
    # What the message says to write is a title that passes: pasted into the file, check is content.
    example = error.message.split("; e.g. ", 1)[1]
    assert example.startswith(f'title: {{nb: "{TITLE_EXAMPLE["nb"]}"')
    path = fixture_project.data_dir / F01
    write(path, path.read_text(encoding="utf-8") + example + "\n")
    index, report = check(fixture_project)
    assert index is not None, [str(p) for p in report.problems]
    assert index.finding("demo-2025-f01").title.nb_origin == "editorial"
    assert _title_problems(fixture_project) == []


def test_a_missing_title_is_located_at_the_first_field_of_a_real_finding(tmp_path: Path) -> None:
    """The real files start with the schema comment: the error is at the line of the first field."""
    root = tmp_path / "kb"
    shutil.copytree(REPO / "data", root / "data")
    path = root / "data" / "findings" / "skole-hjem-2025-f33.yaml"
    text = path.read_text(encoding="utf-8")
    without = re.sub(r"^title:\n(?:  .*\n)+", "", text, count=1, flags=re.MULTILINE)
    assert without != text
    write(path, without)
    _, report = check(Project(root))
    (error,) = report.errors()
    assert (error.location.path, error.location.line, error.location.column, error.field_path) == (
        "data/findings/skole-hjem-2025-f33.yaml",
        _line_of(path, "kind:"),
        1,
        "title",
    )
    assert error.message.startswith("required field is missing: a short title")


@pytest.mark.parametrize(
    ("title", "field", "message"),
    [
        ("title: ~\n", "title", "fill this in, or remove the line"),
        ('title: {nb: "", en: "Parents wanted early contact"}\n', "title.nb", "text is empty"),
        ("title: Foresatte ønsket tidlig kontakt\n", "title", "input should be a valid dictionary or instance of Text"),
    ],
    ids=["empty", "empty text", "not bilingual"],
)
def test_an_empty_or_malformed_title_is_an_error_at_its_line(
    fixture_project: Project, title: str, field: str, message: str
) -> None:
    path = _with_title(fixture_project, F01, title)
    index, report = check(fixture_project)
    assert index is None
    (error,) = report.errors()
    assert (error.location.line, error.field_path) == (_line_of(path, "title:"), field)
    assert error.message.startswith(message)


# --- length: warnings ------------------------------------------------------------------------


def _words(n: int) -> str:
    return " ".join(["ord"] * n)


@pytest.mark.parametrize(
    ("title", "problem"),
    [
        (_words(TITLE_MIN_WORDS), None),
        (_words(TITLE_MAX_WORDS), None),
        ("a" * (TITLE_MAX_CHARACTERS - 4) + " b c", None),
        (_words(TITLE_MIN_WORDS - 1), f"title has {TITLE_MIN_WORDS - 1} words"),
        ("Hjemmebesøk", "title has 1 word "),
        (_words(TITLE_MAX_WORDS + 1), f"title has {TITLE_MAX_WORDS + 1} words"),
        ("a" * (TITLE_MAX_CHARACTERS - 3) + " b c", f"title has {TITLE_MAX_CHARACTERS + 1} characters"),
        ("  Hjemmebesøk \n ga   blandede  ", None),  # words are counted, whatever the spaces between
    ],
    ids=["fewest", "most", "longest", "too few", "one word", "too many", "too long", "spaces"],
)
def test_title_length_limits(title: str, problem: str | None) -> None:
    found = title_length(title)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)
        assert f"{TITLE_MIN_WORDS} to {TITLE_MAX_WORDS} words, at most {TITLE_MAX_CHARACTERS} characters" in found


def test_an_overlong_or_too_short_title_is_a_located_warning_in_each_language(fixture_project: Project) -> None:
    long_nb = "Foresatte ønsket tidlig kontakt med skolen, helst allerede før fraværet ble et stort problem for barnet"
    path = _with_title(fixture_project, F01, _block(long_nb, "Early contact"))
    problems = _title_problems(fixture_project)
    assert [(p.location.line, p.location.column, p.field_path, p.severity is Severity.WARNING) for p in problems] == [
        (_line_of(path, "  nb:"), 3, "title.nb", True),
        (_line_of(path, "  en:"), 3, "title.en", True),
    ]
    assert problems[0].message.startswith(f"title has {len(long_nb.split())} words")
    assert problems[1].message.startswith("title has 2 words")
    index, report = check(fixture_project, strict=True)
    assert index is None  # warnings stop `make check` and CI


def test_a_title_over_the_character_limit_is_a_warning(fixture_project: Project) -> None:
    long_en = "Parents wanted extraordinarily early communication with schoolteachers regarding attendance difficulties"
    assert len(long_en.split()) <= TITLE_MAX_WORDS and len(long_en) > TITLE_MAX_CHARACTERS
    _with_title(fixture_project, F01, _block("Foresatte ønsket tidlig kontakt", long_en))
    (problem,) = _title_problems(fixture_project)
    assert (problem.field_path, problem.severity is Severity.WARNING) == ("title.en", True)
    assert problem.message.startswith(f"title has {len(long_en)} characters")


# --- one of a kind in a publication ------------------------------------------------------------


def test_two_findings_with_one_title_in_a_publication_are_a_warning_at_the_later(fixture_project: Project) -> None:
    # the same words in other case and spacing: a list shows them alike
    path = _with_title(fixture_project, F03, _block("foresatte  ønsket Tidlig kontakt", "Trust was built by listening"))
    problems = _title_problems(fixture_project)
    assert [(str(p.location), p.field_path, p.severity is Severity.WARNING) for p in problems] == [
        (f"data/{F03}:{_line_of(path, '  nb:')}:3", "title.nb", True),
    ]
    assert problems[0].message.startswith("finding 'demo-2025-f01' of publication 'demo-2025' has the same title")


def test_the_same_title_in_another_publication_is_no_problem(whole_project: Project) -> None:
    _with_title(whole_project, THESIS_F01, _block("Foresatte ønsket tidlig kontakt", "Parents wanted early contact"))
    assert _title_problems(whole_project) == []


# --- the real data ---------------------------------------------------------------------------


def test_every_real_finding_has_a_title_in_both_languages_within_the_limits(repo_checked: tuple[Index, Report]) -> None:
    index, report = repo_checked
    findings = [index.finding(f) for f in index.ids("finding")]
    assert len(findings) > 200
    for finding in findings:
        for lang in LANGUAGES:
            title = finding.title.get(lang)
            assert title, f"{finding.id}: no {lang} title"
            assert title_length(title) is None, f"{finding.id} {lang}: {title_length(title)}"
    for pub in index.publications():
        for lang in LANGUAGES:
            titles = [" ".join(str(f.title.get(lang)).casefold().split()) for f in index.findings_of(pub)]
            assert len(set(titles)) == len(titles), f"{pub.id}: two findings share a {lang} title"
    assert [str(p) for p in report.problems if p.field_path.startswith("title")] == []


# --- shown: whose words a title is ----------------------------------------------------------------


def test_whose_words_a_title_is_is_said_on_its_page_and_under_the_table(fixture_project: Project) -> None:
    """Editorial titles say so; a title that is the source's own heading says that, in English
    with our translation said too; the note under the findings table names the source's by number."""
    from generator.pipeline.build import generate, load_or_fail

    _with_title(fixture_project, F03, 'title: {nb: "Tillit ble bygget gjennom lytting", en: "Trust was built by listening"}\n')
    generate(fixture_project, load_or_fail(fixture_project))

    def page(lang: str, doc: str) -> str:
        return (fixture_project.staging_docs(lang) / doc).read_text(encoding="utf-8")

    assert '<p class="kb-origin kb-title-origin">Tittel: redaksjonell</p>' in page("nb", "findings/demo-2025-f01.md")
    assert '<p class="kb-origin kb-title-origin">Title: editorial</p>' in page("en", "findings/demo-2025-f01.md")
    assert '<p class="kb-origin kb-title-origin">Tittel: kildens egen overskrift</p>' in page("nb", "findings/demo-2025-f03.md")
    assert "Title: the source&#39;s own heading, translated by the editors" in page("en", "findings/demo-2025-f03.md")
    table = page("nb", "publications/demo-2025/findings.md")
    assert "Titlene på funnene er redaksjonelle, skrevet for kunnskapsbasen, unntatt nr. 3: der er tittelen" in table
    assert "except no. 3: there the title is the source&#39;s own heading." in page("en", "publications/demo-2025/findings.md")
