"""Safe YAML loading that keeps line and column of every value.

Uses libyaml (`yaml.CSafeLoader`) through `yaml.compose`, which is an order of magnitude
faster than the pure-Python loader and still gives a mark on every node. Values are built
from the node tree by hand so that each one can be traced back to its place in the file,
duplicate keys are rejected, and the YAML 1.1 boolean trap (`no` -> false) can be explained.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.model.errors import DataError, Location, Report, relative
from generator.model.kinds import kind_of_folder

try:  # libyaml is the fast path; fall back only where it is not compiled in
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


def read_yaml(text: str) -> object:
    """A YAML document as plain values, read with libyaml (no locations: `load_file` keeps those)."""
    return yaml.load(text, Loader=_Loader)


def compose_yaml(text: str) -> yaml.Node | None:
    """A YAML document's node tree, a mark on every node, read with libyaml (tags are kept, not run)."""
    return yaml.compose(text, Loader=_Loader)


@functools.lru_cache(maxsize=65536)
def read_scalar(text: str) -> object:
    """What YAML reads `text` as, on its own (`"no"` is False, `"2024"` a number): asked for every id
    of every data file when a schema or a new file is written, so remembered."""
    return read_yaml(text)


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


_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAGS: dict[type[yaml.Node], str] = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}


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
        if node.tag == _STR_TAG:
            return node.value  # what the constructor returns for a string, without its dispatch (80,000 scalars a check)
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


def load_file(path: Path, root: Path, report: Report, folders: dict[str, str] | None = None) -> SourceFile | None:
    """Parse one YAML file. Problems go to `report`; returns None when nothing usable was read.
    `folders`: as `read_source`'s, for one pass over many files."""
    raw = read_source(path, root, report, folders)
    return None if raw is None else parse_source(raw, path, relative(path, root), report)


def read_source(path: Path, root: Path, report: Report, folders: dict[str, str] | None = None) -> bytes | None:
    """The bytes of one data file, read only when it is a regular file inside the project and not
    too large; else the reason goes to `report` and nothing is read. `folders`: where the folders
    of the files read before in the same pass really are (`_entry_kind`), kept for the next."""
    display = relative(path, root)
    top = Location(display)
    # Checked here too, not only by `walk`: a caller that found the path some other way must not
    # read through a link out of the project, block on a FIFO or trip over a folder.
    kind = _entry_kind(path, root, report, folders=folders)
    if kind == "folder":
        report.add(top, "", "cannot read file: a folder, not a regular file")
    if kind != "file":
        return None
    try:
        size = path.stat().st_size
    except OSError as exc:  # gone since it was listed
        report.add(top, "", f"cannot read file: {exc.strerror}")
        return None
    if size > MAX_FILE_BYTES:
        report.add(top, "", f"file is {size:,} bytes; one entity per file must stay under {MAX_FILE_BYTES:,} bytes")
        return None
    return path.read_bytes()


def parse_source(raw: bytes, path: Path, display: str, report: Report) -> SourceFile | None:
    """The file `path` (shown as `display`), read as `raw`: its values and where each is."""
    top = Location(display)
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
            report.add(Location(display, too_deep[0] + 1, too_deep[1] + 1), "", f"nested more than {MAX_DEPTH} levels deep")
            return None
        node = compose_yaml(text)
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


