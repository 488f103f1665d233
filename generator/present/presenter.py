"""One presenter for one language: everything that turns data into words, for the site and the print alike.

`render.View` (the site's Markdown templates, `v.`) and `pdf.PrintView` (the print HTML templates, `p.`)
are thin views on this class: a text in the reader's language, a label, a number, a date, a fallback
notice, what a badge says, where an entity is and what it is called are decided here once, so the site
and the printed report cannot say them differently. The views inherit rather than delegate: a
template asks one object (`v.label(...)`, `p.label(...)`), and a delegating view would have to forward
every method by hand or through an untyped `__getattr__` that hides a typo from mypy.

What differs between the two media is given to the presenter as data when a view is made, not
written twice: `Medium` (the CSS classes of a badge, the markup of a fallback and of a link,
typographic quotes in print) and `Place` (where the medium shows an entity: a relative URL on the
site, an anchor in print). No method is defined on both views (`tests/test_presenter.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from generator.model import counts
from generator.model.cerqual import justification
from generator.model.i18n import Localized, long_date, month_year, number, resolve, ui
from generator.model.index import Index
from generator.model.models import Chart, Finding, Prisma, Publication, Study, Term, Text
from generator.present import sections
from generator.present.svg import grouped_bars

BADGE_VOCABULARIES = ("confidence", "finding-type", "effect-direction", "evidence-status", "matrix-value")
"""The vocabularies whose terms are shown as badges (a matrix value as a cell): symbol and words."""


@dataclass(frozen=True)
class Badge:
    """What a badge says, whatever marks it up: a term of a badge vocabulary, its symbol and its words."""

    vocabulary: str
    term: str
    symbol: str | None
    words: str


Typeset = Callable[[str, str], str]
"""A data text and its language -> the text as a medium prints it."""

Place = Callable[[str, str], str | None]
"""(kind, id) -> where a medium shows that entity (an href), or None where it is the whole document."""


def as_written(value: str, lang: str) -> str:
    """A text exactly as the data holds it (the site: the browser shows straight quotes as written)."""
    return value


@dataclass(frozen=True)
class Medium:
    """How one medium marks up the presenter's words: what differs between the site and the print."""

    badge_classes: Mapping[str, str]
    """Per badge vocabulary, the CSS classes of its badges; the last gets `-<term id>` appended."""
    symbol_class: str | None
    """The class of a badge's symbol, or None for a bare span."""
    fallback: Markup
    """A text shown in the other language, with `{lang}`, `{text}` and `{notice}` (the notice says so)."""
    link: Markup
    """A link to where an entity is shown, with `{href}` and `{label}`."""
    typeset: Typeset = as_written


def symbol_and_words(classes: str, symbol: str | None, words: str, symbol_class: str | None = None) -> Markup:
    """A badge or matrix cell: the words always, the symbol beside them (hidden from screen readers),
    so colour never carries meaning alone."""
    if not symbol:
        return Markup('<span class="{classes}">{words}</span>').format(classes=classes, words=words)
    symbol_attrs = Markup(' class="{}"').format(symbol_class) if symbol_class else Markup("")
    return Markup('<span class="{classes}"><span aria-hidden="true"{attrs}>{symbol}</span> {words}</span>').format(
        classes=classes, attrs=symbol_attrs, symbol=symbol or "", words=words
    )


