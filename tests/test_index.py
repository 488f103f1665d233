from __future__ import annotations

import pytest

from generator.model.settings import Project
from generator.pipeline.build import check

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


# --- cycles: a chain of references of one kind must end ---------------------------------------


def _append(project: Project, rel: str, line: str) -> None:
    path = project.data_dir / rel
    write(path, path.read_text(encoding="utf-8").rstrip("\n") + "\n" + line + "\n")


def test_a_theme_parent_cycle_is_one_error_naming_the_whole_cycle(whole_project: Project) -> None:
    _append(whole_project, "themes/oppgave-hoved.yaml", "parent: oppgave-under-2")
    _replace(whole_project, "themes/oppgave-under-2.yaml", "parent: oppgave-hoved", "parent: oppgave-under-1")
    index, report = check(whole_project)
    assert index is None
    assert [str(p) for p in report.errors()] == [
        "data/themes/oppgave-hoved.yaml:5:1: parent: theme cycle: oppgave-hoved -> oppgave-under-2 -> oppgave-under-1 "
        "-> oppgave-hoved (following 'parent' must come to an end)"
    ]


def test_a_theme_that_is_its_own_parent_is_a_cycle(whole_project: Project) -> None:
    _replace(whole_project, "themes/oppgave-under-1.yaml", "parent: oppgave-hoved", "parent: oppgave-under-1")
    assert (
        "data/themes/oppgave-under-1.yaml:3:1: parent: theme cycle: oppgave-under-1 -> oppgave-under-1 "
        "(following 'parent' must come to an end)"
    ) in _problems(whole_project)


def test_a_follow_up_cycle_of_studies_is_an_error(fixture_project: Project) -> None:
    _append(fixture_project, "studies/alpha-2020.yaml", "follow_up_of: beta-2021")
    _append(fixture_project, "studies/beta-2021.yaml", "follow_up_of: gamma-2022")
    _append(fixture_project, "studies/gamma-2022.yaml", "follow_up_of: alpha-2020")
    _, report = check(fixture_project)
    cycles = [str(p) for p in report.errors() if "cycle" in p.message]
    assert len(cycles) == 1, cycles
    assert cycles[0].startswith("data/studies/alpha-2020.yaml:")
    assert cycles[0].endswith(
        "follow_up_of: study cycle: alpha-2020 -> beta-2021 -> gamma-2022 -> alpha-2020 (following 'follow_up_of' must come to an end)"
    )


def test_a_study_following_up_itself_is_an_error(fixture_project: Project) -> None:
    _append(fixture_project, "studies/beta-2021.yaml", "follow_up_of: beta-2021")
    assert any("follow_up_of: study cycle: beta-2021 -> beta-2021" in p for p in _problems(fixture_project))


def test_a_chain_that_ends_is_fine(fixture_project: Project) -> None:
    _append(fixture_project, "studies/alpha-2020.yaml", "follow_up_of: beta-2021")
    _append(fixture_project, "studies/beta-2021.yaml", "follow_up_of: gamma-2022")
    index, report = check(fixture_project)
    assert index is not None, report.problems


def test_every_field_that_refers_to_its_own_kind_is_checked_for_cycles() -> None:
    from generator.model.fields import Ref
    from generator.model.kinds import KINDS, chains, slots

    own_kind = {(kind, s.field) for kind, s in slots() if isinstance(s.marker, Ref) and KINDS[s.marker.kind].model is s.model}
    assert own_kind == set(chains()) == {("theme", "parent"), ("study", "follow_up_of")}


def test_find_cycles_separates_loops_and_survives_long_chains() -> None:
    from generator.model.index import find_cycles

    edges = {f"n{i:05d}": [f"n{i + 1:05d}"] for i in range(20_000)}
    edges["n20000"] = ["n15000"]
    edges |= {"a": ["b"], "b": ["a", "c"], "c": [], "x": ["x"]}
    cycles = find_cycles(edges)
    assert [c[:3] for c in cycles] == [["a", "b", "a"], ["n15000", "n15001", "n15002"], ["x", "x"]]
    assert len(cycles[1]) == 5002 and cycles[1][-1] == "n15000"


# --- no cascades: a file that fails to load is reported once, by itself ------------------------

BROKEN = [
    ("publications/demo-2025.yaml", "id: demo-2025\n", "id: [demo-2025\n"),
    ("publications/demo-thesis-2022.yaml", "same_as_study: gamma-2022", "same_as_study: [gamma-2022"),
    ("findings/demo-2025-f03.yaml", "date: 2025-06-15", "date: 2025-13-40"),
    ("findings/demo-thesis-2022-f01.yaml", "number: 1", "number: one"),
    ("studies/gamma-2022.yaml", "year: 2022", "year: 2022.5"),
    ("themes/oppgave-hoved.yaml", "id: oppgave-hoved", "id: oppgave-hoved\ncolour: red"),
    ("themes/tema-a.yaml", "id: tema-a", "id: tema-a\nname: x"),
    ("vocabularies/confidence.yaml", "id: confidence", "id: confidence\nname: [x"),
    ("vocabularies/design-group.yaml", "terms:", "terms: 5\nx:"),
    ("vocabularies/informant-group.yaml", "terms:", "termz:"),
    ("topics/tidlig.yaml", "id: tidlig", "id: tidlig\nname: ~"),
    ("matrices/demo-2025-matrise.yaml", "id: demo-2025-matrise", "id: demo-2025-matrise\nrows: []"),
    ("characteristics/komp.yaml", "id: komp", "id: komp\nextra: 1"),
    ("interventions/demo-team.yaml", "id: demo-team", "id: demo-team\nname: 1"),
]


