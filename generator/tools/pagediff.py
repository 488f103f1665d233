"""Which generated pages differ between two builds, and how: each distinct edit reported once. Pure.

A change to one value often shows on many pages: a publication's version is stamped on every page
of it, a finding's statement appears on its page, in the findings table and in every list that
holds it. Listing every page as a change would bury the one edit, so pages are compared by their
edits (the words that differ), and each edit is reported once with the pages it appears on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from generator.model.settings import LANGUAGES
from generator.present import urls
from generator.web.render import without_provenance


@dataclass(frozen=True, order=True)
class Page:
    lang: str
    doc: str
    """Path in the generated docs of its language, e.g. `findings/x.md` or `downloads/x.ris`."""

    @property
    def url(self) -> str:
        """Where the page is on the site."""
        if self.doc.endswith(".md"):
            return urls.site_url(self.doc, self.lang)
        return urls.site_url(urls.HOME, self.lang) + self.doc  # downloads and assets keep their file name


@dataclass(frozen=True)
class Edit:
    """Words that differ, normalised to single spaces; "" on the side where there were none."""

    before: str
    after: str


@dataclass
class PageChanges:
    added: list[Page] = field(default_factory=list)
    removed: list[Page] = field(default_factory=list)
    changed: list[Page] = field(default_factory=list)
    edits: list[tuple[Edit, list[Page]]] = field(default_factory=list)
    """Each distinct edit once, with the changed pages it appears on: the most widespread first."""

    @property
    def pages(self) -> list[Page]:
        return sorted(self.added + self.removed + self.changed)


def compare_docs(base_docs: Path, head_docs: Path) -> PageChanges:
    """Compare every generated file of every language (pages, downloads, assets)."""
    result = PageChanges()
    pages_of_edit: dict[Edit, list[Page]] = defaultdict(list)
    for lang in LANGUAGES:
        base, head = _files(base_docs / lang), _files(head_docs / lang)
        for doc in sorted(set(base) | set(head)):
            page = Page(lang, doc)
            if doc not in base:
                result.added.append(page)
            elif doc not in head:
                result.removed.append(page)
            elif base[doc] != head[doc]:
                result.changed.append(page)
                for edit in edits(base[doc], head[doc]):
                    pages_of_edit[edit].append(page)
    order = sorted(pages_of_edit.items(), key=lambda item: (-len(item[1]), item[1][0], item[0].before, item[0].after))
    result.edits = [(edit, pages) for edit, pages in order]
    return result


def _files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): _visible(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _visible(path: Path) -> bytes:
    """A page as readers get it: without the front matter that only says where it comes from
    (the template and data files behind it change with edits that show elsewhere on the page)."""
    content = path.read_bytes()
    if path.suffix != ".md":
        return content
    try:
        return without_provenance(content.decode("utf-8")).encode("utf-8")
    except UnicodeDecodeError:
        return content


_TOKEN = re.compile(r"<[^<>]*>|[^\s<]+|<|\s+")
"""An HTML tag, a word with its punctuation, or a run of white space: the units an edit is made of."""


def edits(before: bytes, after: bytes) -> set[Edit]:
    """The distinct edits that turn one file into the other."""
    try:
        old_text, new_text = before.decode("utf-8"), after.decode("utf-8")
    except UnicodeDecodeError:
        return {Edit(f"{len(before):,} bytes", f"{len(after):,} bytes")}
    old_lines, new_lines = old_text.splitlines(), new_text.splitlines()
    found: set[Edit] = set()
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines).get_opcodes():
        if tag != "equal":
            found.update(word_edits("\n".join(old_lines[i1:i2]), "\n".join(new_lines[j1:j2])))
    return found


def word_edits(before: str, after: str) -> list[Edit]:
    """The edits that turn one text into the other, in order."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    groups: list[list[int]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # Edits separated only by white space and punctuation are one edit ("15. juni 2025" -> "1. mars 2026").
        if groups and not any(char.isalnum() for token in old[groups[-1][1] : i1] for char in token):
            groups[-1][1], groups[-1][3] = i2, j2
        else:
            groups.append([i1, i2, j1, j2])
    return [_edit(old[i1:i2], new[j1:j2]) for i1, i2, j1, j2 in groups]


def _edit(before: list[str], after: list[str]) -> Edit:
    old, new = _words(before), _words(after)
    if old == new:  # only white space differs: show it
        return Edit(repr("".join(before)), repr("".join(after)))
    return Edit(old, new)


def _words(tokens: list[str]) -> str:
    return " ".join("".join(tokens).split())
