"""What each part of a publication's printed report shows, built in Python from the index.

The print templates (templates/print/) only format: every row, group and count they print comes
from a typed context here, through `PrintView.report` (`p.report.studies()`), and no template asks
the index, the counts or the URLs itself (`tests/test_presenter.py` scans their source). The
contexts hold entities, ids and numbers, in the order they are printed; the words in the report's
language are the presenter's (`PrintView`).

A part's context is built while that part is printed, inside `PrintView.printed_from`, so the data
files it reads are the ones the part's provenance comment names: a builder reads what its part
shows and nothing more (the summary's findings table reads no study, for instance).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from generator.model import counts
from generator.model.cerqual import COMPONENT_FIELDS
from generator.model.counts import Tally
from generator.model.i18n import resolve, sort_key
from generator.model.index import Index
from generator.model.models import (
    Assessment,
    Case,
    Characteristic,
    Component,
    DataNote,
    Finding,
    GlossaryTerm,
    Implication,
    Intervention,
    Matrix,
    Publication,
    Quote,
    Study,
    Theme,
)
from generator.present import sections, urls
from generator.present.changelog import Version, changelog

STUDIES_PER_APPRAISAL_TABLE = 8
"""Study columns an appraisal grid has on one landscape page; more studies continue in another table."""


# --- the colophon ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlsoAStudy:
    """A publication that is itself a study of the knowledge base (a thesis a review includes)."""

    study: Study
    included_in: list[Publication]
    """The other publications that include it."""


# --- quotes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedQuote:
    """An informant's quotation printed under what it illustrates."""

    quote: Quote
    anchor: str | None
    """Its id, where the report places it: under its first finding, else its first theme (a quote of
    two findings is printed under each, and has one id)."""


# --- findings ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingRow:
    """A row of the findings table."""

    finding: Finding
    studies: list[Study]
    """Its contributing studies, in the source's order; empty in the summary, which has no such column."""
    quotes: list[PrintedQuote]
    """The quotes that illustrate it, printed under its row (the full report)."""


@dataclass(frozen=True)
class ThemeFindings:
    """A theme's group of rows in the findings table, findings by number."""

    theme: Theme
    rows: list[FindingRow]
    quotes: list[PrintedQuote]
    """The theme's quotes, under its heading row, where the report has no themes chapter (the full report)."""


@dataclass(frozen=True)
class ConfidenceRow:
    """A theme's row of the findings-by-confidence table."""

    theme: Theme
    per_level: list[int]
    """Findings per confidence level, in the order of `ConfidenceTable.levels`."""
    total: int


@dataclass(frozen=True)
class ConfidenceTable:
    """Assessed findings per theme and confidence level, with the totals."""

    levels: list[str]
    """The confidence terms, in vocabulary order: the columns."""
    rows: list[ConfidenceRow]
    totals: list[int]
    """Per level, over every theme."""
    findings: int
    """Every finding of the publication, assessed or not."""


@dataclass(frozen=True)
class Profile:
    """A finding's evidence profile: its four CERQual components, studies and notes."""

    finding: Finding
    components: list[tuple[str, Component]]
    """(cerqual-component term, the finding's assessment of it), in the order of the CERQual table."""
    studies: list[Study]
    notes: list[DataNote]


@dataclass(frozen=True)
class ThemeProfiles:
    """A theme's heading in the evidence profiles, with its findings' profiles (maybe none)."""

    theme: Theme
    profiles: list[Profile]


@dataclass(frozen=True)
class EvidenceProfiles:
    """The evidence profiles chapter: every theme's findings, then the component levels table."""

    themes: list[ThemeProfiles]
    concern_levels: list[str]
    """The concern terms, in vocabulary order: the columns of the component levels table."""
    component_levels: list[tuple[str, list[int]]]
    """(cerqual-component term, findings per concern level)."""


# --- implications -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Support:
    """A finding an implication rests on."""

    finding: Finding
    elsewhere: Publication | None
    """The publication it belongs to when that is not this one (it is not in this report); else None."""


@dataclass(frozen=True)
class ImplicationEntry:
    implication: Implication
    support: list[Support]


