"""Terms explained where a page first names them: one render step over a page's text.

A page of the site is Markdown with raw HTML blocks (the generated pages) or Markdown with
citations expanded (the hand-written pages). `first_mentions` finds, for each glossary term, the
first place the page's body text names it, in the language of the text there (a Norwegian text
shown on an English page as a fallback, `lang="nb"`, is searched for Norwegian forms), and
`explain` wraps each one in the markup the page's view makes (`render.View.explained_term`: a
link to the term's entry on the glossary page, with its definition as a tooltip).

Body text is what is left when the page is read as a reader meets it; never searched:

- headings (`# ...`, a line underlined with `===` or `---`, a table's header row, an admonition's
  title, and `h1`-`h6`, `th`, `dt`, `summary`, `caption`, `figcaption`, `legend`);
- links and what already explains (`a`, `abbr`, `dfn`, Markdown links and references, web
  addresses), code (fenced, indented, `` `spans` ``, `code`, `pre`, `kbd`, `samp`), SVG, forms;
- tags and their attribute values, comments, attribute lists (`{ #id }`), the front matter;
- labels from a vocabulary (badges, matrix cells, tallies), the line of links under a heading
  (`kb-meta`), a fallback notice and the tooltips themselves (`SKIPPED_CLASSES`).

A form is matched whole, in any case, as the termbase declares it (`glossary.Glossary.names`):
inflections are the forms the term lists, never a part of a longer or hyphenated word. Numbered
parts of a document (`tabell`, `vedlegg`: `numbered` terms) are names, not concepts, and are not
explained. Pure: no index, no files; `render.py` gives it the page and the glossary.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from generator.model.glossary import Glossary

SKIPPED_ELEMENTS = frozenset(
    {
        *(f"h{n}" for n in range(1, 7)),
        *("th", "dt", "summary", "caption", "figcaption", "legend", "title"),
        *("a", "abbr", "dfn"),
        *("code", "pre", "kbd", "samp", "var", "script", "style", "template", "noscript"),
        *("svg", "math"),
        *("button", "label", "select", "option", "textarea"),
    }
)
"""Elements whose text is never searched: headings and labels, links and what explains already, code."""

SKIPPED_CLASSES = frozenset({"kb-badge", "kb-cell", "kb-tally", "kb-meta", "kb-fallback", "kb-term", "kb-term-tip", "headerlink"})
"""Elements of ours whose text is a label (a badge, a matrix cell, a vocabulary's labels with their
counts), a line of links or an explanation already."""

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)

CLOSED_BY = {
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "th": {"th", "td"},
    "td": {"th", "td"},
    "tr": {"tr", "th", "td"},
    "li": {"li"},
    "p": {"p"},
    "option": {"option"},
}
"""An element that ends the open one of these when it starts (HTML lets `</dt>`, `</td>` ... out)."""

_TAG = re.compile(
    r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9:-]*)"
    r"(?P<attrs>(?:\s+[^\s\"'>/=]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*(?P<self>/?)>"
)
_CLASS = re.compile(r"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_LANG = re.compile(r"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)

_SKIPPED_INLINE: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    (("<!--",), re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)),  # a comment
    (("<",), re.compile(r"<[A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*>")),  # an autolink
    (("`",), re.compile(r"(`+)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.DOTALL)),  # a code span, within a paragraph
    (
        ("[",),
        re.compile(  # a link or an image, inline or by reference, or a footnote
            r"!?\[(?:[^\[\]\n]|\n(?![ \t]*\n)|\[[^\[\]\n]*\])*\]"
            r"(?:\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)|\[[^\[\]\n]*\])?"
        ),
    ),
    (("http", "www."), re.compile(r"(?:https?://|www\.)[^\s<>\"']+")),  # a web address
    (("{",), re.compile(r"\{:?[ \t]*(?:[#.][\w-]|[\w-]+=)[^{}\n]*\}")),  # an attribute list
    (("\\",), re.compile(r"\\.", re.DOTALL)),  # an escaped character
)
"""Inline Markdown whose text is not body text: comments, links, code, addresses, attribute lists.
Apart, not one alternation: each begins with its own characters, which `re` looks for quickly. Each
with the strings one of which any match holds: a page without them is not searched (`in` finds a
string faster than `re` rules a pattern out: the code span's pattern took 0.29 s over the real
knowledge base's 519 pages of one language and found nothing, for want of a backtick)."""
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

_SKIPPED_LINES = re.compile(
    r"^ {0,3}(?:`{3,}|~{3,})"  # a fenced code block's opening fence (the block is found below)
    r"|^ {0,3}#{1,6}(?:[ \t][^\n]*)?$"  # an ATX heading
    r"|^ {0,3}(?:!!!|\?\?\?\+?)[^\n]*$"  # an admonition's title line
    r"|^ {0,3}\[[^\]\n]+\]:[^\n]*$",  # a link reference or footnote definition
    re.MULTILINE,
)
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\2[`~]*[ \t]*$|\Z)", re.MULTILINE | re.DOTALL)
_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+|\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?)[ \t]*$", re.MULTILINE)
"""A setext heading's underline (`===`, `---`) or a Markdown table's delimiter row (`|---|---|`):
the line above it is a heading or a header row."""
_FRONT_MATTER = re.compile(r"\A---\n.*?^---[ \t]*$", re.MULTILINE | re.DOTALL)
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_LIST_ITEM = re.compile(r" {0,3}(?:[-*+]|\d+[.)])[ \t]")
_ADMONITION = re.compile(r" {0,3}(?:!!!|\?\?\?\+?)")


@dataclass(frozen=True)
class Mention:
    """The first place a page's body text names a term."""

    term_id: str
    start: int
    end: int
    written: str
    """As the page writes it ("Kontaktlæreren", "contact teachers")."""


def _indented_code(markdown: str) -> list[tuple[int, int]]:
    """Lines of an indented code block: indented four spaces after a blank line, outside a list item
    or an admonition (whose bodies are indented too)."""
    if not (markdown.startswith(("    ", "\t")) or "\n    " in markdown or "\n\t" in markdown):
        return []  # no line indented (what `^(?: {4}|\t)` asks, found as strings, 5x faster)
    spans: list[tuple[int, int]] = []
    offset, blank_before, in_code, nested = 0, True, False, False
    for line in markdown.split("\n"):
        end = offset + len(line)
        if not line.strip():
            blank_before = True
        elif line.startswith(("    ", "\t")):
            if in_code or (blank_before and not nested):
                in_code = True
                spans.append((offset, end))
            blank_before = False
        else:
            in_code = False
            nested = bool(_LIST_ITEM.match(line) or _ADMONITION.match(line)) or (nested and not blank_before)
            blank_before = False
        offset = end + 1
    return spans


class Spans:
    """Stretches of a page, asked whether a stretch overlaps or splits one of them (in log time)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [start for start, _ in ordered]
        self.ends = [end for _, end in ordered]
        self.reach = list(itertools.accumulate(self.ends, max))
        """The furthest end of any stretch starting at or before each one."""

    def overlap(self, start: int, end: int) -> bool:
        """Whether any stretch overlaps [start, end)."""
        before = bisect.bisect_left(self.starts, end)
        return before > 0 and self.reach[before - 1] > start

    def split(self, start: int, end: int) -> bool:
        """Whether [start, end) begins or ends strictly inside a stretch."""
        return any(self._inside(position) for position in (start, end))

    def _inside(self, position: int) -> bool:
        before = bisect.bisect_left(self.starts, position)
        return before > 0 and self.reach[before - 1] > position


def skipped_spans(markdown: str) -> Spans:
    """Every stretch of the page that is not body text as Markdown sees it (tags are found apart)."""
    spans: list[tuple[int, int]] = []
    front = _FRONT_MATTER.match(markdown)
    if front:
        spans.append(front.span())
    if "```" in markdown or "~~~" in markdown:
        spans += [m.span() for m in _FENCE.finditer(markdown)]
    spans += [m.span() for m in _SKIPPED_LINES.finditer(markdown)]
    for underline in _UNDERLINE.finditer(markdown):
        above_end = underline.start() - 1
        above_start = markdown.rfind("\n", 0, max(above_end, 0)) + 1
        if above_end > above_start and markdown[above_start:above_end].strip():
            spans.append((above_start, above_end))
    for needles, pattern in _SKIPPED_INLINE:
        if any(needle in markdown for needle in needles):
            spans += [m.span() for m in pattern.finditer(markdown)]
    if "@" in markdown:
        spans += [m.span() for m in _EMAIL.finditer(markdown)]
    spans += _indented_code(markdown)
    return Spans(spans)


@dataclass(frozen=True)
class _Tag:
    """What a tag does to the elements open after it, read once per distinct tag text (a page
    repeats the same few tags hundreds of times: a badge, a link's span, a list item)."""

    close: bool
    name: str
    opens: bool
    """Whether it opens an element (not a closing, void or self-closing tag)."""
    skipped: bool
    lang: str | None


def _read_tag(tag: re.Match[str]) -> _Tag:
    name = tag.group("name").lower()
    if tag.group("close"):
        return _Tag(True, name, False, False, None)
    attrs = tag.group("attrs")
    found = _CLASS.search(attrs) if "class" in attrs.lower() else None
    classes = set(next(g for g in found.groups() if g is not None).split()) if found else set()
    lang = _LANG.search(attrs) if "lang" in attrs.lower() else None
    return _Tag(
        False,
        name,
        not (name in VOID_ELEMENTS or tag.group("self")),
        name in SKIPPED_ELEMENTS or bool(classes & SKIPPED_CLASSES),
        next(g for g in lang.groups() if g is not None).split("-")[0].lower() if lang else None,
    )


class _Elements:
    """The HTML elements open at a place of the page, walked forward tag by tag."""

    def __init__(self, markdown: str, lang: str) -> None:
        self.tags = _TAG.finditer(markdown)
        self.page_lang = lang
        self.open: list[_Tag] = []
        self.skipped_open = 0
        """How many of the open elements are skipped (text inside any one of them is not searched)."""
        self.named: dict[str, int] = {}
        """How many elements of each name are open (a closing tag without one is ignored)."""
        self.read: dict[str, _Tag] = {}
        self.next = next(self.tags, None)
        self.last: tuple[int, int] = (0, 0)
        """The span of the last tag walked."""

    def at(self, position: int) -> tuple[bool, str]:
        """(whether the text at `position` is inside a skipped element, its language)."""
        while self.next is not None and self.next.start() < position:
            self._step(self.next)
            self.next = next(self.tags, None)
        lang = next((element.lang for element in reversed(self.open) if element.lang), self.page_lang)
        return self.skipped_open > 0, lang

    def inside_tag(self, start: int, end: int) -> bool:
        """Whether the stretch overlaps a tag walked so far or the next one."""
        upcoming = [self.next.span()] if self.next is not None else []
        return any(s < end and start < e for s, e in [self.last, *upcoming])

    def _step(self, match: re.Match[str]) -> None:
        self.last = match.span()
        text = match.group(0)
        tag = self.read.get(text)
        if tag is None:
            tag = self.read[text] = _read_tag(match)
        name, open_ = tag.name, self.open
        if tag.close:
            if self.named.get(name):
                while self._pop().name != name:
                    pass
            return
        closed_by = CLOSED_BY.get(name)
        while closed_by and open_ and open_[-1].name in closed_by:
            self._pop()
        if tag.opens:
            open_.append(tag)
            self.skipped_open += tag.skipped
            self.named[name] = self.named.get(name, 0) + 1

    def _pop(self) -> _Tag:
        popped = self.open.pop()
        self.skipped_open -= popped.skipped
        self.named[popped.name] -= 1
        return popped


def _candidates(markdown: str, glossary: Glossary, languages: list[str]) -> Iterator[tuple[str, str, re.Match[str]]]:
    """(language, term id, match) of every place the page may name a term, in order."""
    found = [(match.start(), lang, term_id, match) for lang in languages for term_id, match in glossary.names(markdown, lang)]
    for _, lang, term_id, match in sorted(found, key=lambda item: item[0]):
        yield lang, term_id, match


def first_mentions(markdown: str, glossary: Glossary, lang: str) -> list[Mention]:
    """The first place the page's body text names each term, in order (`lang`: the page's language)."""
    other_languages = [other for other in ("nb", "en") if other != lang and f'lang="{other}' in markdown]
    candidates = _candidates(markdown, glossary, [lang, *other_languages])
    first = next(candidates, None)
    if first is None:
        return []
    skipped = skipped_spans(markdown)
    entities = Spans([m.span() for m in _ENTITY.finditer(markdown)])
    elements = _Elements(markdown, lang)
    done = {term_id for term_id, term in glossary.terms.items() if term.numbered}
    mentions: list[Mention] = []
    for text_lang, term_id, match in itertools.chain([first], candidates):
        start, end = match.span()
        if term_id in done or _PARAGRAPH_BREAK.search(match.group(0)):
            continue
        if skipped.overlap(start, end) or entities.split(start, end):
            continue
        inside, here = elements.at(start)
        if inside or here != text_lang or elements.inside_tag(start, end):
            continue
        done.add(term_id)
        mentions.append(Mention(term_id, start, end, match.group(0)))
    return mentions


def explain(markdown: str, mentions: list[Mention], markup: Callable[[Mention], str]) -> str:
    """The page with each mention replaced by its markup."""
    parts, at = [], 0
    for mention in mentions:
        parts += [markdown[at : mention.start], markup(mention)]
        at = mention.end
    return "".join(parts) + markdown[at:]


_MARKDOWN_SPECIAL = {ord(c): f"&#{ord(c)};" for c in "\\`*_[]{}|#"}
"""What Markdown reads inside a paragraph: escapes, code, emphasis, links, attribute lists, table cells."""
_HTML_SPECIAL = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&#34;", ord("'"): "&#39;"}


def literal(text: str) -> str:
    """Text that reads as itself in an HTML attribute or element and in a Markdown paragraph alike,
    on one line: HTML's special characters and Markdown's punctuation written as character
    references (a tooltip may land in a raw HTML block or in a paragraph of a hand-written page)."""
    return " ".join(text.split()).translate({**_MARKDOWN_SPECIAL, **_HTML_SPECIAL})
