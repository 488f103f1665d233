"""Typed entities of the knowledge base.

Every model forbids unknown fields, and every field carries a description: the exported
JSON Schema is the editors' documentation. A field that holds another entity's id or a term of
a controlled vocabulary says which in its type (`Annotated[str, Ref("study")]`, see fields.py);
`index.py` checks that it resolves, and the end of its description is generated from it. Which
kinds exist, and where their files are, is `kinds.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from generator.model.fields import KindAndId, Ref, ScaleOf, Vocab, describe_fields

Id = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80),
    Field(description="Lower-case id made of letters, digits and single hyphens; equals the file name."),
]
NonEmpty = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]


class Strict(BaseModel):
    # strict: a value is never converted into the type it should have been written as. `number: "05"`
    # (a string), `year: 2021.0`, `date: "2025-06-15"` or `significant: "true"` are errors that say
    # what to write instead (validate.py), not silently 5, 2021, a date or True.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, strict=True)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: object) -> None:
        # A field's description ends with what its marker says it refers to (fields.py), written
        # once there; the JSON Schema is built with the class, so it is rebuilt to show it.
        super().__pydantic_init_subclass__(**kwargs)
        if describe_fields(cls):
            cls.model_rebuild(force=True)


Origin = Literal["source", "editorial"]


class Text(Strict):
    """A user-facing text in bokmål and English, with where each language version comes from."""

    nb: NonEmpty | None = Field(None, description="Bokmål text. For source content: the source's own wording.")
    en: NonEmpty | None = Field(None, description="English text.")
    nb_origin: Origin = Field(
        "source", description="'source': the source document's wording; 'editorial': written by the editors."
    )
    en_origin: Origin = Field(
        "editorial",
        description="'source': the source document's own English version (e.g. its key messages); 'editorial': our translation.",
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
    id: Annotated[
        str,
        StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80),
        Field(description="Term id, used in data files."),
    ]
    label: Text = Field(description="Full label, as shown in tables.")
    short: Text | None = Field(None, description="Short label for narrow columns and badges.")
    phrase: Text | None = Field(None, description="Form used inside generated sentences (lower case, no article).")
    description: Text | None = Field(None, description="Definition shown in legends.")
    symbol: str | None = Field(
        None, max_length=4, description="Symbol shown beside the label so colour never carries meaning alone."
    )
    group: str | None = Field(None, description="Group of the term (e.g. 'quantitative' or 'qualitative' for study designs).")
    scale: str | None = Field(None, description="For appraisal tools: the vocabulary of the tool's overall rating.")
    url: str | None = Field(None, pattern=r"^https://\S+$", description="For licences: the address of the licence's text.")


class Vocabulary(Strict):
    """A controlled vocabulary, defined once with labels in both languages."""

    kind: Literal["vocabulary"] = Field("vocabulary", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    name: Text = Field(description="Name of the vocabulary, shown in legends and filters.")
    terms: list[Term] = Field(min_length=1, description="The allowed values, in display order.")


# --- the review's building blocks ------------------------------------------------------------


class Theme(Strict):
    """A theme grouping findings (Tabell 9 style full-width rows)."""

    kind: Literal["theme"] = Field("theme", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    name: Text = Field(description="Theme name, as in the findings table's group rows.")
    description: Text | None = Field(None, description="What the theme covers, where the source defines it.")
    parent: Annotated[str, Ref("theme")] | None = Field(
        None, description="The theme this one is a sub-theme of (same publication)."
    )
    number: str | None = Field(None, description="The source's numbering of the theme, e.g. '6.2.1'.")
    code_counts: dict[Annotated[str, Vocab("informant-group")], int] = Field(
        default_factory=dict, description="Number of codes per informant group, as the source counts them."
    )
    studies: list[Annotated[str, Ref("study")]] = Field(
        default_factory=list, description="Studies the source cites for this theme."
    )
    topics: list[Annotated[str, Ref("topic")]] = Field(
        default_factory=list, description="Cross-source topics the theme belongs to."
    )


class Component(Strict):
    level: Annotated[str, Vocab("concern")] = Field(description="Concern level.")
    explanation: Text | None = Field(None, description="Why this level was given (required above 'no or very minor').")


class Components(Strict):
    """The four GRADE-CERQual components."""

    methodological_limitations: Component = Field(description="Methodological limitations of the contributing studies.")
    coherence: Component = Field(description="Coherence between the finding and the data.")
    adequacy: Component = Field(description="Adequacy (richness and quantity) of the data.")
    relevance: Component = Field(description="Relevance of the data to the review question.")


TITLE_MIN_WORDS = 3
TITLE_MAX_WORDS = 12
TITLE_MAX_CHARACTERS = 90
"""How long a finding's title may be, in each language: enough words to say what the finding
says, short enough for a table row, a list or a search result. `check` warns outside them
(index.py); the field's description says them."""
TITLE_EXAMPLE = {"nb": "Hjemmebesøk ga blandede erfaringer", "en": "Home visits gave mixed experiences", "nb_origin": "editorial"}
"""A finding's title as it should be: what the finding is about and what it says."""