class Presenter:
    """Data in words for one language, marked up for one medium."""

    def __init__(self, index: Index, lang: str, medium: Medium, place: Place) -> None:
        self.index = index
        self.lang = lang
        self.medium = medium
        self._place = place

    # text -------------------------------------------------------------------------------
    def loc(self, text: Text) -> Localized:
        return resolve(text, self.lang)

    def plain(self, text: Text | None) -> str:
        if text is None:
            return ""
        shown = resolve(text, self.lang)
        return self.medium.typeset(shown.text, shown.lang)

    def text(self, text: Text | None) -> Markup:
        """Inline text; a fallback to the other language is tagged with its language and said, never silent."""
        if text is None:
            return Markup("")
        shown = resolve(text, self.lang)
        value = self.medium.typeset(shown.text, shown.lang)
        if not shown.fallback:
            return escape(value)
        return self.medium.fallback.format(lang=shown.lang, text=value, notice=ui("fallback_notice", self.lang))

    def ui(self, key: str) -> str:
        return ui(key, self.lang)

    def label(self, vocabulary: str, term_id: str, which: str = "label") -> str:
        """A term's label (or its `short` or `phrase` form where it has one)."""
        term = self.index.term(vocabulary, term_id)
        chosen: Text | None = getattr(term, which, None) or term.label
        assert chosen is not None
        return resolve(chosen, self.lang).text

    def term(self, vocabulary: str, term_id: str) -> Term:
        return self.index.term(vocabulary, term_id)

    def terms(self, vocabulary: str) -> list[Term]:
        return self.index.terms(vocabulary)

    def num(self, value: float) -> str:
        return number(value, self.lang)

    def month_year(self, date: dt.date) -> str:
        return month_year(date, self.lang)

    def date(self, date: dt.date) -> str:
        return long_date(date, self.lang)

    def reading_label(self, reading: str) -> str:
        return reading_label(reading, self.lang)

    def prisma_rows(self, prisma: Prisma) -> list[tuple[str, int]]:
        return prisma_rows(prisma, self.lang)

    def criterion_label(self, key: str) -> str:
        """An appraisal criterion's label, or the source's own wording where it is no term."""
        terms = self.index.vocabularies.get("appraisal-criterion", {})
        return self.label("appraisal-criterion", key) if key in terms else key

    def countries(self, study: Study) -> str:
        return ", ".join(self.label("country", c) for c in study.all_countries)

    def codes(self, theme_id: str, group: str | None = None) -> str:
        """A theme's code count, or a dash where the source gives none (never a made-up 0)."""
        n = counts.theme_codes(self.index, theme_id, group)
        return "–" if n is None else self.num(n)

    def justification(self, finding: Finding) -> str:
        return justification(finding, self.index, self.lang)

    def qualification(self, finding: Finding) -> Markup:
        """The 'explanation' cell: the CERQual justification, or how the source qualifies the finding."""
        if finding.confidence:
            return escape(self.justification(finding))
        return self.text(finding.strength)

    def chart(self, pub: Publication, chart: Chart) -> Markup:
        """A chart from numbers the source gives; its data table is printed beside it by the template."""
        return chart_svg(pub.id, chart, self.lang)

    # sections -----------------------------------------------------------------------------
    def has_cerqual(self, pub: Publication) -> bool:
        return sections.has_cerqual(self.index, pub)

    def has_section(self, pub: Publication, name: str) -> bool:
        """Whether the publication has a section (sections.py decides, for the site and the print alike)."""
        return sections.has(self.index, pub, name)

    def section_title(self, pub: Publication, name: str) -> str:
        return self.ui(sections.SECTIONS[name].title(self.index, pub))

    # badges -------------------------------------------------------------------------------
    def badge_of(self, vocabulary: str, term_id: str, which: str = "label") -> Badge:
        """What a badge of a term says: its symbol and its words (`which`: the label or its short form)."""
        term = self.index.term(vocabulary, term_id)
        return Badge(vocabulary, term.id, term.symbol, self.label(vocabulary, term.id, which))

    def badge_markup(self, badge: Badge) -> Markup:
        """A badge marked up with this medium's classes."""
        classes = f"{self.medium.badge_classes[badge.vocabulary]}-{badge.term}"
        return symbol_and_words(classes, badge.symbol, badge.words, self.medium.symbol_class)

    def confidence_badge(self, confidence: str) -> Markup:
        return self.badge_markup(self.badge_of("confidence", confidence))

    def direction_badge(self, direction: str) -> Markup:
        return self.badge_markup(self.badge_of("effect-direction", direction, "short"))

    def evidence_badge(self, status: str) -> Markup:
        return self.badge_markup(self.badge_of("evidence-status", status))

    def matrix_cell(self, value: str) -> Markup:
        return self.badge_markup(self.badge_of("matrix-value", value))

    def finding_badge(self, finding: Finding) -> Markup:
        """Confidence where the source assessed it (how far a reader can trust the finding is what
        matters then); otherwise the kind of finding and its direction."""
        if finding.confidence:
            return self.confidence_badge(finding.confidence)
        badge = self.badge_markup(self.badge_of("finding-type", finding.finding_type, "short"))
        if finding.direction:
            badge += Markup(" ") + self.direction_badge(finding.direction)
        return badge

    # entities -----------------------------------------------------------------------------
    def entity_label(self, kind: str, entity_id: str) -> str:
        """What an entity is called wherever it is linked, so a reader knows what it is."""
        index = self.index
        match kind:
            case "finding":
                return f"{self.ui('finding')} {index.finding(entity_id).number}"
            case "study":
                return index.study(entity_id).citation
            case "assessment":
                return f"{self.ui('matrix')}: {index.study(index.assessment(entity_id).study).citation}"
            case "implication":
                implication = index.implication(entity_id)
                return f"{self.label('implication-type', implication.implication_type)} {implication.number}"
            case "publication":
                return self.plain(index.publication(entity_id).short_title)
            case "matrix":
                return self.plain(index.matrix(entity_id).title)
            case "topic":
                return self.plain(index.topic(entity_id).name)
            case "intervention":
                return self.plain(index.intervention(entity_id).name)
            case "characteristic":
                return self.plain(index.characteristic(entity_id).name)
            case "case":
                return self.plain(index.case(entity_id).title)
            case "theme":
                return self.plain(index.theme(entity_id).name)
            case "reference":
                entry = index.reference_entry(entity_id)
                year = f"{entry.year}{entry.year_suffix or ''}" if entry.year else "–"
                return f"{entry.authors[0].partition(',')[0]} ({year})"
        raise ValueError(f"no label for entities of kind {kind!r}")

    def entity_link(self, kind: str, entity_id: str) -> Markup:
        """A link to wherever this medium shows an entity, labelled with `entity_label`; where the
        entity is the whole document (a report's own publication), the words 'the whole report'."""
        href = self._place(kind, entity_id)
        if href is None:
            return escape(self.ui("whole_report"))
        return self.medium.link.format(href=href, label=self.entity_label(kind, entity_id))