def _too_deep(text: str) -> tuple[int, int] | None:
    """Where (line, column, from 0) nesting first goes past MAX_DEPTH, if it could go deep enough to crash the composer.

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
                mark = event.start_mark  # libyaml's parser marks every event
                if mark is not None:
                    return mark.line, mark.column
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _line_column(text: str, byte_offset: int) -> tuple[int, int]:
    """1-based line and column of a libyaml reader offset (bytes of the UTF-8 text)."""
    before = text.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore")
    lines = re.split("\r\n|[\r\n\x85\u2028\u2029]", before)
    return len(lines), len(lines[-1]) + 1


# --- finding files without leaving the project --------------------------------------------------
#
# Every folder whose files are read or published (data/, content/, overrides/, fonts/) is listed
# through `walk`, so a symbolic link is judged once, in one place, by where it finally leads.

YAML_SUFFIXES = (".yaml", ".yml")
"""The loader reads files with exactly these endings (lower case), and nothing else."""

MAX_WALK_ENTRIES = 200_000
"""Files and folders one walk visits at most (the data of 10,000 studies is some 20,000 files)."""

MAX_FOLDER_LINKS = 1_000
"""Links to folders one walk follows at most. Links to folders inside the project are followed,
and a few links can repeat a folder exponentially often (two links to the next level, eighteen
levels deep, are 2^18 paths): past this many, the walk stops."""

LINK_LOOP = "cannot read file: symbolic link loop"

_NOT_REGULAR = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def is_ignored_name(name: str) -> bool:
    """Hidden names and editor leftovers (`.x.yaml.swp`, `.#x.yaml`, `x.yaml~`, `#x.yaml#`): never
    read and never published. They come and go while someone edits; .gitignore keeps them out of
    commits."""
    return name.startswith(".") or name.endswith("~") or (len(name) > 1 and name.startswith("#") and name.endswith("#"))


@functools.lru_cache(maxsize=16)
def _resolved_root(root: Path) -> Path:
    """Where the project really is, resolved once for all its files (half of what judging a file
    cost). Kept for the process: a project folder moved while the preview runs would only make its
    files read as outside it, never let a file outside it in."""
    return root.resolve()


def _through_link(path: Path, target: Path, root: Path) -> bool:
    """Whether `path` reaches `target` through a symbolic link (its own or a parent folder's)."""
    try:
        lexical = Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
    except ValueError:
        return True
    return target != _resolved_root(root) / lexical


def _entry_kind(
    path: Path, root: Path, report: Report, resolved: Path | None = None, folders: dict[str, str] | None = None
) -> str | None:
    """'file' or 'folder' when `path` may be read: it is a regular file or folder, or a symbolic
    link (or chain of links) that ends at one inside the project, outside its hidden paths.
    Anything else is reported at the path and gives None. `resolved`: the same path under its
    parent's resolved folder, which is quicker to resolve when the path runs through links.
    `folders`: for one pass over many files, where each folder met so far really is.

    On strings, not Paths (`os.path.realpath` is what `Path.resolve` calls): the same answers, and
    pathlib's parsing was half of what judging 18,541 files cost."""
    try:
        target = _real_path(os.fspath(resolved or path), folders)
    except OSError as exc:  # a loop is ELOOP here (pathlib's `resolve` raised RuntimeError for it)
        report.add(
            Location(relative(path, root)), "", LINK_LOOP if exc.errno == errno.ELOOP else f"cannot read file: {exc.strerror}"
        )
        return None
    project = str(_resolved_root(root))
    inside = _inside(target, project)
    if inside is None:
        report.add(Location(relative(path, root)), "", f"symbolic link points outside the project: {target}")
        return None
    if any(part.startswith(".") for part in inside.split(os.sep)) and _through_link(path, Path(target), root):
        # .git/ holds the repository's configuration (in CI, possibly a token): never published.
        report.add(Location(relative(path, root)), "", f"symbolic link points to a hidden path of the project: {inside}")
        return None
    mode = os.stat(target).st_mode
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "folder"
    what = _NOT_REGULAR.get(stat.S_IFMT(mode), "a special file")
    report.add(Location(relative(path, root)), "", f"cannot read file: {what}, not a regular file")
    return None


def _real_path(path: str, folders: dict[str, str] | None) -> str:
    """`os.path.realpath(path, strict=True)`. With `folders`: a file that is no link, in a folder
    resolved before in the same pass, is that folder's real path and its name (one `lstat` where
    resolving it anew asks one for every part of the path: 0.6 s for 18,541 files); a file that is
    a link, or in a folder not met yet, is resolved whole, and its folder kept."""
    if folders is None or ".." in path.split(os.sep):  # `abspath` takes '..' lexically, not after links
        return os.path.realpath(path, strict=True)
    folder, name = os.path.split(os.path.abspath(path))
    if stat.S_ISREG(os.lstat(path).st_mode):
        real_folder = folders.get(folder)
        if real_folder is None:
            real_folder = folders[folder] = os.path.realpath(folder, strict=True)
        return os.path.join(real_folder, name)
    return os.path.realpath(path, strict=True)


def _inside(target: str, folder: str) -> str | None:
    """`target` from `folder` ('' for the folder itself) when it is inside it, else None; both
    absolute and resolved, as `os.path.realpath` gives them."""
    if target == folder:
        return ""
    prefix = folder if folder.endswith(os.sep) else folder + os.sep
    return target[len(prefix) :] if target.startswith(prefix) else None


def readable_file(path: Path, root: Path, report: Report) -> bool:
    """Whether one file may be read: a regular file, or a link to one inside the project. A link
    out of it (or broken, or looping) is reported at the path, as `walk` reports one in a folder."""
    return _entry_kind(path, root, report) == "file"


@dataclass
class _Walk:
    root: Path
    report: Report
    follow_folder_links: bool
    folder_link_message: str
    files: list[Path] = field(default_factory=list)
    visited: int = 0
    folder_links: int = 0

    def _stop(self, path: Path, message: str) -> bool:
        self.report.add(Location(relative(path, self.root)), "", f"{message} (do links repeat a folder?): not read further")
        return False

    def folder(self, path: Path, resolved: Path, ancestors: frozenset[Path]) -> bool:
        """List one folder; False once the walk has visited too many entries."""
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except OSError as exc:
            self.report.add(Location(relative(path, self.root)), "", f"cannot read folder: {exc.strerror}")
            return True
        for entry in entries:
            self.visited += 1
            if self.visited > MAX_WALK_ENTRIES:
                return self._stop(path, f"more than {MAX_WALK_ENTRIES:,} files and folders")
            child = Path(entry.path)
            if entry.is_symlink():
                kind = _entry_kind(child, self.root, self.report, resolved / entry.name)
                if kind == "file":
                    self.files.append(child)
                elif kind == "folder" and not self.follow_folder_links:
                    self.report.add(Location(relative(child, self.root)), "", self.folder_link_message)
                elif kind == "folder":
                    self.folder_links += 1
                    if self.folder_links > MAX_FOLDER_LINKS:
                        return self._stop(child, f"more than {MAX_FOLDER_LINKS:,} links to folders")
                    target = (resolved / entry.name).resolve()
                    if target in ancestors:
                        self.report.add(Location(relative(child, self.root)), "", f"{LINK_LOOP} (a folder inside itself)")
                    elif not self.folder(child, target, ancestors | {target}):
                        return False
            elif entry.is_dir(follow_symlinks=False):
                if not self.folder(child, resolved / entry.name, ancestors | {resolved / entry.name}):
                    return False
            elif entry.is_file(follow_symlinks=False):
                self.files.append(child)
            else:
                _entry_kind(child, self.root, self.report)  # reports what it is
        return True


def walk(
    folder: Path,
    root: Path,
    report: Report,
    *,
    follow_folder_links: bool = True,
    folder_link_message: str = "",
) -> list[Path]:
    """Every regular file under `folder` that can be reached without leaving the project `root`.

    A symbolic link, to a file or a folder, directly or through other links, is judged by where it
    finally leads: outside the project, into a hidden path of it (.git/), nowhere, or round in a
    loop, it is reported at its own place and not followed; so is anything that is neither a file
    nor a folder (a FIFO, a socket). Links to folders inside the project are followed (a folder
    reached inside itself is a loop), unless `follow_folder_links` is False: then each is reported
    with `folder_link_message`. Paths keep the names they have under `folder`, sorted."""
    if not os.path.lexists(folder):
        return []
    if _entry_kind(folder, root, report) != "folder":
        return []
    resolved = folder.resolve()
    state = _Walk(root, report, follow_folder_links, folder_link_message)
    state.folder(folder, resolved, frozenset({resolved}))
    return sorted(state.files)


def readable_files(folder: Path, root: Path) -> list[Path]:
    """`walk` for a step that reads what it lists: any problem refuses the step with a DataError,
    so calling the step directly, without `check`, cannot read through a link out of the project."""
    report = Report()
    files = walk(folder, root, report)
    if report.failed():
        raise DataError(report)
    return files


def suggested_data_name(name: str) -> str:
    """The name a file would need for the loader to read it: `x.YAML`, `x.yaml.txt`, `x.json` -> `x.yaml`."""
    match = re.match(r"(.+?)\.(ya?ml)(\..*)?$", name, flags=re.IGNORECASE)
    if match:
        return f"{match[1]}.{match[2].lower()}"
    return f"{name.split('.')[0]}.yaml"


def data_files(data_dir: Path, root: Path, report: Report) -> dict[str, list[Path]]:
    """The files the loader reads, per folder of data/ (`findings` -> its files, subfolders included).

    Every other file under data/ is reported with what it would need to be called, so nothing put
    there disappears silently, except hidden files and editor leftovers (`is_ignored_name`).
    A folder whose name is no kind is reported once, as a folder (its files are not listed again)."""
    folders = kind_of_folder()
    found: dict[str, list[Path]] = {folder: [] for folder in folders}
    if _entry_kind(data_dir, root, report) != "folder":
        return found
    for child in sorted(data_dir.iterdir()):
        if child.is_dir() and not child.is_symlink() and child.name not in folders and not is_ignored_name(child.name):
            report.add(
                Location(relative(child, root)),
                "",
                f"unknown data folder '{child.name}' (expected one of: {', '.join(sorted(folders))})",
            )
    link_message = "symbolic link to a folder: data/ is read without following links to folders; move the files here"
    # The walk's paths are data_dir joined with names: their parts are read off the string, and a
    # location is made only for a file reported (at 10,000 studies, 18,500 files: pathlib's
    # relative_to twice a file was most of the listing, which the preview does on every refresh).
    prefix = str(data_dir) + os.sep
    for path in walk(data_dir, root, report, follow_folder_links=False, folder_link_message=link_message):
        text = str(path)
        parts = text[len(prefix) :].split(os.sep) if text.startswith(prefix) else list(path.relative_to(data_dir).parts)
        if any(is_ignored_name(part) for part in parts):
            continue
        folder = parts[0] if len(parts) > 1 else None
        if folder is None:
            report.add(
                Location(relative(path, root)),
                "",
                f"not read: data files belong in the folder of their kind, data/<kind>/{suggested_data_name(path.name)} "
                f"(kinds: {', '.join(sorted(folders))})",
            )
        elif folder not in folders:
            continue  # reported once for the whole folder by the loader
        elif path.suffix not in YAML_SUFFIXES:
            report.add(
                Location(relative(path, root)),
                "",
                f"not read: the loader reads only files ending in .yaml or .yml; rename to {suggested_data_name(path.name)}",
            )
        else:
            found[folder].append(path)
    return found


def discover(directory: Path, root: Path | None = None) -> list[Path]:
    """The files the loader reads in one kind's folder (`data/findings`), in a stable order.

    Problems are not reported here (`check` reports them); `root` defaults to the project that
    holds data/<kind>/."""
    root = root if root is not None else Path(os.path.abspath(directory)).parent.parent
    discard = Report()
    return [
        path
        for path in walk(directory, root, discard, follow_folder_links=False)
        if path.suffix in YAML_SUFFIXES and not any(is_ignored_name(p) for p in path.relative_to(directory).parts)
    ]