class FindingState(Strict):
    """What a finding said before a change: each field the change altered, as it was. A field left
    out did not change. From these and the finding as it is, the changelog computes every version's
    before and after (present/changelog.py), and `check --base` holds them against the base."""

    statement: Text | None = Field(None, description="The statement before the change.")
    finding_type: Annotated[str, Vocab("finding-type")] | None = Field(None, description="The kind of finding before the change.")
    confidence: Annotated[str, Vocab("confidence")] | None = Field(None, description="The overall confidence before the change.")
    components: Components | None = Field(None, description="The four GRADE-CERQual components before the change.")
    strength: Text | None = Field(None, description="The source's qualification before the change.")
    direction: Annotated[str, Vocab("effect-direction")] | None = Field(None, description="The direction before the change.")
    studies: list[Annotated[str, Ref("study", once=True)]] | None = Field(
        None, min_length=1, description="The contributing studies before the change, in the source's order."
    )

    @model_validator(mode="after")
    def _records_something(self) -> FindingState:
        if not self.model_fields_set:
            raise ValueError("'previous' records no field: give the fields the change altered, as they were")
        return self


class FindingChange(Change):
    """One entry in a finding's history: what changed and, for the changelog, what it said before."""

    added: bool = Field(False, description="The finding is new in this version (its first entry).")
    previous: FindingState | None = Field(
        None,
        description=(
            "What the finding said before this change: every field of its substance the change altered (statement, "
            "finding_type, confidence, components, strength, direction, studies), as it was. The changelog shows before "
            "and after from it."
        ),
    )

    @model_validator(mode="after")
    def _added_or_changed(self) -> FindingChange:
        if self.added and self.previous is not None:
            raise ValueError("a new finding ('added: true') has no 'previous': leave one of them out")
        return self


