"""The pipeline: load -> validate -> index -> plan -> render -> write -> MkDocs per language -> swap.

Everything is read and checked before anything is written. The site is built into a
temporary folder and swapped into place at the end, so a failed build leaves the last
good `site/` exactly as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markupsafe import escape

from generator.model.collect import LOADING_GC_THRESHOLD, fewer_collections, left_out_of_collections
from generator.model.errors import DataError, Location, Report
from generator.model.i18n import LANGUAGE_LABEL, LUNR_LANGUAGE, resolve, ui, ui_problems
from generator.model.index import Index, build_index
from generator.model.settings import DEFAULT_LANGUAGE, LANGUAGES, Project
from generator.model.siteconfig import SITE_FILE, SiteConfig, load_site_config
from generator.model.sources import compose_yaml, is_ignored_name, readable_file, readable_files, walk
from generator.model.validate import load_data
from generator.pipeline import mkdocs_run, pagefind_run
from generator.pipeline.modelcache import ModelCache
from generator.pipeline.pagecache import PageCache
from generator.pipeline.stylesheet import Trimmed, trim_theme_stylesheet
from generator.pipeline.write import StagingWriter
from generator.present import citing, opendata, sections, urls
from generator.present.citations import check_content, expand
from generator.present.pagespec import PageSpec
from generator.present.references import ReferenceCache, csl_json, list_records, ris, study_records
from generator.print import pdf
from generator.web import feed
from generator.web.pages import glossary_pages, plan
from generator.web.render import View, environment, render_page, yaml_path

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@dataclass
class Timings:
    stages: dict[str, float] = field(default_factory=dict)
    pdfs: list[Any] = field(default_factory=list)
    """What each PDF cost (pdf.PdfResult): pages, seconds, peak memory."""
    pdf_wall: float = 0.0
    """From the first report started to the last finished, beside the site's stages."""
    pdf_processes: int = 0
    started: float = field(default_factory=time.perf_counter)

    @property
    def wall(self) -> float:
        """The whole build so far, as a clock on the wall sees it."""
        return time.perf_counter() - self.started

    @property
    def pdf_speedup(self) -> float:
        """The reports' time added up (rendered ones and those taken from the cache), over the time
        they took side by side."""
        return sum(r.seconds for r in self.pdfs) / self.pdf_wall if self.pdf_wall else 0.0

    @property
    def pdf_reused(self) -> int:
        """How many reports were taken from the cache of rendered reports, unchanged."""
        return sum(1 for r in self.pdfs if r.reused)

    pages: PageCache | None = None
    """How many pages the generate stage rendered and how many it kept from the page cache."""
    stylesheet: Trimmed | None = None
    """The theme's style sheet before and after it was trimmed to what the pages use."""
    notices: list[str] = field(default_factory=list)
    """What the build left out and why (no public address, no repository): said once, by the command."""

    def record(self, name: str, started: float) -> float:
        now = time.perf_counter()
        self.stages[name] = self.stages.get(name, 0.0) + now - started
        return now


def check(project: Project, strict: bool = False, cached: bool = False) -> tuple[Index | None, Report]:
    """Load, validate and index all data. Returns the index only when nothing blocks a build.

    `cached`: files whose bytes are those of the last cached load are not parsed again
    (`modelcache.py`), and this load is kept for the next; what is reported is the same."""
    report = Report()
    # The generator's own UI strings (generator/model/ui.yaml) are checked like data: located, same pass.
    report.extend(ui_problems())
    # A link out of the project in a folder that is published is a located error like a data
    # problem, found before anything reads through it, and reported in the same pass.
    check_links(project, report)
    # The site's address, repository and publisher: one file, checked in the same pass.
    site = load_site_config(project.root, report)
    check_mkdocs_config(project, report)
    models = ModelCache.open(project.build_dir) if cached else None
    with fewer_collections(LOADING_GC_THRESHOLD):
        data = load_data(project.data_dir, project.root, report, models.loader() if models is not None else None)
        index = build_index(data, report)
    if models is not None:
        models.save()
    index.site = site
    # Hand-written pages cite data; a citation of an unknown id is a located error too, reported
    # in the same pass as the data's own problems.
    check_content(project.content_dir, project.root, index, report)
    return (None if report.failed(strict) else index), report