@dataclass(frozen=True)
class ImplicationGroup:
    """The implications of one type (implications for practice, knowledge gaps ...), by number."""

    implication_type: str
    implications: list[ImplicationEntry]


# --- themes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeEntry:
    """A theme in the themes chapter, with what the report links it to."""

    theme: Theme
    findings: list[Finding]
    """This publication's findings in the theme, by number."""
    studies: list[Study]
    """The studies the source cites for the theme."""
    quotes: list[PrintedQuote]


@dataclass(frozen=True)
class ThemeTree:
    """A top-level theme and its sub-themes."""

    top: ThemeEntry
    subthemes: list[ThemeEntry]


@dataclass(frozen=True)
class CodeTotal:
    """One informant group's codes over the top-level themes."""

    group: str
    total: int
    complete: bool
    """Whether every top-level theme has a number for the group (else the total is a floor)."""


@dataclass(frozen=True)
class ThemesChapter:
    trees: list[ThemeTree]
    groups: list[CodeTotal]
    """The informant groups with code counts, in vocabulary order; none: the chapter has no code table."""
    total: int
    complete: bool


# --- interventions and gap maps -------------------------------------------------------------------


@dataclass(frozen=True)
class InterventionEntry:
    intervention: Intervention
    studies: list[Study]
    """The studies that evaluate it."""
    findings: list[Support]
    """The findings the source sets beside it (`Intervention.findings`)."""


@dataclass(frozen=True)
class EffectRow:
    """An intervention's row of the effect map."""

    intervention: Intervention
    cells: list[list[Tally]]
    """Per outcome column, how many effects point each way (directions with none left out)."""


@dataclass(frozen=True)
class SectorRow:
    """An intervention's row of the sector matrix."""

    intervention: Intervention
    cells: list[int]
    """Per sector column, the studies that involve it (0: none)."""


@dataclass(frozen=True)
class GapMaps:
    """The intervention x outcome effect map and the intervention x sector matrix."""

    outcomes: list[str]
    effect_rows: list[EffectRow]
    outcome_studies: list[int]
    """Per outcome, the distinct studies with an effect on it."""
    sectors: list[str]
    """Every sector term, used or not: a sector no study involves is a gap worth showing."""
    sector_rows: list[SectorRow]
    sector_studies: list[int]
    """Per sector, the distinct studies involving it."""


# --- matrices ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixRow:
    """A study's intervention assessed against the characteristics (a row of Tabell 10-11)."""

    assessment: Assessment
    study: Study
    cells: list[str]
    """The matrix value in each column."""


@dataclass(frozen=True)
class ValueTotal:
    """How many rows have one matrix value, per column."""

    value: str
    per_column: list[int]


@dataclass(frozen=True)
class MatrixTable:
    matrix: Matrix
    columns: list[Characteristic]
    rows: list[MatrixRow]
    totals: list[ValueTotal]
    """One per matrix value, in vocabulary order."""


# --- appraisal and studies ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AppraisedStudy:
    """A column of an appraisal grid: a study and its overall rating on its tool's scale."""

    study: Study
    scale: str | None
    """The vocabulary of the tool's overall ratings."""
    overall: str


@dataclass(frozen=True)
class CriterionRow:
    criterion: str
    answers: list[str | None]
    """Per study column, its answer (None: not answered)."""


@dataclass(frozen=True)
class AppraisalTable:
    """One landscape table of an appraisal grid: some studies appraised with one tool."""

    tool: str
    studies: list[AppraisedStudy]
    rows: list[CriterionRow]


@dataclass(frozen=True)
class StudyEntry:
    """A study's entry in the studies chapter, with where else the report uses it."""

    study: Study
    appraisal_scale: str | None
    """The vocabulary of its appraisal tool's overall ratings (None: not appraised, or no scale)."""
    findings: list[Finding]
    """This publication's findings it contributes to, by number."""
    rows: list[Assessment]
    """This publication's matrix rows that assess its intervention."""
    notes: list[DataNote]


@dataclass(frozen=True)
class DesignGroup:
    """The studies of one group of designs (quantitative, qualitative ...)."""

    group: str
    studies: list[StudyEntry]


