"""Print stage: PDF reports per publication and language, rendered by WeasyPrint.

The PDFs come from the same validated models as the site, through our own print templates
(templates/print/), not through an MkDocs PDF plugin (those render one language per build and
are poorly maintained). Two kinds per publication and language: the full report and a summary of a
few pages (key messages and the findings with their confidence) for a school leader.

Output is deterministic: the PDF dates come from the publication's `date` and the file
identifier from what is printed, so two builds of the same data are byte-identical.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from generator.model.index import Index
from generator.model.models import Publication, Study, Text
from generator.model.settings import DEFAULT_LANGUAGE, LANGUAGES, Project
from generator.model.sources import readable_files
from generator.present import citing, sections, urls
from generator.present.presenter import Medium, Presenter
from generator.present.sections import Chapter
from generator.print import chunked
from generator.print.pdfcache import PdfCache
from generator.print.print_contexts import PrintedReport
from generator.print.process import fewer_rendering_collections, peak_rss_mb, reset_peak_rss
from generator.web.render import TEMPLATES, jinja_environment, provenance

PRINT_TEMPLATES = TEMPLATES / "print"
FONTS_DIR = Path(__file__).resolve().parent.parent.parent / "fonts"
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


def in_quotation_marks(value: str, lang: str) -> str:
    """An informant's quotation enclosed in the language's quotation marks: «...» in bokmål, “...” in English."""
    opening, closing = _QUOTES[lang]
    return f"{opening}{value}{closing}"


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
    reused: bool = False
    """Taken from the cache of rendered reports (pdfcache.py): its inputs had not changed."""
    key: str = ""
    """Its cache key, when rendered with a cache."""
    chunks: int = 1
    """The parts it was laid out in (chunked.py): more than one for a large report."""
    settled: bool = True
    """False when a report in chunks printed page numbers that still moved after its last rendering."""

    def __str__(self) -> str:
        if self.reused:
            return f"{self.path.name}: {self.pages} pages, reused ({self.seconds:.2f} s)"
        parts = f" in {self.chunks} chunks" if self.chunks > 1 else ""
        said = f"{self.path.name}: {self.pages} pages{parts}, {self.seconds:.2f} s, peak {self.peak_mb:.0f} MB"
        if not self.settled:
            said += f"; WARNING: its page numbers still moved after {chunked.ROUNDS} renderings, some may be off by a page"
        return said


PRINT = Medium(
    badge_classes={
        "confidence": "badge conf",
        "finding-type": "badge type",
        "effect-direction": "badge dir",
        "evidence-status": "badge ev",
        "matrix-value": "cell val",
    },
    symbol_class="sym",
    fallback=Markup('<span lang="{lang}">{text}</span> <span class="fallback">({notice})</span>'),
    # A link in print says the page it leads to: "(see page N)" from print.css's a.xref.
    link=Markup('<a href="{href}">{label}</a> (<a class="xref" href="{href}"></a>)'),
    secondary=Markup('<span class="secondary">({text})</span>'),
    typeset=typographic,
    quotation=in_quotation_marks,
)
"""How the report marks up the presenter's words (print.css styles these classes)."""

ANCHOR_KINDS = {
    "finding": "finding",
    "study": "study",
    "assessment": "row",
    "matrix": "matrix",
    "characteristic": "characteristic",
    "implication": "implication",
    "intervention": "intervention",
    "case": "case",
    "quote": "quote",
}
"""Kind -> the anchor kind of the part of the report that prints an entity of it (a theme's depends on the report)."""


def entity_anchor(index: Index, pub: Publication, kind: str, entity_id: str) -> str | None:
    """Where the report of `pub` prints an entity, as a link to its anchor; None for the publication
    itself, which is the whole report."""
    if kind == "theme":
        # A report with a themes chapter prints each theme there; otherwise as a group of the findings table.
        return "#" + urls.anchor("theme-section" if sections.has(index, pub, "themes") else "theme", entity_id)
    if kind in ANCHOR_KINDS:
        return "#" + urls.anchor(ANCHOR_KINDS[kind], entity_id)
    return None


class PrintView(Presenter):
    """What a print template may ask for: the presenter's words for the report's language, with
    typographic quotes and page references; the parts' contexts (`report`); anchors, the chapters
    and where each part comes from."""

    def __init__(self, index: Index, pub: Publication, lang: str) -> None:
        super().__init__(index, lang, PRINT, functools.partial(entity_anchor, index, pub))
        self.pub = pub
        self.report = PrintedReport(index, pub, lang)

    def css_string(self, value: str) -> Markup:
        return css_string(value)

    def anchor(self, kind: str, entity_id: str) -> str:
        return urls.anchor(kind, entity_id)

    def full_report_file(self) -> str:
        """The file name of the full report in this language (the summary names it)."""
        return urls.pdf_path(self.pub.id, "full", self.lang).rsplit("/", 1)[-1]

    def citation(self) -> Markup:
        """How to cite the publication (the colophon): the citation its page gives, in APA, in this language."""
        cite = citing.citation(self.index, "publication", self.pub.id, self.lang)
        return citing.apa(cite, self.index.references)

    def site_address(self) -> str | None:
        """The public address of the publication's page in this language, when the site has one."""
        base = self.index.site.base_url
        return urls.public_page(base, urls.publication(self.pub.id), self.lang) if base else None

    def site_publisher(self) -> Text | None:
        """Who publishes the knowledge base (site.yaml), for the colophon."""
        return self.index.site.publisher

    def contact_address(self) -> str | None:
        """Where readers write (site.yaml's contact): the issue tracker, a page or a role mailbox."""
        return self.index.site.contact_url

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