def published_folders(project: Project) -> list[tuple[Path, Path]]:
    """Besides data/ (which the loader walks itself): each folder whose files reach the site or the
    PDFs, with the root its symbolic links must stay inside.

    content/ is copied into the site, MkDocs renders and copies overrides/ (the theme's custom_dir),
    and the PDFs embed the fonts the print stylesheet names: the generator's own fonts/ (in this
    repository, the project's fonts/)."""
    fonts_dir = pdf.FONTS_DIR  # read when called: a test points it at a folder of its own
    folders = [(project.content_dir, project.root), (project.overrides_dir, project.root), (project.fonts_dir, project.root)]
    if fonts_dir.resolve() != project.fonts_dir.resolve():
        folders.append((fonts_dir, fonts_dir.parent))
    return folders


def check_links(project: Project, report: Report) -> None:
    """Report every link in a published folder that leaves the project (or is broken, loops, or
    is no file): see `sources.walk`."""
    for folder, root in published_folders(project):
        walk(folder, root, report)
    # mkdocs.yml is read by every build, and by MkDocs itself: it must not lead out either.
    if os.path.lexists(project.mkdocs_config):
        readable_file(project.mkdocs_config, project.root, report)


MOVED_TO_SITE_CONFIG = {"site_url": "url", "repo_url": "repository"}
"""mkdocs.yml keys whose value the site configuration holds (site.yaml): the build sets them per language."""


def check_mkdocs_config(project: Project, report: Report) -> None:
    """mkdocs.yml does not set what site.yaml holds: a second address there would never be used."""
    path = project.mkdocs_config
    if not path.is_file() or path.is_symlink():
        return
    try:
        node = compose_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return  # MkDocs itself reports a broken mkdocs.yml
    for key, _value in node.value if isinstance(node, yaml.MappingNode) else []:
        if key.value in MOVED_TO_SITE_CONFIG:
            where = Location(path.name, key.start_mark.line + 1, key.start_mark.column + 1)
            report.add(
                where, key.value, f"the site's configuration holds this: set '{MOVED_TO_SITE_CONFIG[key.value]}' in {SITE_FILE}"
            )


def load_or_fail(project: Project, strict: bool = False, cached: bool = False) -> Index:
    index, report = check(project, strict, cached)
    if index is None:
        raise DataError(report)
    return index


SIDE_BY_SIDE_FROM = 200
"""Pages a language from which the languages are generated side by side by default. Below it a fork
costs about what it saves: the test fixture's 64 pages a language took 0.52 s in one process and
0.49 s side by side, the real knowledge base's 517 took 6.75 s and 3.67 s (2 cores, warm; a
script timing `generate(..., processes=1 or 2)`)."""


def generate(
    project: Project,
    index: Index,
    languages: tuple[str, ...] = LANGUAGES,
    pdfs: bool = True,
    cache: PageCache | None = None,
    processes: int | None = None,
) -> dict[str, list[str]]:
    """Render every page into the staging folders; returns the changed files per language.

    `pdfs`: whether the PDF reports are built with these pages. Without them, pages link to none
    (a site never links to a file it does not have, and a PDF from an earlier build may be stale).
    `cache`: the page cache of a full build (`pagecache.py`): a page whose reads all hash as they
    did when it was staged keeps its staged file; the cache is written back at the end.
    `processes`: at most this many languages at once, each in a forked process of its own (by
    default one per core, from SIDE_BY_SIDE_FROM pages a language): the languages share nothing
    but the loaded index, which the fork shares.
    """
    with left_out_of_collections():
        env = environment(project.compiled_templates_dir)
        pages = plan(index)
        search_folders(index, pages)  # read again by the MkDocs overrides of each language
        index.references = index.references or ReferenceCache(project.build_dir / "cache" / "references.json")
        if processes is None:
            processes = pdf.default_processes() if len(pages) >= SIDE_BY_SIDE_FROM else 1
        side_by_side = min(processes, len(languages))
        if side_by_side > 1 and "fork" in multiprocessing.get_all_start_methods():
            changed = _generate_side_by_side(project, index, env, pages, languages, pdfs, cache)
        else:
            changed = {lang: _generate_language(project, index, env, pages, lang, pdfs, cache) for lang in languages}
        index.references.save()
        if cache is not None:
            cache.save()
    return changed