class Finding(Strict):
    """A review finding with its GRADE-CERQual assessment."""

    kind: Literal["finding"] = Field("finding", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    number: int = Field(ge=1, description="Finding number within its publication (Tabell 9 '#'; else the order in the source).")
    finding_type: Annotated[str, Vocab("finding-type")] = Field(
        "review-finding", description="What kind of finding this is (default: a CERQual-assessed review finding)."
    )
    theme: Annotated[str, Ref("theme")] = Field(description="The theme the finding belongs to (same publication).")
    title: Text = Field(
        description=(
            f"A short title in both languages that says what the finding is about and what it says "
            f"({TITLE_MIN_WORDS} to {TITLE_MAX_WORDS} words, at most {TITLE_MAX_CHARACTERS} characters). "
            "It names the finding on its page and in every list, before its number. "
            "Written by the editors in the source's own terms (nb_origin 'editorial'), unless the source "
            "gives this one finding a heading of its own: then that heading, word for word (nb_origin 'source')."
        ),
        examples=[TITLE_EXAMPLE],
    )
    statement: Text = Field(description="The finding as the source words it (Tabell 9); English is ours.")
    components: Components | None = Field(
        None, description="The four GRADE-CERQual component assessments, where the source made them."
    )
    confidence: Annotated[str, Vocab("confidence")] | None = Field(None, description="Overall confidence (with 'components').")
    strength: Text | None = Field(
        None, description="How the source qualifies the finding where it gives no CERQual confidence (e.g. 'not significant')."
    )
    direction: Annotated[str, Vocab("effect-direction")] | None = Field(None, description="For a result: its direction.")
    studies: list[Annotated[str, Ref("study", once=True)]] = Field(
        min_length=1, description="Contributing studies, in the source's order."
    )
    pyramid_levels: list[Annotated[str, Vocab("pyramid-level")]] = Field(
        default_factory=list, description="Intervention pyramid levels the source links the finding to."
    )
    topics: list[Annotated[str, Ref("topic")]] = Field(
        default_factory=list, description="Cross-source topics the finding belongs to."
    )
    source_location: str | None = Field(None, description="Where in the source, e.g. 'Kapittel 6.2.2'.")
    history: list[FindingChange] = Field(description="Version history of the finding, oldest first.", default_factory=list)

    @model_validator(mode="after")
    def _added_first(self) -> Finding:
        if any(change.added for change in self.history[1:]):
            raise ValueError("history: only the first entry can say the finding was added ('added: true')")
        return self


class Characteristic(Strict):
    """A key characteristic of a good intervention (Tabell 10 style)."""

    kind: Literal["characteristic"] = Field(
        "characteristic", description="Entity kind; optional, the folder under data/ decides it."
    )
    id: Id
    name: Text = Field(description="Full name, as in the characteristics table.")
    short_name: Text = Field(description="Short name, as in matrix column headers.")
    description: list[Text] = Field(min_length=1, description="Description bullets.")
    question: Text = Field(description="The yes/no question used to score interventions.")


class Assessment(Strict):
    """One matrix row: an intervention scored against every characteristic (Tabell 11 style)."""

    kind: Literal["assessment"] = Field("assessment", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    study: Annotated[str, Ref("study")] = Field(description="The study that tested the intervention.")
    intervention: Text = Field(description="Short description of the intervention.")
    values: dict[Annotated[str, Ref("characteristic")], Annotated[str, Vocab("matrix-value")]] = Field(
        description="The intervention's value for each characteristic (a column of its matrix)."
    )


class Matrix(Strict):
    """An intervention x characteristic matrix."""

    kind: Literal["matrix"] = Field("matrix", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    title: Text = Field(description="Matrix title (the table caption).")
    introduction: Text | None = Field(None, description="Text introducing the matrix.")
    columns: list[Annotated[str, Ref("characteristic")]] = Field(min_length=1, description="The columns, in order.")
    rows: list[Annotated[str, Ref("assessment")]] = Field(min_length=1, description="The rows, in order.")


# --- studies ---------------------------------------------------------------------------------


class Appraisal(Strict):
    """Risk of bias or methodological limitations, as the source assessed them."""

    tool: Annotated[str, Vocab("appraisal-tool")] = Field(description="Appraisal tool.")
    overall: Annotated[str, ScaleOf("tool")] = Field(description="Overall rating.")
    source_wording: str | None = Field(None, description="The rating as the source words it, e.g. 'Moderate til små'.")
    items: dict[Annotated[str, Vocab("appraisal-criterion")], Annotated[str, Vocab("appraisal-answer")]] = Field(
        default_factory=dict, description="Per-criterion answers."
    )
    table_wording: str | None = Field(
        None, description="The rating as a summary table words it, where that differs from the appraisal appendix."
    )


class Result(Strict):
    """A quantitative result the source reports for a study."""

    outcome: Text = Field(description="What was measured.")
    metric: Annotated[str, Vocab("metric")] = Field(description="Kind of number.")
    value: float | None = Field(None, description="The reported value (negative for a reduction).")
    value_to: float | None = Field(None, description="Upper end when the source gives a range.")
    baseline: float | None = Field(None, description="The comparison or starting value, where given.")
    subgroup: Text | None = Field(None, description="Subgroup the result applies to, if any.")
    significant: bool | None = Field(None, description="Statistically significant per the source; empty when not stated.")
    text: Text = Field(description="The result in words.")


class Effect(Strict):
    """The direction of a study's effect on one outcome, and whose reading that direction is."""

    outcome: Annotated[str, Vocab("outcome")] = Field(description="The outcome.")
    direction: Annotated[str, Vocab("effect-direction")] = Field(description="The direction of the effect on it.")
    reading: Literal["authors", "editorial"] = Field(
        description="'authors': the source's authors classify it so; 'editorial': our reading of the source's words."
    )
    timepoint: Text | None = Field(None, description="When measured, e.g. {nb: '6 måneder', en: '6 months'}.")
    text: Text | None = Field(None, description="The result in the source's words.")


class Study(Strict):
    """A primary study included in one or more publications."""

    kind: Literal["study"] = Field("study", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    citation: str = Field(min_length=1, description="Canonical citation name, e.g. 'Bergman & Chan 2019'.")
    aliases: list[str] = Field(default_factory=list, description="Other names the sources use for this study.")
    reference_number: int | None = Field(None, description="The study's number in the source's reference list.")
    authors: list[str] = Field(min_length=1, description="Authors as far as the source gives them (surname, initials).")
    year: int = Field(description="Publication year.", ge=1900, le=2100)
    title: str | None = Field(None, description="Title, where known.")
    publication_type: Annotated[str, Vocab("publication-type")] = Field(description="What kind of publication the study is.")
    design: Annotated[str, Vocab("design")] = Field(description="Study design.")
    design_detail: Text | None = Field(None, description="The design as the source words it.")
    country: Annotated[str, Vocab("country")] | None = Field(None, description="The country of a single-country study.")
    countries: list[Annotated[str, Vocab("country")]] = Field(
        default_factory=list, description="The countries of a multi-country study or review."
    )
    reference: str | None = Field(None, description="Full reference as the source's reference list gives it.")
    setting: Text | None = Field(None, description="Country and context of the study (Tabell 7 'Land, kontekst').")
    population: Text | None = Field(None, description="Population (Tabell 3) or sample (Tabell 7-8).")
    recruitment: Text | None = Field(None, description="How informants were recruited (Tabell 8).")
    intervention: Text | None = Field(None, description="The intervention studied (Tabell 3).")
    aim: Text | None = Field(None, description="Aim of the study (Tabell 7-8 'Formål').")
    outcomes: Text | None = Field(None, description="Outcomes measured (Tabell 3 'Utfall').")
    school_level: Text | None = Field(None, description="School level(s) of the study.")
    appraisal: Appraisal | None = Field(None, description="Quality or risk-of-bias assessment as the source gives it.")
    results: list[Result] = Field(description="Quantitative results the source reports for the study.", default_factory=list)
    results_summary: Text | None = Field(None, description="The study's results in a paragraph.")
    participants: Text | None = Field(None, description="Who collaborates in the study (a review's Tabell 2 'Deltakere').")
    target_group: Text | None = Field(None, description="Pupil or target group.")
    main_findings: Text | None = Field(None, description="Main findings as the source summarises them.")
    primary_studies: int | None = Field(None, ge=0, description="For a review: the number of primary studies it includes.")
    control_group: Text | None = Field(None, description="The comparison condition, or that there was none.")
    has_control_group: bool | None = Field(None, description="Whether the study had a control or comparison group.")
    follow_up: Text | None = Field(None, description="Follow-up period, e.g. '2 years'.")
    period: str | None = Field(None, description="When the study ran, e.g. '2017-2020'.")
    conclusion: Text | None = Field(None, description="The study's conclusion as the citing source words it.")
    sectors: list[Annotated[str, Vocab("sector")]] = Field(default_factory=list, description="Sectors involved.")
    interventions: list[Annotated[str, Ref("intervention")]] = Field(
        default_factory=list, description="Interventions the study evaluates."
    )
    effects: list[Effect] = Field(default_factory=list, description="Effect direction per outcome.")
    follow_up_of: Annotated[str, Ref("study")] | None = Field(None, description="The study this one follows up.")
    history: list[Change] = Field(description="Version history of the study record, oldest first.", default_factory=list)

    @model_validator(mode="after")
    def _one_country_field(self) -> Study:
        if self.country is None and not self.countries:
            raise ValueError("give 'country' (one) or 'countries' (several; may be ['not-reported'])")
        if self.country is not None and self.countries:
            raise ValueError("give either 'country' or 'countries', not both")
        return self

    @property
    def all_countries(self) -> list[str]:
        return [self.country] if self.country else list(self.countries)


class Reference(Strict):
    """An entry of a publication's reference list, as the source prints it, with its parts as fields.

    `text` is the entry word for word (without the list's typography: italics, the asterisk, link
    markup); the fields are what a reference manager needs, each as the entry gives it, none added.
    """

    kind: Literal["reference"] = Field("reference", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    text: NonEmpty = Field(description="The entry as the source's reference list prints it, word for word.")
    authors: list[NonEmpty] = Field(
        min_length=1, description="Authors as the entry gives them (surname, initials), or the institution that is its author."
    )
    year: int | None = Field(None, ge=1900, le=2100, description="Year of publication, where the entry gives one.")
    year_suffix: str | None = Field(
        None, pattern=r"^[a-z]$", description="The letter the entry adds to the year to tell two works apart (2020a)."
    )
    title: NonEmpty | None = Field(None, description="Title of the work, where the entry gives one.")
    container: NonEmpty | None = Field(
        None, description="The journal, book or website the work appears in, as the entry names it."
    )
    volume: str | None = Field(None, description="Volume of the journal.")
    issue: str | None = Field(None, description="Issue of the journal.")
    pages: str | None = Field(None, description="Pages or article number, as the entry gives them (e.g. '665-674', 'e0212208').")
    series: str | None = Field(None, description="Report series and number, e.g. 'Fafo-rapport 2020:02'.")
    publisher: str | None = Field(None, description="Publisher or issuing institution, where the entry names one.")
    doi: str | None = Field(None, pattern=r"^10\.\d{4,9}/\S+$", description="DOI, without 'https://doi.org/'.")
    url: str | None = Field(None, pattern=r"^https?://\S+$", description="Web address the entry gives (other than its DOI).")
    note: str | None = Field(
        None, description="What else the entry says (e.g. a date it was read, '[nettdokument]'), as it says it."
    )
    publication_type: Annotated[str, Vocab("publication-type")] | None = Field(
        None, description="What kind of work it is, where the entry shows it."
    )
    included: bool = Field(
        False, description="The source marks the entry as one of the works its review included (an asterisk in its list)."
    )
    study: Annotated[str, Ref("study")] | None = Field(
        None, description="The study record of the knowledge base this entry is (one of the publication's studies)."
    )


# --- publications ----------------------------------------------------------------------------


class KeyMessageGroup(Strict):
    heading: Text = Field(description="Run-in heading of the group.")
    bullets: list[Text] = Field(description="The key messages of the group.", min_length=1)


class KeyMessages(Strict):
    introduction: list[Text] = Field(description="Paragraphs before the grouped key messages.", default_factory=list)
    groups: list[KeyMessageGroup] = Field(description="Groups of key messages, each with a heading and bullets.", min_length=1)
    closing: Text | None = Field(None, description="Closing sentence after the groups.")


class Section(Strict):
    heading: Text = Field(description="Section heading.")
    paragraphs: list[Text] = Field(description="Paragraphs of the section.", default_factory=list)
    bullets: list[Text] = Field(description="Bullet points after the paragraphs.", default_factory=list)
    source_location: str | None = Field(None, description="Where in the source.")

    @model_validator(mode="after")
    def _has_content(self) -> Section:
        if not self.paragraphs and not self.bullets:
            raise ValueError("a section needs 'paragraphs' or 'bullets'")
        return self


class Series(Strict):
    name: Text = Field(description="Series name, shown in the legend.")
    values: list[float | None] = Field(description="One value per category; empty where the source gives none.")


class Chart(Strict):
    """A bar chart drawn from numbers the source gives in its text or tables."""

    id: Id
    title: Text = Field(description="Chart title (the source's figure or table caption).")
    categories: list[Text] = Field(min_length=1, description="Category labels along the axis.")
    series: list[Series] = Field(min_length=1, description="One or more series of values.")
    unit: Text | None = Field(None, description="Unit of the values, e.g. 'prosent'.")
    maximum: float | None = Field(None, description="Top of the value axis (e.g. 100 for percentages, 5 for a 1-5 scale).")
    source_location: str = Field(description="Where in the source the numbers are, e.g. 'Tabell 2'.")
    note: Text | None = Field(None, description="What the chart does not show (e.g. values the source gives only as a trend).")

    @model_validator(mode="after")
    def _values_per_category(self) -> Chart:
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"every series needs {len(self.categories)} values, one per category")
        return self


class Criterion(Strict):
    name: Text = Field(description="Criterion name (e.g. Populasjon).")
    description: Text = Field(description="What the criterion requires.")


class Prisma(Strict):
    """Counts of the study selection flow diagram, as the source reports them."""

    database_records: int = Field(description="Count as the source reports it: database records.", ge=0)
    openalex_records: int = Field(description="Count as the source reports it: openalex records.", ge=0)
    other_source_records: int = Field(description="Count as the source reports it: other source records.", ge=0)
    duplicates_removed: int = Field(description="Count as the source reports it: duplicates removed.", ge=0)
    screened: int = Field(description="Count as the source reports it: screened.", ge=0)
    excluded_by_reviewers: int = Field(description="Count as the source reports it: excluded by reviewers.", ge=0)
    excluded_by_machine: int = Field(description="Count as the source reports it: excluded by machine.", ge=0)
    other_source_excluded: int = Field(description="Count as the source reports it: other source excluded.", ge=0)
    full_text_database: int = Field(description="Count as the source reports it: full text database.", ge=0)
    included_database: int = Field(description="Count as the source reports it: included database.", ge=0)
    full_text_other: int = Field(description="Count as the source reports it: full text other.", ge=0)
    included_other: int = Field(description="Count as the source reports it: included other.", ge=0)
    excluded_full_text_database: int = Field(description="Count as the source reports it: excluded full text database.", ge=0)
    excluded_full_text_other: int = Field(description="Count as the source reports it: excluded full text other.", ge=0)
    included_total: int = Field(description="Count as the source reports it: included total.", ge=0)


class Method(Strict):
    research_question: Text = Field(description="The research question.")
    inclusion_criteria: list[Criterion] = Field(description="Inclusion criteria (PICO-style rows).", default_factory=list)
    searches: Text | None = Field(None, description="How the literature was searched.")
    selection: Text | None = Field(None, description="How studies were selected.")
    appraisal: Text | None = Field(None, description="How study quality was assessed.")
    synthesis: Text | None = Field(None, description="How the data were analysed and synthesised.")
    data_collection: Text | None = Field(None, description="How data were collected (primary research).")
    prisma: Prisma | None = Field(None, description="Counts of the study selection flow diagram.")


def _person_name(name: str) -> str:
    family, comma, given = name.partition(",")
    if not comma or not family.strip() or not given.strip() or "," in given:
        raise ValueError(
            f"write the name as 'Family, Given' (e.g. 'Radlick, Rebecca Lynn'), got {name!r}: "
            "a citation needs to know the family name"
        )
    return name


PersonName = Annotated[str, AfterValidator(_person_name)]
"""A person's name as 'Family, Given': citations abbreviate the given names, pages write 'Given Family'."""


def _isbn(value: str) -> str:
    digits = value.replace("-", "").replace(" ", "")
    if len(digits) == 13 and digits.isdigit():
        expected = str((10 - sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits[:12])) % 10) % 10)
    elif len(digits) == 10 and digits[:9].isdigit() and (digits[9].isdigit() or digits[9] in "Xx"):
        remainder = (11 - sum(int(d) * (10 - i) for i, d in enumerate(digits[:9])) % 11) % 11
        expected = "X" if remainder == 10 else str(remainder)
    else:
        raise ValueError(f"an ISBN has 10 or 13 digits (hyphens allowed), got {value!r}")
    if digits[-1].upper() != expected:
        raise ValueError(f"ISBN {value!r} has the check digit {digits[-1]}, not {expected}: copy it again from the source")
    return value


def _issn(value: str) -> str:
    digits = value.replace("-", "")
    if len(value) != 9 or value[4] != "-" or not (digits[:7].isdigit() and (digits[7].isdigit() or digits[7] in "Xx")):
        raise ValueError(f"an ISSN is written '1234-5679' (eight characters, the last a digit or X), got {value!r}")
    remainder = (11 - sum(int(d) * (8 - i) for i, d in enumerate(digits[:7])) % 11) % 11
    expected = "X" if remainder == 10 else str(remainder)
    if digits[7].upper() != expected:
        raise ValueError(f"ISSN {value!r} has the check digit {digits[7]}, not {expected}: copy it again from the source")
    return value


Isbn = Annotated[str, AfterValidator(_isbn)]
Issn = Annotated[str, AfterValidator(_issn)]


class Publication(Strict):
    """A report, review or thesis that the knowledge base publishes."""

    kind: Literal["publication"] = Field("publication", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    title: Text = Field(description="Full title.")
    short_title: Text = Field(description="Short title for running headers and navigation.")
    publication_type: Annotated[str, Vocab("publication-type")] = Field(description="What kind of publication it is.")
    institutions: list[Text] = Field(description="Publishing institutions.", min_length=1)
    commissioner: Text | None = Field(None, description="Who commissioned the publication.")
    funding: Text | None = Field(None, description="Funding statement.")
    year: int = Field(description="Year of publication.", ge=1900, le=2100)
    status: Annotated[str, Vocab("status")] = Field(description="Publication status.")
    version: str = Field(pattern=r"^\d+\.\d+$", description="Published version, e.g. '1.0'.")
    date: dt.date = Field(description="Date of this version.")
    url: str | None = Field(None, pattern=r"^https://", description="Address of the original publication.")
    authors: list[PersonName] = Field(
        default_factory=list,
        description="Authors, where the source names them, each as 'Family, Given' ('Radlick, Rebecca Lynn'): "
        "citations need the family name, and pages write the names in reading order.",
    )
    series: str | None = Field(None, description="The report series, as the source names it, e.g. 'AFI-rapport' or 'Notat'.")
    series_number: str | None = Field(
        None, description="The publication's number in its series, as the source prints it, e.g. '2022:09' or '14-2025'."
    )
    isbn: Isbn | None = Field(None, description="ISBN, where the source gives one (10 or 13 digits; hyphens as printed).")
    issn: Issn | None = Field(None, description="ISSN of the series, where the source gives one ('1234-5679').")
    license: Annotated[str, Vocab("license")] | None = Field(
        None,
        description="The licence the source states for itself, e.g. 'cc-by-4-0'; 'not-stated' where it states none. "
        "The site, the reports and the open data show it.",
    )
    same_as_study: Annotated[str, Ref("study")] | None = Field(
        None, description="The study record this publication is (a thesis that a review includes as a study)."
    )
    key_messages: KeyMessages | None = Field(None, description="Key messages, shown first on the publication page.")
    summary: list[Section] = Field(description="Summary sections, shown after the key messages.", min_length=1)
    method: Method | None = Field(None, description="Method in brief.")
    chapters: list[Section] = Field(
        default_factory=list, description="Further content of the source, in its order (models, forms of collaboration ...)."
    )
    charts: list[Chart] = Field(default_factory=list, description="Charts drawn from numbers the source gives.")
    themes: list[Annotated[str, Ref("theme", once=True)]] = Field(default_factory=list, description="Its themes, in table order.")
    findings: list[Annotated[str, Ref("finding", once=True)]] = Field(default_factory=list, description="Its findings.")
    studies: list[Annotated[str, Ref("study", once=True)]] = Field(default_factory=list, description="Its included studies.")
    characteristics: list[Annotated[str, Ref("characteristic", once=True)]] = Field(
        default_factory=list, description="Its key characteristics (Tabell 10 style), in table order."
    )
    matrices: list[Annotated[str, Ref("matrix", once=True)]] = Field(
        default_factory=list, description="Its matrices (Tabell 11 style)."
    )
    interventions: list[Annotated[str, Ref("intervention", once=True)]] = Field(
        default_factory=list, description="The interventions it describes."
    )
    implications: list[Annotated[str, Ref("implication", once=True)]] = Field(
        default_factory=list, description="Its implications (implications, recommendations, gaps ...)."
    )
    cases: list[Annotated[str, Ref("case", once=True)]] = Field(default_factory=list, description="Its practice cases.")
    quotes: list[Annotated[str, Ref("quote", once=True)]] = Field(
        default_factory=list, description="Its informants' illustrative quotations."
    )
    references: list[Annotated[str, Ref("reference", once=True)]] = Field(
        default_factory=list, description="Its reference list, in the source's order (where the source has one)."
    )
    history: list[Change] = Field(description="Version history of the publication, oldest first.", default_factory=list)


class Intervention(Strict):
    """An intervention, programme or model that a publication describes or evaluates."""

    kind: Literal["intervention"] = Field("intervention", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    name: Text = Field(description="Name of the intervention.")
    aliases: list[str] = Field(default_factory=list, description="Other names the source uses.")
    description: Text | None = Field(None, description="What the intervention is.")
    components: list[Text] = Field(default_factory=list, description="Its components or core elements.")
    arenas: list[Text] = Field(default_factory=list, description="Meeting arenas it uses.")
    programme_theory: list[Text] = Field(default_factory=list, description="Programme theory: how it is meant to work.")
    principles: list[Text] = Field(default_factory=list, description="Principles the source names for it.")
    target_group: Text | None = Field(None, description="Who it is for.")
    sectors: list[Annotated[str, Vocab("sector")]] = Field(default_factory=list, description="Sectors involved.")
    pyramid_levels: list[Annotated[str, Vocab("pyramid-level")]] = Field(
        default_factory=list, description="Levels of the intervention pyramid it works on."
    )
    evidence: Annotated[str, Vocab("evidence-status")] | None = Field(None, description="State of its evidence.")
    evidence_text: Text | None = Field(None, description="The evidence as the source describes it.")
    evidence_references: list[str] = Field(
        default_factory=list, description="Works the source cites as evidence, where they are not study records here."
    )
    findings: list[Annotated[str, Ref("finding", once=True)]] = Field(
        default_factory=list,
        description="Findings the source sets beside the intervention (any publication), e.g. where its discussion "
        "weighs the intervention's studies against a qualitative finding.",
    )
    topics: list[Annotated[str, Ref("topic")]] = Field(default_factory=list, description="Cross-source topics.")
    source_location: str | None = Field(None, description="Where in the source.")


class Implication(Strict):
    """An implication for practice, recommendation, knowledge gap, development area or principle."""

    kind: Literal["implication"] = Field("implication", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    number: int = Field(ge=1, description="Order within its publication.")
    implication_type: Annotated[str, Vocab("implication-type")] = Field(description="What kind of implication it is.")
    audiences: list[Annotated[str, Vocab("audience")]] = Field(min_length=1, description="Who it is for.")
    heading: Text | None = Field(None, description="Short heading, where the source gives one.")
    text: Text = Field(description="The implication as the source words it.")
    findings: list[Annotated[str, Ref("finding")]] = Field(
        default_factory=list, description="Findings that support it (any publication)."
    )
    studies: list[Annotated[str, Ref("study")]] = Field(default_factory=list, description="Studies the source cites for it.")
    pyramid_levels: list[Annotated[str, Vocab("pyramid-level")]] = Field(
        default_factory=list, description="Levels of the intervention pyramid it concerns."
    )
    topics: list[Annotated[str, Ref("topic")]] = Field(default_factory=list, description="Cross-source topics.")
    source_location: str | None = Field(None, description="Where in the source.")


class Case(Strict):
    """A practice case the source describes (a school's or municipality's way of working)."""

    kind: Literal["case"] = Field("case", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    title: Text = Field(description="Name of the case or practice.")
    place: str | None = Field(None, description="School or municipality, as the source names it.")
    paragraphs: list[Text] = Field(min_length=1, description="The case as the source describes it.")
    status: Text | None = Field(None, description="Whether the practice continued after the project, and why.")
    pyramid_levels: list[Annotated[str, Vocab("pyramid-level")]] = Field(
        default_factory=list, description="Levels of the intervention pyramid it works on."
    )
    topics: list[Annotated[str, Ref("topic")]] = Field(default_factory=list, description="Cross-source topics.")
    source_location: str | None = Field(None, description="Where in the source.")


class Quote(Strict):
    """An illustrative quotation of an informant, as qualitative evidence syntheses show them beside
    their findings. It carries no personal data: `check` reports an e-mail address, a phone number
    or a web address in its text (privacy.py)."""

    kind: Literal["quote"] = Field("quote", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    text: Text = Field(
        description="The quotation as the source prints it (nb, origin 'source'), with our English translation "
        "(en, origin 'editorial'); where the source quotes in English, that text is the English with origin 'source'. "
        "Words of the source left out are marked '[...]'."
    )
    informant: Annotated[str, Vocab("informant-group")] = Field(description="The informant group the source attributes it to.")
    source_location: NonEmpty = Field(description="Where in the source, as the source shows it, e.g. 'Kapittel 4.2'.")
    findings: list[Annotated[str, Ref("finding", once=True)]] = Field(
        default_factory=list, description="Findings it illustrates (same publication)."
    )
    themes: list[Annotated[str, Ref("theme", once=True)]] = Field(
        default_factory=list, description="Themes it illustrates (same publication)."
    )
    topics: list[Annotated[str, Ref("topic")]] = Field(default_factory=list, description="Cross-source topics.")

    @model_validator(mode="after")
    def _illustrates_something(self) -> Quote:
        if not self.findings and not self.themes:
            raise ValueError("a quote illustrates a finding or a theme: give 'findings' or 'themes' (at least one)")
        return self


Keyword = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class Keywords(Strict):
    """Words readers search with for a topic, per language, where the sources use other words
    (synonyms, older or English terms, the reader's plain word): searched, never shown."""

    nb: list[Keyword] = Field(default_factory=list, description="Bokmål words and phrases, e.g. 'skolevegring'.")
    en: list[Keyword] = Field(default_factory=list, description="English words and phrases, e.g. 'truancy'.")

    @model_validator(mode="after")
    def _each_once(self) -> Keywords:
        for lang, words in (("nb", self.nb), ("en", self.en)):
            seen: set[str] = set()
            for word in words:
                if word.casefold() in seen:
                    raise ValueError(f"keyword '{word}' is listed twice under '{lang}'")
                seen.add(word.casefold())
        return self

    def get(self, lang: str) -> list[str]:
        return self.nb if lang == "nb" else self.en


class Topic(Strict):
    """A cross-source topic (early intervention, transitions, ...) that gathers content from every publication."""

    kind: Literal["topic"] = Field("topic", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    name: Text = Field(description="Topic name.")
    description: Text = Field(description="What the topic covers (editorial).")
    keywords: Keywords | None = Field(
        None,
        description=(
            "Words readers search with that the sources put differently (synonyms, older or English terms), "
            "per language. Search finds the topic by them as by its name; the page does not show them."
        ),
    )


class GlossaryTerm(Strict):
    """A term of the bilingual termbase (data/glossary/): one Norwegian term, the English rendering
    the knowledge base uses for it, and what it means. `check` warns where an English text renders
    it otherwise."""

    kind: Literal["term"] = Field("term", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    term: Text = Field(
        description="The term: 'nb' the Norwegian term (base form), 'en' the English rendering the knowledge base uses."
    )
    abbreviation: Annotated[str, StringConstraints(min_length=1, max_length=20)] | None = Field(
        None, description="The Norwegian abbreviation, where the term has one (PPT); recognised in texts as well."
    )
    category: Annotated[str, Vocab("term-category")] = Field(description="What kind of term it is.")
    forms_nb: list[NonEmpty] = Field(
        min_length=1,
        description=(
            "The Norwegian forms to recognise in a text, each a whole word or phrase in any case: the base form and its "
            "inflections (kontaktlærer, kontaktlæreren, kontaktlærere, kontaktlærerne); not the abbreviation."
        ),
    )
    avoid_en: list[NonEmpty] = Field(
        default_factory=list,
        description=(
            "English renderings the knowledge base does not use for this term (form teacher): `check` warns where an "
            "English text whose Norwegian names the term uses one (whole words, any case, with a plural or possessive ending)."
        ),
    )
    numbered: bool = Field(
        False,
        description=(
            "The term names a numbered part of a document (Tabell 9): an English text that writes the Norwegian name "
            "with a number must give the English name with it, e.g. 'Table 9 (Tabell 9)'."
        ),
    )
    definition: Text = Field(
        description=(
            "What the term means, for a reader who does not know Norwegian schools: the source's words where a source "
            "defines it (then 'defined_in'), else the editors' ('nb_origin: editorial')."
        )
    )
    defined_in: Annotated[str, Ref("publication")] | None = Field(
        None, description="The publication whose definition 'definition' gives, in its own words."
    )
    source_location: str | None = Field(None, description="Where that publication defines the term, e.g. 'Tabell 1'.")


class DataNote(Strict):
    """A discrepancy or gap in a source, recorded rather than silently fixed."""

    kind: Literal["note"] = Field("note", description="Entity kind; optional, the folder under data/ decides it.")
    id: Id
    # A quote is shown beside what it illustrates and a glossary term in its entry, each with its
    # notes. Not about a reference list entry: the list shows no notes; a note on a study names the
    # entry in its words.
    applies_to: list[Annotated[str, KindAndId(excluding=("note", "vocabulary", "reference"))]] = Field(
        min_length=1, description="Entities the note concerns (e.g. 'finding:skole-hjem-2025-f04')."
    )
    category: Annotated[str, Vocab("note-category")] = Field(description="What kind of note it is.")
    fields: list[str] = Field(
        default_factory=list,
        description="The fields of those entities the note is about, where it is about one (e.g. 'confidence').",
    )
    text: Text = Field(description="The note: what the source says in each place, neutrally.")
    source_location: str | None = Field(None, description="Where in the source, e.g. 'Resultater, Tabell 9'.")
