"""The theme overrides (overrides/) are written in what both engines' template languages accept:
MkDocs' Jinja2 and Zensical's (a Rust engine that reads the same templates), so the engine can be
swapped when the successor is ready. `make bench` builds the same staging folder with both.

The subset, as tried on Zensical 0.0.73: no Python method on a value (`.items()`, `.keys()`,
`.values()`, `.get()`, `"x".startswith()`, `.split()`, `.upper()`: "unknown method") and no `%`
string formatting ("tried to use % operator"). A mapping is iterated by its keys
(`for k in m`, then `m[k]`) or, better, given to the templates as a list of mappings; filters
(`replace`, `striptags`, `e`, `url`, `d`, `tojson`, `format`, `dictsort`), `namespace()`,
`super()`, `is mapping`, `is not none` and the theme's `lang.t()` work in both.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
OVERRIDES = REPO / "overrides"

TAG = re.compile(r"\{\{(.*?)\}\}|\{%-?(.*?)-?%\}", re.DOTALL)
STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
METHOD = re.compile(r"([A-Za-z_][\w.]*)\.([A-Za-z_]\w*)\s*\(")
ALLOWED_METHODS = {"lang.t"}
"""Callables the theme puts in the context, not methods of a value: both engines have them."""


def outside_common_subset(text: str) -> list[str]:
    """Every construct of a template that one of the two engines does not accept, with its line."""
    found = []
    for match in TAG.finditer(text):
        code = STRING.sub('""', match.group(1) if match.group(1) is not None else match.group(2))
        line = text.count("\n", 0, match.start()) + 1
        for call in METHOD.finditer(code):
            name = f"{call.group(1)}.{call.group(2)}"
            if name not in ALLOWED_METHODS:
                found.append(f"line {line}: method call {name}() (Zensical has no Python methods)")
        if "%" in code:
            found.append(f"line {line}: % formatting (Zensical: use the format filter)")
    return found


@pytest.mark.parametrize(
    "template",
    [
        "{% for code, root in config.extra.kb_roots.items() %}{{ code }}{% endfor %}",
        "{{ config.extra.m.get('a') }}",
        "{% if page.url.startswith('x') %}{% endif %}",
        "{{ '%s pages' % n }}",
    ],
)
def test_the_check_finds_what_zensical_refuses(template: str) -> None:
    assert outside_common_subset(template)


def test_the_check_lets_the_common_subset_through() -> None:
    allowed = (
        "{% for alt in config.extra.kb_roots %}{{ alt.root ~ page.url }}{% endfor %}"
        "{% set ns = namespace(html=super()) %}{{ ns.html | replace('a', 'b') | striptags | e }}"
        "{{ lang.t('source') }}{{ 'feed.xml' | url }}{{ '100% sure' }}"
    )
    assert outside_common_subset(allowed) == []


def test_every_override_is_in_the_subset_both_engines_accept() -> None:
    templates = sorted(OVERRIDES.rglob("*.html"))
    assert templates, "no overrides found"
    problems = [
        f"{path.relative_to(REPO).as_posix()} {problem}"
        for path in templates
        for problem in outside_common_subset(path.read_text(encoding="utf-8"))
    ]
    assert problems == []