@dataclass(frozen=True)
class StudiesChapter:
    by_design: list[Tally]
    by_country: list[Tally]
    groups: list[DesignGroup]
    """Groups with studies only, in vocabulary order."""


@dataclass(frozen=True)
class NoteEntry:
    note: DataNote
    targets: list[tuple[str, str]]
    """(kind, id) of what it concerns in this publication."""


@dataclass(frozen=True)
class GlossaryEntry:
    """A glossary term the publication uses."""

    term: GlossaryTerm
    defined_in: Publication | None
    """The publication whose words the definition is, where it is a source's."""


# --- the builders -----------------------------------------------------------------------------------


class PrintedReport:
    """The contexts of one publication's printed report: one typed method per part, built when called."""

    def __init__(self, index: Index, pub: Publication, lang: str = "nb") -> None:
        self.index = index
        self.pub = pub
        self.lang = lang
        """The report's language: what its glossary is sorted in."""

    def also_a_study(self) -> AlsoAStudy | None:
        """The colophon's line for a publication that a review includes as a study."""
        study_id = self.pub.same_as_study
        if not study_id:
            return None
        study = self.index.study(study_id)
        others = [p for p in self.index.publications_by_study.get(study_id, []) if p != self.pub.id]
        return AlsoAStudy(study, [self.index.publication(p) for p in others])

    def findings(self) -> list[Finding]:
        """The publication's findings, by number (what the note on their titles is about)."""
        return self.index.findings_of(self.pub)

    def findings_table(self, full: bool) -> list[ThemeFindings]:
        """The findings table's groups: the themes that have findings, in the publication's order;
        `full`: with each finding's contributing studies."""
        findings = self.index.findings_of(self.pub)
        # A theme's quotes are printed in the themes chapter; without one, under the theme's group here.
        theme_quotes = full and any(self.index.quotes_by_theme.get(t) for t in self.pub.themes) and not self._themes_chapter()
        groups = []
        for theme_id in self.pub.themes:
            in_theme = [f for f in findings if f.theme == theme_id]
            if in_theme:
                rows = [
                    FindingRow(f, self._studies(f.studies) if full else [], self._quotes("finding", f.id) if full else [])
                    for f in in_theme
                ]
                quotes = self._quotes("theme", theme_id) if theme_quotes else []
                groups.append(ThemeFindings(self.index.theme(theme_id), rows, quotes))
        return groups

    def confidence_by_theme(self) -> ConfidenceTable:
        table = counts.confidence_by_theme(self.index, self.pub)
        levels = [term.id for term in self.index.terms("confidence")]
        rows = [
            ConfidenceRow(self.index.theme(theme_id), [table[theme_id][level] for level in levels], sum(table[theme_id].values()))
            for theme_id in self.pub.themes
        ]
        totals = [tally.count for tally in counts.findings_by_confidence(self.index, self.pub)]
        return ConfidenceTable(levels, rows, totals, len(self.index.findings_of(self.pub)))

    def evidence_profiles(self) -> EvidenceProfiles:
        findings = self.index.findings_of(self.pub)
        themes = [
            ThemeProfiles(self.index.theme(theme_id), [self._profile(f) for f in findings if f.theme == theme_id])
            for theme_id in self.pub.themes
        ]
        levels = counts.component_levels(self.index, self.pub)
        concern = [term.id for term in self.index.terms("concern")]
        by_component = [(component, [counter[level] for level in concern]) for component, counter in levels.items()]
        return EvidenceProfiles(themes, concern, by_component)

    def _profile(self, finding: Finding) -> Profile:
        assert finding.components is not None  # an evidence profile is printed for assessed findings only
        components = [(component, getattr(finding.components, field)) for field, component in COMPONENT_FIELDS.items()]
        return Profile(finding, components, self._studies(finding.studies), self.index.notes_about("finding", finding.id))

    def implications(self) -> list[ImplicationGroup]:
        """The implications by type, types in vocabulary order (those with none left out)."""
        implications = self.index.implications_of(self.pub)
        return [
            ImplicationGroup(tally.key, [self._implication(i) for i in implications if i.implication_type == tally.key])
            for tally in counts.implications_by_type(self.index, self.pub)
            if tally.count
        ]

    def _implication(self, implication: Implication) -> ImplicationEntry:
        return ImplicationEntry(implication, [self._support(f) for f in implication.findings])

    def _support(self, finding_id: str) -> Support:
        """A finding cited from this report: with its publication where that is another (it is not printed here)."""
        owner = self.index.publication_id_of("finding", finding_id)
        finding = self.index.finding(finding_id)
        elsewhere = self.index.publication(owner) if owner is not None and owner != self.pub.id else None
        return Support(finding, elsewhere)

    def themes(self) -> ThemesChapter:
        """The themes chapter: the code counts table (where the themes have counts), then every theme."""
        findings = self.index.findings_of(self.pub)

        def entry(theme_id: str) -> ThemeEntry:
            theme = self.index.theme(theme_id)
            in_theme = [f for f in findings if f.theme == theme_id]
            return ThemeEntry(theme, in_theme, self._studies(theme.studies), self._quotes("theme", theme_id))

        tops = [t for t in self.pub.themes if not self.index.theme(t).parent]
        trees = [ThemeTree(entry(t), [entry(s) for s in self.index.subthemes.get(t, [])]) for t in tops]
        totals = counts.code_totals(self.index, self.pub)
        complete = counts.code_totals_complete(self.index, self.pub)
        groups = [CodeTotal(g, totals[g], complete[g]) for g in counts.informant_groups(self.index, self.pub)]
        return ThemesChapter(trees, groups, sum(totals.values()), all(complete.values()))

    def interventions(self) -> list[InterventionEntry]:
        entries = []
        for intervention_id in self.pub.interventions:
            intervention = self.index.intervention(intervention_id)
            studies = self._studies(self.index.studies_by_intervention.get(intervention_id, []))
            entries.append(InterventionEntry(intervention, studies, [self._support(f) for f in intervention.findings]))
        return entries

    def gap_maps(self) -> GapMaps:
        effects = counts.effect_map(self.index, self.pub)
        effect_rows = [
            EffectRow(
                self.index.intervention(row),
                [counts.directions_in_cell(self.index, effects.cells.get((row, o), ()), o) for o in effects.columns],
            )
            for row in effects.rows
        ]
        sectors = counts.sector_matrix(self.index, self.pub)
        every_sector = counts.all_sectors(self.index)
        sector_rows = [
            SectorRow(self.index.intervention(row), [len(sectors.cells.get((row, x), ())) for x in every_sector])
            for row in sectors.rows
        ]
        return GapMaps(
            list(effects.columns),
            effect_rows,
            [len(effects.column_studies[o]) for o in effects.columns],
            every_sector,
            sector_rows,
            [len(sectors.column_studies.get(x, ())) for x in every_sector],
        )

    def cases(self) -> list[Case]:
        return [self.index.case(c) for c in self.pub.cases]

    def characteristics(self) -> list[Characteristic]:
        return [self.index.characteristic(c) for c in self.pub.characteristics]

    def matrices(self) -> list[MatrixTable]:
        return [self._matrix(self.index.matrix(m)) for m in self.pub.matrices]

    def _matrix(self, matrix: Matrix) -> MatrixTable:
        column_totals = counts.matrix_column_totals(self.index, matrix)
        columns = [self.index.characteristic(c) for c in matrix.columns]
        rows = []
        for row_id in matrix.rows:
            assessment = self.index.assessment(row_id)
            cells = [assessment.values[c] for c in matrix.columns]
            rows.append(MatrixRow(assessment, self.index.study(assessment.study), cells))
        totals = [
            ValueTotal(term.id, [_count_of(column_totals[c], term.id) for c in matrix.columns])
            for term in self.index.terms("matrix-value")
        ]
        return MatrixTable(matrix, columns, rows, totals)

    def appraisal(self) -> list[AppraisalTable]:
        """The appraisal grids: per tool (vocabulary order), tables of at most
        `STUDIES_PER_APPRAISAL_TABLE` studies, the criteria any of the tool's studies answered as rows."""
        tables = []
        for tool, study_ids in counts.appraisal_by_tool(self.index, self.pub):
            criteria = counts.appraisal_criteria(self.index, study_ids)
            for chunk in _chunks(study_ids, STUDIES_PER_APPRAISAL_TABLE):
                studies = [self._appraised(s) for s in chunk]
                rows = [CriterionRow(key, [_answer(s.study, key) for s in studies]) for key in criteria]
                tables.append(AppraisalTable(tool, studies, rows))
        return tables

    def _appraised(self, study_id: str) -> AppraisedStudy:
        study = self.index.study(study_id)
        assert study.appraisal is not None  # counts.appraisal_by_tool lists appraised studies only
        return AppraisedStudy(study, self.index.term("appraisal-tool", study.appraisal.tool).scale, study.appraisal.overall)

    def studies(self) -> StudiesChapter:
        """The studies chapter: counts by design and country, then each study by group of designs."""
        by_design = counts.studies_by_design(self.index, self.pub)
        by_country = counts.studies_by_country(self.index, self.pub)
        groups = [group for group in counts.studies_by_design_group(self.index, self.pub) if group.count]
        # What every entry looks up, read once, and only when a study is printed (a part reads what it shows).
        findings = self.index.findings_of(self.pub) if groups else []
        matrix_rows = {r for m in self.pub.matrices for r in self.index.matrix(m).rows} if groups else set()
        return StudiesChapter(
            by_design,
            by_country,
            [DesignGroup(group.key, [self._study_entry(s, findings, matrix_rows) for s in group.ids]) for group in groups],
        )

    def _study_entry(self, study_id: str, findings: list[Finding], matrix_rows: set[str]) -> StudyEntry:
        study = self.index.study(study_id)
        scale = self.index.term("appraisal-tool", study.appraisal.tool).scale if study.appraisal else None
        rows = [a for a in self.index.assessments_by_study.get(study_id, []) if a in matrix_rows]
        return StudyEntry(
            study,
            scale,
            [f for f in findings if study_id in f.studies],  # findings_of: already by number
            [self.index.assessment(a) for a in rows],
            self.index.notes_about("study", study_id),
        )

    def changes(self) -> Version:
        """The report's version and what changed since the one before (present/changelog.py)."""
        current = changelog(self.index, self.pub).current(self.pub)
        assert current is not None  # the chapter is printed only when the history has the version (sections.CHANGES)
        return current

    def notes(self) -> list[NoteEntry]:
        return [NoteEntry(note, targets) for note, targets in self.index.notes_in_publication(self.pub)]

    def glossary(self) -> list[GlossaryEntry]:
        """The glossary terms the publication's texts name (`counts.glossary_terms`), alphabetically
        in the report's language (Norwegian: æ, ø, å last)."""
        terms = [self.index.glossary_term(t) for t in counts.glossary_terms(self.index, self.pub)]
        entries = [GlossaryEntry(t, self.index.publication(t.defined_in) if t.defined_in else None) for t in terms]
        return sorted(entries, key=lambda entry: sort_key(resolve(entry.term.term, self.lang).text, self.lang))

    def _studies(self, study_ids: list[str]) -> list[Study]:
        return [self.index.study(s) for s in study_ids]

    def _themes_chapter(self) -> bool:
        """Whether the report prints its themes in a chapter of their own (else as groups of the findings table)."""
        return sections.has(self.index, self.pub, "themes")

    def _quotes(self, kind: str, entity_id: str) -> list[PrintedQuote]:
        """The quotes of a finding or theme, each with its id where it is the quote's place (`PrintedQuote.anchor`)."""
        back_links = self.index.quotes_by_finding if kind == "finding" else self.index.quotes_by_theme
        printed = []
        for quote_id in back_links.get(entity_id, []):
            quote = self.index.quote(quote_id)
            place = ("finding", quote.findings[0]) if quote.findings else ("theme", quote.themes[0])
            printed.append(PrintedQuote(quote, urls.anchor("quote", quote_id) if place == (kind, entity_id) else None))
        return printed


def _count_of(tallies: list[Tally], key: str) -> int:
    return next(tally.count for tally in tallies if tally.key == key)


def _answer(study: Study, criterion: str) -> str | None:
    return study.appraisal.items.get(criterion) if study.appraisal else None


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
