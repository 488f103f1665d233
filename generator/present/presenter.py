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
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from babel.lists import format_list
from markupsafe import Markup, escape

from generator.model import counts
from generator.model.cerqual import justification
from generator.model.counts import Evidence
from generator.model.i18n import BABEL_LOCALE, OTHER, Localized, listing, long_date, month_year, number, resolve, ui
from generator.model.index import Index
from generator.model.models import Chart, Finding, Prisma, Publication, Quote, Study, Term, Text
from generator.present import citing, sections
from generator.present.svg import grouped_bars

BADGE_VOCABULARIES = ("confidence", "finding-type", "effect-direction", "evidence-status", "matrix-value")
"""The vocabularies whose terms are shown as badges (a matrix value as a cell): symbol and words."""


@dataclass(frozen=True)
class FindingName:
    """How a finding is named wherever it is shown: its title, then its number ("Funn 33"),
    quieter, after it; where it is cited from elsewhere, its publication beside the number."""

    title: str
    number: str
    """"Funn 33", or "Funn 33, <publication>" where it is cited from another publication."""


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
class Quotation:
    """An informant's words as a reader of one language gets them: in that language where the data
    has it (saying when that is our translation), with the source's own wording beside it then."""

    text: str
    """As the medium prints it."""
    lang: str
    """The language of `text`."""
    fallback: bool
    """`text` is in the other language: the quote has no text in the reader's (said, never silent)."""
    translated: bool
    """`text` is our translation, not the source's words."""
    original: str | None
    """The source's own wording, where `text` is not it."""
    original_lang: str | None


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
    secondary: Markup
    """Words after a name that say which one it is, quieter than the name (a finding's number), with `{text}`."""
    typeset: Typeset = as_written
    quotation: Typeset = as_written
    """An informant's quotation, typeset, as the medium sets it off: the site shows it as written in
    a block quote; the print encloses it in the language's quotation marks."""


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
        self._badges: dict[Badge, Markup] = {}
        """Each badge marked up once: a page citing a hundred findings shows a handful of badges."""

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

    def in_other_language(self, text: Text) -> Markup:
        """The text in the other language, tagged with it (a glossary term's other name); nothing
        where it has none."""
        other = OTHER[self.lang]
        value = text.get(other)
        if value is None:
            return Markup("")
        return Markup('<span lang="{lang}">{text}</span>').format(lang=other, text=self.medium.typeset(value, other))

    def ui(self, key: str) -> str:
        return ui(key, self.lang)

    def quotation(self, quote: Quote) -> Quotation:
        """A quotation in the reader's language, with the source's wording where that is a translation."""
        shown = resolve(quote.text, self.lang)
        source_lang = next(
            (lang for lang in ("nb", "en") if quote.text.get(lang) and _origin(quote.text, lang) == "source"), None
        )
        original = quote.text.get(source_lang) if source_lang and source_lang != shown.lang else None
        return Quotation(
            self._quoted(shown.text, shown.lang),
            shown.lang,
            shown.fallback,
            shown.editorial,
            self._quoted(original, source_lang) if original and source_lang else None,
            source_lang if original else None,
        )

    def _quoted(self, value: str, lang: str) -> str:
        return self.medium.quotation(self.medium.typeset(value, lang), lang)

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

    def author_names(self, pub: Publication) -> str:
        """'Rebecca Lynn Radlick, Vigdis Sveinsdottir, Tonje Fyhn': the authors in reading order."""
        return citing.names(pub.authors)

    def kind_and_series(self, pub: Publication) -> str:
        """What the publication is and its series with its number, each said once: 'Rapport ·
        AFI-rapport 2022:09' in English ('Report · ...'), but 'Notat 14-2025', not 'Notat · Notat
        14-2025', where the series is named by the kind."""
        kind = self.label("publication-type", pub.publication_type)
        series = citing.series_line(pub)
        if series is None:
            return kind
        named = pub.series or ""
        words = re.split(r"[\s\-–]+", named.casefold())
        if named.casefold().startswith(kind.casefold()) or kind.casefold() in words:
            return series
        return f"{kind} · {series}"

    def chart(self, pub: Publication, chart: Chart) -> Markup:
        """A chart from numbers the source gives; its data table is printed beside it by the template."""
        return chart_svg(pub.id, chart, self.lang)

    # counts in words ----------------------------------------------------------------------
    def counted(self, noun: str, n: int) -> str:
        """'1 funn', '2 studies': a count with its noun in the right number (`plural_forms`)."""
        one, other = plural_forms(self.lang)[noun]
        return (one if n == 1 else other).format(n=self.num(n))

    def findings_phrase(self, evidence: Evidence) -> str:
        """'5 funn: 1 moderat og 4 lav tillit', with those not assessed for confidence said apart."""
        n = len(evidence.findings or ())
        if not n:
            return self.ui("no_findings")
        levels = [f"{self.num(t.count)} {_lower_first(self.label('confidence', t.key, 'short'))}" for t in evidence.by_confidence]
        if not levels:
            return f"{self.counted('finding', n)}, {self.ui('none_assessed')}"
        phrase = f"{self.counted('finding', n)}: {self.ui('confidence_levels').format(levels=listing(levels, self.lang))}"
        if evidence.not_assessed:
            phrase += "; " + self.ui("not_assessed").format(n=self.num(len(evidence.not_assessed)))
        return phrase

    def effects_phrase(self, evidence: Evidence) -> str:
        """'4 effektstudier: 2 positive og 2 uten påvist effekt' (each study by its overall direction)."""
        n = len(evidence.effect_studies)
        if not n:
            return self.ui("no_effect_studies")
        forms = direction_forms(self.lang)
        parts = []
        for tally in evidence.by_direction:
            if tally.key in forms:
                one, other = forms[tally.key]
                parts.append((one if tally.count == 1 else other).format(n=self.num(tally.count)))
            else:  # a direction added to the vocabulary since: its label
                label = self.label("effect-direction", tally.key, "short")
                parts.append(self.ui("direction_other").format(n=self.num(tally.count), direction=label))
        return f"{self.counted('effect_study', n)}: {listing(parts, self.lang)}"

    def sources_phrase(self, evidence: Evidence) -> str:
        return self.counted("source", len(evidence.sources))

    def evidence_summary(self, evidence: Evidence) -> str:
        """The sentences a topic or an intervention page opens with: its findings (where findings
        apply), its effect studies and its sources."""
        phrases = [self.findings_phrase(evidence)] if evidence.findings is not None else []
        phrases += [self.effects_phrase(evidence), self.sources_phrase(evidence)]
        return " ".join(f"{phrase}." for phrase in phrases)

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
        markup = self._badges.get(badge)
        if markup is None:
            classes = f"{self.medium.badge_classes[badge.vocabulary]}-{badge.term}"
            markup = self._badges[badge] = symbol_and_words(classes, badge.symbol, badge.words, self.medium.symbol_class)
        return markup

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

    # findings -----------------------------------------------------------------------------
    def finding_name(self, finding: Finding, elsewhere: Publication | None = None) -> FindingName:
        """The one place that says what a finding is called: its title in the reader's language
        (the other language's where it has none), and its number, which the source uses, with the
        publication it belongs to where it is cited from `elsewhere`."""
        number = f"{self.ui('finding')} {finding.number}"
        if elsewhere is not None:
            number += f", {self.plain(elsewhere.short_title)}"
        # One line, whatever the data's line breaks: a heading ends at a line's end.
        return FindingName(" ".join(self.plain(finding.title).split()), number)

    def secondary(self, text: str) -> Markup:
        """Words after a name that tell which one it is (a finding's number), set quieter than the name."""
        return self.medium.secondary.format(text=text)

    def finding_label(self, finding: Finding, elsewhere: Publication | None = None) -> Markup:
        """A finding as a table row or a list names it: its title, then its number (and the
        publication it belongs to, when that is `elsewhere` than the page or report)."""
        return self.text(finding.title) + Markup(" ") + self.secondary(self.finding_name(finding, elsewhere).number)

    def title_origin(self, finding: Finding) -> str:
        """Whose words a finding's title is, as its page says under it: the editors' (most), or
        the source's own heading for this finding (`title.nb_origin: source`), maybe in our translation."""
        shown = self.loc(finding.title)
        if finding.title.nb_origin == "editorial":
            origin = self.ui("title_editorial")
        elif shown.lang == "en" and shown.editorial:
            origin = self.ui("title_source_translated")
        else:
            origin = self.ui("title_source")
        return f"{origin} ({self.ui('fallback_notice')})" if shown.fallback else origin

    def titles_note(self, findings: list[Finding]) -> str:
        """Under a table of findings: their titles are the editors', but for those the source itself
        headed (by number). Empty for no findings."""
        from_source = [f.number for f in findings if f.title.nb_origin == "source"]
        if not findings:
            return ""
        if not from_source:
            return self.ui("titles_editorial")
        numbers = format_list([str(n) for n in from_source], locale=BABEL_LOCALE[self.lang])
        return self.ui("titles_editorial_but").format(numbers=numbers)

    # entities -----------------------------------------------------------------------------
    def entity_label(self, kind: str, entity_id: str) -> str:
        """What an entity is called wherever it is linked, so a reader knows what it is (a
        finding: its title; `entity_secondary` adds its number)."""
        index = self.index
        match kind:
            case "finding":
                return self.finding_name(index.finding(entity_id)).title
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
            case "term":
                return self.plain(index.glossary_term(entity_id).term)
            case "quote":
                quote = index.quote(entity_id)
                return f"{self.ui('quote')}: {self.label('informant-group', quote.informant)} ({quote.source_location})"
            case "reference":
                entry = index.reference_entry(entity_id)
                year = f"{entry.year}{entry.year_suffix or ''}" if entry.year else "–"
                return f"{entry.authors[0].partition(',')[0]} ({year})"
        raise ValueError(f"no label for entities of kind {kind!r}")

    def entity_secondary(self, kind: str, entity_id: str) -> str:
        """What follows an entity's label, quieter, to tell which one it is: a finding's number; else nothing."""
        if kind == "finding":
            return self.finding_name(self.index.finding(entity_id)).number
        return ""

    def entity_link(self, kind: str, entity_id: str) -> Markup:
        """A link to wherever this medium shows an entity, labelled with `entity_label` (and
        `entity_secondary` after it); where the entity is the whole document (a report's own
        publication), the words 'the whole report'."""
        href = self._place(kind, entity_id)
        if href is None:
            return escape(self.ui("whole_report"))
        label = escape(self.entity_label(kind, entity_id))
        secondary = self.entity_secondary(kind, entity_id)
        if secondary:
            label += Markup(" ") + self.secondary(secondary)
        return self.medium.link.format(href=href, label=label)


