"""Print stage: PDF reports per publication and language, rendered by WeasyPrint.

The PDFs come from the same validated models as the site, through our own print templates
(templates/print/), not through an MkDocs PDF plugin (ANCHORS.md: those are one-language and
unmaintained). Two kinds per publication and language: the full report and a summary of a
few pages (key messages and the findings with their confidence) for a school leader.

Output is deterministic: the PDF dates come from the publication's `date` and the file
identifier from what is printed, so two builds of the same data are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import re
import resource
import time
import tracemalloc
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import counts, urls
from .cerqual import justification
from .i18n import OTHER, Localized, month_year, number, resolve, ui
from .index import COMPONENT_FIELDS, Index
from .models import Finding, Publication, Text
from .settings import DEFAULT_LANGUAGE, LANGUAGES, Project

PRINT_TEMPLATES = Path(__file__).parent / "templates" / "print"
FONTS_DIR = Path(__file__).resolve().parent.parent / "fonts"
KINDS = ("full", "summary")

PRINT_UI: dict[str, dict[str, str]] = {
    # Strings only the printed reports need; the rest comes from i18n.UI.
    "nb": {
        "contents": "Innhold",
        "page": "Side",
        "of": "av",
        "see_page": "se side",
        "about": "Om rapporten",
        "summary_kind": "Kortversjon",
        "summary_lead": "Hovedbudskapene og funnene med vurdert tillit. Hele rapporten har begrunnelsene, evidensprofilene, metoden og studiene.",
        "full_report_file": "Hele rapporten",
        "original": "Originalpublikasjon",
        "generated": "Laget fra de kontrollerte dataene i kunnskapsbasen.",
        "note": "Merknad",
        "applies_to": "Gjelder",
        "findings_count": "funn",
        "studies_count": "studier",
    },
    "en": {
        "contents": "Contents",
        "page": "Page",
        "of": "of",
        "see_page": "see page",
        "about": "About this report",
        "summary_kind": "Summary version",
        "summary_lead": "The key messages and the findings with their assessed confidence. The full report has the explanations, evidence profiles, method and studies.",
        "full_report_file": "Full report",
        "original": "Original publication",
        "generated": "Made from the checked data of the knowledge base.",
        "note": "Note",
        "applies_to": "Applies to",
        "findings_count": "findings",
        "studies_count": "studies",
    },
}

_QUOTES = {"nb": ("«", "»"), "en": ("“", "”")}
_DOUBLE_QUOTED = re.compile(r'"([^"\n]+)"')
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def typographic(value: str, lang: str) -> str:
    """Straight quotes to typographic ones («» in bokmål, “” in English), apostrophes to ’.

    Only balanced pairs are changed: an odd count means we cannot tell openers from closers.
    """
    if value.count('"') % 2 == 0:
        opening, closing = _QUOTES[lang]
        value = _DOUBLE_QUOTED.sub(lambda m: f"{opening}{m.group(1)}{closing}", value)
    return _APOSTROPHE.sub("’", value)


def css_string(value: str) -> Markup:
    """A CSS string literal that is also safe inside <style>: everything but letters and digits escaped."""
    return Markup('"' + "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06x}" for c in value) + '"')


@dataclass(frozen=True)
class PdfResult:
    """What one rendered PDF cost: the build prints these."""

    path: Path
    publication: str
    kind: str
    lang: str
    pages: int
    seconds: float
    peak_mb: float

    def __str__(self) -> str:
        return f"{self.path.name}: {self.pages} pages, {self.seconds:.2f} s, peak {self.peak_mb:.0f} MB"


class PrintView:
    """What a print template may ask for: texts in the report's language, labels, anchors."""

    def __init__(self, index: Index, pub: Publication, lang: str) -> None:
        self.index = index
        self.pub = pub
        self.lang = lang
        self.counts = counts
        self.COMPONENT_FIELDS = COMPONENT_FIELDS

    # text --------------------------------------------------------------------------------
    def t(self, text: Text | None) -> Markup:
        """Inline text; a fallback to the other language is tagged with its language and said."""
        if text is None:
            return Markup("")
        shown = resolve(text, self.lang)
        value = typographic(shown.text, shown.lang)
        if not shown.fallback:
            return escape(value)
        return Markup('<span lang="{lang}">{text}</span> <span class="fallback">({notice})</span>').format(
            lang=shown.lang, text=value, notice=ui("fallback_notice", self.lang)
        )

    def loc(self, text: Text) -> Localized:
        return resolve(text, self.lang)

    def plain(self, text: Text | None) -> str:
        return "" if text is None else typographic(resolve(text, self.lang).text, self.lang)

    def ui(self, key: str) -> str:
        return PRINT_UI[self.lang].get(key) or ui(key, self.lang)

    def label(self, vocabulary: str, term_id: str, which: str = "label") -> str:
        term = self.index.term(vocabulary, term_id)
        chosen: Text = getattr(term, which, None) or term.label
        return resolve(chosen, self.lang).text

    def num(self, value: float) -> str:
        return number(value, self.lang)

    def month_year(self, date: dt.date) -> str:
        return month_year(date, self.lang)

    def css_string(self, value: str) -> Markup:
        return css_string(value)

    @property
    def other_lang(self) -> str:
        return OTHER[self.lang]

    # domain --------------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        return self.index.findings_of(self.pub)

    def findings_in(self, theme_id: str) -> list[Finding]:
        return [f for f in self.findings() if f.theme == theme_id]

    def justification(self, finding: Finding) -> str:
        return justification(finding, self.index, self.lang)

    def badge(self, confidence: str) -> Markup:
        """Confidence as symbol and words: colour and symbols never carry the meaning alone."""
        term = self.index.term("confidence", confidence)
        return Markup('<span class="badge conf-{id}"><span class="sym">{symbol}</span> {label}</span>').format(
            id=term.id, symbol=term.symbol or "", label=self.label("confidence", confidence)
        )

    def cell(self, value: str) -> Markup:
        term = self.index.term("matrix-value", value)
        return Markup('<span class="cell val-{id}"><span class="sym">{symbol}</span> {label}</span>').format(
            id=term.id, symbol=term.symbol or "", label=self.label("matrix-value", value)
        )

    def anchor(self, kind: str, entity_id: str) -> str:
        return urls.anchor(kind, entity_id)

    def target(self, kind: str, entity_id: str) -> tuple[str, str] | None:
        """(anchor, label) of where an entity is printed, for "see page N" references."""
        index = self.index
        if kind == "finding":
            return urls.anchor("finding", entity_id), f"{self.ui('finding')} {index.finding(entity_id).number}"
        if kind == "study":
            return urls.anchor("study", entity_id), index.study(entity_id).citation
        if kind == "assessment":
            return urls.anchor("row", entity_id), f"{self.ui('matrix')}: {index.study(index.assessment(entity_id).study).citation}"
        if kind == "matrix":
            return urls.anchor("matrix", entity_id), self.plain(index.matrix(entity_id).title)
        if kind == "characteristic":
            return urls.anchor("characteristic", entity_id), self.plain(index.characteristic(entity_id).name)
        if kind == "theme":
            return urls.anchor("theme", entity_id), self.plain(index.theme(entity_id).name)
        return None  # the publication itself: the whole report


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(PRINT_TEMPLATES),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["PRINT_UI"] = PRINT_UI
    return env