def _generate_language(
    project: Project, index: Index, env: Any, pages: list[PageSpec], lang: str, pdfs: bool, cache: PageCache | None
) -> list[str]:
    writer = StagingWriter(project.staging_docs(lang))
    hand_written = hand_written_docs(project, lang)
    if cache is not None:
        cache.start(lang, writer.root, hand_written, pdfs)
    for page in pages:
        if cache is None:
            writer.write(page.doc, render_page(env, index, lang, page, pdfs, hand_written))
        elif cache.keep(page):
            writer.keep(page.doc)
        else:
            with index.recording() as reads:
                writer.write(page.doc, render_page(env, index, lang, page, pdfs, hand_written))
            cache.record(page, reads)
    write_exports(index, writer, lang, public_url(index), cache.entity_json if cache is not None else None)
    write_citations(index, lang, pages, writer)
    copy_content(project, lang, writer, index)
    writer.remove_stale()
    return writer.changed


def _generate_side_by_side(
    project: Project,
    index: Index,
    env: Any,
    pages: list[PageSpec],
    languages: tuple[str, ...],
    pdfs: bool,
    cache: PageCache | None,
) -> dict[str, list[str]]:
    """Each language in a forked process; what each did comes back through a pipe: its changed
    files, its part of the page cache and the references it formatted. Every process is waited
    for before the first failure is raised, so none writes on after the build has stopped."""
    assert index.references is not None
    context = multiprocessing.get_context("fork")
    known = frozenset(index.references.entries)
    running = []
    for lang in languages:
        receive, send = context.Pipe(duplex=False)
        process = context.Process(
            target=_language_process, args=(send, project, index, env, pages, lang, pdfs, cache, known), daemon=True
        )
        process.start()
        send.close()
        running.append((lang, process, receive))
    changed: dict[str, list[str]] = {}
    failures: list[BaseException] = []
    for lang, process, receive in running:
        try:
            outcome = receive.recv()
        except EOFError:
            outcome = ("failed", RuntimeError(f"generating the {lang} pages: its process ended without a result"))
        process.join()
        if outcome[0] == "failed":
            failures.append(outcome[1])
            continue
        _, changed[lang], part, formatted = outcome
        index.references.take(formatted)
        if cache is not None:
            cache.merge(lang, part)
    if failures:
        raise failures[0]
    return {lang: changed[lang] for lang in languages}


def _language_process(
    send: Any,
    project: Project,
    index: Index,
    env: Any,
    pages: list[PageSpec],
    lang: str,
    pdfs: bool,
    cache: PageCache | None,
    known: frozenset[str],
) -> None:
    try:
        since = cache.counts() if cache is not None else (0, 0, 0)
        changed = _generate_language(project, index, env, pages, lang, pdfs, cache)
        assert index.references is not None
        formatted = index.references.added_since(known)
        part = cache.language_part(lang, since) if cache is not None else None
        send.send(("ok", changed, part, formatted))
    except BaseException as error:  # sent whole when it can be, else as the text of its traceback
        try:
            send.send(("failed", error))
        except Exception:
            send.send(("failed", RuntimeError(f"generating the {lang} pages:\n{traceback.format_exc()}")))
    finally:
        send.close()


def public_url(index: Index) -> str | None:
    """The site's public address, ending in '/', where the site configuration has one (site.yaml's
    `url`, or KB_SITE_URL): for the feed's absolute links."""
    return index.site.base_url