def environment(compiled: Path | None = None) -> Environment:
    """The print's templates; `compiled`: where compiled templates are kept (`render.CompiledTemplates`)."""
    return jinja_environment(PRINT_TEMPLATES, compiled=compiled)


def render_html(env: Environment, index: Index, pub: Publication, kind: str, lang: str) -> str:
    return env.get_template(f"{kind}.html.j2").render(p=PrintView(index, pub, lang), kind=kind)


def page_style(env: Environment, index: Index, pub: Publication, lang: str) -> chunked.PageStyle:
    """The page numbers' CSS for a chunk of a report (chunked.py): the template the report's head includes."""
    view = PrintView(index, pub, lang)
    template = env.get_template("_pages.css.j2")
    return lambda first, total: template.render(p=view, first_page=first, total_pages=total)


def pdf_options(pub: Publication, kind: str, lang: str) -> dict[str, Any]:
    """What `render_pdf` passes to WeasyPrint's render and write_pdf (part of a report's cache key)."""
    return {
        "pdf_variant": "pdf/ua-1",  # tagged PDF with /Lang and title (docs/decisions.md)
        # A fixed identifier instead of a random one: same data, same bytes.
        "pdf_identifier": f"{pub.id}/{pub.version}/{kind}/{lang}".encode(),
    }


def render_pdf(env: Environment, index: Index, pub: Publication, kind: str, lang: str, target: Path) -> PdfResult:
    """Render one report to `target` (written whole, then renamed into place)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from generator.print import pagerefs, repagination

    repagination.install()  # one layout pass less for the "see page N" references, same bytes
    pagerefs.install()  # the page references made once per report, not once per tagged element
    reset_peak_rss()
    started = time.perf_counter()
    html = render_html(env, index, pub, kind, lang)
    options = pdf_options(pub, kind, lang)
    target.parent.mkdir(parents=True, exist_ok=True)
    # base_url: print.css and, through it, the fonts are found relative to the templates.
    base_url = str(PRINT_TEMPLATES) + "/"
    if len(html) >= chunked.CHUNKED_FROM_BYTES:
        report = chunked.render(html, base_url, page_style(env, index, pub, lang), options, target, default_processes())
        pages, peak, parts, settled = report.pages, max(report.peak_mb, peak_rss_mb()), report.chunks, report.settled
    else:
        partial = target.with_name(target.name + ".part")
        with fewer_rendering_collections():
            document = HTML(string=html, base_url=base_url).render(font_config=FontConfiguration(), **options)
            document.write_pdf(partial, **options)
        partial.replace(target)
        pages, peak, parts, settled = len(document.pages), peak_rss_mb(), 1, True
    seconds = time.perf_counter() - started
    return PdfResult(target, pub.id, kind, lang, pages, seconds, peak, chunks=parts, settled=settled)


@dataclass(frozen=True)
class ReportJob:
    """One report to render: which publication, which kind, which language, and where it goes."""

    publication: str
    kind: str
    lang: str
    target: Path


def report_jobs(index: Index, out_dir: Path, languages: Iterable[str] = LANGUAGES) -> list[ReportJob]:
    """Every report of every publication in every language, under each language's site root."""
    jobs: list[ReportJob] = []
    for pub in index.publications():
        for lang in languages:
            root = out_dir if lang == DEFAULT_LANGUAGE else out_dir / lang
            jobs.extend(ReportJob(pub.id, kind, lang, root / urls.pdf_path(pub.id, kind, lang)) for kind in KINDS)
    return jobs


