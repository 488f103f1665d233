"""Hand-written pages cite the data instead of copying it.

In `content/<lang>/*.md` an editor writes

    [[finding:skole-hjem-2025-f16]]                      a link: "Finding 16 (…) ●●●● High confidence"
    [[study:levik-2023]]  [[publication:…]]  [[topic:…]]  [[intervention:…]]   links
    [[count:findings publication=skole-hjem-2025 confidence=high]]             a computed number

so prose cannot drift from the data: the number is counted at build time, and a reference
to an id that does not exist is a located error (`content/nb/om.md:12:5: ...`), not a
broken link. The syntax is deliberately not Jinja: content is text written by editors in
pull requests, and must not be able to run template code.

Anything that starts like a citation (`[[` and a letter) but does not parse is a located error
too, with the form meant: `[[Finding:x]]`, `[[ finding:x ]]`, `[[count]]`, an unclosed `[[finding:x]`.
Code spans, fenced code blocks and an escaped `\\[[` are literal; so is a Markdown link whose text
is in brackets (`[[1]](url)`).
"""

from __future__ import annotations

import bisect
import difflib
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from markupsafe import Markup, escape

from generator.model.errors import Location, Report, strange_characters
from generator.model.index import Index
from generator.model.settings import LANGUAGES
from generator.model.sources import walk

LINK_KINDS = ("finding", "study", "publication", "topic", "intervention")
KINDS = ("count", *LINK_KINDS)

CITATION = re.compile(r"\[\[(?P<kind>[a-z]+):(?P<target>[^\s\[\]]+)(?P<params>(?:\s+[^\s\[\]]+)*)\]\]")
"""A well-formed citation: `[[kind:target]]`, then `key=value` parameters separated by whitespace
(a line break included, so hard-wrapped prose may break a long count). No other spaces."""
PARAMETER = re.compile(r"[a-z]+=[^\s\[\]=]+")
ATTEMPT = re.compile(r"\[\[(?=[ \t]*(?:[^\W\d_]|:))")
"""Where an editor tried to write one: `[[` then (after spaces) a letter or a colon. `[[1]]`,
`[[ 1 ]]` and other brackets before a digit or a sign are ordinary text."""
FENCE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.S)
"""A Markdown code span: a run of backticks, the same run closing it, within one paragraph."""
BLANK_LINE = re.compile(r"\n[ \t]*\n")
SHAPES = (
    "[[finding:<id>]], [[study:<id>]] (likewise publication, topic, intervention) "
    "or [[count:<what> <filter>=<value>]]; to show '[[' as text, write '\\[['"
)
"""The forms, named in every message about a citation that does not parse."""


@dataclass(frozen=True)
class Citation:
    raw: str
    kind: str
    target: str
    params: tuple[tuple[str, str], ...]
    line: int
    column: int
    start: int
    end: int


@dataclass(frozen=True)
class Malformed:
    """Something that starts like a citation but does not parse; `message` gives the right form."""

    raw: str
    message: str
    line: int
    column: int


def scan(text: str) -> Iterator[Citation]:
    """Every well-formed citation outside code, with its 1-based line and column."""
    for token in tokens(text):
        if isinstance(token, Citation):
            yield token


