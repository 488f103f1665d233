"""Jinja2 rendering of planned pages into Markdown, one language at a time.

Templates emit Markdown headings and raw HTML blocks for tables. Autoescaping is on, so
every value from the data is HTML-escaped: a pull request cannot inject markup. Text inside
raw HTML blocks is not parsed as Markdown, so data cannot inject Markdown either; headings
go through the `md` filter, which escapes Markdown syntax.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import counts, sections, urls
from .cerqual import COMPONENT_FIELDS, justification
from .i18n import OTHER, Localized, long_date, month_year, number, resolve, ui
from .index import Index
from .models import Chart, Prisma, Text
from .pagespec import PageSpec
from .svg import Bar, Segment, grouped_bars, stacked_bars

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATES_IN_PROJECT = TEMPLATES.relative_to(Path(__file__).parent.parent).as_posix()
"""Where an editor finds the templates: `generator/templates`."""

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def md_escape(value: Any) -> Markup:
    """Escape text for a Markdown heading or inline context: HTML first, then Markdown syntax."""
    if isinstance(value, Markup):
        return value
    html = str(escape(str(value)))
    return Markup(_MD_SPECIAL.sub(r"\\\1", html))


def symbol_and_words(classes: str, symbol: str | None, words: str, symbol_class: str | None = None) -> Markup:
    """A confidence badge or matrix cell, on the site and in print: the words always, the
    symbol beside them (hidden from screen readers), so colour never carries meaning alone."""
    if not symbol:
        return Markup('<span class="{classes}">{words}</span>').format(classes=classes, words=words)
    symbol_attrs = Markup(' class="{}"').format(symbol_class) if symbol_class else Markup("")
    return Markup('<span class="{classes}"><span aria-hidden="true"{attrs}>{symbol}</span> {words}</span>').format(
        classes=classes, attrs=symbol_attrs, symbol=symbol or "", words=words
    )


class View:
    """What a template may ask for: texts in the page's language, labels, links, counts."""

    def __init__(self, index: Index, lang: str, page: PageSpec, pdfs: bool = True) -> None:
        self.index = index
        self.lang = lang
        self.pdfs = pdfs  # whether this build writes the PDF reports: without them no page links to one
        self.other_lang = OTHER[lang]
        self.page = page
        self.counts = counts
        self.COMPONENT_FIELDS = COMPONENT_FIELDS

    # text -------------------------------------------------------------------------------
    def loc(self, text: Text) -> Localized:
        return resolve(text, self.lang)

    def plain(self, text: Text | None) -> str:
        return "" if text is None else resolve(text, self.lang).text

    def text(self, text: Text | None) -> Markup:
        """Inline text; a fallback to the other language is marked visibly, never silent."""
        if text is None:
            return Markup("")
        shown = resolve(text, self.lang)
        if not shown.fallback:
            return escape(shown.text)
        return Markup('<span lang="{lang}">{text}</span> <span class="kb-fallback" role="note">({notice})</span>').format(
            lang=shown.lang, text=shown.text, notice=ui("fallback_notice", self.lang)
        )

    def ui(self, key: str) -> str:
        return ui(key, self.lang)

    def label(self, vocabulary: str, term_id: str, which: str = "label") -> str:
        term = self.index.term(vocabulary, term_id)
        chosen: Text | None = getattr(term, which, None) or term.label
        assert chosen is not None
        return resolve(chosen, self.lang).text

    def term(self, vocabulary: str, term_id: str) -> Any:
        return self.index.term(vocabulary, term_id)

    def terms(self, vocabulary: str) -> list[Any]:
        return self.index.terms(vocabulary)

    def num(self, value: float) -> str:
        return number(value, self.lang)

    def month_year(self, date: dt.date) -> str:
        return month_year(date, self.lang)

    def date(self, date: dt.date) -> str:
        return long_date(date, self.lang)

    # links --------------------------------------------------------------------------------
    def href(self, doc: str, fragment: str | None = None) -> str:
        return urls.href(self.page.doc, doc, fragment)

    @property
    def urls(self) -> Any:
        return urls

    def study_link(self, study_id: str) -> Markup:
        # Concatenation, not Markup.format: this runs for every study on every table row.
        study = self.index.study(study_id)
        return Markup('<a href="' + str(escape(self.href(urls.study(study_id)))) + '">' + str(escape(study.citation)) + "</a>")

    def finding_link(self, finding_id: str) -> Markup:
        finding = self.index.finding(finding_id)
        label = f"{self.ui('finding')} {finding.number}"
        return Markup('<a href="{href}">{label}</a>').format(href=self.href(urls.finding(finding_id)), label=label)

    def entity_link(self, kind: str, entity_id: str) -> Markup:
        """A link to wherever an entity is shown, labelled so a reader knows what it is."""
        index = self.index
        link = Markup('<a href="{href}">{label}</a>')
        if kind == "finding":
            return self.finding_link(entity_id)
        if kind == "study":
            return self.study_link(entity_id)
        if kind == "publication":
            return link.format(
                href=self.href(urls.publication(entity_id)), label=self.plain(index.publication(entity_id).short_title)
            )
        if kind == "matrix":
            return link.format(href=self.href(urls.matrix(entity_id)), label=self.plain(index.matrix(entity_id).title))
        if kind == "topic":
            return link.format(href=self.href(urls.topic(entity_id)), label=self.plain(index.topic(entity_id).name))
        if kind == "intervention":
            return link.format(href=self.href(urls.intervention(entity_id)), label=self.plain(index.intervention(entity_id).name))
        if kind == "assessment":
            matrix_id = index.matrix_of_assessment[entity_id]
            study = index.study(index.assessment(entity_id).study)
            return link.format(
                href=self.href(urls.matrix(matrix_id), urls.anchor("row", entity_id)),
                label=f"{self.ui('matrix')}: {study.citation}",
            )
        pub_id = index.publication_of[(kind, entity_id)]
        if kind == "characteristic":
            return link.format(
                href=self.href(urls.characteristics(pub_id), urls.anchor("characteristic", entity_id)),
                label=self.plain(index.characteristic(entity_id).name),
            )
        if kind == "implication":
            implication = index.implication(entity_id)
            return link.format(
                href=self.href(urls.implications(pub_id), urls.anchor("implication", entity_id)),
                label=f"{self.label('implication-type', implication.implication_type)} {implication.number}",
            )
        if kind == "case":
            return link.format(
                href=self.href(urls.cases(pub_id), urls.anchor("case", entity_id)), label=self.plain(index.case(entity_id).title)
            )
        return link.format(href=self.theme_href(entity_id), label=self.plain(index.theme(entity_id).name))

    def theme_href(self, theme_id: str) -> str:
        """Themes with sub-themes, code counts or studies have a themes page; others live in the findings table."""
        pub_id = self.index.publication_of[("theme", theme_id)]
        pub = self.index.publication(pub_id)
        if sections.has(self.index, pub, "themes"):
            return self.href(urls.themes(pub_id), urls.anchor("theme", theme_id))
        return self.href(urls.findings_table(pub_id), urls.anchor("theme", theme_id))

    def finding_ref(self, finding_id: str, with_publication: bool = True) -> Markup:
        """'Finding 16 (School-home collaboration …) · ●●●● High confidence': a finding cited from elsewhere."""
        finding = self.index.finding(finding_id)
        pub_id = self.index.publication_of.get(("finding", finding_id))
        label = f"{self.ui('finding')} {finding.number}"
        if with_publication and pub_id:
            label += f" ({self.plain(self.index.publication(pub_id).short_title)})"
        link = Markup('<a class="kb-finding-ref" href="{href}">{label}</a>').format(
            href=self.href(urls.finding(finding_id)), label=label
        )
        return link + Markup(" ") + self.finding_badge(finding)

    def finding_badge(self, finding: Any) -> Markup:
        """Confidence where the source assessed it; otherwise the kind of finding and its direction."""
        if finding.confidence:
            return self.confidence_badge(finding.confidence)
        term = self.index.term("finding-type", finding.finding_type)
        badge = symbol_and_words(f"kb-badge kb-type-{term.id}", term.symbol, self.label("finding-type", term.id, "short"))
        if finding.direction:
            badge += Markup(" ") + self.direction_badge(finding.direction)
        return badge

    def direction_badge(self, direction: str) -> Markup:
        term = self.index.term("effect-direction", direction)
        return symbol_and_words(f"kb-badge kb-direction-{term.id}", term.symbol, self.label("effect-direction", term.id, "short"))

    def reading_label(self, reading: str) -> str:
        return reading_label(reading, self.lang)

    def prisma_rows(self, prisma: Prisma) -> list[tuple[str, int]]:
        return prisma_rows(prisma, self.lang)

    def evidence_badge(self, status: str) -> Markup:
        term = self.index.term("evidence-status", status)
        return symbol_and_words(f"kb-badge kb-evidence-{term.id}", term.symbol, self.label("evidence-status", term.id))

    def countries(self, study: Any) -> str:
        return ", ".join(self.label("country", c) for c in study.all_countries)

    def chart(self, pub: Any, chart: Any) -> Markup:
        """A chart from numbers the source gives; its data table is printed beside it by the template."""
        return chart_svg(pub.id, chart, self.lang)

    def reference(self, study_id: str) -> Markup:
        """The study's reference formatted by citeproc-py (APA), sanitised."""
        from .references import ReferenceCache

        cache = self.index.references or ReferenceCache(None)
        return cache.get(self.index.study(study_id), self.index, self.lang)

    def asset(self, path: str) -> str:
        return urls.asset(self.page.doc, path)

    def criterion_label(self, key: str) -> str:
        terms = self.index.vocabularies.get("appraisal-criterion", {})
        return self.label("appraisal-criterion", key) if key in terms else key

    # domain -------------------------------------------------------------------------------
    def confidence_badge(self, confidence: str) -> Markup:
        term = self.index.term("confidence", confidence)
        return symbol_and_words(f"kb-badge kb-confidence-{term.id}", term.symbol, self.label("confidence", confidence))

    def matrix_cell(self, value: str) -> Markup:
        term = self.index.term("matrix-value", value)
        return symbol_and_words(f"kb-cell kb-value-{term.id}", term.symbol, self.label("matrix-value", value))

    def options(self, vocabulary: str) -> list[tuple[str, str]]:
        """(value, label) pairs for a filter control."""
        return [(t.id, self.label(vocabulary, t.id)) for t in self.index.terms(vocabulary)]

    def options_themes(self, pub: Any) -> list[tuple[str, str]]:
        return [(t, self.plain(self.index.theme(t).name)) for t in pub.themes]

    def confidence_chart(self, pub: Any) -> Markup:
        """Findings per theme, stacked by confidence; every segment links to its list."""
        table = counts.confidence_by_theme(self.index, pub)
        bars = [
            Bar(
                self.plain(self.index.theme(theme).name),
                [
                    Segment(t.id, table[theme][t.id], self.href(urls.findings_list(pub.id, theme, t.id)))
                    for t in self.index.terms("confidence")
                ],
            )
            for theme in pub.themes
        ]
        legend = [(t.id, self.label("confidence", t.id)) for t in self.index.terms("confidence")]
        total = sum(sum(c.values()) for c in table.values())
        summary = ", ".join(f"{label}: {sum(table[th][key] for th in pub.themes)}" for key, label in legend)
        return stacked_bars(
            f"chart-{pub.id}",
            self.ui("findings_by_theme"),
            f"{self.ui('findings_count').format(n=total)}. {summary}.",
            bars,
            legend,
            lambda bar, seg: f"{bar.label}: {self.label('confidence', seg.key)}: {seg.count}",
        )

    def justification(self, finding: Any) -> str:
        return justification(finding, self.index, self.lang)

    def qualification(self, finding: Any) -> Markup:
        """The 'explanation' cell: the CERQual justification, or how the source qualifies the finding."""
        if finding.confidence:
            return escape(self.justification(finding))
        return self.text(finding.strength)

    def has_cerqual(self, pub: Any) -> bool:
        return sections.has_cerqual(self.index, pub)

    def has_section(self, pub: Any, name: str) -> bool:
        """Whether the publication has a section (sections.py decides, for the site and the print alike)."""
        return sections.has(self.index, pub, name)

    def section_title(self, pub: Any, name: str) -> str:
        return self.ui(sections.SECTIONS[name].title(self.index, pub))

    def codes(self, theme_id: str, group: str | None = None) -> str:
        """A theme's code count, or a dash where the source gives none (never a made-up 0)."""
        n = counts.theme_codes(self.index, theme_id, group)
        return "–" if n is None else self.num(n)

    def effect_studies(self, pub: Any) -> list[str]:
        return counts.effect_studies(self.index, pub)

    def notes(self, kind: str, entity_id: str) -> list[Any]:
        return self.index.notes_about(kind, entity_id)


