"""Print stage: PDF reports per publication and language, rendered by WeasyPrint.

The PDFs come from the same validated models as the site, through our own print templates
(templates/print/), not through an MkDocs PDF plugin (those render one language per build and
are poorly maintained). Two kinds per publication and language: the full report and a summary of a
few pages (key messages and the findings with their confidence) for a school leader.

Output is deterministic: the PDF dates come from the publication's `date` and the file
identifier from what is printed, so two builds of the same data are byte-identical.
"""

from __future__ import annotations

import datetime as dt
import re
import resource
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from . import counts, sections, urls
from .cerqual import COMPONENT_FIELDS, justification
from .i18n import Localized, month_year, number, resolve, ui
from .index import Index
from .models import Chart, Finding, Prisma, Publication, Study, Text
from .render import TEMPLATES, chart_svg, jinja_environment, prisma_rows, provenance, reading_label, symbol_and_words
from .sections import Chapter
from .settings import DEFAULT_LANGUAGE, LANGUAGES, Project
from .sources import readable_files

PRINT_TEMPLATES = TEMPLATES / "print"
FONTS_DIR = Path(__file__).resolve().parent.parent / "fonts"
KINDS = ("full", "summary")

_QUOTES = {"nb": ("«", "»"), "en": ("“", "”")}
_DOUBLE_QUOTED = re.compile(r'"([^"\n]+)"')
_OPENING_SINGLE = re.compile(r"(?<!\w)'(?=\w)")


def typographic(value: str, lang: str) -> str:
    """Straight quotes to typographic ones: «» in bokmål, “” in English, ‘’ and ’ for single ones.

    Double quotes are changed only in balanced pairs: with an odd count we cannot tell
    openers from closers. A single quote before a word opens (‘), any other closes or is an
    apostrophe (’), as in school’s.
    """
    if value.count('"') % 2 == 0:
        opening, closing = _QUOTES[lang]
        value = _DOUBLE_QUOTED.sub(lambda m: f"{opening}{m.group(1)}{closing}", value)
    return _OPENING_SINGLE.sub("‘", value).replace("'", "’")


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
    """Peak resident memory of the process while rendering this PDF (data and Python included)."""

    def __str__(self) -> str:
        return f"{self.path.name}: {self.pages} pages, {self.seconds:.2f} s, peak {self.peak_mb:.0f} MB"


class PrintView:
    """What a print template may ask for: texts in the report's language, labels, anchors."""

    def __init__(self, index: Index, pub: Publication, lang: str) -> None:
        self.index = index
        self.pub = pub
        self.lang = lang
        self.counts = counts
        self.urls = urls
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
        if text is None:
            return ""
        shown = resolve(text, self.lang)
        return typographic(shown.text, shown.lang)

    def ui(self, key: str) -> str:
        return ui(key, self.lang)

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

    # domain --------------------------------------------------------------------------------
    def findings(self) -> list[Finding]:
        return self.index.findings_of(self.pub)

    def findings_in(self, theme_id: str) -> list[Finding]:
        return [f for f in self.findings() if f.theme == theme_id]

    def justification(self, finding: Finding) -> str:
        return justification(finding, self.index, self.lang)

    def study_findings(self, study_id: str) -> list[Finding]:
        """The findings of this publication a study contributes to, by number."""
        return sorted(
            (f for f in self.findings() if study_id in f.studies),
            key=lambda f: f.number,
        )

    def study_rows(self, study_id: str) -> list[str]:
        """The matrix rows (assessments) of this publication that assess a study's intervention."""
        rows = {r for m in self.pub.matrices for r in self.index.matrix(m).rows}
        return [a for a in self.index.assessments_by_study.get(study_id, []) if a in rows]

    def result_texts(self, study: Study) -> list[Text]:
        """Result sentences not already said by the study's results summary (sources repeat them)."""
        summary = self.plain(study.results_summary)
        seen: set[str] = set()
        texts = []
        for result in study.results:
            said = self.plain(result.text)
            if said not in seen and said not in summary:
                seen.add(said)
                texts.append(result.text)
        return texts

    def badge(self, confidence: str) -> Markup:
        """Confidence as symbol and words: colour and symbols never carry the meaning alone."""
        term = self.index.term("confidence", confidence)
        return symbol_and_words(f"badge conf-{term.id}", term.symbol, self.label("confidence", confidence), "sym")

    def has_cerqual(self) -> bool:
        return sections.has_cerqual(self.index, self.pub)

    def has_section(self, name: str) -> bool:
        """Whether the publication has a section (sections.py decides, for the site and the print alike)."""
        return sections.has(self.index, self.pub, name)

    def section_title(self, name: str) -> str:
        return self.ui(sections.SECTIONS[name].title(self.index, self.pub))

    def chapters(self) -> list[Chapter]:
        """The full report's chapters, in reading order: the contents and the chapter includes loop over them."""
        return sections.report_chapters(self.index, self.pub)

    def chapter_title(self, chapter: Chapter) -> str:
        """A chapter's title, in the contents, its heading and the PDF outline alike."""
        return self.plain(chapter.heading) if chapter.heading is not None else self.ui(chapter.title_key or "")

    def printed_from(self, template: str, caller: Callable[[], str]) -> Markup:
        """What a `{% call %}` block prints, after an HTML comment naming the template it comes from
        and the data files it read: one hop from the print HTML to what to edit."""
        with self.index.recording() as reads:
            # Every part prints from its publication's file: the templates hold it as `pub`, read once.
            self.index.publication(self.pub.id)
            printed = caller()
        lines = provenance(f"{PRINT_TEMPLATES.relative_to(TEMPLATES).as_posix()}/{template}", self.index.source_files(reads))
        # Escaped: a file name cannot end the comment (-->) or open markup.
        return Markup("<!--\n{}\n-->\n").format("\n".join(lines)) + Markup(printed)

    def codes(self, theme_id: str, group: str | None = None) -> str:
        """A theme's code count, or a dash where the source gives none (never a made-up 0)."""
        n = counts.theme_codes(self.index, theme_id, group)
        return "–" if n is None else self.num(n)

    def finding_badge(self, finding: Finding) -> Markup:
        term = self.index.term("finding-type", finding.finding_type)
        badge = symbol_and_words(f"badge type-{term.id}", term.symbol, self.label("finding-type", term.id, "short"), "sym")
        if finding.direction:
            badge += Markup(" ") + self.direction_badge(finding.direction)
        return badge

    def direction_badge(self, direction: str) -> Markup:
        term = self.index.term("effect-direction", direction)
        return symbol_and_words(f"badge dir-{term.id}", term.symbol, self.label("effect-direction", term.id, "short"), "sym")

    def reading_label(self, reading: str) -> str:
        return reading_label(reading, self.lang)

    def prisma_rows(self, prisma: Prisma) -> list[tuple[str, int]]:
        return prisma_rows(prisma, self.lang)

    def evidence_badge(self, status: str) -> Markup:
        term = self.index.term("evidence-status", status)
        return symbol_and_words(f"badge ev-{term.id}", term.symbol, self.label("evidence-status", term.id), "sym")

    def countries(self, study: Study) -> str:
        return ", ".join(self.label("country", c) for c in study.all_countries)

    def criterion_label(self, key: str) -> str:
        terms = self.index.vocabularies.get("appraisal-criterion", {})
        return self.label("appraisal-criterion", key) if key in terms else key

    def chart(self, chart: Chart) -> Markup:
        return chart_svg(self.pub.id, chart, self.lang)

    def cell(self, value: str) -> Markup:
        term = self.index.term("matrix-value", value)
        return symbol_and_words(f"cell val-{term.id}", term.symbol, self.label("matrix-value", value), "sym")

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
            return (
                urls.anchor("row", entity_id),
                f"{self.ui('matrix')}: {index.study(index.assessment(entity_id).study).citation}",
            )
        if kind == "matrix":
            return urls.anchor("matrix", entity_id), self.plain(index.matrix(entity_id).title)
        if kind == "characteristic":
            return urls.anchor("characteristic", entity_id), self.plain(index.characteristic(entity_id).name)
        if kind == "theme":
            section = "theme-section" if sections.has(index, self.pub, "themes") else "theme"
            return urls.anchor(section, entity_id), self.plain(index.theme(entity_id).name)
        if kind == "implication":
            implication = index.implication(entity_id)
            return urls.anchor(
                "implication", entity_id
            ), f"{self.label('implication-type', implication.implication_type)} {implication.number}"
        if kind == "intervention":
            return urls.anchor("intervention", entity_id), self.plain(index.intervention(entity_id).name)
        if kind == "case":
            return urls.anchor("case", entity_id), self.plain(index.case(entity_id).title)
        return None  # the publication itself: the whole report


