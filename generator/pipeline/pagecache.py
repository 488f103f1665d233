"""The page cache of a full build: a page whose reads all hash as they did keeps its staged file.

While a page renders, `Index.recording` records what it read (the same reads the live preview
uses, `incremental.py`). After a full generate the cache keeps, in `build/page-cache.pickle`, for
each staged page: the reads (interned keys), the page's own description (`PageSpec`) and the
stamp (mtime, size) of its staged file as written; for every key, the digest of what it read;
and for every entity, the `("refs", id)` keys of the ids its data names (below):

- an entity (or a vocabulary, `("vocabulary", name)`): its validated model (`model_dump_json`, not
  the file, so a comment-only edit changes nothing) and its file's path (the page names it);
- `("all", kind)`: the sorted ids of the kind;
- `("refs", id)`: which entities refer to the id (a string of their data that is the id, or
  'kind:id'). Added for the id of every entity a page read, for every id that entity refers to and
  for the page's parameters: a page reaches back-links (a study's findings, a topic's members, the
  notes about an entity, which publication an entity belongs to) through the index's maps, keyed
  by ids it got from what it read, and those maps are not recorded. This is one hop beyond the
  preview's rule (an entity's pages change when something starts or stops referring to it).
  These keys are kept once per entity, not in each page that read it: a finding page reads every
  publication, and a publication names thousands of ids (at 10,000 studies, 4,385 keys a finding
  page where it read 113 itself: the file was 232 MB);
- `(related.RANKED, topic)`: how the topic's findings rank, and the implications resting on them
  (`related.ranked_digest`): a finding page lists the first of its related findings without
  reading the others;
- `("all", "term")` for every page: every page is searched for the glossary's terms once there
  are any (`View.explain_terms`).

The knowledge base's JSON download (`opendata.knowledge_base`) is made entity by entity; the JSON
of each entity is kept by the entity's digest, with the code's digest, and taken again for an
entity whose digest is the same (`entity_json`): one edited finding makes one entity's JSON anew.

Everything global is one digest per language: the generator's code (its .py files, templates and
ui.yaml, and the versions of the libraries that format), the site configuration (site.yaml and
its environment), the hand-written pages a page may link, whether PDFs are linked, the language.
On the next full build a page is kept when the global digest is the same, its staged file has the
same stamp, its description is the same, none of its keys hashes differently and none of the
back-link keys of an entity it read does; every other page renders. A missing, unreadable or
foreign cache file renders everything.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.model import related
from generator.model.collect import LOADING_GC_THRESHOLD, fewer_collections
from generator.model.index import Index, Read
from generator.pipeline import fingerprint
from generator.present import opendata
from generator.present.pagespec import PageSpec

CACHE_FILE = "page-cache.pickle"
FORMAT = 3
"""Raised when what the file holds changes shape: an older file is then ignored."""

GENERATOR = Path(__file__).resolve().parent.parent
CODE_SUFFIXES = (".py", ".j2", ".yaml", ".yml", ".html", ".css", ".json")
LIBRARIES = ("jinja2", "markupsafe", "babel", "citeproc-py", "pydantic", "nh3", "pyyaml", "orjson")
"""The libraries whose version can change a page's bytes: templates, escaping, dates and numbers,
citations, the models' JSON, sanitising, YAML, the knowledge base's JSON."""

_JSON_STRING = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')
"""A string in JSON, its escapes as written; unrolled (runs of plain characters, then an escape):
the same matches as one alternation per character, in 0.28 s instead of 0.69 s over the models
of 10,000 studies."""


@cache
def code_digest() -> str:
    """The generator's own code and templates, and the libraries that format: a page rendered by
    other code is never kept."""
    digest = hashlib.blake2b(digest_size=16)
    fingerprint.add_files(digest, GENERATOR, CODE_SUFFIXES)
    fingerprint.add_versions(digest, LIBRARIES)
    return digest.hexdigest()


def global_digest(index: Index, lang: str, pdfs: bool, hand_written: frozenset[str]) -> str:
    """What every page of a language depends on besides the data it reads."""
    parts = [str(FORMAT), code_digest(), lang, str(pdfs), "\0".join(sorted(hand_written)), index.site.model_dump_json()]
    return hashlib.blake2b("\x01".join(parts).encode(), digest_size=16).hexdigest()


def spec_digest(page: PageSpec) -> bytes:
    return hashlib.blake2b(repr(page).encode(), digest_size=8).digest()


class Digests:
    """The digest of every key a page may read, from the index as it is: computed once per build."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.entities: dict[Read, bytes] = {}
        self.refers_to: dict[Read, tuple[str, ...]] = {}
        """The ids an entity's data names (its own id too): where its page's back-links come from."""
        referrers: dict[str, list[Read]] = defaultdict(list)
        every_id = {entity_id for entities in index.data.entities.values() for entity_id in entities}
        for kind, entities in index.data.entities.items():
            for entity_id, loaded in entities.items():
                key = (kind, entity_id)
                text = loaded.model.model_dump_json()
                digest = hashlib.blake2b(text.encode(), digest_size=16)
                digest.update(b"\0" + loaded.source.display_path.encode())
                self.entities[key] = digest.digest()
                strings = set(_JSON_STRING.findall(text))
                named = {entity_id} | (strings & every_id)
                named |= {s.split(":", 1)[1] for s in strings if ":" in s} & every_id
                self.refers_to[key] = tuple(named)
                for other in named:
                    referrers[other].append(key)
        self.referrers = referrers
        self._cache: dict[Read, bytes] = {}

    def digest(self, key: Read) -> bytes:
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self._digest(key)
        return found

    def _digest(self, key: Read) -> bytes:
        kind, name = key
        if kind == "all":
            ids = self.index.data.entities.get(name, {})
            return hashlib.blake2b("\0".join(sorted(ids)).encode(), digest_size=16).digest()
        if kind == related.RANKED:
            return related.ranked_digest(self.index, name)
        if kind == "refs":
            who = sorted(self.referrers.get(name, ()))
            return hashlib.blake2b("\0".join(f"{k}:{i}" for k, i in who).encode(), digest_size=16).digest()
        return self.entities.get(key, b"missing")

    def page_keys(self, reads: Iterable[Read], page: PageSpec) -> set[Read]:
        """What a page depends on, besides the back-links around each entity it read (`back_links`):
        what it read, the back-links around its parameters, and the glossary's list of terms."""
        keys: set[Read] = {("all", "term")}
        keys.update(("refs", value) for value in page.params.values())
        keys.update(reads)
        return keys

    def back_links(self, key: Read) -> Iterable[Read]:
        """The back-links a page that read the entity `key` depends on: who refers to each id its
        data names (its own id too). Nothing for a key that is not an entity."""
        return (("refs", other) for other in self.refers_to.get(key, ()))