def write_exports(
    index: Index, writer: StagingWriter, lang: str, site_url: str | None = None, entity: opendata.EntityJson | None = None
) -> None:
    """RIS and CSL-JSON of every publication's studies and of its reference list, for reference
    managers (their notes in the site's language), and the open data (`entity`: how an entity's
    JSON in the knowledge base is made, `opendata.files`)."""
    for pub in index.publications():
        records = study_records(pub, index, lang)
        writer.write(urls.references_path(pub.id, "ris"), ris(records))
        writer.write(urls.references_path(pub.id, "json"), csl_json(records))
        if pub.references:
            entries = list_records(pub, index)
            writer.write(urls.reference_list_path(pub.id, "ris"), ris(entries))
            writer.write(urls.reference_list_path(pub.id, "json"), csl_json(entries))
    # Open data: the tables as CSV, the knowledge base as JSON, the data package (opendata.py).
    for path, content in index.once("opendata", lambda: opendata.files(index, entity)).items():  # the same in each language
        writer.write(path, content)
    # What changed, to follow: the Atom feed of the language (web/feed.py).
    writer.write(urls.FEED, feed.atom(index, lang, site_url))


def write_citations(index: Index, lang: str, pages: list[PageSpec], writer: StagingWriter) -> None:
    """BibTeX and RIS of every page that says how to cite it (a publication, a finding, a topic),
    in the page's language, where its "Cite this" block links them."""
    for page in pages:
        cited = citing.cited_entity(page)
        if cited is None:
            continue
        citation = citing.citation(index, *cited, lang)
        writer.write(urls.citation_path(*cited, "bib"), citing.bibtex(citation))
        writer.write(urls.citation_path(*cited, "ris"), citing.ris(citation))


def copy_content(project: Project, lang: str, writer: StagingWriter, index: Index) -> None:
    """Hand-written pages (content/<lang>/), their data citations expanded, and shared assets (content/assets/).

    Files are listed by `readable_files`: a link out of the project refuses the copy (DataError),
    even when this is called without `check`. Hidden files and editor leftovers are not published."""
    for folder, prefix in ((project.content_dir / lang, ""), (project.content_dir / "assets", "assets/")):
        for path in readable_files(folder, project.root):
            relative_path = path.relative_to(folder)
            if any(is_ignored_name(part) for part in relative_path.parts):
                continue
            rel = prefix + relative_path.as_posix()
            content = path.read_bytes()
            if path.suffix == ".md" and not prefix:
                view = View(index, lang, PageSpec(rel, ""))
                content = view.explain_terms(expand(content.decode("utf-8"), view)).encode("utf-8")
            if path.suffix == ".md" and not content.startswith(b"---"):
                source = path.relative_to(project.root).as_posix()
                content = f"---\nedit_source: {yaml_path(source)}\n---\n\n".encode() + content
            writer.write(rel, content)


def content_pages(project: Project, lang: str) -> list[tuple[str, str]]:
    """(title, doc) of hand-written pages, for the sidebar: the first '# ' heading is the title."""
    folder = project.content_dir / lang
    pages = []
    for path in readable_files(folder, project.root):
        if path.parent != folder or path.suffix != ".md" or is_ignored_name(path.name):
            continue
        title = path.stem
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                title = line[2:].strip()
                break
        pages.append((title, path.name))
    return pages


def hand_written_docs(project: Project, lang: str) -> frozenset[str]:
    """The hand-written pages of a language that a generated page may link (the About page)."""
    return frozenset(doc for _, doc in content_pages(project, lang))


NAV_PUBLICATIONS = 5