# --- the same in functions of a language, for callers without a presenter ------------------------


def chart_svg(pub_id: str, chart: Chart, lang: str) -> Markup:
    """A publication chart as accessible SVG, for the site and the PDF alike."""

    def plain(text: Text) -> str:
        return resolve(text, lang).text

    unit = plain(chart.unit) if chart.unit else ""
    categories = [plain(c) for c in chart.categories]
    series = [(plain(s.name), s.values) for s in chart.series]
    missing = ui("not_given", lang)
    described = "; ".join(
        f"{name}: "
        + ", ".join(f"{cat} {number(v, lang) if v is not None else missing}" for cat, v in zip(categories, vs, strict=True))
        for name, vs in series
    )
    return grouped_bars(
        f"chart-{pub_id}-{chart.id}",
        plain(chart.title),
        f"{described}{' (' + unit + ')' if unit else ''}.",
        categories,
        series,
        chart.maximum,
        lambda v: number(v, lang),
        missing,
    )


def prisma_rows(prisma: Prisma, lang: str) -> list[tuple[str, int]]:
    """The flow diagram's counts as (label, count), in the order of the model's fields.

    Each label is named by its literal UI key, so a test can tell which keys are used."""
    labels = {
        "database_records": ui("prisma_database_records", lang),
        "openalex_records": ui("prisma_openalex_records", lang),
        "other_source_records": ui("prisma_other_source_records", lang),
        "duplicates_removed": ui("prisma_duplicates_removed", lang),
        "screened": ui("prisma_screened", lang),
        "excluded_by_reviewers": ui("prisma_excluded_by_reviewers", lang),
        "excluded_by_machine": ui("prisma_excluded_by_machine", lang),
        "other_source_excluded": ui("prisma_other_source_excluded", lang),
        "full_text_database": ui("prisma_full_text_database", lang),
        "included_database": ui("prisma_included_database", lang),
        "full_text_other": ui("prisma_full_text_other", lang),
        "included_other": ui("prisma_included_other", lang),
        "excluded_full_text_database": ui("prisma_excluded_full_text_database", lang),
        "excluded_full_text_other": ui("prisma_excluded_full_text_other", lang),
        "included_total": ui("prisma_included_total", lang),
    }
    return [(labels[name], count) for name, count in prisma]


def reading_label(reading: str, lang: str) -> str:
    """Whose reading an effect's direction is (`Effect.reading`), as a table cell says it."""
    labels = {"authors": ui("reading_authors", lang), "editorial": ui("reading_editorial", lang)}
    return labels[reading]