def jinja_environment(folder: Path, keep_trailing_newline: bool = False) -> Environment:
    """Every template of ours, Markdown or print HTML: StrictUndefined (a typo is an error,
    not an empty cell) and autoescape (data is always text)."""
    return Environment(
        loader=FileSystemLoader(folder),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
    )


def environment() -> Environment:
    env = jinja_environment(TEMPLATES, keep_trailing_newline=True)
    env.filters["md"] = md_escape
    return env


def render_page(env: Environment, index: Index, lang: str, page: PageSpec, pdfs: bool = True) -> str:
    """The page's Markdown; `pdfs=False` (a build without the PDF reports) leaves every link to them out."""
    view = View(index, lang, page, pdfs)
    with index.recording() as reads:
        params = {name: _lookup(index, name, value) for name, value in page.params.items()}
        body = env.get_template(page.template).render(v=view, page=page, **params)
    meta = [f"title: {json.dumps(page_title(body), ensure_ascii=False)}"]
    if page.source:
        meta.append(f"edit_source: {yaml_path(page.source)}")
    if page.wide:
        meta.append("hide: [navigation, toc]")
    if not page.searchable:
        meta.append("kb_noindex: true")
    if page.search_weight != 1.0:
        meta.append(f"kb_search_weight: {page.search_weight}")
    pub_id = _publication_of(index, page) if pdfs else None
    if pub_id:
        # The header links every page to the PDFs of its publication, in the page's language.
        meta.append(f"kb_pdf_full: {urls.pdf_path(pub_id, 'full', lang)}")
        meta.append(f"kb_pdf_summary: {urls.pdf_path(pub_id, 'summary', lang)}")
    meta += provenance(page.template, index.source_files(reads))
    front = "---\n" + "\n".join(meta) + "\n---\n\n" if meta else ""
    return front + _tidy(body)


