"""Safe YAML loading that keeps line and column of every value.

Uses libyaml (`yaml.CSafeLoader`) through `yaml.compose`, which is an order of magnitude
faster than the pure-Python loader and still gives a mark on every node. Values are built
from the node tree by hand so that each one can be traced back to its place in the file,
duplicate keys are rejected, and the YAML 1.1 boolean trap (`no` -> false) can be explained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, Report, relative

try:  # libyaml is the fast path; fall back only where it is not compiled in
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 1_000_000
"""One entity per file: anything larger is a mistake (or an attack), not a study."""

MAX_DEPTH = 50
"""Deepest nesting of lists and mappings a data file may have (real entities use fewer than 10)."""

_COMPOSE_SAFE = 2_000
"""libyaml's composer recurses in C and crashes the process somewhere past 20,000 levels: files that
could nest deeper than this are scanned event by event first (stopping at MAX_DEPTH)."""

FieldPath = tuple[str | int, ...]


@dataclass
class SourceFile:
    """One parsed YAML file: its value and the location of every value in it."""

    path: Path
    display_path: str
    value: Any
    marks: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    raw_scalars: dict[FieldPath, str] = field(default_factory=dict)
    unreadable: set[FieldPath] = field(default_factory=set)
    """Values already reported as unreadable (read as None): validation does not report them again."""

    def location(self, field_path: FieldPath) -> Location:
        """The most precise known location for a field path (walks up to the nearest parent)."""
        path = tuple(field_path)
        while path not in self.marks and path:
            path = path[:-1]
        line, column = self.marks.get(path, (1, 1))
        return Location(self.display_path, line, column)


def format_field_path(field_path: FieldPath) -> str:
    out = ""
    for part in field_path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_BOOL_WORDS = {"yes", "no", "on", "off", "y", "n", "true", "false"}


_PLAIN_TAGS = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}


class _Builder:
    def __init__(self, source: SourceFile, report: Report) -> None:
        self.source = source
        self.report = report
        self.constructor = yaml.constructor.SafeConstructor()
        self.built: set[int] = set()

    def build(self, node: yaml.Node, path: FieldPath, at: yaml.Node | None = None) -> Any:
        if id(node) in self.built:
            # The composer hands back the anchored node itself for every alias: expanding
            # them would let a few lines grow exponentially (or forever, for `&a [*a]`).
            self._unreadable(at or node, path, "YAML aliases ('*name') are not allowed: write the value out")
            return None
        self.built.add(id(node))
        if len(path) > MAX_DEPTH and not isinstance(node, yaml.ScalarNode):
            self._unreadable(node, path, f"nested more than {MAX_DEPTH} levels deep")
            return None
        self.source.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        plain_tag = _PLAIN_TAGS.get(type(node))
        if plain_tag is not None and node.tag != plain_tag:
            self._unreadable(node, path, f"cannot read value: the tag '{node.tag}' is not allowed")
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self._problem(key_node, path, "mapping keys must be plain words")
                    continue
                key = key_node.value
                if key == "<<":
                    self._problem(key_node, path, "YAML merge keys ('<<') are not allowed: write each field out")
                    continue
                if key in result:
                    first = self.source.marks.get((*path, key), (0, 0))[0]
                    self._problem(key_node, (*path, key), f"duplicate key '{key}' (first defined on line {first})")
                    continue
                result[key] = self.build(value_node, (*path, key), key_node)
                # A key's mark is where the key starts: that is where an editor looks.
                self.source.marks[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag == "tag:yaml.org,2002:bool" and not node.style:
            self.source.raw_scalars[path] = node.value
        try:
            return self.constructor.construct_object(node)
        except yaml.constructor.ConstructorError as exc:
            self._unreadable(node, path, f"cannot read value: {exc.problem}")
            return None
        except ValueError as exc:  # e.g. `date: 2025-13-01`, or an integer of 5,000 digits
            self._unreadable(node, path, f"cannot read value: {str(exc).split(';')[0]}")
            return None

    def _unreadable(self, node: yaml.Node, path: FieldPath, message: str) -> None:
        """A value that cannot be read: reported here, read as None, and not reported again by validation."""
        self._problem(node, path, message)
        self.source.unreadable.add(path)

    def _problem(self, node: yaml.Node, path: FieldPath, message: str) -> None:
        mark = node.start_mark
        self.report.add(Location(self.source.display_path, mark.line + 1, mark.column + 1), format_field_path(path), message)


def load_file(path: Path, root: Path, report: Report) -> SourceFile | None:
    """Parse one YAML file. Problems go to `report`; returns None when nothing usable was read."""
    display = relative(path, root)
    top = Location(display)
    if path.is_symlink():
        try:
            target = path.resolve()
        except RuntimeError:  # Python < 3.13 raises this (not OSError) for a symbolic link loop
            report.add(top, "", "cannot read file: symbolic link loop")
            return None
        if not target.is_relative_to(root.resolve()):
            report.add(top, "", f"symbolic link points outside the project: {target}")
            return None
    try:
        size = path.stat().st_size
    except OSError as exc:
        report.add(top, "", f"cannot read file: {exc.strerror}")
        return None
    if size > MAX_FILE_BYTES:
        report.add(top, "", f"file is {size:,} bytes; one entity per file must stay under {MAX_FILE_BYTES:,} bytes")
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        report.add(
            Location(display, line, column), "", f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8"
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    source = SourceFile(path=path, display_path=display, value=None)
    for number, line_text in enumerate(text.splitlines(), start=1):
        stripped = line_text.lstrip(" ")
        if stripped.startswith("\t"):
            report.add(
                Location(display, number, len(line_text) - len(stripped) + 1), "", "tab used for indentation; indent with spaces"
            )
            return None
    try:
        too_deep = _too_deep(text)
        if too_deep is not None:
            report.add(Location(display, too_deep.line + 1, too_deep.column + 1), "", f"nested more than {MAX_DEPTH} levels deep")
            return None
        node = yaml.compose(text, Loader=_Loader)
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        report.add(
            Location(display, line, column), "", f"YAML syntax error: unacceptable character #x{exc.character:04x}: {exc.reason}"
        )
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        report.add(Location(display, line, column), "", f"YAML syntax error: {problem}{context}")
        return None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml raises marked errors
        report.add(top, "", f"YAML syntax error: {exc}")
        return None
    if node is None:
        report.add(top, "", "file is empty")
        return None
    source.value = _Builder(source, report).build(node, ())
    return source


def _too_deep(text: str) -> yaml.Mark | None:
    """Where nesting first goes past MAX_DEPTH, if it could go deep enough to crash the composer.

    Every list or mapping needs one of these characters, so their count bounds the depth;
    real files stay far below the bound and are not parsed twice.
    """
    if sum(text.count(c) for c in "[{-:?") <= _COMPOSE_SAFE:
        return None
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH + 1:  # the top-level mapping is depth 1, as path () in _Builder
                return event.start_mark
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _line_column(text: str, byte_offset: int) -> tuple[int, int]:
    """1-based line and column of a libyaml reader offset (bytes of the UTF-8 text)."""
    before = text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")
    lines = re.split("\r\n|[\r\n\x85\u2028\u2029]", before)
    return len(lines), len(lines[-1]) + 1


def discover(directory: Path) -> list[Path]:
    """Every YAML file under a directory, in a stable order."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.rglob("*") if p.suffix in {".yaml", ".yml"} and (p.is_file() or p.is_symlink()))