# --- the same in functions of a language, for callers without a presenter ------------------------


def _origin(text: Text, lang: str) -> str:
    return text.nb_origin if lang == "nb" else text.en_origin


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


def _lower_first(text: str) -> str:
    """A label inside a sentence: 'Svært lav' -> 'svært lav' (the rest as written)."""
    return text[:1].lower() + text[1:]


def plural_forms(lang: str) -> dict[str, tuple[str, str]]:
    """Noun -> its singular and plural form with the count (`{n}`), as `Presenter.counted` says them.

    Each form is named by its literal UI key, so a test can tell which keys are used."""
    return {
        "finding": (ui("n_findings_one", lang), ui("n_findings", lang)),
        "effect_study": (ui("n_effect_studies_one", lang), ui("n_effect_studies", lang)),
        "study": (ui("n_studies_one", lang), ui("n_studies", lang)),
        "source": (ui("n_sources_one", lang), ui("n_sources", lang)),
        "intervention": (ui("n_interventions_one", lang), ui("n_interventions", lang)),
        "implication": (ui("n_implications_one", lang), ui("n_implications", lang)),
        "case": (ui("n_cases_one", lang), ui("n_cases", lang)),
        "theme": (ui("n_themes_one", lang), ui("n_themes", lang)),
    }


def direction_forms(lang: str) -> dict[str, tuple[str, str]]:
    """Effect direction -> how many studies point that way, singular and plural ('1 positiv',
    '2 positive'): the words agree with the count in Norwegian."""
    return {
        "positive": (ui("direction_positive_one", lang), ui("direction_positive", lang)),
        "positive-uncontrolled": (ui("direction_uncontrolled_one", lang), ui("direction_uncontrolled", lang)),
        "mixed": (ui("direction_mixed_one", lang), ui("direction_mixed", lang)),
        "no-effect": (ui("direction_no_effect_one", lang), ui("direction_no_effect", lang)),
        "negative": (ui("direction_negative_one", lang), ui("direction_negative", lang)),
    }