def default_processes() -> int:
    """One rendering process per core this process may run on: WeasyPrint is single-threaded."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def produce_report(env: Environment, index: Index, job: ReportJob, cache: PdfCache | None) -> PdfResult:
    """One report at its target: taken from the cache when nothing it is made of has changed,
    else rendered (and kept in the cache). Its seconds include making its key."""
    pub = index.publication(job.publication)
    if cache is None:
        return render_pdf(env, index, pub, job.kind, job.lang, job.target)
    reset_peak_rss()
    started = time.perf_counter()
    key = cache.key(render_html(env, index, pub, job.kind, job.lang), pdf_options(pub, job.kind, job.lang))
    pages = cache.fetch(key, job.target)
    if pages is not None:
        seconds = time.perf_counter() - started
        return PdfResult(job.target, pub.id, job.kind, job.lang, pages, seconds, peak_rss_mb(), reused=True, key=key)
    result = render_pdf(env, index, pub, job.kind, job.lang, job.target)
    cache.store(key, job.target, result.pages)
    return replace(result, seconds=time.perf_counter() - started, key=key)


_worker_index: Index | None = None
"""The index in a rendering process: inherited from the build through fork, never pickled."""
_worker_cache: PdfCache | None = None
_worker_environment: Environment | None = None
"""The print's templates in a rendering process: one environment for all its reports, so that each
template is compiled (or read compiled) once per process, not once per report."""


def _start_worker(index: Index, cache: PdfCache | None, compiled: Path | None) -> None:
    global _worker_index, _worker_cache, _worker_environment
    _worker_index, _worker_cache, _worker_environment = index, cache, environment(compiled)


def _render_job(job: ReportJob) -> PdfResult:
    index, env = _worker_index, _worker_environment
    assert index is not None and env is not None, "a rendering process starts with the build's index"
    return produce_report(env, index, job, _worker_cache)


class PdfRun:
    """The reports rendered in worker processes while the build goes on (the site's MkDocs builds).

    Used as a context manager: leaving it early (a failed site build) cancels what has not
    started. The largest reports go first, so no process waits on one long report at the end;
    `results()` lists them in `report_jobs` order whatever order they finished in. With one
    process the reports are rendered here, in `results()`.

    Workers are forked: they share the loaded index with the build instead of loading or
    unpickling it again, and a fork of a process that has not started WeasyPrint is cheap.

    With a `cache` folder (the build's `build/pdf-cache`), a report whose inputs have not changed
    is copied from there instead of rendered (pdfcache.py), and a run that ends well drops the
    entries it did not use. With a `compiled` folder, the compiled templates are kept there.
    """

    def __init__(
        self,
        index: Index,
        out_dir: Path,
        languages: Iterable[str] = LANGUAGES,
        processes: int | None = None,
        cache: Path | None = None,
        compiled: Path | None = None,
    ) -> None:
        readable_files(FONTS_DIR, FONTS_DIR.parent)  # embedded in every PDF: refuse a link out of the repository
        self.index = index
        # The stylesheet's and the fonts' bytes are read here, once, before the workers fork.
        self.cache = PdfCache.open(cache, PRINT_TEMPLATES, FONTS_DIR) if cache is not None else None
        self.jobs = report_jobs(index, out_dir, languages)
        self.processes = max(1, min(processes or default_processes(), len(self.jobs)))
        self.started = time.perf_counter()
        self.finished = self.started
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[ReportJob, Future[PdfResult]] = {}
        self._compiled = compiled
        if self.processes > 1:
            self._pool = ProcessPoolExecutor(
                self.processes,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_start_worker,
                initargs=(index, self.cache, compiled),
            )
            for job in sorted(self.jobs, key=self._size, reverse=True):
                future = self._pool.submit(_render_job, job)
                future.add_done_callback(self._done)
                self._futures[job] = future

    def _size(self, job: ReportJob) -> tuple[bool, int]:
        """How long a report takes to render, roughly: full reports first, then by their findings."""
        return job.kind == "full", len(self.index.publication(job.publication).findings)

    def _done(self, _: Future[PdfResult]) -> None:
        self.finished = max(self.finished, time.perf_counter())

    def results(self) -> list[PdfResult]:
        """Wait for every report; the first that failed raises here, and the rest are cancelled."""
        if self._pool is None:
            env = environment(self._compiled)
            results = [produce_report(env, self.index, job, self.cache) for job in self.jobs]
            self.finished = time.perf_counter()
        else:
            try:
                results = [self._futures[job].result() for job in self.jobs]
            finally:
                self.close()
        if self.cache is not None:
            self.cache.keep_only(result.key for result in results)
        return results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> PdfRun:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def wall_seconds(self) -> float:
        """From the start to the last report finished."""
        return self.finished - self.started


def build_pdfs(
    project: Project,
    index: Index,
    out_dir: Path,
    languages: Iterable[str] = LANGUAGES,
    processes: int | None = None,
    cached: bool = False,
) -> list[PdfResult]:
    """Every report of every publication in every language, under each language's site root;
    `cached`: through the project's cache of rendered reports (`cache_dir`)."""
    with PdfRun(
        index, out_dir, languages, processes, cache_dir(project) if cached else None, project.compiled_templates_dir
    ) as run:
        return run.results()


def cache_dir(project: Project) -> Path:
    """Where the build keeps rendered reports by their inputs (pdfcache.py): in its build folder."""
    return project.build_dir / "pdf-cache"
