"""Jinja2 rendering of planned pages into Markdown, one language at a time.

Templates emit Markdown headings and raw HTML blocks for tables. Autoescaping is on, so
every value from the data is HTML-escaped: a pull request cannot inject markup. Text inside
raw HTML blocks is not parsed as Markdown, so data cannot inject Markdown either; headings
go through the `md` filter, which escapes Markdown syntax.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import counts, sections, urls
from .cerqual import COMPONENT_FIELDS
from .i18n import OTHER
from .index import Index
from .pagespec import PageSpec
from .presenter import Medium, Presenter
from .svg import Bar, Segment, stacked_bars

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


SITE = Medium(
    badge_classes={
        "confidence": "kb-badge kb-confidence",
        "finding-type": "kb-badge kb-type",
        "effect-direction": "kb-badge kb-direction",
        "evidence-status": "kb-badge kb-evidence",
        "matrix-value": "kb-cell kb-value",
    },
    symbol_class=None,
    fallback=Markup('<span lang="{lang}">{text}</span> <span class="kb-fallback" role="note">({notice})</span>'),
    link=Markup('<a href="{href}">{label}</a>'),
)
"""How the site marks up the presenter's words (content/assets/kb.css styles these classes)."""


def entity_page(index: Index, kind: str, entity_id: str) -> tuple[str, str | None]:
    """The page that shows an entity on the site, and the anchor of its part of that page (None: the whole page)."""
    pages = {
        "finding": urls.finding,
        "study": urls.study,
        "publication": urls.publication,
        "matrix": urls.matrix,
        "topic": urls.topic,
        "intervention": urls.intervention,
    }
    if kind in pages:
        return pages[kind](entity_id), None
    if kind == "assessment":
        return urls.matrix(index.matrix_of_assessment[entity_id]), urls.anchor("row", entity_id)
    pub_id = index.publication_of[(kind, entity_id)]
    if kind == "theme":
        # Themes with sub-themes, code counts or studies have a themes page; others live in the findings table.
        page = urls.themes if sections.has(index, index.publication(pub_id), "themes") else urls.findings_table
        return page(pub_id), urls.anchor("theme", entity_id)
    in_lists = {"characteristic": urls.characteristics, "implication": urls.implications, "case": urls.cases}
    return in_lists[kind](pub_id), urls.anchor(kind, entity_id)


def entity_href(index: Index, from_doc: str, kind: str, entity_id: str) -> str:
    """A link from the page `from_doc` to wherever the site shows an entity."""
    doc, fragment = entity_page(index, kind, entity_id)
    return urls.href(from_doc, doc, fragment)


class View(Presenter):
    """What a site template may ask for: the presenter's words for the page's language, with links
    relative to the page, and what only the site shows (charts that link, filters, references)."""

    def __init__(self, index: Index, lang: str, page: PageSpec, pdfs: bool = True) -> None:
        super().__init__(index, lang, SITE, functools.partial(entity_href, index, page.doc))
        self.pdfs = pdfs  # whether this build writes the PDF reports: without them no page links to one
        self.other_lang = OTHER[lang]
        self.page = page
        self.counts = counts
        self.COMPONENT_FIELDS = COMPONENT_FIELDS

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
        return self.entity_link("finding", finding_id)

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

    def reference(self, study_id: str) -> Markup:
        """The study's reference formatted by citeproc-py (APA), sanitised."""
        from .references import ReferenceCache

        cache = self.index.references or ReferenceCache(None)
        return cache.get(self.index.study(study_id), self.index, self.lang)

    def asset(self, path: str) -> str:
        return urls.asset(self.page.doc, path)

    # site-only views of the data ------------------------------------------------------------
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


def page_title(body: str) -> str:
    """The page's title for <title>, the header and the sidebar, HTML-escaped.

    Set explicitly in the front matter: otherwise MkDocs derives it from the heading and
    unescapes it, and the theme prints it raw (a `</title><script>` in a study name would run).
    """
    for line in body.splitlines():
        if line.startswith("# "):
            return _MD_UNESCAPE.sub(r"\1", line[2:].strip())
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
