"""What each site page shows, built in Python from the index: one context per template.

A template formats its context `c` (with `v`, the view, for text, labels, badges and numbers); it
does not query the index, the counts or the paths. Each context is a frozen dataclass whose
docstring says what the page shows; its rows and groups are computed here, its links are ready
(`links.Link`, `links.FindingRef`, or an href beside the text it links). `CONTEXTS` maps every
site template to its builder, and `render.render_page` builds the context inside the page's
recording, so the data files it read are the page's sources (front matter, live preview).

A builder reads what its page shows and nothing more: a count or a list the page leaves out for
a publication is not computed for it, so the page does not depend on data it does not show.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from markupsafe import Markup

from generator.model import counts, related
from generator.model.cerqual import COMPONENT_FIELDS, justification
from generator.model.counts import Evidence, Tally
from generator.model.i18n import sort_key
from generator.model.index import Index
from generator.model.models import (
    Assessment,
    Case,
    Change,
    Characteristic,
    Chart,
    Component,
    DataNote,
    Effect,
    Finding,
    GlossaryTerm,
    Implication,
    Intervention,
    Matrix,
    Publication,
    Quote,
    Reference,
    Study,
    Text,
    Theme,
    Topic,
)
from generator.present import citing, search, sections, urls
from generator.present.changelog import FindingDiff, Version
from generator.present.changelog import changelog as compute_changelog
from generator.present.links import FindingRef, Labels, Link, Linker, entity_page
from generator.present.pagespec import PageSpec
from generator.present.svg import Bar, Segment, stacked_bars

T = TypeVar("T")
S = TypeVar("S")


@dataclass(frozen=True)
class Scope:
    """What a builder is given: the index, the page (its parameters, where it is), its language
    and how links and their labels are made there."""

    index: Index
    page: PageSpec
    lang: str
    labels: Labels
    links: Linker
    pdfs: bool
    """Whether this build writes the PDF reports: without them no page links to one."""
    hand_written: frozenset[str] = frozenset()
    """The hand-written pages of this language (content/<lang>/*.md, as docs): the home page links
    the About page when there is one."""

    def param(self, name: str) -> str:
        return self.page.params[name]

    def publication(self) -> Publication:
        return self.index.publication(self.param("publication"))

    def section_title(self, pub: Publication, name: str) -> str:
        """A section's title as its card and its page call it (sections.py decides)."""
        return self.labels.ui(sections.SECTIONS[name].title(self.index, pub))


def shared(index: Index, key: str, compute: Callable[[], T]) -> T:
    """Something many pages show, computed once per index (the topic grid on every topic page);
    what computing it read is replayed into every page that asks (`Index.once`)."""
    return index.once(key, compute)


# --- pieces several pages show ---------------------------------------------------------------


@dataclass(frozen=True)
class NoteItem:
    """A note on the source, with the id of its place on the page."""

    note: DataNote
    anchor: str


def note_items(scope: Scope, kind: str, entity_id: str) -> list[NoteItem]:
    return [NoteItem(note, urls.anchor("note", note.id)) for note in scope.index.notes_about(kind, entity_id)]


@dataclass(frozen=True)
class QuoteItem:
    """An informant's quotation beside what it illustrates, with the notes on it."""

    quote: Quote
    anchor: str | None
    """Its id on the page: the first time the page shows it (a quote of a theme and its sub-theme is shown twice)."""
    notes: list[NoteItem]
    search_weight: float = search.QUOTE_WEIGHT
    """How much its words count in search, against the page's own (search.py)."""


def quote_items(scope: Scope, quote_ids: list[str], anchored: set[str]) -> list[QuoteItem]:
    """The quotes, in their publication's order; `anchored`: the quotes the page has given their id already."""
    items = []
    for quote_id in quote_ids:
        anchor = None if quote_id in anchored else urls.anchor("quote", quote_id)
        anchored.add(quote_id)
        items.append(QuoteItem(scope.index.quote(quote_id), anchor, note_items(scope, "quote", quote_id)))
    return items


@dataclass(frozen=True)
class Downloads:
    """A publication's PDF reports, in the page's language."""

    full: str
    summary: str


def downloads(scope: Scope, pub_id: str) -> Downloads | None:
    if not scope.pdfs:
        return None
    path = urls.pdf_path
    return Downloads(scope.links.asset(path(pub_id, "full", scope.lang)), scope.links.asset(path(pub_id, "summary", scope.lang)))


@dataclass(frozen=True)
class ImplicationItem:
    """An implication in a list: who it is for, where it comes from, what supports it."""

    implication: Implication
    anchor: str
    audiences: list[Link]
    source: Link | None
    """Its publication, where the list gathers several publications' implications."""
    findings: list[FindingRef]
    studies: list[Link]
    notes: list[NoteItem]


def implication_item(scope: Scope, implication: Implication, with_publication: bool) -> ImplicationItem:
    index, links = scope.index, scope.links
    own_pub = index.publication_id_of("implication", implication.id)
    return ImplicationItem(
        implication,
        urls.anchor("implication", implication.id),
        [Link(links.href(urls.audience(a)), scope.labels.label("audience", a)) for a in implication.audiences],
        links.entity("publication", own_pub) if with_publication and own_pub else None,
        # A finding of another publication says which one it is.
        [links.finding_ref(f, index.publication_id_of("finding", f) != own_pub) for f in implication.findings],
        links.studies(implication.studies),
        note_items(scope, "implication", implication.id),
    )


@dataclass(frozen=True)
class Filter:
    """A column a reader can filter a table by (the table filter script reads these attributes)."""

    key: str
    label: str
    options: list[tuple[str, str]]
    """(value, label) of every choice."""


def options(scope: Scope, vocabulary: str) -> list[tuple[str, str]]:
    return [(t.id, scope.labels.label(vocabulary, t.id)) for t in scope.index.terms(vocabulary)]


@dataclass(frozen=True)
class FindingRow:
    """A finding as a row of the findings table."""

    finding: Finding
    anchor: str
    href: str
    filter_value: str | None
    """Its confidence (a CERQual table) or its kind of finding: what the second filter matches."""
    notes_href: str | None
    """Where its notes are, when it has any."""
    confidence_href: str | None
    """The list of findings with its confidence, when it has one."""
    justification: str | None
    """The CERQual justification sentence, when it has a confidence; else the source's qualification is shown."""
    studies: list[Link]


@dataclass(frozen=True)
class ThemeGroup:
    """The findings of one theme: a group of rows under the theme's name."""

    theme: Theme
    anchor: str
    href: str
    """The list of the theme's findings."""
    rows: list[FindingRow]


@dataclass(frozen=True)
class FindingsTable:
    """Findings grouped by theme, in the publication's theme order (themes without any are left out)."""

    cerqual: bool
    filters: list[Filter]
    """Empty on a drill-down list: it is a filtered view already."""
    groups: list[ThemeGroup]
    titles_note: str
    """Whose words the findings' titles are (`Presenter.titles_note`)."""


def findings_table(scope: Scope, pub: Publication, findings: list[Finding], with_filters: bool) -> FindingsTable:
    index, links = scope.index, scope.links
    cerqual = sections.has_cerqual(index, pub)
    filters = []
    if with_filters:
        filters.append(
            Filter("theme", scope.labels.ui("theme"), [(t, scope.labels.plain(index.theme(t).name)) for t in pub.themes])
        )
        if cerqual:
            filters.append(Filter("confidence", scope.labels.ui("confidence"), options(scope, "confidence")))
        else:
            filters.append(Filter("type", scope.labels.ui("finding_type"), options(scope, "finding-type")))
    shown = {f.theme for f in findings}
    groups = []
    for theme_id in (t for t in pub.themes if t in shown):
        rows = [
            FindingRow(
                f,
                urls.anchor("finding", f.id),
                links.href(urls.finding(f.id)),
                f.confidence if cerqual else f.finding_type,
                links.href(urls.finding(f.id), "notes") if index.notes_about("finding", f.id) else None,
                links.href(urls.findings_list(pub.id, None, f.confidence)) if f.confidence else None,
                justification(f, index, scope.lang) if f.confidence else None,
                links.studies(f.studies),
            )
            for f in findings
            if f.theme == theme_id
        ]
        theme = index.theme(theme_id)
        groups.append(ThemeGroup(theme, urls.anchor("theme", theme_id), links.href(urls.findings_list(pub.id, theme_id)), rows))
    return FindingsTable(cerqual, filters, groups, scope.labels.titles_note(findings))


@dataclass(frozen=True)
class StudyCounts:
    """Studies per design group, per design and per country."""

    by_design_group: list[Tally]
    """Only the groups with studies."""
    by_design: list[Tally]
    by_country: list[Tally]


def study_counts(scope: Scope, pub: Publication | None) -> StudyCounts:
    index = scope.index
    groups = [t for t in counts.studies_by_design_group(index, pub) if t.count]
    return StudyCounts(groups, counts.studies_by_design(index, pub), counts.studies_by_country(index, pub))


@dataclass(frozen=True)
class StudyItem:
    """A study in a list, with the link to its page."""

    study: Study
    link: Link


@dataclass(frozen=True)
class StudyRow:
    """A study in a table of studies."""

    study: Study
    link: Link
    appraisal_scale: str | None
    """The vocabulary of its overall appraisal, when it has one."""
    findings: int
    """How many findings it contributes to."""


def study_rows(scope: Scope, study_ids: list[str] | tuple[str, ...]) -> list[StudyRow]:
    index = scope.index
    rows = []
    for study_id in study_ids:
        study = index.study(study_id)
        scale = index.term("appraisal-tool", study.appraisal.tool).scale if study.appraisal else None
        rows.append(StudyRow(study, scope.links.study(study_id), scale, len(index.findings_by_study.get(study_id, []))))
    return rows


# --- the whole knowledge base ------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationCard:
    """A publication as the home page and the list of publications show it."""

    publication: Publication
    href: str
    downloads: Downloads | None


def publication_cards(scope: Scope) -> list[PublicationCard]:
    links = scope.links
    return [PublicationCard(p, links.href(urls.publication(p.id)), downloads(scope, p.id)) for p in scope.index.publications()]


@dataclass(frozen=True)
class EvidenceCard:
    """A card of the home page's grid: a topic or a group of interventions, and what it rests on."""

    title: Link | None
    """The topic's page; None for a group of interventions (`status` names it)."""
    status: str | None
    """The group's evidence status (vocabulary `evidence-status`); None for a topic, or for the
    interventions whose source states none."""
    evidence: Evidence
    interventions: list[Link]
    """The interventions of a group (empty for a topic)."""


@dataclass(frozen=True)
class RoleLink:
    """Where a reader in one role starts: the implications for their audience, and how many there are."""

    link: Link
    implications: int


HOME_ROLES = ("teachers", "school-leaders", "municipal-services", "researchers")
"""The audiences the home page offers a way in to (every audience is on the practice page)."""


@dataclass(frozen=True)
class HomePage:
    """The home page: what we know, as a grid of cards (a topic each, and the interventions grouped
    by the evidence of their effect, each with its findings by confidence, effect studies by
    direction and sources), the search, where each role starts, and every publication, newest first."""

    about_href: str | None
    """The hand-written About page (content/<lang>/om.md), when there is one."""
    topics_href: str
    practice_href: str
    overview_href: str
    topics: list[EvidenceCard]
    interventions: list[EvidenceCard]
    roles: list[RoleLink]
    publications: list[PublicationCard]


def home(scope: Scope) -> HomePage:
    index, links = scope.index, scope.links
    grid = topic_grid(index)
    topics = [
        EvidenceCard(links.entity("topic", t), None, counts.topic_evidence(index, t, grid[t]), []) for t in index.ids("topic")
    ]
    by_status: dict[str | None, list[str]] = {}
    for pub in index.publications():
        for intervention_id in pub.interventions:
            by_status.setdefault(index.intervention(intervention_id).evidence, []).append(intervention_id)
    statuses: list[str | None] = [t.id for t in index.terms("evidence-status")] if by_status else []
    interventions = [
        EvidenceCard(None, status, counts.interventions_evidence(index, ids), links.entities("intervention", ids))
        for status in [*statuses, None]
        if (ids := by_status.get(status))
    ]
    audiences = {t.id for t in index.terms("audience")}
    table = counts.implications_by_audience(index)
    roles = [
        RoleLink(
            Link(links.href(urls.audience(a)), scope.labels.label("audience", a)), sum(len(ids) for ids in table[a].values())
        )
        for a in HOME_ROLES
        if a in audiences
    ]
    return HomePage(
        links.href(urls.ABOUT) if urls.ABOUT in scope.hand_written else None,
        links.href(urls.TOPICS_INDEX),
        links.href(urls.AUDIENCES_INDEX),
        links.href(urls.OVERVIEW),
        topics,
        interventions,
        roles,
        publication_cards(scope),
    )


@dataclass(frozen=True)
class PublicationsPage:
    """Every publication, newest first, with its type, year, version and how many findings and studies it holds."""

    publications: list[PublicationCard]


def publications_index(scope: Scope) -> PublicationsPage:
    return PublicationsPage(publication_cards(scope))


@dataclass(frozen=True)
class OverviewRow:
    """A publication and how much of each kind of content it holds."""

    publication: Link
    numbers: dict[str, int]
    """How much of each kind of content it holds (`counts.kb_publication_rows`)."""


@dataclass(frozen=True)
class PyramidRow:
    """A level of the pyramid and what is tagged with it."""

    level: str
    tagged: dict[str, list[Link]]
    """Kind -> what of that kind is tagged with the level (`counts.kb_pyramid`)."""


@dataclass(frozen=True)
class OverviewPage:
    """The whole knowledge base in numbers: content per publication (with totals; a study included
    by several publications counted once), studies by design and country, findings by confidence,
    and what is tagged with each level of the pyramid."""

    rows: list[OverviewRow]
    totals: Counter[str]
    """Per kind of content, over all publications."""
    by_design: list[Tally]
    by_country: list[Tally]
    by_confidence: list[Tally]
    pyramid: list[PyramidRow]
    knowledge_base_href: str
    """The whole knowledge base as JSON (open data)."""
    data_package_href: str


def overview(scope: Scope) -> OverviewPage:
    index, links = scope.index, scope.links
    table = counts.kb_publication_rows(index)
    rows = []
    totals: Counter[str] = Counter()
    for row in table:
        numbers = {key: n for key, n in row.items() if key != "publication"}
        rows.append(OverviewRow(links.entity("publication", row["publication"]), numbers))
        totals.update(numbers)
    totals["studies"] = len(index.ids("study"))  # a study included by several publications counts once
    by_design = counts.studies_by_design(index, None)
    by_country = counts.studies_by_country(index, None)
    by_confidence = counts.kb_confidence(index)
    tagged = counts.kb_pyramid(index)
    pyramid = [
        PyramidRow(level.id, {kind: links.entities(kind, ids) for kind, ids in tagged[level.id].items()})
        for level in index.terms("pyramid-level")
    ]
    kb_json, package = links.asset(urls.KNOWLEDGE_BASE_JSON), links.asset(urls.DATA_PACKAGE)
    return OverviewPage(rows, totals, by_design, by_country, by_confidence, pyramid, kb_json, package)


def topic_grid(index: Index) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """Topic -> publication -> (kind, id) of its content there: once per build, for the topics
    index and every topic page."""
    return shared(index, "topic_grid", lambda: counts.topic_by_publication(index))


@dataclass(frozen=True)
class GridCell:
    """A count, linked to the list behind it where there is one."""

    count: int
    href: str | None


@dataclass(frozen=True)
class TopicRow:
    """A topic and how much of each publication is tagged with it."""

    topic: Link
    cells: list[GridCell]
    """One per publication, newest first."""
    total: int


@dataclass(frozen=True)
class TopicsPage:
    """Every topic against every publication: how much of each publication's content is tagged with it."""

    publications: list[PublicationCard]
    rows: list[TopicRow]


def topics_index(scope: Scope) -> TopicsPage:
    index, links = scope.index, scope.links
    grid = topic_grid(index)
    pubs = publication_cards(scope)
    rows = []
    for topic_id in index.ids("topic"):
        cells = [
            GridCell(
                len(items), links.href(urls.topic(topic_id), urls.anchor("publication", p.publication.id)) if items else None
            )
            for p in pubs
            for items in [grid[topic_id].get(p.publication.id, [])]
        ]
        rows.append(TopicRow(links.entity("topic", topic_id), cells, sum(len(i) for i in grid[topic_id].values())))
    return TopicsPage(pubs, rows)


@dataclass(frozen=True)
class TopicIntervention:
    """An intervention tagged with the topic, with the state of its evidence."""

    link: Link
    evidence: str | None


@dataclass(frozen=True)
class TopicPart:
    """What one publication holds about the topic."""

    publication: Publication
    anchor: str
    link: Link
    findings: list[FindingRef]
    """By id."""
    themes: list[Link]
    implications: list[ImplicationItem]
    interventions: list[TopicIntervention]
    cases: list[Link]
    studies: list[Link]
    """The studies behind its findings, implications and themes."""
    counts: list[tuple[str, int]]
    """(noun, how many) of what it holds, for the line that stands for the part while it is
    folded: findings, implications, interventions, cases and themes (those it has)."""


@dataclass(frozen=True)
class EffectFound:
    """A result of an effect study that found an effect, positive or negative (`counts.SHOWS_AN_EFFECT`)."""

    study: Link
    interventions: list[Link]
    """The study's interventions the page is about."""
    effect: Effect


@dataclass(frozen=True)
class TopicPage:
    """A topic across the knowledge base: what it rests on in one sentence (findings by confidence,
    effect studies by direction, sources), the most certain evidence first (the findings with high
    or moderate confidence and the effects found), then per publication, newest first, its
    findings, themes, implications, interventions and cases tagged with the topic, and the studies
    behind them."""

    topic: Topic
    topics_href: str
    evidence: Evidence
    certain: list[FindingRef]
    """The findings at the most certain confidence levels (`counts.MOST_CERTAIN`), the most certain first."""
    effects: list[EffectFound]
    parts: list[TopicPart]


PART_COUNTS = (
    ("finding", "finding"),
    ("implication", "implication"),
    ("intervention", "intervention"),
    ("case", "case"),
    ("theme", "theme"),
)
"""(noun of `Presenter.counted`, kind) of what a topic's part counts in its summary line, in that order."""


def _of_kind(items: list[tuple[str, str]], kind: str) -> list[str]:
    return [entity_id for k, entity_id in items if k == kind]


def topic(scope: Scope) -> TopicPage:
    index, links = scope.index, scope.links
    the_topic = index.topic(scope.param("topic"))
    grid = topic_grid(index)
    parts = []
    for pub in index.publications():
        items = grid[the_topic.id].get(pub.id, [])
        if not items:
            continue

        interventions = [
            TopicIntervention(links.entity("intervention", i), index.intervention(i).evidence)
            for i in _of_kind(items, "intervention")
        ]
        parts.append(
            TopicPart(
                pub,
                urls.anchor("publication", pub.id),
                links.entity("publication", pub.id),
                [links.finding_ref(f, False) for f in sorted(_of_kind(items, "finding"))],
                links.entities("theme", _of_kind(items, "theme")),
                [implication_item(scope, index.implication(i), False) for i in _of_kind(items, "implication")],
                interventions,
                links.entities("case", _of_kind(items, "case")),
                links.studies(counts.topic_studies(index, items)),
                [(noun, n) for noun, kind in PART_COUNTS if (n := len(_of_kind(items, kind)))],
            )
        )
    evidence = counts.topic_evidence(index, the_topic.id, grid[the_topic.id])
    certain = [links.finding_ref(f) for f in counts.most_certain_findings(index, evidence.findings or ())]
    topic_interventions = {i for items in grid[the_topic.id].values() for i in _of_kind(items, "intervention")}
    effects = [
        EffectFound(
            links.study(s),
            links.entities("intervention", [i for i in index.study(s).interventions if i in topic_interventions]),
            e,
        )
        for s, e in counts.effects_found(index, evidence.effect_studies)
    ]
    return TopicPage(the_topic, links.href(urls.TOPICS_INDEX), evidence, certain, effects, parts)


@dataclass(frozen=True)
class AudienceRow:
    """An audience and its implications per type."""

    audience: Link
    per_type: list[int]
    """Implications per type, in vocabulary order."""
    total: int


@dataclass(frozen=True)
class AudiencesPage:
    """Implications for practice per audience and type, across publications."""

    types: list[str]
    """The implication types, in vocabulary order (the columns)."""
    rows: list[AudienceRow]


def audiences_index(scope: Scope) -> AudiencesPage:
    index, links = scope.index, scope.links
    table = counts.implications_by_audience(index)
    types = [t.id for t in index.terms("implication-type")]
    rows = []
    for a in index.terms("audience"):
        link = Link(links.href(urls.audience(a.id)), scope.labels.label("audience", a.id))
        per_type = [len(table[a.id][t]) for t in types]
        rows.append(AudienceRow(link, per_type, sum(len(ids) for ids in table[a.id].values())))
    return AudiencesPage(types, rows)


@dataclass(frozen=True)
class ImplicationGroup:
    """The implications of one type."""

    type: str
    implications: list[ImplicationItem]


@dataclass(frozen=True)
class AudiencePage:
    """The implications for one audience, grouped by type, from every publication."""

    audience: str
    practice_href: str
    others: list[Link]
    """The other audiences' pages."""
    groups: list[ImplicationGroup]
    """Only the types with implications."""


def audience(scope: Scope) -> AudiencePage:
    index, links = scope.index, scope.links
    audience_id = scope.param("audience_id")
    table = counts.implications_by_audience(index)
    others = [
        Link(links.href(urls.audience(a.id)), scope.labels.label("audience", a.id))
        for a in index.terms("audience")
        if a.id != audience_id
    ]
    groups = [
        ImplicationGroup(t.id, [implication_item(scope, index.implication(i), True) for i in table[audience_id][t.id]])
        for t in index.terms("implication-type")
        if table[audience_id][t.id]
    ]
    return AudiencePage(audience_id, links.href(urls.AUDIENCES_INDEX), others, groups)


@dataclass(frozen=True)
class StudiesPage:
    """Every study in the knowledge base, with counts by design and country."""

    study_counts: StudyCounts
    rows: list[StudyRow]


def studies_index(scope: Scope) -> StudiesPage:
    return StudiesPage(study_counts(scope, None), study_rows(scope, scope.index.ids("study")))


# --- the glossary ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GlossaryEntry:
    """A term of the glossary: its names, what it means and where it is used."""

    term: GlossaryTerm
    anchor: str
    """The id of its entry: where every page that names the term links (`links.entity_page`)."""
    name: str
    """In the page's language."""
    defined_in: Link | None
    """The publication whose definition it is, in its words (then `term.source_location` says where)."""
    used_in: list[Link]
    """The publications whose texts name it (`counts.glossary_terms`), newest first."""
    notes: list[NoteItem]


@dataclass(frozen=True)
class GlossaryPage:
    """Every term of the glossary (data/glossary/), alphabetically in the page's language (Norwegian:
    æ, ø, å last): its name in both languages, its abbreviation, its definition (the source's words
    or ours, as the data says) and the publications that use it."""

    entries: list[GlossaryEntry]


def glossary(scope: Scope) -> GlossaryPage:
    index, links, lang = scope.index, scope.links, scope.lang
    used_in: dict[str, list[Link]] = {}
    for pub in index.publications():
        for term_id in counts.glossary_terms(index, pub):
            used_in.setdefault(term_id, []).append(links.entity("publication", pub.id))
    entries = [
        GlossaryEntry(
            term,
            urls.anchor("term", term.id),
            scope.labels.entity_label("term", term.id),
            links.entity("publication", term.defined_in) if term.defined_in else None,
            used_in.get(term.id, []),
            note_items(scope, "term", term.id),
        )
        for term in (index.glossary_term(t) for t in index.ids("term"))
    ]
    return GlossaryPage(sorted(entries, key=lambda entry: sort_key(entry.name, lang)))


# --- a publication -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlsoAStudy:
    """A publication that another publication includes as a study (a thesis in a review)."""

    study: Link
    included_in: list[Link]
    """The other publications that include it."""
    findings: list[FindingRef]
    """Findings elsewhere it contributes to."""


@dataclass(frozen=True)
class Card:
    """A section's card on the publication page: its title and its page, when it has one."""

    title: str
    href: str | None


@dataclass(frozen=True)
class MatrixCard:
    """A matrix of the publication: its page and its title."""

    href: str
    title: Text


@dataclass(frozen=True)
class ChartItem:
    """A chart of the publication, with the id of its figure."""

    chart: Chart
    anchor: str


@dataclass(frozen=True)
class PublicationPage:
    """A publication: what it is, its key messages, a card per section it has (with what the
    section holds), its summary, its own chapters and charts, facts, history and notes."""

    publication: Publication
    downloads: Downloads | None
    also_a_study: AlsoAStudy | None
    sections: dict[str, Card]
    """The sections it has, by name, with their titles and pages (sections.py decides)."""
    by_confidence: list[Tally] | None
    """Findings per confidence level, for a CERQual review."""
    by_type: list[Tally] | None
    """Findings per kind (those there are), for the others."""
    implications_by_type: list[Tally]
    """Only the types there are."""
    interventions: list[Link]
    sector_matrix_href: str
    matrices: list[MatrixCard]
    studies_by_design_group: list[Tally]
    """Only the groups there are."""
    appraised: int
    notes_count: int
    summary_origin: Text
    """The first text of the summary: where its language comes from is said once."""
    charts: list[ChartItem]
    notes: list[NoteItem]
    data: list[Link]
    """Its tables as CSV (open data), in the order of its pages."""
    data_package_href: str


def _data_files(scope: Scope, pub: Publication, cards: dict[str, Card]) -> list[Link]:
    """The CSV files of the publication's tables: one for each table page it has (opendata.py writes them)."""
    asset, ui = scope.links.asset, scope.labels.ui
    files = [Link(asset(urls.findings_data(pub.id)), cards["findings"].title)] if "findings" in cards else []
    files += [Link(asset(urls.matrix_data(m)), scope.labels.plain(scope.index.matrix(m).title)) for m in pub.matrices]
    files.append(Link(asset(urls.studies_data(pub.id)), cards["studies"].title))
    if "gap_maps" in cards:
        files.append(Link(asset(urls.effects_data(pub.id)), ui("effect_map")))
    return files


def _sections(scope: Scope, pub: Publication) -> dict[str, Card]:
    """The sections the publication page shows (its key messages and its cards), with their titles and pages."""
    href = scope.links.href
    pages: dict[str, Callable[[str], str] | None] = {
        "key_messages": None,
        "findings": urls.findings_table,
        "evidence_profiles": urls.evidence_profiles,
        "themes": urls.themes,
        "implications": urls.implications,
        "interventions": None,
        "gap_maps": urls.effect_map,
        "cases": urls.cases,
        "characteristics": urls.characteristics,
        "matrices": None,
        "studies": urls.publication_studies,
        "references": urls.reference_list,
        "appraisal": urls.appraisal,
        "method": urls.method,
        "notes": urls.notes,
        "changelog": urls.changelog,
    }
    always = ("matrices", "studies", "notes", "changelog")  # shown without asking: one card per matrix, and the rest always
    cards = {}
    for name, page in pages.items():
        if name in always or sections.has(scope.index, pub, name):
            cards[name] = Card(scope.section_title(pub, name), href(page(pub.id)) if page else None)
    return cards


def publication(scope: Scope) -> PublicationPage:
    index, links = scope.index, scope.links
    pub = scope.publication()
    also = None
    if pub.same_as_study:
        study_id = pub.same_as_study
        citing = [p for p in index.publications_by_study.get(study_id, []) if p != pub.id]
        cited = [f for f in index.findings_by_study.get(study_id, []) if f not in pub.findings]
        also = AlsoAStudy(links.study(study_id), links.entities("publication", citing), [links.finding_ref(f) for f in cited])
    cards = _sections(scope, pub)
    cerqual = sections.has_cerqual(index, pub)
    in_findings = "findings" in cards
    by_confidence = counts.findings_by_confidence(index, pub) if in_findings and cerqual else None
    by_type = [t for t in counts.findings_by_type(index, pub) if t.count] if in_findings and not cerqual else None
    by_implication_type = [t for t in counts.implications_by_type(index, pub) if t.count] if "implications" in cards else []
    first = pub.summary[0]
    return PublicationPage(
        pub,
        downloads(scope, pub.id),
        also,
        cards,
        by_confidence,
        by_type,
        by_implication_type,
        links.entities("intervention", pub.interventions) if "interventions" in cards else [],
        links.href(urls.sector_matrix(pub.id)),
        [MatrixCard(links.href(urls.matrix(m)), index.matrix(m).title) for m in pub.matrices],
        [t for t in counts.studies_by_design_group(index, pub) if t.count],
        len(counts.appraised_studies(index, pub)) if "appraisal" in cards else 0,
        len(index.notes_in_publication(pub)),
        (first.paragraphs or first.bullets)[0],
        [ChartItem(chart, urls.anchor("chart", chart.id)) for chart in pub.charts],
        note_items(scope, "publication", pub.id),
        _data_files(scope, pub, cards),
        links.asset(urls.DATA_PACKAGE),
    )


@dataclass(frozen=True)
class PublicationPart:
    """What every page of a publication's section shows at its top: the way back to the publication."""

    publication: Publication
    publication_href: str


def _part(scope: Scope) -> PublicationPart:
    pub = scope.publication()
    return PublicationPart(pub, scope.links.href(urls.publication(pub.id)))


@dataclass(frozen=True)
class LevelLink:
    """A confidence level and the list of the publication's findings with it."""

    level: str
    href: str
    description: Text | None


@dataclass(frozen=True)
class ConfidenceRow:
    """A theme's findings per confidence level."""

    theme: Theme
    href: str
    cells: list[GridCell]
    """One per confidence level, linked to its list where there are any."""
    total: int


@dataclass(frozen=True)
class FindingsPage(PublicationPart):
    """A publication's findings table (Tabell 9 of a CERQual review), filterable by theme and by
    confidence or kind of finding; for a CERQual review also the legend of the levels and the
    findings per theme and level, as a chart and as the table it is drawn from."""

    title: str
    table: FindingsTable
    levels: list[LevelLink]
    """Empty unless the table is a CERQual one: then the legend, the chart and the counts are shown."""
    chart: Markup | None
    per_theme: list[ConfidenceRow]
    totals: list[Tally]
    """Findings per confidence level."""
    findings: int
    data_href: str
    """The findings table as CSV (open data)."""


def _confidence_chart(scope: Scope, pub: Publication, table: dict[str, Counter[str]]) -> Markup:
    """Findings per theme, stacked by confidence; every segment links to its list."""
    index, labels, href = scope.index, scope.labels, scope.links.href
    bars = [
        Bar(
            labels.plain(index.theme(theme).name),
            [Segment(t.id, table[theme][t.id], href(urls.findings_list(pub.id, theme, t.id))) for t in index.terms("confidence")],
        )
        for theme in pub.themes
    ]
    legend = [(t.id, labels.label("confidence", t.id)) for t in index.terms("confidence")]
    total = sum(sum(c.values()) for c in table.values())
    summary = ", ".join(f"{label}: {sum(table[th][key] for th in pub.themes)}" for key, label in legend)
    return stacked_bars(
        f"chart-{pub.id}",
        labels.ui("findings_by_theme"),
        f"{labels.ui('findings_count').format(n=total)}. {summary}.",
        bars,
        legend,
        lambda bar, seg: f"{bar.label}: {labels.label('confidence', seg.key)}: {seg.count}",
    )


def findings_page(scope: Scope) -> FindingsPage:
    index, href = scope.index, scope.links.href
    part = _part(scope)
    pub = part.publication
    findings = index.findings_of(pub)
    title = scope.section_title(pub, "findings")
    table = findings_table(scope, pub, findings, with_filters=True)
    if not table.cerqual:
        data = scope.links.asset(urls.findings_data(pub.id))
        return FindingsPage(pub, part.publication_href, title, table, [], None, [], [], len(findings), data)
    terms = index.terms("confidence")
    levels = [LevelLink(t.id, href(urls.findings_list(pub.id, None, t.id)), t.description) for t in terms]
    by_theme = counts.confidence_by_theme(index, pub)
    rows = []
    for theme_id in pub.themes:
        tally = by_theme[theme_id]
        cells = [GridCell(tally[t.id], href(urls.findings_list(pub.id, theme_id, t.id)) if tally[t.id] else None) for t in terms]
        theme = index.theme(theme_id)
        rows.append(ConfidenceRow(theme, href(urls.findings_list(pub.id, theme_id)), cells, sum(tally.values())))
    chart = _confidence_chart(scope, pub, by_theme)
    totals = counts.findings_by_confidence(index, pub)
    data = scope.links.asset(urls.findings_data(pub.id))
    return FindingsPage(pub, part.publication_href, title, table, levels, chart, rows, totals, len(findings), data)


@dataclass(frozen=True)
class FindingsListPage(PublicationPart):
    """A drill-down list behind a count: the publication's findings of one theme (with the themes
    under it), one confidence level or both, as a findings table without filters."""

    theme: Theme | None
    confidence: str | None
    findings_title: str
    findings_href: str
    count: int
    table: FindingsTable | None
    """None when there are none."""
    quotes: list[QuoteItem]
    """A theme's list, where the publication has no themes page: the theme's quotes (this is the theme's page)."""


def findings_list(scope: Scope) -> FindingsListPage:
    index = scope.index
    part = _part(scope)
    pub = part.publication
    theme_id, confidence = scope.param("theme") or None, scope.param("confidence") or None
    themes = counts.theme_and_subthemes(index, theme_id) if theme_id else pub.themes
    findings = [f for f in index.findings_of(pub) if f.theme in themes and (not confidence or f.confidence == confidence)]
    theme = index.theme(theme_id) if theme_id else None
    table = findings_table(scope, pub, findings, with_filters=False) if findings else None
    # A theme's quotes are shown on its themes page section; without a themes page, here (links.quote_page).
    theme_quotes = index.quotes_by_theme.get(theme_id, []) if theme_id and not confidence else []
    shown_here = theme_quotes and not sections.has(index, pub, "themes")
    quotes = quote_items(scope, theme_quotes, set()) if shown_here else []
    return FindingsListPage(
        pub,
        part.publication_href,
        theme,
        confidence,
        scope.section_title(pub, "findings"),
        scope.links.href(urls.findings_table(pub.id)),
        len(findings),
        table,
        quotes,
    )


@dataclass(frozen=True)
class ProfileRow:
    """A finding and its evidence profile."""

    finding: Finding
    anchor: str
    href: str
    components: list[Component]
    """In the order of `cerqual.COMPONENT_FIELDS`."""
    studies: list[Link]


@dataclass(frozen=True)
class ProfileGroup:
    """The evidence profiles of one theme's findings."""

    theme: Theme
    rows: list[ProfileRow]


@dataclass(frozen=True)
class ComponentLevels:
    """A CERQual component and how many findings have each level of concern about it."""

    component: str
    per_concern: list[int]
    """Findings per concern level, in vocabulary order."""


@dataclass(frozen=True)
class EvidenceProfilesPage(PublicationPart):
    """The GRADE-CERQual evidence profile of every finding, by theme (every theme of the
    publication, also one without findings), and how many findings have each level of concern
    per component (Vedlegg 4)."""

    components: list[str]
    """The CERQual components, in column order."""
    groups: list[ProfileGroup]
    concerns: list[str]
    """The concern levels, in vocabulary order."""
    levels: list[ComponentLevels]


def evidence_profiles(scope: Scope) -> EvidenceProfilesPage:
    index, href = scope.index, scope.links.href
    part = _part(scope)
    pub = part.publication
    findings = index.findings_of(pub)

    def row(f: Finding) -> ProfileRow:
        assert f.components is not None  # a publication with profiles has them for every finding (index.cerqual_whole)
        components = [getattr(f.components, name) for name in COMPONENT_FIELDS]
        return ProfileRow(f, urls.anchor("finding", f.id), href(urls.finding(f.id)), components, scope.links.studies(f.studies))

    groups = [ProfileGroup(index.theme(t), [row(f) for f in findings if f.theme == t]) for t in pub.themes]
    concerns = [t.id for t in index.terms("concern")]
    table = counts.component_levels(index, pub)
    levels = [ComponentLevels(component, [counter[c] for c in concerns]) for component, counter in table.items()]
    return EvidenceProfilesPage(pub, part.publication_href, list(COMPONENT_FIELDS.values()), groups, concerns, levels)


@dataclass(frozen=True)
class CodeRow:
    """A theme's code counts per informant group and in all (None: the source gives no number)."""

    theme: Theme
    anchor: str
    codes: list[int | None]
    total: int | None
    subthemes: list[CodeRow]


@dataclass(frozen=True)
class ThemeSection:
    """A theme with what it holds: description, notes, cited studies, findings, sub-themes, topics."""

    theme: Theme
    anchor: str
    notes: list[NoteItem]
    studies: list[Link]
    findings: list[FindingRef]
    quotes: list[QuoteItem]
    subthemes: list[ThemeSection]
    topics: list[Link]
    """Shown for top-level themes."""
    findings_list: Link
    """The list of the findings under the theme, its sub-themes' included (a drill-down page,
    planned where there are any: shown on a theme with sub-themes, the others' are in the findings table)."""
    findings_under: int
    """How many that list holds."""


@dataclass(frozen=True)
class ThemesPage(PublicationPart):
    """A publication's themes (Tabell 2 of a thesis): code counts per informant group with
    computed totals (an asterisk where a theme gives no number for a group, so the total is a
    floor), then every top-level theme with its sub-themes, cited studies and findings."""

    groups: list[str]
    """The informant groups with code counts; none: no code count table."""
    code_rows: list[CodeRow]
    totals: list[int]
    """Per informant group, over the top-level themes."""
    complete: list[bool]
    """Per informant group: whether every top-level theme gives a number."""
    total: int
    all_complete: bool
    """Whether every total is complete (else the note says the totals with an asterisk are floors)."""
    sections: list[ThemeSection]


def themes(scope: Scope) -> ThemesPage:
    index, links = scope.index, scope.links
    part = _part(scope)
    pub = part.publication
    groups = counts.informant_groups(index, pub)
    tops = [t for t in pub.themes if not index.theme(t).parent]

    def code_row(theme_id: str, subthemes: list[CodeRow]) -> CodeRow:
        codes = [counts.theme_codes(index, theme_id, g) for g in groups]
        return CodeRow(
            index.theme(theme_id), urls.anchor("theme", theme_id), codes, counts.theme_codes(index, theme_id), subthemes
        )

    code_rows: list[CodeRow] = []
    totals: list[int] = []
    complete: list[bool] = []
    if groups:
        subs = index.subthemes
        code_rows = [code_row(t, [code_row(s, []) for s in subs.get(t, [])]) for t in tops]
        by_group, known = counts.code_totals(index, pub), counts.code_totals_complete(index, pub)
        totals, complete = [by_group[g] for g in groups], [known[g] for g in groups]
    findings = index.findings_of(pub) if tops else []
    anchored: set[str] = set()

    def section(theme_id: str, top: bool) -> ThemeSection:
        theme = index.theme(theme_id)
        return ThemeSection(
            theme,
            urls.anchor("theme", theme_id),
            note_items(scope, "theme", theme_id),
            links.studies(theme.studies),
            [links.finding_ref(f.id, False) for f in findings if f.theme == theme_id],
            quote_items(scope, index.quotes_by_theme.get(theme_id, []), anchored),
            [section(s, False) for s in index.subthemes.get(theme_id, [])] if top else [],
            links.entities("topic", theme.topics) if top else [],
            Link(links.href(urls.findings_list(pub.id, theme_id)), scope.labels.ui("findings_under_theme")),
            len(counts.findings_under_theme(index, pub, theme_id)),
        )

    sections_shown = [section(t, True) for t in tops]
    return ThemesPage(pub, part.publication_href, groups, code_rows, totals, complete, sum(totals), all(complete), sections_shown)


@dataclass(frozen=True)
class ImplicationsPage(PublicationPart):
    """A publication's implications for practice, grouped by type (only the types it has)."""

    practice_href: str
    groups: list[ImplicationGroup]


def implications(scope: Scope) -> ImplicationsPage:
    index = scope.index
    part = _part(scope)
    pub = part.publication
    items = index.implications_of(pub)
    groups = [
        ImplicationGroup(tally.key, [implication_item(scope, i, False) for i in items if i.implication_type == tally.key])
        for tally in counts.implications_by_type(index, pub)
        if tally.count
    ]
    return ImplicationsPage(pub, part.publication_href, scope.links.href(urls.AUDIENCES_INDEX), groups)


@dataclass(frozen=True)
class CaseItem:
    """A practice case with its topics and the notes on it."""

    case: Case
    anchor: str
    topics: list[Link]
    notes: list[NoteItem]


@dataclass(frozen=True)
class CasesPage(PublicationPart):
    """A publication's practice cases, each with its place, levels, text, status, topics and notes."""

    cases: list[CaseItem]


def cases(scope: Scope) -> CasesPage:
    index, links = scope.index, scope.links
    part = _part(scope)
    items = []
    for case_id in part.publication.cases:
        case = index.case(case_id)
        items.append(
            CaseItem(case, urls.anchor("case", case_id), links.entities("topic", case.topics), note_items(scope, "case", case_id))
        )
    return CasesPage(part.publication, part.publication_href, items)


@dataclass(frozen=True)
class ChangedFinding:
    """A change to a finding (changelog.FindingDiff) with its links: the finding, and the studies
    the change added and removed."""

    diff: FindingDiff
    ref: FindingRef
    studies_added: list[Link]
    studies_removed: list[Link]


@dataclass(frozen=True)
class OtherChange:
    """A history entry that records no change to a finding's substance: the publication's, a
    study's, a finding's other fields."""

    entity: Link
    change: Change


@dataclass(frozen=True)
class VersionSection:
    """A version of the publication and what changed in it since the one before."""

    version: Version
    anchor: str
    added: list[ChangedFinding]
    changed: list[ChangedFinding]
    others: list[OtherChange]


@dataclass(frozen=True)
class ChangelogPage(PublicationPart):
    """Every version of the publication, newest first, with what changed since the one before,
    computed from the data's history (present/changelog.py): new findings; changed findings with
    their text, confidence and component levels before and after and the studies added and removed;
    the other entries. Then the corrections made between versions, and the feed to follow it."""

    versions: list[VersionSection]
    corrections: list[ChangedFinding | OtherChange]
    feed_href: str


def _changed(scope: Scope, diff: FindingDiff) -> ChangedFinding:
    links = scope.links
    return ChangedFinding(
        diff, links.finding_ref(diff.finding.id, False), links.studies(diff.studies_added), links.studies(diff.studies_removed)
    )


def changelog(scope: Scope) -> ChangelogPage:
    part = _part(scope)
    pub = part.publication
    computed = compute_changelog(scope.index, pub)
    sections_shown = [
        VersionSection(
            version,
            urls.anchor("version", version.version.replace(".", "-")),
            [_changed(scope, d) for d in version.added],
            [_changed(scope, d) for d in version.changed],
            [OtherChange(scope.links.entity(o.kind, o.entity_id), o.change) for o in version.others],
        )
        for version in computed.versions
    ]
    corrections = [
        _changed(scope, c) if isinstance(c, FindingDiff) else OtherChange(scope.links.entity(c.kind, c.entity_id), c.change)
        for c in computed.corrections
    ]
    return ChangelogPage(pub, part.publication_href, sections_shown, corrections, scope.links.asset(urls.FEED))


@dataclass(frozen=True)
class CharacteristicRow:
    """A characteristic with the notes on it."""

    characteristic: Characteristic
    anchor: str
    notes: list[NoteItem]


@dataclass(frozen=True)
class CharacteristicsPage(PublicationPart):
    """The characteristics interventions are scored on (Tabell 10-11), the matrices that score
    them, and the notes on each characteristic."""

    rows: list[CharacteristicRow]
    matrices: list[MatrixCard]


def characteristics(scope: Scope) -> CharacteristicsPage:
    index, href = scope.index, scope.links.href
    part = _part(scope)
    pub = part.publication
    rows = [
        CharacteristicRow(index.characteristic(c), urls.anchor("characteristic", c), note_items(scope, "characteristic", c))
        for c in pub.characteristics
    ]
    matrices = [MatrixCard(href(urls.matrix(m)), index.matrix(m).title) for m in pub.matrices]
    return CharacteristicsPage(pub, part.publication_href, rows, matrices)


@dataclass(frozen=True)
class MatrixColumn:
    """A column of a matrix: a characteristic."""

    characteristic: Characteristic
    label: str
    """Its short name, capitalised: the column header, the filter and the legend say it alike."""
    anchor: str
    href: str
    """The characteristic in the characteristics table."""


@dataclass(frozen=True)
class MatrixCell:
    """A row's value in one column, linked to the rows with the same value there."""

    column: str
    """The characteristic."""
    value: str
    href: str
    """The rows with the same value in the column."""


@dataclass(frozen=True)
class MatrixRow:
    """An assessed intervention: a row of the matrix."""

    assessment: Assessment
    anchor: str
    study: Study
    link: Link
    cells: list[MatrixCell]
    """One per column."""


@dataclass(frozen=True)
class MatrixTotal:
    """How many rows have one value, per column."""

    value: str
    cells: list[GridCell]
    """Per column, the rows with the value, linked to their list."""


@dataclass(frozen=True)
class MatrixPage(PublicationPart):
    """A matrix (Tabell 10-11): every assessed intervention scored on every characteristic,
    filterable by column, with the totals per value linked to their rows, a legend, and the notes
    on the matrix and its rows in one box."""

    matrix: Matrix
    characteristics_href: str
    columns: list[MatrixColumn]
    filters: list[Filter]
    rows: list[MatrixRow]
    values: list[str]
    """The matrix values, in vocabulary order."""
    totals: list[MatrixTotal]
    notes: list[NoteItem]
    data_href: str
    """The matrix as CSV (open data)."""


def matrix(scope: Scope) -> MatrixPage:
    index, links, href = scope.index, scope.links, scope.links.href
    part = _part(scope)
    pub = part.publication
    the_matrix = index.matrix(scope.param("matrix"))
    characteristics_href = href(urls.characteristics(pub.id))
    totals_by_column = counts.matrix_column_totals(index, the_matrix)
    columns = []
    for char_id in the_matrix.columns:
        characteristic = index.characteristic(char_id)
        label = scope.labels.plain(characteristic.short_name).capitalize()
        columns.append(
            MatrixColumn(
                characteristic,
                label,
                urls.anchor("column", char_id),
                href(urls.characteristics(pub.id), urls.anchor("characteristic", char_id)),
            )
        )
    filters = [Filter(column.characteristic.id, column.label, options(scope, "matrix-value")) for column in columns]
    rows = []
    for row_id in the_matrix.rows:
        row = index.assessment(row_id)
        cells = [
            MatrixCell(c, row.values[c], href(urls.matrix_list(the_matrix.id, c, row.values[c]))) for c in the_matrix.columns
        ]
        rows.append(MatrixRow(row, urls.anchor("row", row_id), index.study(row.study), links.study(row.study), cells))
    values = [t.id for t in index.terms("matrix-value")]
    totals = []
    for value in values:
        per_column = []
        for char_id in the_matrix.columns:
            count = next(t.count for t in totals_by_column[char_id] if t.key == value)
            per_column.append(GridCell(count, href(urls.matrix_list(the_matrix.id, char_id, value)) if count else None))
        totals.append(MatrixTotal(value, per_column))
    # One box for the notes on the matrix and on its rows: a note may be about several of them.
    notes = index.notes_about("matrix", the_matrix.id)
    for row_id in the_matrix.rows:
        notes += [note for note in index.notes_about("assessment", row_id) if note not in notes]
    note_list = [NoteItem(note, urls.anchor("note", note.id)) for note in notes]
    data = links.asset(urls.matrix_data(the_matrix.id))
    return MatrixPage(
        pub, part.publication_href, the_matrix, characteristics_href, columns, filters, rows, values, totals, note_list, data
    )


@dataclass(frozen=True)
class MatrixListRow:
    """A row with the value: its study and intervention."""

    study: Link
    intervention: Text


@dataclass(frozen=True)
class MatrixListPage:
    """A drill-down list behind a matrix total: the rows with one value in one column."""

    matrix: Matrix
    matrix_href: str
    characteristic: Characteristic
    value: str
    rows: list[MatrixListRow]


def matrix_list(scope: Scope) -> MatrixListPage:
    index = scope.index
    scope.publication()  # its header links the publication's PDFs
    the_matrix = index.matrix(scope.param("matrix"))
    characteristic = index.characteristic(scope.param("characteristic"))
    value = scope.param("value")
    with_value = index.matrix_rows_with(the_matrix.id, characteristic.id, value)
    rows = []
    for row_id in (r for r in the_matrix.rows if r in with_value):
        row = index.assessment(row_id)
        rows.append(MatrixListRow(scope.links.study(row.study), row.intervention))
    return MatrixListPage(the_matrix, scope.links.href(urls.matrix(the_matrix.id)), characteristic, value, rows)


@dataclass(frozen=True)
class MethodPage(PublicationPart):
    """A publication's method: research question, inclusion criteria, how the data were collected,
    searched, selected, appraised and synthesised, and the PRISMA counts as the source states them."""


def method(scope: Scope) -> MethodPage:
    part = _part(scope)
    return MethodPage(part.publication, part.publication_href)


@dataclass(frozen=True)
class NoteEntry:
    """A note with what it is about."""

    item: NoteItem
    targets: list[Link]
    """What in the publication it is about."""


@dataclass(frozen=True)
class NotesPage(PublicationPart):
    """Every note on the source about the publication or anything in it, with what it concerns."""

    entries: list[NoteEntry]


def notes(scope: Scope) -> NotesPage:
    part = _part(scope)
    entries = [
        NoteEntry(NoteItem(note, urls.anchor("note", note.id)), [scope.links.entity(kind, target) for kind, target in targets])
        for note, targets in scope.index.notes_in_publication(part.publication)
    ]
    return NotesPage(part.publication, part.publication_href, entries)


@dataclass(frozen=True)
class Rating:
    """An answer or an overall rating, and the vocabulary that labels it."""

    vocabulary: str
    value: str


@dataclass(frozen=True)
class CriterionRow:
    """An appraisal criterion and every study's answer."""

    criterion: str
    answers: list[str | None]
    """Per study; None where the study has no answer."""


@dataclass(frozen=True)
class ToolGrid:
    """The studies appraised with one tool: criteria by study, and each study's stored overall rating."""

    tool: str
    studies: list[Link]
    criteria: list[CriterionRow]
    overall: list[Rating]


@dataclass(frozen=True)
class AppraisalPage(PublicationPart):
    """The appraisal grids (Vedlegg 6): one per tool, in vocabulary order."""

    tools: list[ToolGrid]


def appraisal(scope: Scope) -> AppraisalPage:
    index = scope.index
    part = _part(scope)
    grids = []
    for tool, study_ids in counts.appraisal_by_tool(index, part.publication):
        criteria = counts.appraisal_criteria(index, study_ids)
        appraisals = [index.study(s).appraisal for s in study_ids]
        rows = [CriterionRow(key, [a.items.get(key) if a else None for a in appraisals]) for key in criteria]
        overall = [Rating(index.term("appraisal-tool", a.tool).scale or "", a.overall) for a in appraisals if a]
        grids.append(ToolGrid(tool, scope.links.studies(study_ids), rows, overall))
    return AppraisalPage(part.publication, part.publication_href, grids)


@dataclass(frozen=True)
class StudyGroup:
    """The studies of one design group."""

    design_group: str
    rows: list[StudyRow]


@dataclass(frozen=True)
class PublicationStudiesPage(PublicationPart):
    """A publication's included studies: downloads of their references, counts by design and
    country, and a table of studies per design group."""

    ris_href: str
    csl_json_href: str
    study_counts: StudyCounts
    groups: list[StudyGroup]
    data_href: str
    """The studies as CSV (open data)."""


def publication_studies(scope: Scope) -> PublicationStudiesPage:
    part = _part(scope)
    pub = part.publication
    study_tallies = study_counts(scope, pub)
    groups = [StudyGroup(tally.key, study_rows(scope, tally.ids)) for tally in study_tallies.by_design_group]
    asset = scope.links.asset
    ris, csl_json = asset(urls.references_path(pub.id, "ris")), asset(urls.references_path(pub.id, "json"))
    data = asset(urls.studies_data(pub.id))
    return PublicationStudiesPage(pub, part.publication_href, ris, csl_json, study_tallies, groups, data)


@dataclass(frozen=True)
class ReferenceItem:
    """An entry of the reference list, with its place on the page and where it leads."""

    entry: Reference
    anchor: str
    study: Link | None
    """The study record it is, where it is one."""
    doi_href: str | None


@dataclass(frozen=True)
class ReferenceListPage(PublicationPart):
    """A publication's reference list, entry by entry as the source prints it, in its order: the
    entries the source marks as included, and those that are study records here linked to them,
    with a download for reference managers."""

    entries: list[ReferenceItem]
    included: int
    """How many entries the source marks as included in its review."""
    ris_href: str
    csl_json_href: str


def reference_list(scope: Scope) -> ReferenceListPage:
    index, links = scope.index, scope.links
    part = _part(scope)
    pub = part.publication
    entries = []
    for reference_id in pub.references:
        entry = index.reference_entry(reference_id)
        study = links.study(entry.study) if entry.study else None
        doi = f"https://doi.org/{entry.doi}" if entry.doi else None
        entries.append(ReferenceItem(entry, urls.anchor("reference", reference_id), study, doi))
    asset = links.asset
    ris, csl_json = asset(urls.reference_list_path(pub.id, "ris")), asset(urls.reference_list_path(pub.id, "json"))
    return ReferenceListPage(pub, part.publication_href, entries, sum(1 for e in entries if e.entry.included), ris, csl_json)


# --- gap maps ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectorColumn:
    """A sector: a column of the sector matrix."""

    sector: str
    href: str | None
    """Its list of studies, when any study involves it."""


@dataclass(frozen=True)
class SectorCell:
    """The studies of an intervention that involve a sector."""

    count: int
    citations: str
    """The studies behind it, for the cell's tooltip."""


@dataclass(frozen=True)
class SectorRow:
    """An intervention: a row of the sector matrix."""

    intervention: Link
    cells: list[SectorCell]
    """One per sector."""
    studies: int


@dataclass(frozen=True)
class SectorGroup:
    """Rows whose studies are of one publication type (peer-reviewed apart from reports)."""

    publication_type: str
    rows: list[SectorRow]
    subtotals: list[int]
    """Per sector, the distinct studies behind the group's rows (when there are several groups)."""


@dataclass(frozen=True)
class SectorMatrixPage(PublicationPart):
    """Interventions by sector (every sector, used or not: a sector no study involves is a gap),
    grouped by publication type, with the studies behind each cell and column."""

    effect_map_href: str
    sectors: list[SectorColumn]
    groups: list[SectorGroup]
    totals: list[GridCell]
    """Per sector, the distinct studies involving it."""
    studies: int
    """The studies behind the map."""


def sector_matrix(scope: Scope) -> SectorMatrixPage:
    index, links, href = scope.index, scope.links, scope.links.href
    part = _part(scope)
    pub = part.publication
    gap_map = counts.sector_matrix(index, pub)
    sectors = counts.all_sectors(index)
    effect_studies = counts.effect_studies(index, pub)
    columns = [SectorColumn(s, href(urls.sector_list(pub.id, s)) if s in gap_map.columns else None) for s in sectors]
    grouped = counts.gap_row_groups(index, pub, gap_map)
    groups = []
    for kind, row_ids in grouped:
        rows = []
        for row_id in row_ids:
            cells = []
            for sector in sectors:
                ids = gap_map.cells.get((row_id, sector), ())
                cells.append(SectorCell(len(ids), "; ".join(index.study(s).citation for s in ids)))
            studies = len([s for s in index.studies_by_intervention.get(row_id, []) if s in effect_studies])
            rows.append(SectorRow(links.entity("intervention", row_id), cells, studies))
        subtotals: list[int] = []
        if len(grouped) > 1:
            by_column = counts.group_column_studies(index, pub, gap_map, row_ids)
            subtotals = [by_column.get(sector, 0) for sector in sectors]
        groups.append(SectorGroup(kind, rows, subtotals))
    totals = []
    for sector in sectors:
        ids = gap_map.column_studies.get(sector, ())
        totals.append(GridCell(len(ids), href(urls.sector_list(pub.id, sector)) if ids else None))
    effect_map_href = href(urls.effect_map(pub.id))
    return SectorMatrixPage(pub, part.publication_href, effect_map_href, columns, groups, totals, len(effect_studies))


@dataclass(frozen=True)
class SectorStudy:
    """A study involving the sector, with its interventions."""

    study: Study
    link: Link
    interventions: list[Link]


@dataclass(frozen=True)
class SectorListPage(PublicationPart):
    """A drill-down list behind a sector's column total: the studies involving the sector."""

    sector: str
    sector_matrix_href: str
    studies: list[SectorStudy]


def sector_list(scope: Scope) -> SectorListPage:
    index, links = scope.index, scope.links
    part = _part(scope)
    sector = scope.param("sector")
    ids = counts.sector_matrix(index, part.publication).column_studies.get(sector, ())
    studies = []
    for study_id in ids:
        study = index.study(study_id)
        studies.append(SectorStudy(study, links.study(study_id), links.entities("intervention", study.interventions)))
    sector_matrix_href = links.href(urls.sector_matrix(part.publication.id))
    return SectorListPage(part.publication, part.publication_href, sector, sector_matrix_href, studies)


@dataclass(frozen=True)
class EffectCell:
    """The effects on one outcome reported for an intervention."""

    outcome: str
    href: str | None
    """The cell's list of studies, when it has any."""
    studies: int
    directions: list[Tally]
    """How many effects point each way (only the directions there are)."""


@dataclass(frozen=True)
class EffectRow:
    """An intervention: a row of the effect map."""

    intervention: Link
    cells: list[EffectCell]
    """One per outcome."""


@dataclass(frozen=True)
class EffectGroup:
    """Rows whose studies are of one publication type (peer-reviewed apart from reports)."""

    publication_type: str
    rows: list[EffectRow]


@dataclass(frozen=True)
class DirectionTerm:
    """A direction of effect and what it means (the legend)."""

    direction: str
    description: Text | None


@dataclass(frozen=True)
class EffectMapPage(PublicationPart):
    """Interventions by outcome (only outcomes some study reports), grouped by publication type:
    each cell shows the directions of the effects found, and links to its studies."""

    sector_matrix_href: str
    outcomes: list[str]
    groups: list[EffectGroup]
    column_studies: list[int]
    """Per outcome, the distinct studies reporting it."""
    directions: list[DirectionTerm]
    """The legend."""
    data_href: str
    """Every effect behind the map as CSV (open data)."""


def effect_map(scope: Scope) -> EffectMapPage:
    index, links, href = scope.index, scope.links, scope.links.href
    part = _part(scope)
    pub = part.publication
    gap_map = counts.effect_map(index, pub)
    groups = []
    for kind, row_ids in counts.gap_row_groups(index, pub, gap_map):
        rows = []
        for row_id in row_ids:
            cells = []
            for outcome in gap_map.columns:
                ids = gap_map.cells.get((row_id, outcome), ())
                cell_href = href(urls.effect_list(pub.id, row_id, outcome)) if ids else None
                found = counts.directions_in_cell(index, ids, outcome) if ids else []
                cells.append(EffectCell(outcome, cell_href, len(ids), found))
            rows.append(EffectRow(links.entity("intervention", row_id), cells))
        groups.append(EffectGroup(kind, rows))
    column_studies = [len(gap_map.column_studies[outcome]) for outcome in gap_map.columns]
    directions = [DirectionTerm(t.id, t.description) for t in index.terms("effect-direction")]
    sector_matrix_href = href(urls.sector_matrix(pub.id))
    data = links.asset(urls.effects_data(pub.id))
    return EffectMapPage(
        pub, part.publication_href, sector_matrix_href, list(gap_map.columns), groups, column_studies, directions, data
    )


@dataclass(frozen=True)
class EffectItem:
    """An effect reported by a study."""

    study: Study
    link: Link
    effect: Effect


@dataclass(frozen=True)
class EffectListPage(PublicationPart):
    """A drill-down list behind a cell of the effect map: every effect on one outcome reported by
    the studies of one intervention."""

    intervention: Intervention
    intervention_link: Link
    outcome: str
    effect_map_href: str
    effects: list[EffectItem]


def effect_list(scope: Scope) -> EffectListPage:
    index, links = scope.index, scope.links
    part = _part(scope)
    pub = part.publication
    intervention = index.intervention(scope.param("intervention"))
    outcome = scope.param("outcome")
    cell = counts.effect_map(index, pub).cells[(intervention.id, outcome)]
    effects = [EffectItem(index.study(s), links.study(s), e) for s, e in counts.effects_in_cell(index, cell, outcome)]
    intervention_link = links.entity("intervention", intervention.id)
    effect_map_href = links.href(urls.effect_map(pub.id))
    return EffectListPage(pub, part.publication_href, intervention, intervention_link, outcome, effect_map_href, effects)


# --- entities ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InterventionPage(PublicationPart):
    """An intervention: what it rests on in one sentence (effect studies by direction, sources),
    the studies of it with the effects they report (those that found an effect first), the findings
    the source sets beside it, what it is, its components, arenas, programme theory and principles,
    its evidence, and the notes on it."""

    intervention: Intervention
    topics: list[Link]
    evidence: Evidence
    studies: list[StudyItem]
    """Those that found an effect first (`counts.certain_first`)."""
    findings: list[FindingRef]
    notes: list[NoteItem]


def intervention(scope: Scope) -> InterventionPage:
    index, links = scope.index, scope.links
    part = _part(scope)
    the_intervention = index.intervention(scope.param("intervention"))
    study_ids = counts.certain_first(index, index.studies_by_intervention.get(the_intervention.id, []))
    studies = [StudyItem(index.study(s), links.study(s)) for s in study_ids]
    topics = links.entities("topic", the_intervention.topics)
    findings = [
        links.finding_ref(f, index.publication_id_of("finding", f) != part.publication.id) for f in the_intervention.findings
    ]
    notes_on_it = note_items(scope, "intervention", the_intervention.id)
    evidence = counts.interventions_evidence(index, [the_intervention.id])
    return InterventionPage(
        part.publication, part.publication_href, the_intervention, topics, evidence, studies, findings, notes_on_it
    )


RELATED_SHOWN = 5
"""How many items of each kind of related evidence a finding page lists before 'show N more'."""

RELATED_LISTED = 20
"""How many items of each kind a finding page lists at most, shown and behind 'show N more' together.
A finding shares a topic with every other finding of the topic, so the whole list grows with the
knowledge base (a hundred and more on the real data, a page of 100 KB; thousands at 10,000 studies):
the most certain are listed, the page says how many more there are, and each of them is on the
pages of this finding's topics, theme and studies, which the page links."""


@dataclass(frozen=True)
class Capped(Generic[T]):
    """A list cut for reading: the first items shown, the next behind 'show N more' (a `<details>`),
    and how many more are not listed on the page at all (`RELATED_LISTED`)."""

    shown: list[T]
    more: list[T]
    unlisted: int = 0

    @property
    def total(self) -> int:
        return len(self.shown) + len(self.more) + self.unlisted


def capped(ranked: related.Ranked[S], item: Callable[[S], T]) -> Capped[T]:
    """The first `RELATED_LISTED` of a ranked list, each made into what the page shows (only those:
    the rest are counted, not built)."""
    listed = [item(entry) for entry in ranked.items[:RELATED_LISTED]]
    return Capped(listed[:RELATED_SHOWN], listed[RELATED_SHOWN:], max(0, ranked.total - len(listed)))


@dataclass(frozen=True)
class RelatedFindingItem:
    """A related finding, cited with its badge and publication, and what it shares with this one."""

    ref: FindingRef
    ties: list[Link]
    """Its shared theme, interventions, studies and topics, each linked ('Topic: Relationships and trust')."""


@dataclass(frozen=True)
class RelatedInterventionItem:
    link: Link
    publication: Link | None
    evidence: str | None
    """The state of its evidence, where the source gives one."""
    direct: bool
    """Evaluated by this finding's studies or naming this finding (else: through a topic, `ties`)."""
    ties: list[Link]
    """The topics it shares with this finding."""


@dataclass(frozen=True)
class EffectStudyItem:
    """A study behind a related intervention: its design, the effects it reports (with whose
    reading each is), the related interventions it evaluates and its rows in a matrix."""

    study: Study
    link: Link
    interventions: list[Link]
    rows: list[Link]


@dataclass(frozen=True)
class RelatedImplicationItem:
    implication: Implication
    link: Link
    publication: Link | None
    rests_on: list[Link]
    """The related findings it rests on."""


@dataclass(frozen=True)
class RelatedEvidence:
    """The evidence around a finding (related.py decides what and in which order), each kind capped."""

    findings: Capped[RelatedFindingItem]
    interventions: Capped[RelatedInterventionItem]
    studies: Capped[EffectStudyItem]
    implications: Capped[RelatedImplicationItem]

    @property
    def empty(self) -> bool:
        return not (self.findings.total or self.interventions.total or self.studies.total or self.implications.total)


def related_evidence(scope: Scope, finding_id: str) -> RelatedEvidence:
    index, links = scope.index, scope.links
    evidence = related.around(index, finding_id, RELATED_LISTED)
    # What a tie says it is (literal keys, so tests/test_i18n.py sees them used).
    words = {
        "theme": scope.labels.ui("theme"),
        "intervention": scope.labels.ui("intervention"),
        "study": scope.labels.ui("study"),
        "topic": scope.labels.ui("topic"),
    }

    def tie(kind: str, entity_id: str) -> Link:
        link = links.entity(kind, entity_id)
        return Link(link.href, f"{words[kind]}: {link.label}")

    def related_finding(item: related.RelatedFinding) -> RelatedFindingItem:
        return RelatedFindingItem(links.finding_ref(item.finding.id), [tie(t.kind, t.id) for t in item.ties])

    def related_intervention(item: related.RelatedIntervention) -> RelatedInterventionItem:
        return RelatedInterventionItem(
            links.entity("intervention", item.intervention.id),
            links.entity("publication", item.publication) if item.publication else None,
            item.intervention.evidence,
            item.direct,
            [] if item.direct else [tie("topic", t) for t in item.topics],
        )

    def effect_study(item: related.EffectStudy) -> EffectStudyItem:
        return EffectStudyItem(
            item.study,
            links.study(item.study.id),
            links.entities("intervention", item.interventions),
            links.entities("assessment", index.assessments_by_study.get(item.study.id, [])),
        )

    def related_implication(item: related.RelatedImplication) -> RelatedImplicationItem:
        return RelatedImplicationItem(
            item.implication,
            links.entity("implication", item.implication.id),
            links.entity("publication", item.publication) if item.publication else None,
            links.entities("finding", item.findings),
        )

    return RelatedEvidence(
        capped(evidence.findings, related_finding),
        capped(evidence.interventions, related_intervention),
        capped(evidence.studies, effect_study),
        capped(evidence.implications, related_implication),
    )


@dataclass(frozen=True)
class SupportedImplication:
    """An implication the finding supports."""

    implication: Implication
    link: Link


@dataclass(frozen=True)
class FindingPage(PublicationPart):
    """A finding: its statement, its confidence and why (or its kind and the source's
    qualification), the informants' quotations that illustrate it, its evidence profile, the
    studies behind it, the implications it supports, the evidence around it in the whole knowledge
    base (related findings, interventions and their effect studies, implications: related.py), its
    topics, the notes on it and its history."""

    finding: Finding
    theme: Link
    justification: str | None
    """The CERQual justification sentence, when it has a confidence."""
    components: list[tuple[str, Component]]
    """(CERQual component, its assessment); empty without an evidence profile."""
    studies: list[StudyItem]
    implications: list[SupportedImplication]
    quotes: list[QuoteItem]
    """The informants' quotations that illustrate it."""
    related: RelatedEvidence
    topics: list[Link]
    notes: list[NoteItem]
    changelog_href: str


def finding(scope: Scope) -> FindingPage:
    index, links = scope.index, scope.links
    part = _part(scope)
    the_finding = index.finding(scope.param("finding"))
    components = the_finding.components
    profile = [(component, getattr(components, name)) for name, component in COMPONENT_FIELDS.items()] if components else []
    return FindingPage(
        part.publication,
        part.publication_href,
        the_finding,
        links.entity("theme", the_finding.theme),
        justification(the_finding, index, scope.lang) if the_finding.confidence else None,
        profile,
        [StudyItem(index.study(s), links.study(s)) for s in the_finding.studies],
        [
            SupportedImplication(index.implication(i), links.entity("implication", i))
            for i in index.implications_by_finding.get(the_finding.id, [])
        ],
        quote_items(scope, index.quotes_by_finding.get(the_finding.id, []), set()),
        related_evidence(scope, the_finding.id),
        links.entities("topic", the_finding.topics),
        note_items(scope, "finding", the_finding.id),
        links.href(urls.changelog(part.publication.id)),
    )


@dataclass(frozen=True)
class MatrixUse:
    """A row of a matrix that assesses the study's intervention."""

    href: str
    matrix: Matrix
    assessment: Assessment
    cells: list[tuple[str, str]]
    """(column label, value) per column."""


@dataclass(frozen=True)
class IncludedIn:
    """A publication that includes the study."""

    publication: Publication
    href: str


@dataclass(frozen=True)
class StudyPage:
    """A study: what it is, its reference, facts, the publications that include it, the findings
    it contributes to, the matrix rows that assess it, its results and effects, its appraisal,
    the notes on it and its history."""

    study: Study
    published_here: Link | None
    """The publication that is this study (a thesis a review includes)."""
    reference: Markup
    """Its reference, formatted by citeproc-py (APA) and sanitised."""
    only_author_and_year: bool
    """The sources give no more of it than its authors and year: the page says so."""
    list_entries: list[Link]
    """Its entries in the sources' reference lists."""
    interventions: list[Link]
    follow_up_of: Link | None
    included_in: list[IncludedIn]
    findings: list[FindingRef]
    matrix_rows: list[MatrixUse]
    appraisal_scale: str | None
    """The vocabulary of its overall appraisal, when it has one."""
    notes: list[NoteItem]


def study(scope: Scope) -> StudyPage:
    # citeproc is imported only when a study page is rendered
    from generator.present.references import ReferenceCache, only_author_and_year

    index, links = scope.index, scope.links
    the_study = index.study(scope.param("study"))
    own_pub = index.publication_as_study.get(the_study.id)
    cache = index.references or ReferenceCache(None)
    included_in = [
        IncludedIn(index.publication(p), links.href(urls.publication(p)))
        for p in index.publications_by_study.get(the_study.id, [])
    ]
    findings = [links.finding_ref(f) for f in index.findings_by_study.get(the_study.id, [])]
    rows = []
    for row_id in index.assessments_by_study.get(the_study.id, []):
        row = index.assessment(row_id)
        matrix_id = index.matrix_of_assessment[row_id]
        the_matrix = index.matrix(matrix_id)
        cells = [(scope.labels.plain(index.characteristic(c).short_name).capitalize(), row.values[c]) for c in the_matrix.columns]
        rows.append(MatrixUse(links.href(urls.matrix(matrix_id), urls.anchor("row", row_id)), the_matrix, row, cells))
    appraisal_scale = index.term("appraisal-tool", the_study.appraisal.tool).scale if the_study.appraisal else None
    return StudyPage(
        the_study,
        links.entity("publication", own_pub) if own_pub else None,
        cache.get(the_study, index, scope.lang),
        only_author_and_year(the_study, index),
        [
            Link(links.href(*entity_page(index, "reference", r)), links.labels.plain(index.publication(p).short_title))
            for r in index.entries_by_study.get(the_study.id, [])
            for p in [index.publication_of[("reference", r)]]
        ],
        links.entities("intervention", the_study.interventions),
        links.study(the_study.follow_up_of) if the_study.follow_up_of else None,
        included_in,
        findings,
        rows,
        appraisal_scale,
        note_items(scope, "study", the_study.id),
    )


# --- how to cite a page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PageCitation:
    """The "Cite this" block of a publication, finding or topic page (citing.py decides what is cited):
    the citation in APA, the version and date it cites, and its BibTeX and RIS files."""

    apa: Markup
    version: str
    date: dt.date
    bibtex_href: str
    ris_href: str


def page_citation(scope: Scope) -> PageCitation | None:
    """The page's citation, or None for a page that is not cited on its own (`citing.CITED_TEMPLATES`)."""
    cited = citing.cited_entity(scope.page)
    if cited is None:
        return None
    cite = citing.citation(scope.index, *cited, scope.lang)
    asset = scope.links.asset
    return PageCitation(
        citing.apa(cite, scope.index.references),
        cite.version,
        cite.date,
        asset(urls.citation_path(*cited, "bib")),
        asset(urls.citation_path(*cited, "ris")),
    )


CONTEXTS: dict[str, Callable[[Scope], object]] = {
    "home.md.j2": home,
    "publications_index.md.j2": publications_index,
    "overview.md.j2": overview,
    "topics_index.md.j2": topics_index,
    "topic.md.j2": topic,
    "audiences_index.md.j2": audiences_index,
    "audience.md.j2": audience,
    "studies_index.md.j2": studies_index,
    "glossary.md.j2": glossary,
    "publication.md.j2": publication,
    "findings_table.md.j2": findings_page,
    "findings_list.md.j2": findings_list,
    "evidence_profiles.md.j2": evidence_profiles,
    "themes.md.j2": themes,
    "implications.md.j2": implications,
    "cases.md.j2": cases,
    "changelog.md.j2": changelog,
    "characteristics.md.j2": characteristics,
    "matrix.md.j2": matrix,
    "matrix_list.md.j2": matrix_list,
    "method.md.j2": method,
    "notes.md.j2": notes,
    "appraisal.md.j2": appraisal,
    "publication_studies.md.j2": publication_studies,
    "references.md.j2": reference_list,
    "sector_matrix.md.j2": sector_matrix,
    "sector_list.md.j2": sector_list,
    "effect_map.md.j2": effect_map,
    "effect_list.md.j2": effect_list,
    "intervention.md.j2": intervention,
    "finding.md.j2": finding,
    "study.md.j2": study,
}
"""Every site template and the builder of its context: the one place that says what a page is given."""


def build_context(scope: Scope) -> object:
    """The context of the page's template (a KeyError names a template that has none)."""
    return CONTEXTS[scope.page.template](scope)
