"""Incremental regeneration for the live preview: reparse only changed files, re-render only
the pages that read what changed, rewrite only files whose bytes changed.

A page's dependencies are recorded while it renders (`Index.reads`): every entity,
vocabulary and id list its template touched, and how the findings of a topic rank
(`related.RANKED`: a finding page lists the first of them without reading the rest). A
changed file marks its entity and every entity it refers to (before and after the edit) as
changed, because back-links (a study's list of findings) live on the other side of a
reference, and the rankings its edit changes (`related.ranked_changes`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.model import related
from generator.model.collect import LOADING_GC_THRESHOLD, fewer_collections, one_full_collection_after
from generator.model.errors import Problem, Report
from generator.model.i18n import ui_problems
from generator.model.index import Index, Walks, build_index
from generator.model.models import Strict
from generator.model.settings import LANGUAGES, Project
from generator.model.siteconfig import load_site_config
from generator.model.sources import SourceFile, data_files
from generator.model.validate import id_of, load_data
from generator.pipeline.build import (
    check_links,
    check_mkdocs_config,
    copy_content,
    hand_written_docs,
    public_url,
    search_folders,
    write_citations,
    write_exports,
)
from generator.pipeline.write import StagingWriter
from generator.present import urls
from generator.present.citations import check_content
from generator.present.pagespec import PageSpec
from generator.present.references import ReferenceCache
from generator.web.pages import plan
from generator.web.render import environment, render_page

Key = tuple[str, str]
PagesWritten = Callable[[str, int, bool], None]
"""Told (language, page files changed, whether more pages of the language follow) by a refresh."""


@dataclass
class _Cached:
    stamp: tuple[int, int]
    source: SourceFile | None
    model: Strict | None
    problems: list[Problem]


@dataclass
class RefreshResult:
    ok: bool
    report: Report
    rendered: int = 0
    written: list[str] = field(default_factory=list)
    seconds: float = 0.0
    pages_seconds: float = 0.0
    """From the start until every changed page of every language was written (the downloads follow)."""


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, BaseModel):
        return (
            set().union(*(_strings(getattr(value, n)) for n in type(value).model_fields)) if type(value).model_fields else set()
        )
    if isinstance(value, dict):
        return set().union(*(_strings(k) | _strings(v) for k, v in value.items())) if value else set()
    if isinstance(value, (list, tuple)):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


def edited_first(pages: list[PageSpec], edited: set[str]) -> list[list[PageSpec]]:
    """`pages` in two batches: those made from an edited file (`PageSpec.source`), then the rest;
    one batch when either would be empty."""
    own = [page for page in pages if page.source in edited]
    if not own or len(own) == len(pages):
        return [pages]
    return [own, [page for page in pages if page.source not in edited]]


class IncrementalBuilder:
    def __init__(self, project: Project, on_change: Callable[[str, str], None] | None = None) -> None:
        self.project = project
        self.on_change = on_change
        """Told (language, staging path) of every file a refresh writes anew or removes, as it does."""
        self.env = environment(project.compiled_templates_dir)
        self.cache: dict[Path, _Cached] = {}
        self.deps: dict[tuple[str, str], set[Key]] = {}
        self.index: Index | None = None
        self.walks = Walks()
        """Indexing's walks over the models, reused for the files that did not change."""
        self.references = ReferenceCache(project.build_dir / "cache" / "references.json")
        self.layout: tuple[frozenset[str], tuple[tuple[str, int, int], ...]] | None = None
        """The planned docs and the content files at the last refresh: when neither changed,
        no file can have gone stale, and the staging folders need not be walked."""
        self.hand_written: dict[str, frozenset[str]] = {}
        """Per language, the hand-written pages at the last refresh (`build.hand_written_docs`)."""
        self.pending: list[tuple[str, Strict | None, Strict | None]] = []
        """Files read since the last refresh that got as far as writing: a refresh that stops at
        bad data must not forget the good edits it read, or their pages would stay stale after the fix."""
        self.pending_sources: set[str] = set()
        """The data files (as pages name their source) read anew since then: their pages go first."""
        self.listing: dict[str, list[Path]] | None = None
        """The data files the last refresh listed (`sources.data_files`), per folder of data/."""
        self.listing_report = Report()
        """What that listing reported (a file with a name the loader does not read, a link out)."""

    def _loader(
        self, touched: list[tuple[str, Strict | None, Strict | None]], listed: set[Path], changed: set[Path] | None
    ) -> Any:
        """The loader of one refresh: a file whose timestamp and size are those of the last
        refresh is not read again, nor looked at when the caller named the files that `changed`;
        `listed` is told every file the loader is given."""
        from generator.model.validate import load_and_validate

        def load(kind: str, path: Path, root: Path, report: Report) -> tuple[SourceFile | None, Strict | None]:
            listed.add(path)
            if changed is not None and path not in changed and (cached := self.cache.get(path)) is not None:
                for problem in cached.problems:
                    report.add(problem.location, problem.field_path, problem.message, problem.severity)
                return cached.source, cached.model
            try:
                stat = path.stat()
            except OSError:  # gone since the folder was listed (an editor's save): the loader says so
                stat = None
            stamp = (stat.st_mtime_ns, stat.st_size) if stat else (-1, -1)
            cached = self.cache.get(path)
            if cached is not None and cached.stamp == stamp:
                for problem in cached.problems:
                    report.add(problem.location, problem.field_path, problem.message, problem.severity)
                return cached.source, cached.model
            own = Report()
            source, model = load_and_validate(kind, path, root, own)
            report.extend(own)
            touched.append((kind, cached.model if cached else None, model))
            if source is not None:
                self.pending_sources.add(source.display_path)
            self.cache[path] = _Cached(stamp, source, model, own.problems)
            return source, model

        return load

    def refresh(
        self, pages_written: PagesWritten | None = None, first: str | None = None, changed_files: Iterable[str] | None = None
    ) -> RefreshResult:
        """Bring the staging docs up to date with the data, language `first` first. `pages_written`,
        if given, is called once the changed pages of a language are written, with the language,
        how many of its page files changed and False, before the next language's pages and the
        downloads: the preview waits there, for the language it serves, until MkDocs has built
        those pages, so that nothing else holds the interpreter while it builds them.

        In language `first` the pages of the files edited since the last refresh (a finding's own
        page, when its file was saved) are written before its other pages, and `pages_written` is
        called after them too, with True (more pages of the language follow): the editor's page is
        built and on the screen while the pages that list the finding are still being made.

        `changed_files`: the paths (any file of the project) that changed since the last refresh,
        as the caller saw them (the preview's watcher); None when it cannot say. When every one
        under data/ is a plain file the last refresh listed, data/ is not listed again and the
        other files are not looked at (at 10,000 studies, 18,500 files: a quarter of a second).

        The collector's pass over everything waits until the end (`collect.one_full_collection_after`)."""
        started = time.perf_counter()
        with one_full_collection_after():
            result = self._refresh(pages_written, first, started, self._data_changes(changed_files))
        result.seconds = time.perf_counter() - started  # the collection included
        return result

    def _data_changes(self, changed_files: Iterable[str] | None) -> set[Path] | None:
        """The data files among `changed_files`, when each is a plain file the last refresh listed
        (an edit); None when data/ must be listed and looked at again (a file came, went, or is
        or became a link, which the listing judges; no list given)."""
        if changed_files is None or self.listing is None:
            return None
        prefix = str(self.project.data_dir) + os.sep
        changed = {Path(path) for path in changed_files if path.startswith(prefix)}
        known = {path for paths in self.listing.values() for path in paths}
        if all(path in known and not path.is_symlink() and path.is_file() for path in changed):
            return changed
        return None

    def _listing(self, report: Report) -> dict[str, list[Path]]:
        """The last refresh's listing of data/, and what it reported, again."""
        assert self.listing is not None
        report.extend(self.listing_report)
        return self.listing

    def _list_anew(self, report: Report) -> dict[str, list[Path]]:
        own = Report()
        self.listing = data_files(self.project.data_dir, self.project.root, own)
        self.listing_report = own
        report.extend(own)
        return self.listing

    def _refresh(
        self, pages_written: PagesWritten | None, first: str | None, started: float, data_changes: set[Path] | None
    ) -> RefreshResult:
        report = Report()
        touched = self.pending
        listed: set[Path] = set()
        loader = self._loader(touched, listed, data_changes)
        listing = self._listing if data_changes is not None else self._list_anew
        with fewer_collections(LOADING_GC_THRESHOLD):
            data = load_data(self.project.data_dir, self.project.root, report, loader, listing)
        check_links(self.project, report)  # content/ is copied below: a link out of the project stops the refresh
        report.extend(ui_problems())  # as in `check`: pages are rendered with these strings
        site = load_site_config(self.project.root, report)  # as in `check`: read on every refresh
        check_mkdocs_config(self.project, report)
        for gone in self.cache.keys() - listed:  # deleted, or no longer a data file (renamed to x.txt)
            cached = self.cache.pop(gone)
            touched.append(("", cached.model, None))  # the model knows its own kind
        with fewer_collections(LOADING_GC_THRESHOLD):
            index = build_index(data, report, self.walks)
        self.walks.keep_only(data)
        index.site = site
        # Hand-written pages are expanded below: a citation that does not parse or resolve is a
        # located problem here, as in `check`, never an exception halfway through writing.
        check_content(self.project.content_dir, self.project.root, index, report)
        if report.failed():
            return RefreshResult(False, report)
        changed = self._changed_keys(touched, index)
        index.references = self.references
        self.index = index
        result = RefreshResult(True, report)
        pages = plan(index)
        search_folders(index, pages)  # read again by the preview's MkDocs overrides once the refresh is done
        layout = (frozenset(p.doc for p in pages), self._content_files())
        same_layout = layout == self.layout
        languages = sorted(LANGUAGES, key=lambda lang: lang != first)
        writers = {lang: StagingWriter(self.project.staging_docs(lang), self._told(lang)) for lang in languages}
        # The pages first, language by language, then the downloads: the preview's MkDocs sees a
        # changed page as soon as it is written, and at 10,000 studies the downloads (the open
        # data of the whole knowledge base above all) take longer than the index and the pages.
        for lang, writer in writers.items():
            hand_written = hand_written_docs(self.project, lang)
            # The home page links the About page when there is one: a page added or removed in
            # content/ is no data read, so the home page is re-rendered when the list changes.
            listed_anew = hand_written != self.hand_written.get(lang)
            self.hand_written[lang] = hand_written
            stale: list[PageSpec] = []
            for page in pages:
                deps = self.deps.get((lang, page.doc))
                if deps is not None and not (deps & changed) and not (listed_anew and page.doc == urls.HOME):
                    writer.keep(page.doc)  # unchanged: the file on disk stays as it is
                else:
                    stale.append(page)
            batches = [stale]
            if lang == first and pages_written is not None and len(stale) < len(pages):  # not the first refresh
                batches = edited_first(stale, self.pending_sources)
            for number, batch in enumerate(batches, 1):
                written_before = len(writer.changed)
                for page in batch:
                    with index.recording() as reads:
                        text = render_page(self.env, index, lang, page, hand_written=hand_written)
                    self.deps[(lang, page.doc)] = reads
                    result.rendered += 1
                    writer.write(page.doc, text)
                if pages_written is not None:
                    pages_written(lang, len(writer.changed) - written_before, number < len(batches))
        result.pages_seconds = time.perf_counter() - started
        for lang, writer in writers.items():
            # The downloads (references, open data, the feed) read every kind: written on every
            # update, and the writer rewrites only the files whose content changed.
            write_exports(index, writer, lang, public_url(index))
            # Every page's BibTeX and RIS: cheap (no citeproc), and only changed files are rewritten.
            write_citations(index, lang, pages, writer)
            # Hand-written pages cite the data (counts, finding links): re-expanded on every
            # update; the writer rewrites only the pages whose text changed.
            copy_content(self.project, lang, writer, index)
            if not same_layout:
                writer.remove_stale()
            result.written += [f"{lang}/{doc}" for doc in writer.changed]
        self.layout = layout
        self.references.save()
        planned = {(lang, p.doc) for lang in LANGUAGES for p in pages}
        self.deps = {k: v for k, v in self.deps.items() if k in planned}
        self.pending, self.pending_sources = [], set()
        return result

    def _told(self, lang: str) -> Callable[[str], None] | None:
        on_change = self.on_change
        return None if on_change is None else lambda doc: on_change(lang, doc)

    def _content_files(self) -> tuple[tuple[str, int, int], ...]:
        folder = self.project.content_dir
        if not folder.is_dir():
            return ()
        found = []
        for path in folder.rglob("*"):
            try:
                stat = path.stat()
            except OSError:  # removed while listed; the next refresh sees the folder as it is
                continue
            if path.is_file():
                found.append((path.as_posix(), stat.st_mtime_ns, stat.st_size))
        return tuple(sorted(found))

    @staticmethod
    def _changed_keys(touched: list[tuple[str, Strict | None, Strict | None]], index: Index) -> set[Key]:
        changed: set[Key] = set()
        ids_by_kind = {kind: set(ents) for kind, ents in index.data.entities.items()}
        for kind, old, new in touched:
            for model in (old, new):
                if model is not None:
                    changed.add((getattr(model, "kind", kind), id_of(model)))
            if (old is None) != (new is None):
                changed.add(("all", getattr(old or new, "kind", kind)))
            # An entity this one starts or stops referring to has new back-links (a study's list of
            # findings, a topic's members): its pages change. References that stay the same do not
            # change them; pages showing the edited entity itself depend on it directly.
            # How the findings of a topic rank (a finding page lists the first of them, unread).
            changed |= related.ranked_changes(index, getattr(old or new, "kind", kind), old, new)
            old_strings = _strings(old) if old is not None else set()
            new_strings = _strings(new) if new is not None else set()
            referenced = old_strings ^ new_strings
            for other_kind, ids in ids_by_kind.items():
                changed.update((other_kind, s) for s in referenced & ids)
        return changed