def navigation(project: Project, index: Index, lang: str) -> list[Any]:
    """The sidebar: section pages only. Entity pages stay out of it (docs/decisions.md: nav cost is quadratic)."""
    hand_written = content_pages(project, lang)
    # The About page comes right after the home page, which links it too; other hand-written pages last.
    about = [{title: doc} for title, doc in hand_written if doc == urls.ABOUT]
    nav: list[Any] = [
        {ui("home", lang): urls.HOME},
        *about,
        {ui("overview", lang): urls.OVERVIEW},
        {ui("topics", lang): urls.TOPICS_INDEX},
        {ui("practice", lang): urls.AUDIENCES_INDEX},
        {ui("publications", lang): urls.PUBLICATIONS_INDEX},
    ]
    # A section per publication reads well for a few; beyond that only the index page lists them,
    # because every sidebar entry is rendered into every page (docs/decisions.md: quadratic).
    publications = index.publications()
    for pub in publications if len(publications) <= NAV_PUBLICATIONS else []:
        # The same pages the plan has for the publication's sections, so the two cannot disagree.
        entries = [{ui(page.nav_key, lang): page.doc} for page in sections.site_pages(index, pub) if page.nav_key]
        # The theme prints nav titles raw: data in them must be escaped here.
        nav.append({str(escape(resolve(pub.short_title, lang).text)): entries})
    nav.append({ui("all_studies", lang): urls.STUDIES_INDEX})
    nav += [{ui(page.nav_key, lang): page.doc} for page in glossary_pages(index) if page.nav_key]
    nav += [{title: doc} for title, doc in hand_written if doc != urls.ABOUT]
    return nav


def search_folders(index: Index, pages: list[PageSpec] | None = None) -> list[str]:
    """The top-level folders whose pages are indexed in a search bundle of their own (pagefind_run.py):
    none below its threshold of pages a language. The same in every language (they share the plan).
    `pages`: the index's plan, where the caller has it (at 10,000 studies a plan is 0.1 s)."""
    planned = pages if pages is not None else plan(index)
    return index.once("search-folders", lambda: pagefind_run.own_bundle_folders([page.doc for page in planned]))


def mkdocs_overrides(project: Project, index: Index, lang: str) -> dict[str, Any]:
    """What differs per language from the single top-level mkdocs.yml."""
    raw = yaml.safe_load(project.mkdocs_config.read_text(encoding="utf-8"))
    theme = {**raw.get("theme", {}), "language": lang}
    if project.overrides_dir.is_dir():
        readable_files(project.overrides_dir, project.root)  # MkDocs reads and copies them: no link out
        theme["custom_dir"] = str(project.overrides_dir)
    site = index.site
    roots = language_roots(site)
    # Links are relative so the site works under any base path; the switcher appends page.url.
    to_site_root = "" if lang == DEFAULT_LANGUAGE else "../" * len(lang.split("/"))
    alternate = [
        {
            "name": LANGUAGE_LABEL[other],
            "lang": other,
            "link": "" if other == lang else to_site_root + ("" if other == DEFAULT_LANGUAGE else f"{other}/"),
        }
        for other in LANGUAGES
    ]
    extra = {
        **raw.get("extra", {}),
        "kb_alternate": alternate,
        "kb_lang": lang,
        "kb_default_lang": DEFAULT_LANGUAGE,
        # A list, not a mapping: the templates iterate it without `.items()`, which Zensical's
        # template engine lacks (overrides/ is written for both engines: tests/test_overrides.py).
        "kb_roots": [{"code": code, "root": root} for code, root in (roots or {}).items()],
        "kb_default_root": roots[DEFAULT_LANGUAGE] if roots else "",
        "kb_edit_base": site.edit_base or "",
        "kb_pdf_full_title": ui("pdf_full", lang),
        "kb_pdf_summary_title": ui("pdf_summary", lang),
        "kb_pdf_summary_label": ui("pdf_summary_label", lang),
        "kb_feed_title": ui("feed_title", lang),
        "kb_search_placeholder": ui("search_placeholder", lang),
        # The search bundles merged with the main one (a large site's index is built in parts).
        "kb_search_bundles": pagefind_run.indexed_in_bundles(search_folders(index)),
        "kb_search_label": ui("search_label", lang),
    }
    overrides: dict[str, Any] = {
        "docs_dir": str(project.staging_docs(lang)),
        # No address, no site_url: MkDocs then writes no canonical link (and the sitemap is removed).
        "site_url": roots[lang] if roots else None,
        "repo_url": site.repository_url,
        "edit_uri": "",
        "site_name": ui("site_name", lang),
        "site_description": ui("site_description", lang),
        "theme": theme,
        "extra": extra,
        "nav": navigation(project, index, lang),
    }
    plugins = search_plugin_languages(raw.get("plugins") or [], lang)
    if plugins is not None:
        overrides["plugins"] = plugins
    return overrides


