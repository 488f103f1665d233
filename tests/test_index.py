from __future__ import annotations

from generator.build import check
from generator.settings import Project

from .conftest import write


def _replace(project: Project, rel: str, old: str, new: str) -> None:
    path = project.data_dir / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    write(path, text.replace(old, new))


def _problems(project: Project, strict: bool = False) -> list[str]:
    _, report = check(project, strict)
    return [str(p) for p in report.problems]


def test_dangling_study_reference_is_located_with_alias_hint(fixture_project: Project) -> None:
    _replace(fixture_project, "findings/demo-2025-f02.yaml", "studies: [gamma-2022]", "studies: [Gamma G et al. 2022]")
    index, report = check(fixture_project)
    assert index is None
    assert [str(p) for p in report.errors()] == [
        "data/findings/demo-2025-f02.yaml:11:11: studies[0]: unknown study 'Gamma G et al. 2022' "
        "(did you mean 'gamma-2022'? 'Gamma G et al. 2022' is one of its aliases)"
    ]


def test_dangling_reference_with_close_id(fixture_project: Project) -> None:
    _replace(
        fixture_project,
        "findings/demo-2025-f01.yaml",
        "studies: [beta-2021, gamma-2022]",
        "studies:\n  - beta-2021\n  - gama-2022",
    )
    assert (
        "data/findings/demo-2025-f01.yaml:13:5: studies[1]: unknown study 'gama-2022' (did you mean 'gamma-2022'?)"
        in _problems(fixture_project)
    )


def test_unknown_vocabulary_value_lists_allowed(fixture_project: Project) -> None:
    _replace(fixture_project, "findings/demo-2025-f03.yaml", "confidence: high", "confidence: hgh")
    problems = _problems(fixture_project)
    assert (
        "data/findings/demo-2025-f03.yaml:10:1: confidence: unknown confidence 'hgh' (allowed: high, moderate, low, very-low)"
        in problems
    )


def test_missing_translation_is_a_warning_and_strict_fails(fixture_project: Project) -> None:
    index, report = check(fixture_project)
    assert index is not None
    assert [str(p) for p in report.problems] == [
        "data/findings/demo-2025-f02.yaml:4:1: statement: warning: missing English (en) text"
    ]
    strict_index, _ = check(fixture_project, strict=True)
    assert strict_index is None


def test_duplicate_finding_number(fixture_project: Project) -> None:
    _replace(fixture_project, "findings/demo-2025-f03.yaml", "number: 3", "number: 2")
    assert (
        "data/findings/demo-2025-f03.yaml:2:1: number: number 2 is already used by finding 'demo-2025-f02' in publication 'demo-2025'"
        in _problems(fixture_project)
    )


def test_matrix_row_missing_a_column(fixture_project: Project) -> None:
    _replace(
        fixture_project,
        "assessments/demo-2025-tiltak-beta-2021.yaml",
        'values: {komp: partly, tidlig: "yes"}',
        "values: {komp: partly}",
    )
    assert (
        "data/assessments/demo-2025-tiltak-beta-2021.yaml:4:1: values: no value for characteristic 'tidlig' (a column of matrix 'demo-2025-matrise')"
        in _problems(fixture_project)
    )


def test_study_outside_the_publication(fixture_project: Project) -> None:
    _replace(
        fixture_project,
        "publications/demo-2025.yaml",
        "studies: [alpha-2020, beta-2021, gamma-2022]",
        "studies: [alpha-2020, beta-2021]",
    )
    problems = _problems(fixture_project)
    assert (
        "data/findings/demo-2025-f01.yaml:11:22: studies[1]: study 'gamma-2022' is not among the studies of publication 'demo-2025'"
        in problems
    )
    assert "data/studies/gamma-2022.yaml:1:1: id: warning: study 'gamma-2022' is not included in any publication" in problems


def test_note_target_must_exist(fixture_project: Project) -> None:
    _replace(fixture_project, "notes/note-demo-count.yaml", "finding:demo-2025-f02", "finding:demo-2025-f09")
    assert (
        "data/notes/note-demo-count.yaml:2:39: applies_to[1]: unknown finding 'demo-2025-f09' (did you mean 'demo-2025-f03'?)"
        in _problems(fixture_project)
    )


def test_backlinks(fixture_project: Project) -> None:
    index, _ = check(fixture_project)
    assert index is not None
    assert index.findings_by_study["gamma-2022"] == ["demo-2025-f01", "demo-2025-f02", "demo-2025-f03"]
    assert index.assessments_by_study["beta-2021"] == ["demo-2025-tiltak-beta-2021"]
    assert index.publications_by_study["alpha-2020"] == ["demo-2025"]
    assert [n.id for n in index.notes_about("finding", "demo-2025-f02")] == ["note-demo-count"]