def environment() -> Environment:
    return jinja_environment(PRINT_TEMPLATES)


def render_html(env: Environment, index: Index, pub: Publication, kind: str, lang: str) -> str:
    return env.get_template(f"{kind}.html.j2").render(p=PrintView(index, pub, lang), kind=kind)


def _reset_peak_rss() -> None:
    """Start a new peak-memory measurement (Linux: '5' resets VmHWM to the current RSS).

    Peak RSS is measured instead of tracemalloc: tracemalloc made WeasyPrint five times
    slower (1.0 s -> 5.9 s for a 14-page report), which would falsify the timings, and it
    misses what Pango and HarfBuzz allocate.
    """
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # elsewhere the figure is the process's peak so far


def _peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def render_pdf(env: Environment, index: Index, pub: Publication, kind: str, lang: str, target: Path) -> PdfResult:
    """Render one report to `target` (written whole, then renamed into place)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    _reset_peak_rss()
    started = time.perf_counter()
    html = render_html(env, index, pub, kind, lang)
    options: dict[str, Any] = {
        "pdf_variant": "pdf/ua-1",  # tagged PDF with /Lang and title (docs/decisions.md)
        # A fixed identifier instead of a random one: same data, same bytes.
        "pdf_identifier": f"{pub.id}/{pub.version}/{kind}/{lang}".encode(),
    }
    # base_url: print.css and, through it, the fonts are found relative to the templates.
    document = HTML(string=html, base_url=str(PRINT_TEMPLATES) + "/").render(font_config=FontConfiguration(), **options)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    document.write_pdf(partial, **options)
    partial.replace(target)
    return PdfResult(
        target,
        pub.id,
        kind,
        lang,
        len(document.pages),
        time.perf_counter() - started,
        _peak_rss_mb(),
    )


def build_pdfs(project: Project, index: Index, out_dir: Path, languages: Iterable[str] = LANGUAGES) -> list[PdfResult]:
    """Every report of every publication in every language, under each language's site root."""
    del project  # the layout of out_dir is all we need; kept for the build's calling convention
    readable_files(FONTS_DIR, FONTS_DIR.parent)  # embedded in every PDF: refuse a link out of the repository
    env = environment()
    results = []
    for pub in index.publications():
        for lang in languages:
            root = out_dir if lang == DEFAULT_LANGUAGE else out_dir / lang
            for kind in KINDS:
                target = root / urls.pdf_path(pub.id, kind, lang)
                results.append(render_pdf(env, index, pub, kind, lang, target))
    return results