def language_roots(site: SiteConfig) -> dict[str, str] | None:
    """The public address of each language's site root, or None without a site address."""
    base_url = site.base_url
    if base_url is None:
        return None
    return {code: base_url if code == DEFAULT_LANGUAGE else f"{base_url}{code}/" for code in LANGUAGES}


def search_plugin_languages(plugins: list[Any], lang: str) -> list[Any] | None:
    """If someone turns the theme's search back on, give it the language lunr knows.

    We use Pagefind (docs/decisions.md: lunr cannot stem Norwegian behind Material's wildcard), but a
    search plugin configured by hand must still get "no" for bokmål, never the boolean false.
    """
    names = [p if isinstance(p, str) else next(iter(p)) for p in plugins]
    if "search" not in names and "material/search" not in names:
        return None
    result: list[Any] = []
    for plugin, name in zip(plugins, names, strict=True):
        if name in ("search", "material/search"):
            options = dict(plugin[name] or {}) if isinstance(plugin, dict) else {}
            options["lang"] = [LUNR_LANGUAGE[lang]]
            result.append({name: options})
        else:
            result.append(plugin)
    return result


def mkdocs_config(project: Project, index: Index, lang: str, site_dir: Path, strict: bool = True) -> Any:
    from mkdocs.config import load_config

    return load_config(
        config_file=str(project.mkdocs_config),
        site_dir=str(site_dir),
        strict=strict,
        **mkdocs_overrides(project, index, lang),
    )


def build_mkdocs(project: Project, index: Index, lang: str, site_dir: Path) -> list[str]:
    """One MkDocs build for one language, strict, in this process. Returns the warnings MkDocs logged."""
    return mkdocs_run.build_with(project.mkdocs_config, site_dir, mkdocs_overrides(project, index, lang))


def build_languages(project: Project, index: Index, sites: dict[str, Path]) -> dict[str, list[str]]:
    """MkDocs for each language into its folder of `sites`, side by side, each in a fresh process of
    its own (mkdocs_run.py says why); the warnings each logged. A build that fails raises, with
    what its process said."""
    with tempfile.TemporaryDirectory(prefix="kb-mkdocs-", dir=project.build_dir) as folder:
        started = {}
        for lang, site_dir in sites.items():
            request = Path(folder) / f"{lang}.json"
            result = Path(folder) / f"{lang}-warnings.json"
            plain = {"config_file": str(project.mkdocs_config), "site_dir": str(site_dir), "result": str(result)}
            request.write_text(json.dumps({**plain, "overrides": mkdocs_overrides(project, index, lang)}), encoding="utf-8")
            command = [sys.executable, "-m", "generator.pipeline.mkdocs_run", str(request)]
            log = (Path(folder) / f"{lang}.log").open("wb")
            started[lang] = (subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT), log, result)
        for process, log, _ in started.values():  # every one ended before any failure is raised:
            process.wait()  # none left running into a folder that is being removed
            log.close()
        warnings = {}
        for lang, (process, log, result) in started.items():
            told = json.loads(result.read_text(encoding="utf-8")) if result.exists() else None
            if told is None or told["error"] is not None or process.returncode != 0:
                said = Path(log.name).read_text(encoding="utf-8", errors="replace")[-4000:]
                why = "\n".join([*(told["warnings"] + [told["error"]] if told else []), said]).strip()
                raise RuntimeError(f"MkDocs ({lang}) failed (exit code {process.returncode}):\n{why}")
            warnings[lang] = told["warnings"]
        return warnings


