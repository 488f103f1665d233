"""Hand-written pages cite the data instead of copying it.

In `content/<lang>/*.md` an editor writes

    [[finding:skole-hjem-2025-f16]]                      a link: "Finding 16 (…) ●●●● High confidence"
    [[study:levik-2023]]  [[publication:…]]  [[topic:…]]  [[intervention:…]]   links
    [[count:findings publication=skole-hjem-2025 confidence=high]]             a computed number

so prose cannot drift from the data: the number is counted at build time, and a reference
to an id that does not exist is a located error (`content/nb/om.md:12:5: ...`), not a
broken link. The syntax is deliberately not Jinja: content is text written by editors in
pull requests, and must not be able to run template code.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from .errors import Location, Report, strange_characters
from .index import Index

REFERENCE = re.compile(r"\[\[([a-z-]+):([^\]\s]*)((?:\s+[^\]\s]*)*)\s*\]\]")

LINK_KINDS = ("finding", "study", "publication", "topic", "intervention")


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


def scan(text: str) -> Iterator[Citation]:
    """Every [[...]] in a text, with its 1-based line and column."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for match in REFERENCE.finditer(text):
        line = _line_of(line_starts, match.start())
        column = match.start() - line_starts[line - 1] + 1
        params = []
        for token in match.group(3).split():
            key, sep, value = token.partition("=")
            params.append((key, value if sep else ""))
        yield Citation(match.group(0), match.group(1), match.group(2), tuple(params), line, column, *match.span())


def _line_of(line_starts: list[int], offset: int) -> int:
    lo, hi = 0, len(line_starts)
    while lo + 1 < hi:
        mid = (lo + hi) // 2
        if line_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid
    return lo + 1


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
        return [f"unknown reference kind '{citation.kind}' (use one of: count, {', '.join(LINK_KINDS)})"]
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


def check_content(content_dir: Path, root: Path, index: Index, report: Report) -> None:
    """Report every citation in hand-written pages that does not resolve, with its place."""
    if not content_dir.is_dir():
        return
    for path in sorted(content_dir.glob("*/*.md")):
        if path.parent.name == "assets":
            continue
        text = path.read_text(encoding="utf-8")
        display = path.relative_to(root).as_posix()
        for citation in scan(text):
            for message in problems(index, citation):
                report.add(Location(display, citation.line, citation.column), citation.raw, message)


def expand(text: str, view: Any) -> str:
    """Replace every citation by its rendered HTML (escaped); assumes `check_content` passed."""
    out, last = [], 0
    for citation in scan(text):
        out.append(text[last : citation.start])
        out.append(str(render(citation, view)))
        last = citation.end
    out.append(text[last:])
    return "".join(out)


def render(citation: Citation, view: Any) -> Markup:
    index: Index = view.index
    if citation.kind == "count":
        return Markup('<span class="kb-count">{}</span>').format(view.num(count(index, citation.target, citation.params)))
    if citation.kind == "finding":
        return view.finding_ref(citation.target)
    return view.entity_link(citation.kind, citation.target) if citation.kind != "study" else view.study_link(citation.target)


__all__ = ["COUNTABLE", "Citation", "check_content", "count", "escape", "expand", "problems", "scan"]
