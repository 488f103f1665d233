"""GRADE-CERQual logic that is computed, not stored: the justification sentence of Tabell 9."""

from __future__ import annotations

from .i18n import resolve
from .index import COMPONENT_FIELDS, Index
from .models import Finding

_CONNECT = {"nb": ("knyttet til", "og"), "en": ("regarding", "and")}


def justification(finding: Finding, index: Index, lang: str) -> str:
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