def render_html(env: Environment, index: Index, pub: Publication, kind: str, lang: str) -> str:
    return env.get_template(f"{kind}.html.j2").render(p=PrintView(index, pub, lang), kind=kind)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def render_pdf(env: Environment, index: Index, pub: Publication, kind: str, lang: str, target: Path) -> PdfResult:
    """Render one report to `target` (written whole, then renamed into place)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    started = time.perf_counter()
    tracemalloc.start()
    html = render_html(env, index, pub, kind, lang)
    options: dict[str, Any] = {
        "pdf_variant": "pdf/ua-1",  # tagged PDF with /Lang and title (FACTS.md)
        # A fixed identifier instead of a random one: same data, same bytes.
        "pdf_identifier": f"{pub.id}/{pub.version}/{kind}/{lang}".encode(),
    }
    # base_url: print.css and the fonts are found relative to the templates folder.
    document = HTML(string=html, base_url=str(PRINT_TEMPLATES) + "/").render(font_config=FontConfiguration(), **options)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    document.write_pdf(partial, **options)
    partial.replace(target)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return PdfResult(target, pub.id, kind, lang, len(document.pages), time.perf_counter() - started, traced_peak / 2**20)


def build_pdfs(project: Project, index: Index, out_dir: Path, languages: Iterable[str] = LANGUAGES) -> list[PdfResult]:
    """Every report of every publication in every language, under each language's site root."""
    del project  # the layout of out_dir is all we need; kept for the build's calling convention
    env = environment()
    results = []
    for pub in index.publications():
        for lang in languages:
            root = out_dir if lang == DEFAULT_LANGUAGE else out_dir / lang
            for kind in KINDS:
                target = root / urls.pdf_path(pub.id, kind, lang)
                results.append(render_pdf(env, index, pub, kind, lang, target))
    return results


def render_all(project: Project) -> list[PdfResult]:
    """`make pdf`: load and check the data, then write only the PDFs into site/."""
    from .build import load_or_fail

    return build_pdfs(project, load_or_fail(project), project.site_dir)