def tokens(text: str) -> Iterator[Citation | Malformed]:
    """Every citation and every failed attempt at one, in order.

    Code is literal: a code span (`` `[[finding:x]]` ``) or a fenced block (``` or ~~~) shows
    its brackets as written, and so does an escaped `\\[[`. A Markdown link whose text starts
    with a bracket (`[[1]](url)`, `[[Ibsen]](url)`) is a link, not a citation."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    code = _code_ranges(text)
    position = 0
    while (match := ATTEMPT.search(text, position)) is not None:
        start = match.start()
        position = start + 1
        if _escaped(text, start) or _inside(code, start):
            continue
        line = _line_of(line_starts, start)
        column = start - line_starts[line - 1] + 1
        if (citation := CITATION.match(text, start)) is not None:
            position = citation.end()
            params = citation.group("params").split()
            if _parameter_problem(citation.group("kind"), params) is None:
                pairs = tuple(_parameter(p) for p in params)
                yield Citation(
                    citation.group(0), citation.group("kind"), citation.group("target"), pairs, line, column, *citation.span()
                )
            else:
                yield Malformed(_shorten(citation.group(0)), _diagnose(citation.group(0)[2:-2], True), line, column)
            continue
        end, closed = _attempt_end(text, start)
        raw = text[start:end]
        if (closed and text[end : end + 1] in ("(", "[")) or (not closed and ("](" in raw or "][" in raw)):
            position = end  # link text in brackets: Markdown's, not ours
            continue
        position = end
        body = raw[2:-2] if closed else raw[2:].rstrip().rstrip("]")
        yield Malformed(_shorten(raw), _diagnose(body, closed), line, column)


def _parameter(token: str) -> tuple[str, str]:
    key, _, value = token.partition("=")
    return key, value


def _parameter_problem(kind: str, params: list[str]) -> str | None:
    """Why the parameters of an otherwise well-formed citation do not parse, or None."""
    for token in params:
        if PARAMETER.fullmatch(token):
            continue
        key, sep, value = token.partition("=")
        if kind in LINK_KINDS:
            return f"a {kind} reference takes no parameters; write [[{kind}:<id>]]"
        if not sep:
            return f"filter '{token}' needs a value: write {token.lower()}=<value>, e.g. [[count:studies country=nor]]"
        if not value:
            return f"filter '{key}' needs a value after '=': write {key.lower()}=<value>"
        if not key:
            return f"'={value}' needs a filter name before '=': write <filter>={value}, e.g. country=nor"
        return f"filter '{token}' is not <filter>=<value> in lower case, e.g. country=nor"
    return None


def _attempt_end(text: str, start: int) -> tuple[int, bool]:
    """Just after the `]]` closing the attempt at `start`, or where it stops (a blank line, the next
    `[[`, the end of the line when nothing closes it), and whether it was closed."""
    blank = BLANK_LINE.search(text, start)
    following = text.find("[[", start + 2)
    limit = min(blank.start() if blank else len(text), following if following >= 0 else len(text))
    close = text.find("]]", start + 2, limit)
    if close >= 0:
        return close + 2, True
    line_end = text.find("\n", start, limit)
    return (limit if line_end < 0 else line_end), False


def _shorten(raw: str, most: int = 60) -> str:
    return raw if len(raw) <= most else raw[: most - 1] + "…"


def _diagnose(body: str, closed: bool) -> str:
    """What is wrong with the text between `[[` and `]]`, and the citation meant, where it can tell."""
    words = body.split()
    kind_part, colon, rest = body.partition(":")
    kind = kind_part.strip().lower()
    if not colon:
        first = words[0].lower() if words else ""
        if first in KINDS and len(words) > 1:
            meant = f"[[{first}:{' '.join(words[1:])}]]"
            return f"write a colon between the kind and {_what(first)}: {meant}"
        if first in KINDS and closed:
            return f"'{words[0]}' needs {_what(first)}: write {_template(first)}"
        if not closed and first in KINDS:
            return f"citation is not closed with ']]': write {_template(first)}"
        return f"not a citation{'' if closed else ' (no closing ]])'}: write {SHAPES}"
    if not kind:
        return f"a kind goes before ':'; write {SHAPES}"
    if kind not in KINDS:
        kind = kind_part.strip()
        return f"unknown reference kind '{kind}'{strange_characters(kind)} (use one of: {', '.join(KINDS)}); write {SHAPES}"
    parts = re.sub(r"\s*=\s*", "=", rest).split()
    if not parts or "=" in parts[0]:
        return f"'{kind_part.strip()}:' needs {_what(kind)} first: write {_template(kind)}"
    if not closed:  # the citation meant ends where its words stop looking like one
        parts = [parts[0].rstrip("]")] + list(itertools.takewhile(PARAMETER.fullmatch, (p.rstrip("]") for p in parts[1:])))
    meant = f"[[{kind}:{' '.join(parts)}]]"
    reasons = []
    if not closed:
        reasons.append("close it with ']]'")
    if kind_part.strip() != kind:
        reasons.append("the kind is lower case")
    if body[:1].isspace() or (closed and body[-1:].isspace()):
        reasons.append("no space just inside the brackets")
    if kind_part[-1:].isspace() or rest[:1].isspace():
        reasons.append("no space around ':'")
    if re.search(r"\s=|=\s", rest):
        reasons.append("no space around '='")
    if not reasons:
        reasons.append("a citation is one [[kind:id]] with optional <filter>=<value> parameters")
    if (parameter := _parameter_problem(kind, parts[1:])) is not None:
        return f"{'; '.join(reasons)}; {parameter}"
    return f"{'; '.join(reasons)}: write {meant}"


def _what(kind: str) -> str:
    return "what to count" if kind == "count" else "an id"


def _template(kind: str) -> str:
    if kind == "count":
        return f"[[count:<what>]] or [[count:<what> <filter>=<value>]], e.g. [[count:studies country=nor]] (countable: {', '.join(COUNTABLE)})"
    return f"[[{kind}:<id>]]"


def _escaped(text: str, offset: int) -> bool:
    """Whether the character at `offset` follows an odd number of backslashes (Markdown's escape)."""
    slashes = 0
    while offset - slashes - 1 >= 0 and text[offset - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def _inside(ranges: list[tuple[int, int]], offset: int) -> bool:
    return any(start <= offset < end for start, end in ranges)


def _code_ranges(text: str) -> list[tuple[int, int]]:
    """Offsets of fenced code blocks and code spans, where `[[` is literal."""
    ranges: list[tuple[int, int]] = []
    prose_from = 0
    fence: tuple[str, int, int] | None = None  # (character, length, start offset)
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        if fence is None:
            opening = FENCE.match(stripped)
            if opening and not (opening.group(1)[0] == "`" and "`" in stripped[opening.end() :]):
                ranges += _code_spans(text, prose_from, offset)
                fence = (opening.group(1)[0], len(opening.group(1)), offset)
        else:
            char, length, begun = fence
            closing = FENCE.match(stripped)
            if (
                closing
                and closing.group(1)[0] == char
                and len(closing.group(1)) >= length
                and not stripped[closing.end() :].strip()
            ):
                ranges.append((begun, offset + len(line)))
                fence = None
                prose_from = offset + len(line)
        offset += len(line)
    if fence is not None:
        ranges.append((fence[2], len(text)))  # an unclosed fence runs to the end, as in CommonMark
    else:
        ranges += _code_spans(text, prose_from, len(text))
    return ranges


def _code_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in CODE_SPAN.finditer(text, start, end)]


def _line_of(line_starts: list[int], offset: int) -> int:
    return bisect.bisect_right(line_starts, offset)


# --- count expressions ------------------------------------------------------------------------

Filter = tuple[str | None, Callable[[Index, Any, str], bool]]
"""(what the value must be: 'publication', a vocabulary id, or None for entity ids of that kind; predicate)."""


def _in_pub(kind: str) -> Callable[[Index, Any, str], bool]:
    def check(index: Index, entity: Any, pub_id: str) -> bool:
        if kind == "study":
            return pub_id in index.publications_by_study.get(entity.id, [])
        return index.publication_of.get((kind, entity.id)) == pub_id

    return check


COUNTABLE: dict[str, tuple[str, dict[str, Filter]]] = {
    "findings": (
        "finding",
        {
            "publication": ("publication", _in_pub("finding")),
            "theme": ("theme", lambda i, e, v: e.theme == v),
            "confidence": ("confidence", lambda i, e, v: e.confidence == v),
            "type": ("finding-type", lambda i, e, v: e.finding_type == v),
            "topic": ("topic", lambda i, e, v: v in e.topics),
            "level": ("pyramid-level", lambda i, e, v: v in e.pyramid_levels),
        },
    ),
    "studies": (
        "study",
        {
            "publication": ("publication", _in_pub("study")),
            "design": ("design", lambda i, e, v: e.design == v),
            "group": ("design-group", lambda i, e, v: i.term("design", e.design).group == v),
            "country": ("country", lambda i, e, v: v in e.all_countries),
            "sector": ("sector", lambda i, e, v: v in e.sectors),
        },
    ),
    "implications": (
        "implication",
        {
            "publication": ("publication", _in_pub("implication")),
            "audience": ("audience", lambda i, e, v: v in e.audiences),
            "type": ("implication-type", lambda i, e, v: e.implication_type == v),
            "topic": ("topic", lambda i, e, v: v in e.topics),
        },
    ),
    "interventions": (
        "intervention",
        {
            "publication": ("publication", _in_pub("intervention")),
            "evidence": ("evidence-status", lambda i, e, v: e.evidence == v),
            "sector": ("sector", lambda i, e, v: v in e.sectors),
        },
    ),
    "cases": ("case", {"publication": ("publication", _in_pub("case"))}),
    "themes": ("theme", {"publication": ("publication", _in_pub("theme"))}),
    "publications": ("publication", {"type": ("publication-type", lambda i, e, v: e.publication_type == v)}),
    "topics": ("topic", {}),
    "notes": ("note", {"category": ("note-category", lambda i, e, v: e.category == v)}),
}
"""What a count expression can count, and the filters each accepts."""

ENTITY_FILTER_KINDS = {"publication", "theme", "topic"}


def count(index: Index, what: str, params: tuple[tuple[str, str], ...]) -> int:
    kind, filters = COUNTABLE[what]
    ids = index.ids(kind)
    entities = [index.entity(kind, i) for i in ids]
    for key, value in params:
        predicate = filters[key][1]
        entities = [e for e in entities if predicate(index, e, value)]
    return len(entities)


def problems(index: Index, citation: Citation) -> list[str]:
    """What is wrong with a citation, in words ([] when it resolves)."""
    if citation.kind == "count":
        if citation.target not in COUNTABLE:
            return [f"cannot count '{citation.target}' (countable: {', '.join(COUNTABLE)})"]
        _, filters = COUNTABLE[citation.target]
        found = []
        keys = [key for key, _ in citation.params]
        found += [
            f"filter '{key}' is given twice; a count has one value per filter" for key in sorted(set(keys)) if keys.count(key) > 1
        ]
        for key, value in citation.params:
            if key not in filters:
                allowed = ", ".join(filters) or "none"
                found.append(f"'{citation.target}' has no filter '{key}' (filters: {allowed})")
                continue
            target, _ = filters[key]
            if target in ENTITY_FILTER_KINDS:
                if value not in index.data.entities[target] and value not in index.data.invalid[target]:
                    hint = _hint(value, list(index.data.entities[target]))
                    found.append(f"unknown {target} '{value}'{strange_characters(value)}{hint}")
            elif target in index.data.invalid["vocabulary"]:
                continue  # the vocabulary's own file has errors, reported there: no second problem here
            elif target is not None and value not in index.vocabularies.get(target, {}):
                allowed = ", ".join(index.vocabularies.get(target, {}))
                found.append(f"unknown {target} '{value}'{strange_characters(value)} (allowed: {allowed})")
        return found
    if citation.kind not in LINK_KINDS:
        strange = strange_characters(citation.kind)
        return [f"unknown reference kind '{citation.kind}'{strange} (use one of: count, {', '.join(LINK_KINDS)})"]
    if citation.params:
        return [f"a {citation.kind} reference takes no parameters"]
    if citation.target in index.data.invalid[citation.kind]:
        return []  # the entity's own file has errors, reported there: no second problem here
    if citation.target not in index.data.entities[citation.kind]:
        aliases = index.alias_to_study if citation.kind == "study" else {}
        if citation.target in aliases:
            return [f"unknown study '{citation.target}' (did you mean '{aliases[citation.target]}'? it is an alias)"]
        hint = _hint(citation.target, list(index.data.entities[citation.kind]))
        return [f"unknown {citation.kind} '{citation.target}'{strange_characters(citation.target)}{hint}"]
    return []


def _hint(value: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def content_files(content_dir: Path, root: Path) -> list[Path]:
    """The hand-written pages whose citations are expanded: every `.md` under `content/<lang>/`.

    Listed without following links out of the project (`check` reports those): an outside
    file's text must not reach a message either."""
    return [path for lang in LANGUAGES for path in walk(content_dir / lang, root, Report()) if path.suffix == ".md"]


def check_content(content_dir: Path, root: Path, index: Index, report: Report) -> None:
    """Report every citation in hand-written pages that does not parse or does not resolve, with its place."""
    for path in content_files(content_dir, root):
        display = path.relative_to(root).as_posix()
        text = _read(path, display, report)
        for token in tokens(text or ""):
            where = Location(display, token.line, token.column)
            if isinstance(token, Malformed):
                report.add(where, token.raw, token.message)
                continue
            for message in problems(index, token):
                report.add(where, token.raw, message)


def _read(path: Path, display: str, report: Report) -> str | None:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        report.add(Location(display), "", f"cannot read file: {exc.strerror}")
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8")) + 1  # in characters, as editors count
        report.add(
            Location(display, line, column), "", f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        )
        return None


class CitingView(Protocol):
    """What expanding a citation asks of the page it is on (`render.View` is one): declared here,
    so this module need not know the renderer."""

    index: Index

    def num(self, value: float) -> str: ...

    def finding_ref(self, finding_id: str, with_publication: bool = True) -> Markup: ...

    def entity_link(self, kind: str, entity_id: str) -> Markup: ...

    def study_link(self, study_id: str) -> Markup: ...


def expand(text: str, view: CitingView) -> str:
    """Replace every citation by its rendered HTML (escaped); assumes `check_content` passed.
    Code and escaped brackets are left as they are (see `tokens`)."""
    out, last = [], 0
    for citation in scan(text):
        out.append(text[last : citation.start])
        out.append(str(render(citation, view)))
        last = citation.end
    out.append(text[last:])
    return "".join(out)


def render(citation: Citation, view: CitingView) -> Markup:
    index = view.index
    if citation.kind == "count":
        return Markup('<span class="kb-count">{}</span>').format(view.num(count(index, citation.target, citation.params)))
    if citation.kind == "finding":
        return view.finding_ref(citation.target)
    return view.entity_link(citation.kind, citation.target) if citation.kind != "study" else view.study_link(citation.target)


__all__ = [
    "COUNTABLE",
    "Citation",
    "Malformed",
    "check_content",
    "content_files",
    "count",
    "escape",
    "expand",
    "problems",
    "scan",
    "tokens",
]