def _own_problems(project: Project, rel: str) -> set[str]:
    from generator.model.errors import Report
    from generator.model.kinds import kind_of_folder
    from generator.model.sources import load_file
    from generator.model.validate import validate_source

    report = Report()
    source = load_file(project.data_dir / rel, project.root, report)
    if source is not None:
        validate_source(kind_of_folder()[rel.split("/")[0]], source, report)
    return {str(p) for p in report.problems}


@pytest.mark.parametrize(("rel", "old", "new"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_file_that_fails_to_load_causes_no_other_problem(whole_project: Project, rel: str, old: str, new: str) -> None:
    # A topic with one finding only: when that finding's file breaks, the topic is not "empty".
    write(whole_project.data_dir / "topics" / "solo.yaml", "id: solo\nname: {nb: Solo, en: Solo}\ndescription: {nb: S, en: S}\n")
    _append(whole_project, "findings/demo-2025-f03.yaml", "topics: [solo]")
    before = set(_problems(whole_project))
    _replace(whole_project, rel, old, new)
    own = _own_problems(whole_project, rel)
    assert own, "the breakage must make the file fail to load"
    after = set(_problems(whole_project))
    assert after - before == own


def test_problems_held_back_are_counted(whole_project: Project) -> None:
    _replace(whole_project, "publications/demo-2025.yaml", "id: demo-2025\n", "id: [demo-2025\n")
    _, report = check(whole_project)
    # its three findings, two of its studies (the third is the thesis) and the case: "not listed"
    assert report.held_back == 6
    assert not any("not listed" in p.message or "not included" in p.message for p in report.problems)


# --- required means required ------------------------------------------------------------------


def test_a_concern_above_none_needs_its_explanation(fixture_project: Project) -> None:
    _replace(
        fixture_project,
        "findings/demo-2025-f01.yaml",
        'adequacy: {level: minor, explanation: {nb: "Tynne data.", en: "Thin data."}}',
        "adequacy: {level: minor}",
    )
    assert _problems(fixture_project) == [
        "data/findings/demo-2025-f01.yaml:8:3: components.adequacy: a 'minor' concern needs its 'explanation' "
        "(why this level was given); only 'none-or-very-minor' may go without",
        "data/findings/demo-2025-f02.yaml:4:1: statement: warning: missing English (en) text",
    ]


# --- look-alike characters in references and vocabulary values -----------------------------------


def test_an_invisible_character_in_a_reference_is_named(fixture_project: Project) -> None:
    _replace(fixture_project, "findings/demo-2025-f01.yaml", "gamma-2022]", "gamma\u200b-2022]")
    assert (
        "data/findings/demo-2025-f01.yaml:11:22: studies[1]: unknown study 'gamma\u200b-2022': its 6th character is "
        "ZERO WIDTH SPACE (U+200B), which is invisible (did you mean 'gamma-2022'?)"
    ) in _problems(fixture_project)


def test_a_look_alike_dash_in_a_vocabulary_value_is_named(fixture_project: Project) -> None:
    _replace(fixture_project, "findings/demo-2025-f02.yaml", "confidence: very-low", "confidence: very\u2011low")
    assert (
        "data/findings/demo-2025-f02.yaml:10:1: confidence: unknown confidence 'very\u2011low': its 5th character is "
        "NON-BREAKING HYPHEN (U+2011), which looks like '-' (allowed: high, moderate, low, very-low)"
    ) in _problems(fixture_project)


def test_a_cyrillic_letter_in_a_note_target_is_named(fixture_project: Project) -> None:
    _replace(fixture_project, "notes/note-demo-count.yaml", "finding:demo-2025-f02", "finding:dem\u043e-2025-f02")
    assert any(
        p.startswith(
            "data/notes/note-demo-count.yaml:2:39: applies_to[1]: unknown finding 'dem\u043e-2025-f02': its 4th character is "
            "CYRILLIC SMALL LETTER O (U+043E), which looks like Latin 'o'"
        )
        for p in _problems(fixture_project)
    )


def test_the_walks_of_a_model_are_kept_for_that_object_only(fixture_project: Project) -> None:
    """The live preview indexes again with the walks of the index before: a model object it is
    given again is not walked again, an equal but new object is, and models no longer in the data
    are forgotten. The index made with kept walks is the index made without."""
    from generator.model.errors import Report
    from generator.model.index import Walks, build_index
    from generator.model.validate import DataSet, load_data

    def indexed(data: DataSet, walks: Walks) -> tuple[object, ...]:
        report = Report()
        index = build_index(data, report, walks)
        return (*_summary(index), [str(problem) for problem in report.problems])

    walks = Walks()
    data = load_data(fixture_project.data_dir, fixture_project.root, Report())
    first = indexed(data, walks)
    assert first[-1], "the fixture's texts have problems the walks find (a missing translation)"
    finding = data.entities["finding"]["demo-2025-f03"].model
    assert walks.occurrences(finding) is walks.occurrences(finding)
    assert walks.texts(finding) is walks.texts(finding)
    copy = finding.model_copy()
    assert walks.occurrences(copy) == walks.occurrences(finding) and walks.occurrences(copy) is not walks.occurrences(finding)
    assert indexed(data, walks) == first
    fresh = load_data(fixture_project.data_dir, fixture_project.root, Report())
    walks.keep_only(fresh)
    assert not walks._occurrences and not walks._texts, "the models of the old data are let go"
    assert indexed(fresh, walks) == first


def _summary(index: object) -> tuple[object, ...]:
    """What the walks decide in an index: the back-links, memberships and the texts' problems."""
    return tuple(repr(getattr(index, name)) for name in ("findings_by_study", "publication_of", "quotes_by_finding"))