@dataclass
class _Page:
    spec: bytes
    stamp: tuple[int, int]
    reads: array[int]


@dataclass(frozen=True)
class LanguagePart:
    """One language's pages, generated in a process of its own (build.generate, side by side)."""

    keys: list[Read]
    """That process's table of keys: each page's reads index into it."""
    pages: dict[str, _Page]
    global_digest: str
    rendered: int
    kept: int
    reason: str
    shared_keys: int
    """How many of `keys` the process had when it began: the table it shares with the process that
    forked it, whose own table only grows at the end."""
    rendered_docs: list[str]
    """The pages the process rendered: only their reads can index past `shared_keys`."""
    entity_json: dict[bytes, str]
    """The knowledge base's JSON of the entities the process made anew, by their digest."""


@dataclass
class PageCache:
    """One build's use of the cache: what the last build left (`load`), which pages this one keeps
    (`keep`), what the pages it rendered read (`record`), written back by `save`."""

    path: Path
    index: Index
    rendered: int = 0
    kept: int = 0
    reason: str = ""
    """Why nothing was kept, when nothing could be (no cache yet, unreadable, code changed)."""
    _old: dict[str, Any] = field(default_factory=dict)
    _stale: set[int] = field(default_factory=set)
    """The old table's keys that hash differently now, and the entities among them whose back-link
    keys do: a page that read any of them is rendered."""
    _digests: Digests | None = None
    _keys: dict[Read, int] = field(default_factory=dict)
    _pages: dict[str, dict[str, _Page]] = field(default_factory=dict)
    _globals: dict[str, str] = field(default_factory=dict)
    _lang: str = ""
    _root: Path = Path()
    _old_pages: dict[str, _Page] = field(default_factory=dict)
    _rendered_docs: dict[str, list[str]] = field(default_factory=dict)
    _json_before: dict[bytes, str] = field(default_factory=dict)
    _json_made: dict[bytes, str] = field(default_factory=dict)

    @classmethod
    def open(cls, build_dir: Path, index: Index) -> PageCache:
        cache = cls(build_dir / CACHE_FILE, index)
        # Reading the cache makes a few hundred thousand objects it keeps, beside the loaded index:
        # with the collector's default threshold a pass over everything fell in it (at 10,000
        # studies, unpickling the file 1.22 s and 0.64 s with it, 0.69 and 0.11 s with this one).
        with fewer_collections(LOADING_GC_THRESHOLD):
            cache._load()
        return cache

    @property
    def digests(self) -> Digests:
        if self._digests is None:
            self._digests = Digests(self.index)
        return self._digests

    def _load(self) -> None:
        try:
            with self.path.open("rb") as file:
                old = pickle.load(file)
            if not isinstance(old, dict) or old.get("format") != FORMAT:
                raise ValueError("another format")
            keys: list[Read] = old["keys"]
            digests: list[bytes] = old["digests"]
            back_links: dict[int, array[int]] = old["back_links"]
            if len(keys) != len(digests) or not all(isinstance(old[name], dict) for name in ("pages", "globals", "back_links")):
                raise ValueError("inconsistent")
        except FileNotFoundError:
            self.reason = "no page cache yet"
            return
        except Exception as exc:  # a cache that cannot be read renders everything, never a wrong page
            self.reason = f"page cache unreadable ({type(exc).__name__})"
            return
        self._old = old
        kept_json = old.get("entity_json")
        if isinstance(kept_json, tuple) and len(kept_json) == 2 and kept_json[0] == code_digest():
            self._json_before = kept_json[1]
        # This build's table starts as the last one's, so a kept page's reads stay as they are.
        self._keys = {key: i for i, key in enumerate(keys)}
        stale = {i for i, (key, digest) in enumerate(zip(keys, digests, strict=True)) if self.digests.digest(key) != digest}
        self._stale = stale | {entity for entity, links in back_links.items() if not stale.isdisjoint(links)}

    def summary(self) -> str:
        """For the stage table: '12 rendered, 4,310 kept (page cache)', with why nothing was kept."""
        why = f"; {self.reason}" if self.reason and not self.kept else ""
        return f"{self.rendered:,} rendered, {self.kept:,} kept (page cache{why})"

    def start(self, lang: str, root: Path, hand_written: frozenset[str], pdfs: bool) -> None:
        """Begin a language: its pages are kept only when everything global is as it was."""
        self._lang = lang
        self._root = root
        current = global_digest(self.index, lang, pdfs, hand_written)
        self._globals[lang] = current
        self._pages[lang] = {}
        old_global = self._old.get("globals", {}).get(lang)
        if old_global == current:
            self._old_pages = self._old["pages"].get(lang, {})
        else:
            self._old_pages = {}
            if self._old and not self.reason:
                self.reason = "the generator, its templates or the site's settings changed"

    def keep(self, page: PageSpec) -> bool:
        """Whether the staged file of the page is the page as it would render now."""
        entry = self._old_pages.get(page.doc)
        if entry is None or entry.spec != spec_digest(page) or not self._stale.isdisjoint(entry.reads):
            return False
        try:
            stat = (self._root / page.doc).stat()
        except OSError:
            return False
        if (stat.st_mtime_ns, stat.st_size) != entry.stamp:
            return False
        # Kept with its reads as they are: this build's table begins with the last one's keys, and
        # `save` writes today's digest of each (the same as before for every key a kept page read).
        self._pages[self._lang][page.doc] = entry
        self.kept += 1
        return True

    def record(self, page: PageSpec, reads: set[Read]) -> None:
        """A page just rendered and written: what it read, and its staged file's stamp."""
        self.rendered += 1
        try:
            stat = (self._root / page.doc).stat()
        except OSError:
            return
        keys = self.digests.page_keys(reads, page)
        self._pages[self._lang][page.doc] = _Page(spec_digest(page), (stat.st_mtime_ns, stat.st_size), self._intern(keys))
        self._rendered_docs.setdefault(self._lang, []).append(page.doc)

    def counts(self) -> tuple[int, int, int]:
        """Pages rendered, pages kept, and keys in the table so far."""
        return self.rendered, self.kept, len(self._keys)

    def language_part(self, lang: str, since: tuple[int, int, int]) -> LanguagePart:
        """What this process did for `lang` since `since` (its `counts()` then), for the process
        that forked it to `merge`: the pages with their reads as indexes into `keys`."""
        return LanguagePart(
            keys=list(self._keys),
            pages=self._pages[lang],
            global_digest=self._globals[lang],
            rendered=self.rendered - since[0],
            kept=self.kept - since[1],
            reason=self.reason,
            shared_keys=since[2],
            rendered_docs=self._rendered_docs.get(lang, []),
            entity_json=self._json_made,
        )

    def merge(self, lang: str, part: LanguagePart) -> None:
        """Take in a language done in another process (`language_part`), its keys interned here.

        A kept page's reads index into the table both processes share, the same keys at the same
        places here: only the pages the process rendered are translated. (At 10,000 studies every
        page translated was 56 million reads, 10 s of a warm generate under cProfile.)"""
        here = self._intern(part.keys)
        shared = part.shared_keys
        if here[:shared] != array("I", range(shared)):  # never expected: then every page is translated
            shared = 0
        rendered = set(part.rendered_docs)
        self._pages[lang] = {
            doc: page
            if shared and doc not in rendered
            else _Page(page.spec, page.stamp, array("I", (here[i] for i in page.reads)))
            for doc, page in part.pages.items()
        }
        self._globals[lang] = part.global_digest
        self._json_made.update(part.entity_json)
        self.rendered += part.rendered
        self.kept += part.kept
        self.reason = self.reason or part.reason

    def entity_json(self, kind: str, entity_id: str, model: BaseModel) -> str:
        """The knowledge base's JSON of an entity (`opendata.entity_json`), kept from the last build
        when the entity's digest (its model's JSON and its file's path) is the same and the code is.
        At 10,000 studies making all of them was the largest part of a warm generate's languages
        (1.7 of 9.5 s in each language's process, under cProfile); one edited finding makes one."""
        digest = self.digests.entities.get((kind, entity_id))
        if digest is None:
            return opendata.entity_json(model)
        made = self._json_kept(digest)
        if made is None:
            made = self._json_made[digest] = opendata.entity_json(model)
        return made

    def _json_kept(self, digest: bytes) -> str | None:
        """An entity's JSON by its digest, from the last build or made in this one."""
        return self._json_before.get(digest) or self._json_made.get(digest)

    @property
    def entity_json_made(self) -> int:
        """How many entities' JSON this build made anew (`entity_json`), in every process."""
        return len(self._json_made)

    def _entity_json_now(self) -> dict[bytes, str]:
        """The JSON of every entity there is now whose JSON was kept or made, by its digest."""
        kept = ((digest, self._json_kept(digest)) for digest in self.digests.entities.values())
        return {digest: made for digest, made in kept if made is not None}

    def _intern(self, keys: Iterable[Read]) -> array[int]:
        table = self._keys
        return array("I", (table.setdefault(key, len(table)) for key in keys))

    def save(self) -> None:
        """Write the cache: only the languages this build rendered (another's pages were not checked
        against today's digests), atomically."""
        back_links = {i: self._intern(self.digests.back_links(key)) for i, key in enumerate(list(self._keys))}
        keys = list(self._keys)  # with the back-link keys just interned
        state = {
            "format": FORMAT,
            "globals": self._globals,
            "keys": keys,
            "digests": [self.digests.digest(key) for key in keys],
            "pages": self._pages,
            "back_links": {i: links for i, links in back_links.items() if links},
            "entity_json": (code_digest(), self._entity_json_now()),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with tmp.open("wb") as file:
                pickle.dump(state, file, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