PROVENANCE_KEYS = ("kb_template", "kb_sources")
"""Front matter that says where a page comes from: for editors reading the Markdown, never shown
on the page (the theme reads no such key)."""


def provenance(template: str, sources: list[str]) -> list[str]:
    """Front matter lines: the template the page was rendered from and the data files it read,
    as project paths, so the Markdown of a page leads straight to what to edit."""
    lines = [f"kb_template: {yaml_path(f'{TEMPLATES_IN_PROJECT}/{template}')}"]
    if not sources:
        return [*lines, "kb_sources: []"]
    return [*lines, "kb_sources:"] + [f"  - {yaml_path(path)}" for path in sources]


_PLAIN_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)+/?")


def yaml_path(path: str) -> str:
    """A path as a YAML scalar: bare when it can only be read as that text (folders, letters,
    digits, dots, dashes), quoted otherwise (a file name may hold `: `, `#` or quotes)."""
    return path if _PLAIN_PATH.fullmatch(path) else json.dumps(path, ensure_ascii=False)


def without_provenance(markdown: str) -> str:
    """The page without its provenance front matter: what readers can see change."""
    if not markdown.startswith("---\n"):
        return markdown
    end = markdown.find("\n---\n", 3)
    if end < 0:
        return markdown
    kept, in_provenance = [], False
    for line in markdown[4:end].split("\n"):
        if line.startswith("  - ") and in_provenance:
            continue
        in_provenance = line.split(":", 1)[0] in PROVENANCE_KEYS
        if not in_provenance:
            kept.append(line)
    return "---\n" + "\n".join(kept) + markdown[end:]


