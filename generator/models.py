"""Typed entities of the knowledge base.

Every model forbids unknown fields, and every field carries a description: the exported
JSON Schema is the editors' documentation. References between entities and to controlled
vocabularies are plain ids here; `validate.py` and `index.py` check that they resolve.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80),
    Field(description="Lower-case id made of letters, digits and single hyphens; equals the file name."),
]
Ref = Annotated[str, Field(description="The id of another entity or vocabulary term.")]
NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


Origin = Literal["source", "editorial"]


class Text(Strict):
    """A user-facing text in bokmål and English, with where each language version comes from."""

    nb: NonEmpty | None = Field(None, description="Bokmål text. For source content: the source's own wording.")
    en: NonEmpty | None = Field(None, description="English text.")
    nb_origin: Origin = Field("source", description="'source': the source document's wording; 'editorial': written by the editors.")
    en_origin: Origin = Field(
        "editorial",
        description="'source': the source document's own English version (e.g. its key messages); "
        "'editorial': our translation.",
    )

    @model_validator(mode="after")
    def _not_empty(self) -> Text:
        if self.nb is None and self.en is None:
            raise ValueError("text has neither 'nb' nor 'en'")
        return self

    def get(self, lang: str) -> str | None:
        return self.nb if lang == "nb" else self.en


class Change(Strict):
    """One entry in a version history, as living guidelines show them."""

    date: dt.date = Field(description="Date of the change, YYYY-MM-DD.")
    version: str | None = Field(None, description="Publication version this change belongs to, e.g. '1.1'.")
    change: Text = Field(description="What changed.")
    reason: Text | None = Field(None, description="Why it changed.")


# --- controlled vocabularies -------------------------------------------------------------


class Term(Strict):
    id: Id
    label: Text = Field(description="Full label, as shown in tables.")
    short: Text | None = Field(None, description="Short label for narrow columns and badges.")
    phrase: Text | None = Field(None, description="Form used inside generated sentences (lower case, no article).")
    description: Text | None = Field(None, description="Definition shown in legends.")
    symbol: str | None = Field(None, max_length=4, description="Symbol shown beside the label so colour never carries meaning alone.")
    group: str | None = Field(None, description="Group of the term (e.g. 'quantitative' or 'qualitative' for study designs).")
    scale: str | None = Field(None, description="For appraisal tools: the vocabulary of the tool's overall rating.")


class Vocabulary(Strict):
    """A controlled vocabulary, defined once with labels in both languages."""

    kind: Literal["vocabulary"] = "vocabulary"
    id: Id
    name: Text
    terms: list[Term] = Field(min_length=1, description="The allowed values, in display order.")


# --- the review's building blocks ------------------------------------------------------------


class Theme(Strict):
    """A theme grouping findings (Tabell 9 style full-width rows)."""

    kind: Literal["theme"] = "theme"
    id: Id
    name: Text
    description: Text | None = None


class Component(Strict):
    level: Ref = Field(description="Concern level, from vocabulary 'concern'.")
    explanation: Text | None = Field(None, description="Why this level was given (required above 'no or very minor').")


class Components(Strict):
    """The four GRADE-CERQual components."""

    methodological_limitations: Component
    coherence: Component
    adequacy: Component
    relevance: Component


class Finding(Strict):
    """A review finding with its GRADE-CERQual assessment."""

    kind: Literal["finding"] = "finding"
    id: Id
    number: int = Field(ge=1, description="Finding number within its publication (Tabell 9 '#').")
    theme: Ref = Field(description="Theme id.")
    statement: Text = Field(description="The finding as the source words it (Tabell 9); English is ours.")
    components: Components
    confidence: Ref = Field(description="Overall confidence, from vocabulary 'confidence'.")
    studies: list[Ref] = Field(min_length=1, description="Contributing studies by id, in the source's order.")
    pyramid_levels: list[Ref] = Field(default_factory=list, description="Intervention pyramid levels (vocabulary 'pyramid-level') the source links the finding to.")
    history: list[Change] = Field(default_factory=list)


class Characteristic(Strict):
    """A key characteristic of a good intervention (Tabell 10 style)."""

    kind: Literal["characteristic"] = "characteristic"
    id: Id
    name: Text = Field(description="Full name, as in the characteristics table.")
    short_name: Text = Field(description="Short name, as in matrix column headers.")
    description: list[Text] = Field(min_length=1, description="Description bullets.")
    question: Text = Field(description="The yes/no question used to score interventions.")


class Assessment(Strict):
    """One matrix row: an intervention scored against every characteristic (Tabell 11 style)."""

    kind: Literal["assessment"] = "assessment"
    id: Id
    study: Ref = Field(description="The study that tested the intervention.")
    intervention: Text = Field(description="Short description of the intervention.")
    values: dict[Ref, Ref] = Field(description="Characteristic id -> value from vocabulary 'matrix-value'.")


class Matrix(Strict):
    """An intervention x characteristic matrix."""

    kind: Literal["matrix"] = "matrix"
    id: Id
    title: Text
    introduction: Text | None = None
    columns: list[Ref] = Field(min_length=1, description="Characteristic ids, in column order.")
    rows: list[Ref] = Field(min_length=1, description="Assessment ids, in row order.")


# --- studies ---------------------------------------------------------------------------------


class Appraisal(Strict):
    """Risk of bias or methodological limitations, as the source assessed them."""

    tool: Ref = Field(description="Appraisal tool, from vocabulary 'appraisal-tool'.")
    overall: Ref = Field(description="Overall rating, from the tool's scale vocabulary ('risk-of-bias' or 'limitations').")
    source_wording: str | None = Field(None, description="The rating as the source words it, e.g. 'Moderate til små'.")
    items: dict[str, Ref] = Field(default_factory=dict, description="Per-criterion answers (criterion id -> answer term).")
    table_wording: str | None = Field(None, description="The rating as a summary table words it, where that differs from the appraisal appendix.")


class Result(Strict):
    """A quantitative result the source reports for a study."""

    outcome: Text
    metric: Ref = Field(description="Kind of number, from vocabulary 'metric'.")
    value: float | None = Field(None, description="The reported value (negative for a reduction).")
    value_to: float | None = Field(None, description="Upper end when the source gives a range.")
    baseline: float | None = Field(None, description="The comparison or starting value, where given.")
    subgroup: Text | None = None
    significant: bool | None = Field(None, description="Statistically significant per the source; empty when not stated.")
    text: Text = Field(description="The result in words.")


class Study(Strict):
    """A primary study included in one or more publications."""

    kind: Literal["study"] = "study"
    id: Id
    citation: str = Field(min_length=1, description="Canonical citation name, e.g. 'Bergman & Chan 2019'.")
    aliases: list[str] = Field(default_factory=list, description="Other names the sources use for this study.")
    reference_number: int | None = Field(None, description="The study's number in the source's reference list.")
    authors: list[str] = Field(min_length=1, description="Authors as far as the source gives them (surname, initials).")
    year: int = Field(ge=1900, le=2100)
    title: str | None = Field(None, description="Title, where known.")
    publication_type: Ref = Field(description="From vocabulary 'publication-type'.")
    design: Ref = Field(description="From vocabulary 'design'.")
    design_detail: Text | None = Field(None, description="The design as the source words it.")
    country: Ref = Field(description="From vocabulary 'country'.")
    setting: Text | None = None
    population: Text | None = Field(None, description="Population (Tabell 3) or sample (Tabell 7-8).")
    recruitment: Text | None = None
    intervention: Text | None = None
    aim: Text | None = None
    outcomes: Text | None = None
    school_level: Text | None = None
    appraisal: Appraisal | None = None
    results: list[Result] = Field(default_factory=list)
    results_summary: Text | None = None
    history: list[Change] = Field(default_factory=list)


# --- publications ----------------------------------------------------------------------------


class KeyMessageGroup(Strict):
    heading: Text
    bullets: list[Text] = Field(min_length=1)


class KeyMessages(Strict):
    introduction: list[Text] = Field(default_factory=list)
    groups: list[KeyMessageGroup] = Field(min_length=1)
    closing: Text | None = None


class Section(Strict):
    heading: Text
    paragraphs: list[Text] = Field(min_length=1)


class Criterion(Strict):
    name: Text
    description: Text


class Prisma(Strict):
    """Counts of the study selection flow diagram, as the source reports them."""

    database_records: int = Field(ge=0)
    openalex_records: int = Field(ge=0)
    other_source_records: int = Field(ge=0)
    duplicates_removed: int = Field(ge=0)
    screened: int = Field(ge=0)
    excluded_by_reviewers: int = Field(ge=0)
    excluded_by_machine: int = Field(ge=0)
    other_source_excluded: int = Field(ge=0)
    full_text_database: int = Field(ge=0)
    included_database: int = Field(ge=0)
    full_text_other: int = Field(ge=0)
    included_other: int = Field(ge=0)
    excluded_full_text_database: int = Field(ge=0)
    excluded_full_text_other: int = Field(ge=0)
    included_total: int = Field(ge=0)


class Method(Strict):
    research_question: Text
    inclusion_criteria: list[Criterion] = Field(min_length=1)
    searches: Text
    selection: Text
    appraisal: Text
    synthesis: Text
    prisma: Prisma


class Publication(Strict):
    """A report, review or thesis that the knowledge base publishes."""

    kind: Literal["publication"] = "publication"
    id: Id
    title: Text
    short_title: Text = Field(description="Short title for running headers and navigation.")
    publication_type: Ref = Field(description="From vocabulary 'publication-type'.")
    institutions: list[Text] = Field(min_length=1)
    commissioner: Text | None = None
    funding: Text | None = None
    year: int = Field(ge=1900, le=2100)
    status: Ref = Field(description="From vocabulary 'status'.")
    version: str = Field(pattern=r"^\d+\.\d+$", description="Published version, e.g. '1.0'.")
    date: dt.date = Field(description="Date of this version.")
    url: str | None = Field(None, pattern=r"^https://", description="Address of the original publication.")
    key_messages: KeyMessages
    summary: list[Section] = Field(min_length=1)
    method: Method
    themes: list[Ref] = Field(default_factory=list, description="Theme ids, in table order.")
    findings: list[Ref] = Field(default_factory=list, description="Finding ids.")
    studies: list[Ref] = Field(default_factory=list, description="Included study ids.")
    characteristics: list[Ref] = Field(default_factory=list)
    matrices: list[Ref] = Field(default_factory=list)
    history: list[Change] = Field(default_factory=list)


class DataNote(Strict):
    """A discrepancy or gap in a source, recorded rather than silently fixed."""

    kind: Literal["note"] = "note"
    id: Id
    applies_to: list[str] = Field(min_length=1, description="Entities the note concerns, as 'kind:id' (e.g. 'finding:skole-hjem-2025-f04').")
    category: Ref = Field(description="From vocabulary 'note-category'.")
    text: Text
    source_location: str | None = Field(None, description="Where in the source, e.g. 'Resultater, Tabell 9'.")


ENTITY_MODELS: dict[str, type[Strict]] = {
    "vocabulary": Vocabulary,
    "publication": Publication,
    "theme": Theme,
    "finding": Finding,
    "study": Study,
    "characteristic": Characteristic,
    "assessment": Assessment,
    "matrix": Matrix,
    "note": DataNote,
}
"""Entity kind -> model. The folder under data/ decides the kind (see settings.DATA_FOLDERS)."""
