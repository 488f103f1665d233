"""The theme's style sheet cut down to the rules the built site can use.

Material's `main.<hash>.min.css` (137 KB) holds every component the theme offers: admonition
icons, code blocks, tabs, blog posts, versions, tags. It blocks the first paint of every page, and
on a phone over a slow network those bytes are most of the wait before the first words show
(Lighthouse's mobile preset, served uncompressed: README, "Pages on a phone"). After MkDocs has
built both languages, `trim_theme_stylesheet` keeps of it:

- every rule of a selector whose classes can all occur in the site: in a `class` attribute of a
  built page, or as a word of one of the site's scripts (the theme's bundle builds its search
  results, tooltips and code buttons from class names written in it); a class the bundle builds
  from a prefix (`md-tag--${...}`) counts for every class with that prefix;
- everything that names no class: elements, ids, attributes, `:root`, `@keyframes`, `@font-face`.
  Classes inside `:not()`, `:is()`, `:where()` and `:has()` are not required: `.a:not(.b)` matches
  without any `.b`, and of `.a:is(.b, .c)` only `.a` is asked for;
- every custom property something reads: a `var()` in what is kept, or its name anywhere in the
  site's other style sheets, scripts or pages (the theme's icons are custom properties holding
  whole SVG images, read only by the admonition and code rules).

What is left out could never match an element of these pages, so every page looks and behaves as
before: `tests/test_stylesheet.py` compares the computed style of every element of every kind of
page, with the trimmed and the whole style sheet, on a phone and a desktop. The trimmed file keeps
the theme's name (every page links it), loses its source map (which maps the whole file), and is
the same in both languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import tinycss2
import tinycss2.ast

THEME_STYLESHEET = "assets/stylesheets/main.*.min.css"
"""Where MkDocs writes Material's style sheet, from a language's root."""

CLASS_ATTRIBUTE = re.compile(rb"""class=(?<=\sclass=)(?:"([^"]*)"|'([^']*)'|([^\s"'>=]+))""")
"""A `class` attribute and its value, quoted either way or bare. It begins with the literal `class=`,
the space before it asked for behind (not `data-class=`): a pattern that begins with a literal is
searched for as a string, and one that began with a whitespace class was tried at every byte of
every page. The same matches in a third of the time (the real site's 1,040 pages, 57 MB: 0.31 s
against 0.83 s)."""
SCRIPT_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
BUILT_FROM_PREFIX = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*(?:--|__|-))\$\{")
"""A class a script builds from a prefix and a value (`md-tag--${name}`)."""
OUTSIDE_THE_PAGE = re.compile(r"(^|/)(assets/javascripts/(lunr|workers)|pagefind)/")
"""Scripts that put no theme class on a page: the theme's search worker and its language files run
in a worker, without the page; Pagefind's interface marks its elements with its own `pf-` classes,
styled by its own style sheet."""
CUSTOM_PROPERTY = re.compile(r"--[A-Za-z0-9_-]+")
CUSTOM_PROPERTY_BYTES = re.compile(rb"--[A-Za-z0-9_-]+")
CONDITIONAL_RULES = frozenset({"media", "supports"})
"""At-rules holding rules of their own, trimmed like the top level and left out when emptied."""
VAR_READ = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Vocabulary:
    """What the built site can put on an element, and which custom properties it reads outside the
    theme's style sheet."""

    classes: frozenset[str]
    prefixes: tuple[str, ...]
    properties_read: frozenset[str]

    def can_occur(self, name: str) -> bool:
        return name in self.classes or name.startswith(self.prefixes)


@dataclass(frozen=True)
class Trimmed:
    """What `trim_theme_stylesheet` did, for the build's log and the tests."""

    files: tuple[Path, ...]
    bytes_before: int
    bytes_after: int


def trim_theme_stylesheet(site: Path) -> Trimmed:
    """Trim the theme's style sheet in every language of a built site (`site`: the default
    language's root, the others in folders under it), from what all its pages and scripts use."""
    sheets = sorted(site.rglob(THEME_STYLESHEET))
    if not sheets:
        return Trimmed((), 0, 0)
    vocabulary = site_vocabulary(site, excluded=frozenset(sheets))
    before = sheets[0].read_text(encoding="utf-8")
    after = trim(before, vocabulary)
    for sheet in sheets:
        sheet.write_text(after, encoding="utf-8")
        sheet.with_name(sheet.name + ".map").unlink(missing_ok=True)
    return Trimmed(tuple(sheets), len(before.encode()), len(after.encode()))


def site_vocabulary(site: Path, excluded: frozenset[Path] = frozenset()) -> Vocabulary:
    classes: set[str] = set()
    prefixes: set[str] = set()
    mentioned: set[str] = set()
    attributes: set[tuple[bytes, bytes, bytes]] = set()
    in_pages: set[bytes] = set()
    for path in _files(site, "*.html"):
        data = path.read_bytes()
        attributes.update(CLASS_ATTRIBUTE.findall(data))  # a few hundred distinct values in thousands of pages
        in_pages.update(CUSTOM_PROPERTY_BYTES.findall(data))  # inline styles may set or read one
    for attribute in attributes:
        classes.update(b"".join(attribute).decode("utf-8", "replace").split())
    mentioned.update(name.decode("ascii") for name in in_pages)
    for path in _files(site, "*.js"):
        if OUTSIDE_THE_PAGE.search(path.relative_to(site).as_posix()):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        classes.update(SCRIPT_WORD.findall(text))
        prefixes.update(BUILT_FROM_PREFIX.findall(text))
        mentioned.update(CUSTOM_PROPERTY.findall(text))
    for path in _files(site, "*.css"):
        if path not in excluded:
            mentioned.update(CUSTOM_PROPERTY.findall(path.read_text(encoding="utf-8", errors="replace")))
    return Vocabulary(frozenset(classes), tuple(sorted(prefixes)), frozenset(mentioned))


def _files(site: Path, pattern: str) -> Iterator[Path]:
    return (path for path in sorted(site.rglob(pattern)) if path.is_file())


def trim(css: str, vocabulary: Vocabulary) -> str:
    """`css` without the rules that cannot match and the custom properties nobody reads."""
    nodes = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    rules = _rules_that_can_match(nodes, vocabulary)
    while True:  # a property left out may be the last reader of another
        trimmed = _without_unread_properties(rules, vocabulary.properties_read | _properties_read(rules))
        if trimmed == rules:
            return "".join(map(str, rules))
        rules = trimmed


@dataclass(frozen=True)
class StyleRule:
    selectors: str
    declarations: tuple[tuple[str, str], ...]
    """(name, value); a nested rule inside the block is kept whole as ("", its text)."""

    def __str__(self) -> str:
        return self.selectors + "{" + ";".join(f"{name}:{value}" if name else value for name, value in self.declarations) + "}"


@dataclass(frozen=True)
class GroupRule:
    """@media or @supports: rules of its own, trimmed like the top level."""

    prelude: str
    rules: tuple[Rule, ...]

    def __str__(self) -> str:
        return self.prelude + "{" + "".join(map(str, self.rules)) + "}"


@dataclass(frozen=True)
class KeptRule:
    """Any other at-rule (@keyframes, @font-face, @charset, @page), kept as written."""

    text: str

    def __str__(self) -> str:
        return self.text


Rule = StyleRule | GroupRule | KeptRule


def _rules_that_can_match(nodes: Iterable[tinycss2.ast.Node], vocabulary: Vocabulary) -> tuple[Rule, ...]:
    kept: list[Rule] = []
    for node in nodes:
        if isinstance(node, tinycss2.ast.QualifiedRule):
            selectors = [s for s in _selector_list(node.prelude) if all(map(vocabulary.can_occur, _required_classes(s)))]
            if selectors:
                text = ",".join(tinycss2.serialize(s).strip() for s in selectors)
                kept.append(StyleRule(text, _declarations(node.content)))
        elif isinstance(node, tinycss2.ast.AtRule) and node.lower_at_keyword in CONDITIONAL_RULES and node.content is not None:
            inner = _rules_that_can_match(tinycss2.parse_rule_list(node.content, True, True), vocabulary)
            if inner:
                kept.append(GroupRule(f"@{node.at_keyword} {tinycss2.serialize(node.prelude).strip()}", inner))
        elif isinstance(node, tinycss2.ast.AtRule):
            kept.append(KeptRule(tinycss2.serialize([node])))
    return tuple(kept)


def _selector_list(prelude: list[tinycss2.ast.Node]) -> list[list[tinycss2.ast.Node]]:
    selectors: list[list[tinycss2.ast.Node]] = [[]]
    for token in prelude:
        if isinstance(token, tinycss2.ast.LiteralToken) and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return [s for s in selectors if any(not isinstance(t, tinycss2.ast.WhitespaceToken) for t in s)]


def _required_classes(selector: list[tinycss2.ast.Node]) -> Iterator[str]:
    """The classes an element must have for the selector to match one: each `.name` at the
    selector's own level. What is inside a function (`:not(.x)`, `:is(.x, .y)`, `:has(.x)`) is one
    node to tinycss2 and never looked into: `.a:not(.b)` matches without any `.b`, and a rule is
    rather kept than lost."""
    previous: tinycss2.ast.Node | None = None
    for token in selector:
        if (
            isinstance(token, tinycss2.ast.IdentToken)
            and isinstance(previous, tinycss2.ast.LiteralToken)
            and previous.value == "."
        ):
            yield token.value
        previous = token


def _declarations(content: list[tinycss2.ast.Node]) -> tuple[tuple[str, str], ...]:
    declarations = []
    for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if isinstance(item, tinycss2.ast.Declaration):
            value = tinycss2.serialize(item.value).strip() + ("!important" if item.important else "")
            declarations.append((item.name, value))
        else:
            declarations.append(("", tinycss2.serialize([item])))
    return tuple(declarations)


def _properties_read(rules: Iterable[Rule]) -> set[str]:
    read: set[str] = set()
    for rule in rules:
        if isinstance(rule, StyleRule):
            for _, value in rule.declarations:
                read.update(VAR_READ.findall(value))
        elif isinstance(rule, GroupRule):
            read |= _properties_read(rule.rules)
        else:
            read.update(CUSTOM_PROPERTY.findall(rule.text))
    return read


def _without_unread_properties(rules: tuple[Rule, ...], read: frozenset[str] | set[str]) -> tuple[Rule, ...]:
    kept: list[Rule] = []
    for rule in rules:
        if isinstance(rule, StyleRule):
            declarations = tuple((name, value) for name, value in rule.declarations if not name.startswith("--") or name in read)
            if declarations:
                kept.append(StyleRule(rule.selectors, declarations))
        elif isinstance(rule, GroupRule):
            inner = _without_unread_properties(rule.rules, read)
            if inner:
                kept.append(GroupRule(rule.prelude, inner))
        else:
            kept.append(rule)
    return tuple(kept)