_MD_UNESCAPE = re.compile(r"\\(.)")
_ATTRIBUTES = re.compile(r"\s*(?<!\\)\{:?[^{}]*(?<!\\)\}\s*$")
"""A heading's attribute list (`{ data-pagefind-ignore="index" }`, Markdown's attr_list); braces from
the data are escaped (`\\{`), so they never end a heading as one."""


def page_title(body: str) -> str:
    """The page's title for <title>, the header and the sidebar, HTML-escaped.

    Set explicitly in the front matter: otherwise MkDocs derives it from the heading and
    unescapes it, and the theme prints it raw (a `</title><script>` in a study name would run).
    The heading's attribute list (what search reads of it) is not part of the title.
    """
    for line in body.splitlines():
        if line.startswith("# "):
            return _MD_UNESCAPE.sub(r"\1", _ATTRIBUTES.sub("", line[2:]).strip())
    return ""


def _publication_of(index: Index, page: PageSpec) -> str | None:
    if "publication" in page.params:
        return page.params["publication"]
    if "study" in page.params:
        study_id = page.params["study"]
        if study_id in index.publication_as_study:
            return index.publication_as_study[study_id]
        pubs = index.publications_by_study.get(study_id, [])
        return pubs[0] if pubs else None
    if "intervention" in page.params:
        return index.publication_of.get(("intervention", page.params["intervention"]))
    return None


_PLAIN_PARAMS = {"value", "confidence", "theme", "outcome", "sector", "audience_id"}
"""Parameters passed to templates as ids (possibly empty), not looked up as entities."""


def _lookup(index: Index, name: str, value: str) -> Any:
    if name in _PLAIN_PARAMS:
        return value
    getter = getattr(index, name)
    return getter(value)


def _tidy(body: str) -> str:
    """Collapse runs of blank lines left by template logic; end with one newline."""
    return re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"


# --- questions the site's and the print templates both ask (pdf.py imports them from here) ---


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