def reproducible_epoch(index: Index) -> str:
    """The build date MkDocs stamps into sitemaps, taken from the data, not the clock, so two
    builds of the same commit are byte-identical (MkDocs honours SOURCE_DATE_EPOCH)."""
    dates = [pub.date for pub in index.publications()] or [dt.date(2025, 1, 1)]
    moment = dt.datetime.combine(max(dates), dt.time(), tzinfo=dt.UTC)
    return str(int(moment.timestamp()))


def build_site(project: Project, strict: bool = False, with_pdf: bool = True) -> Timings:
    """Full build into a temporary folder, then an atomic swap into site/."""
    timings = Timings()
    started = time.perf_counter()
    index = load_or_fail(project, strict, cached=True)
    os.environ.setdefault("SOURCE_DATE_EPOCH", reproducible_epoch(index))
    started = timings.record("load+validate+index", started)
    staging_site = project.build_dir / "site-new"
    if staging_site.exists():
        shutil.rmtree(staging_site)
    # The PDFs render in processes of their own from here on, while this one generates and builds
    # the site: the pages, MkDocs and Pagefind keep one core busy, the reports every core. The
    # formatted-citation cache is loaded first, so the reports' colophons find it too.
    index.references = index.references or ReferenceCache(project.build_dir / "cache" / "references.json")
    with contextlib.ExitStack() as stack:
        reports = (
            stack.enter_context(
                pdf.PdfRun(index, staging_site, cache=pdf.cache_dir(project), compiled=project.compiled_templates_dir)
            )
            if with_pdf
            else None
        )
        cache = PageCache.open(project.build_dir, index)
        generate(project, index, pdfs=with_pdf, cache=cache)
        timings.pages = cache
        started = timings.record("render+write", started)
        sites = {lang: project.build_dir / f"mkdocs-{lang}" for lang in LANGUAGES}
        for lang, warnings in build_languages(project, index, sites).items():
            if warnings:
                raise RuntimeError(f"MkDocs ({lang}) warned: " + "; ".join(warnings))
        started = timings.record(f"mkdocs ({SIDE_BY_SIDE})", started)
        if index.site.base_url is None:
            for lang_site in sites.values():
                remove_sitemap(lang_site)
        pagefind_run.run_pagefind(sites, {lang: search_folders(index) for lang in sites})
        started = timings.record(f"pagefind ({SIDE_BY_SIDE})", started)
        for lang, lang_site in sites.items():
            target = staging_site if lang == DEFAULT_LANGUAGE else staging_site / lang
            shutil.copytree(lang_site, target, dirs_exist_ok=True)
        timings.stylesheet = trim_theme_stylesheet(staging_site)
        started = timings.record("theme css", started)
        if reports is not None:
            timings.pdfs = reports.results()
            timings.pdf_wall = reports.wall_seconds
            timings.pdf_processes = reports.processes
            started = timings.record("pdf (after the site)", started)
    swap_into_place(staging_site, project.site_dir)
    timings.record("swap", started)
    timings.notices = index.site.missing()
    return timings


SIDE_BY_SIDE = "+".join(LANGUAGES)
"""How the build's table names a stage run for every language at once: `mkdocs (nb+en)`."""

SITEMAP_FILES = ("sitemap.xml", "sitemap.xml.gz")


def remove_sitemap(lang_site: Path) -> None:
    """A sitemap lists absolute addresses: without the site's address MkDocs would write paths
    (`<loc>/findings/x/</loc>`), which no search engine reads. None is better than a wrong one."""
    for name in SITEMAP_FILES:
        (lang_site / name).unlink(missing_ok=True)


def swap_into_place(new: Path, final: Path) -> None:
    """Replace `final` with `new` in two renames, so readers never see a half-written site."""
    old = final.with_name(final.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    new.rename(final)
    if old.exists():
        shutil.rmtree(old)
