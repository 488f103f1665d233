"""GRADE-CERQual logic that is computed, not stored: the Tabell 9 justification sentence, and the
check that a finding's overall confidence can follow from its four component assessments."""

from __future__ import annotations

from typing import Protocol

from generator.model.i18n import resolve
from generator.model.models import Components, Finding, Term


class Terms(Protocol):
    """What the justification sentence reads: vocabulary terms by id (`index.Index` is one). Declared
    here, not imported, because the index imports this module to check CERQual."""

    def term(self, vocabulary: str, term_id: str) -> Term: ...


COMPONENT_FIELDS: dict[str, str] = {
    "methodological_limitations": "methodological-limitations",
    "coherence": "coherence",
    "adequacy": "adequacy",
    "relevance": "relevance",
}
"""Finding.components field -> cerqual-component term id (the order of Tabell 9's sentence)."""

NO_CONCERN = "none-or-very-minor"
"""The one concern level that needs no explanation (the field description says so)."""

CONCERN_WEIGHT: dict[str, int] = {NO_CONCERN: 0, "minor": 1, "moderate": 2, "serious": 3}
"""Concern level (vocabulary 'concern') -> how many confidence levels it can account for, at most."""

CONFIDENCE_STEPS: dict[str, int] = {"high": 0, "moderate": 1, "low": 2, "very-low": 3}
"""Overall confidence (vocabulary 'confidence') -> levels below 'high', where every finding starts."""

LOWERING = "moderate"
"""From this concern level up, a concern lowers the confidence: 'high' is no longer possible."""

_CONNECT = {"nb": ("knyttet til", "og"), "en": ("regarding", "and")}


def levels(components: Components) -> dict[str, str]:
    """Component field -> concern level, in the order of COMPONENT_FIELDS."""
    return {name: getattr(components, name).level for name in COMPONENT_FIELDS}


def unreconciled(concerns: dict[str, str], confidence: str) -> str | None:
    """Why an overall `confidence` cannot follow from the component `concerns`, or None if it can.

    GRADE-CERQual's guidance on the overall assessment (Lewin et al., Implementation Science 2018,
    13(Suppl 1)) starts every finding at high confidence and downgrades it for concerns about the
    four components (vocabularies 'confidence' and 'concern'). The overall
    level is a judgement, not a sum, so only what no judgement explains is reported:
    - 'high' although a component has moderate or serious concerns;
    - more levels below 'high' than the concerns can account for, counting at most one level for a
      minor, two for a moderate and three for a serious concern ('very low' with no concern at all).
    """
    if confidence not in CONFIDENCE_STEPS or any(level not in CONCERN_WEIGHT for level in concerns.values()):
        return None  # an unknown term is reported where it is written
    steps = CONFIDENCE_STEPS[confidence]
    lowering = [name for name, level in concerns.items() if CONCERN_WEIGHT[level] >= CONCERN_WEIGHT[LOWERING]]
    if steps == 0 and lowering:
        found = ", ".join(f"{concerns[name]} concerns about {name}" for name in lowering)
        return (
            f"overall confidence '{confidence}' despite {found}: GRADE-CERQual downgrades a finding "
            "from high for moderate or serious concerns"
        )
    room = sum(CONCERN_WEIGHT[level] for level in concerns.values())
    if steps > room:
        found = ", ".join(f"{level} about {name}" for name, level in concerns.items() if level != NO_CONCERN)
        return (
            f"overall confidence '{confidence}' is {steps} level(s) below high, but the component concerns "
            f"({found or 'none in any component'}) account for at most {room}: GRADE-CERQual downgrades from "
            "high only for concerns (at most 1 level for minor, 2 for moderate, 3 for serious)"
        )
    return None


def reconcilable(concerns: dict[str, str]) -> list[str]:
    """The overall confidences that `unreconciled` accepts for these component concerns, highest first."""
    return [confidence for confidence in CONFIDENCE_STEPS if unreconciled(concerns, confidence) is None]


def justification(finding: Finding, index: Terms, lang: str) -> str:
    """'Moderate bekymringer knyttet til metodiske begrensninger, ..., og ingen ... knyttet til relevans.'

    Built from the four component levels, so it can never disagree with them.
    """
    about, conjunction = _CONNECT[lang]
    parts = []
    for field_name, component_id in COMPONENT_FIELDS.items():
        level = index.term("concern", getattr(finding.components, field_name).level)
        component = index.term("cerqual-component", component_id)
        level_phrase = resolve(level.phrase or level.label, lang).text
        component_phrase = resolve(component.phrase or component.label, lang).text
        parts.append(f"{level_phrase} {about} {component_phrase}")
    sentence = ", ".join(parts[:-1]) + f" {conjunction} {parts[-1]}."
    return sentence[0].upper() + sentence[1:]
