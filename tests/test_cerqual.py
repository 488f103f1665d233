from __future__ import annotations

import itertools

import pytest
import yaml

from generator.model.cerqual import CONCERN_WEIGHT, CONFIDENCE_STEPS, justification, reconcilable, unreconciled
from generator.model.errors import Report
from generator.model.index import Index
from generator.model.settings import Project
from generator.pipeline.build import check

from .conftest import REPO, write


def test_justification_matches_the_source_sentence(fixture_project: Project) -> None:
    index, _ = check(fixture_project)
    assert index is not None
    finding = index.finding("demo-2025-f01")  # moderate / none / minor / none, as finding 2 of Tabell 9
    # Tabell 9, finding 2, verbatim from the source:
    assert justification(finding, index, "nb") == (
        "Moderate bekymringer knyttet til metodiske begrensninger, ingen eller svært små bekymringer knyttet til "
        "koherens, små bekymringer knyttet til dataomfang og ingen eller svært små bekymringer knyttet til relevans."
    )


# --- can the overall confidence follow from the four components? ---------------------------------

NONE = "none-or-very-minor"


def _concerns(
    methodological_limitations: str = NONE, coherence: str = NONE, adequacy: str = NONE, relevance: str = NONE
) -> dict[str, str]:
    return {
        "methodological_limitations": methodological_limitations,
        "coherence": coherence,
        "adequacy": adequacy,
        "relevance": relevance,
    }


@pytest.mark.parametrize(
    ("concerns", "confidence", "why"),
    [
        (_concerns(adequacy="serious"), "high", "despite serious concerns about adequacy"),
        (
            _concerns(coherence="moderate", relevance="serious"),
            "high",
            "despite moderate concerns about coherence, serious concerns about relevance",
        ),
        (
            _concerns(),
            "very-low",
            "3 level(s) below high, but the component concerns (none in any component) account for at most 0",
        ),
        (_concerns(), "moderate", "1 level(s) below high"),
        (_concerns(coherence="minor"), "low", "(minor about coherence) account for at most 1"),
        (_concerns(coherence="minor", adequacy="minor"), "very-low", "account for at most 2"),
    ],
)
def test_an_overall_confidence_the_components_cannot_explain(concerns: dict[str, str], confidence: str, why: str) -> None:
    reason = unreconciled(concerns, confidence)
    assert reason is not None and why in reason, reason


@pytest.mark.parametrize(
    ("concerns", "confidence"),
    [
        (_concerns(), "high"),
        (_concerns(methodological_limitations="minor"), "high"),  # Tabell 9, finding 16
        (_concerns(methodological_limitations="minor"), "moderate"),
        (_concerns(methodological_limitations="serious"), "moderate"),  # Tabell 9, finding 20
        (_concerns(methodological_limitations="serious"), "very-low"),
        (_concerns(methodological_limitations="moderate", adequacy="minor"), "low"),
        (_concerns(adequacy="unheard-of"), "high"),  # an unknown term is reported where it is written
    ],
)
def test_an_overall_confidence_the_components_explain(concerns: dict[str, str], confidence: str) -> None:
    assert unreconciled(concerns, confidence) is None


def test_every_combination_has_a_confidence_it_explains() -> None:
    for levels in itertools.product(CONCERN_WEIGHT, repeat=4):
        assert reconcilable(_concerns(*levels))


def test_the_rule_knows_every_term_of_the_vocabularies() -> None:
    for name, table in (("concern", CONCERN_WEIGHT), ("confidence", CONFIDENCE_STEPS)):
        vocabulary = yaml.safe_load((REPO / "data" / "vocabularies" / f"{name}.yaml").read_text(encoding="utf-8"))
        assert [term["id"] for term in vocabulary["terms"]] == list(table), name


def _high_with_serious_adequacy(project: Project) -> None:
    path = project.data_dir / "findings" / "demo-2025-f03.yaml"
    text = path.read_text(encoding="utf-8")
    old = "adequacy: {level: none-or-very-minor}"
    assert old in text
    write(path, text.replace(old, 'adequacy: {level: serious, explanation: {nb: "Én studie.", en: "One study."}}'))


def test_an_unexplained_confidence_is_a_warning_at_the_confidence(fixture_project: Project) -> None:
    _high_with_serious_adequacy(fixture_project)
    index, report = check(fixture_project)
    assert index is not None  # a warning: the source may have judged so
    warnings = [str(p) for p in report.problems if "overall confidence" in p.message]
    assert warnings == [
        "data/findings/demo-2025-f03.yaml:10:1: confidence: warning: overall confidence 'high' despite serious concerns "
        "about adequacy: GRADE-CERQual downgrades a finding from high for moderate or serious concerns; if the source "
        "says so, record it in a data note of category 'discrepancy' with fields: [confidence]"
    ]
    assert check(fixture_project, strict=True)[0] is None


def test_a_discrepancy_note_about_something_else_does_not_silence_it(fixture_project: Project) -> None:
    _high_with_serious_adequacy(fixture_project)
    write(
        fixture_project.data_dir / "notes" / "note-demo-f03-count.yaml",
        "id: note-demo-f03-count\napplies_to: [finding:demo-2025-f03]\ncategory: discrepancy\nfields: [studies]\n"
        "text: {nb: Teksten nevner fire studier., en: The text names four studies., nb_origin: editorial}\n",
    )
    _, report = check(fixture_project)
    assert len([p for p in report.problems if "overall confidence" in p.message]) == 1


def test_a_note_names_only_fields_its_entities_have(fixture_project: Project) -> None:
    write(
        fixture_project.data_dir / "notes" / "note-demo-f03-typo.yaml",
        "id: note-demo-f03-typo\napplies_to: [finding:demo-2025-f03]\ncategory: discrepancy\nfields: [confidense]\n"
        "text: {nb: Tekst., en: Text., nb_origin: editorial}\n",
    )
    _, report = check(fixture_project)
    assert [str(p) for p in report.problems if p.location.path.endswith("note-demo-f03-typo.yaml")] == [
        "data/notes/note-demo-f03-typo.yaml:4:10: fields[0]: 'confidense' is not a field of finding 'demo-2025-f03'"
    ]


def test_a_discrepancy_note_records_what_the_source_says(fixture_project: Project) -> None:
    _high_with_serious_adequacy(fixture_project)
    write(
        fixture_project.data_dir / "notes" / "note-demo-f03-confidence.yaml",
        "id: note-demo-f03-confidence\napplies_to: [finding:demo-2025-f03]\ncategory: discrepancy\nfields: [confidence]\n"
        "text: {nb: Kilden gir høy tillit trass i alvorlige bekymringer., en: The source gives high confidence despite serious concerns., nb_origin: editorial}\n",
    )
    _, report = check(fixture_project)
    assert not [p for p in report.problems if "overall confidence" in p.message]


def test_the_published_findings_pass_the_cerqual_checks(repo_checked: tuple[Index, Report]) -> None:
    index, report = repo_checked
