"""The model cache of a full build: a data file whose bytes are as they were is not parsed again.

Loading a knowledge base is mostly parsing YAML with a mark on every value and validating it with
pydantic: at 10,000 studies (18,541 files) 6.2 s of a warm `make site`, while reading and hashing
the same files takes 0.3 s and unpickling their models 0.6 s. So `check` keeps, in
`build/model-cache.pickle`, for each data file: the digest of its kind, path and bytes, and what
loading it gave (the model, the marks of its values, and the problems it reported). On the next
load a file whose digest is the same is not parsed: its model, marks and problems come from the
cache (its marks are unpickled when first read, which is when a location in it is asked for: `KeptSource`). Every file
is still listed and read through the same checks as before (`sources.read_source`: no link out of
the project, no folder, no FIFO, no file too large), so the cache changes what is computed, never
what is read.

What loading one file gives depends on that file alone (a pydantic model validates one file;
the checks across files are the index's, which always runs), on the code of the model layer and
on the libraries that parse and validate. Those are one digest (`loader_digest`): a cache written by
other code is ignored whole. A missing, unreadable or foreign cache file loads every file.

The file is a pickle in build/, like the page cache: build/ is the build's own folder, never in the
repository, and a pull request cannot write it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from generator.model.errors import Problem, Report, relative
from generator.model.models import Strict
from generator.model.sources import SourceFile, parse_source, read_source
from generator.model.validate import FileLoader, validate_source
from generator.pipeline import fingerprint

CACHE_FILE = "model-cache.pickle"
FORMAT = 2
"""Raised when what the file holds changes shape."""

MODEL_LAYER = Path(__file__).resolve().parent.parent / "model"
LIBRARIES = ("pydantic", "pydantic-core", "pyyaml")
"""The libraries whose version can change what a file loads as."""


@cache
def loader_digest() -> str:
    """The code that turns a file into a model and keeps it: the model layer, this module, the
    libraries that parse and validate, and the Python that pickles."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{FORMAT}\0{sys.version}\0".encode())
    fingerprint.add_files(digest, MODEL_LAYER, (".py", ".yaml"))
    digest.update(Path(__file__).read_bytes())  # this module: the shape of what it keeps
    fingerprint.add_versions(digest, LIBRARIES)
    return digest.hexdigest()


def file_digest(kind: str, display: str, raw: bytes) -> bytes:
    """What a file loads as depends on these: the kind it is read as, its path (its id is its name,
    and its problems name it) and its bytes."""
    return hashlib.blake2b(f"{kind}\0{display}\0".encode() + raw, digest_size=16).digest()


@dataclass(frozen=True)
class Loaded:
    """What loading one file gave, as the loader returns it and the report was told."""

    model: Strict | None
    marks: bytes | None
    """The marks of its values and its raw scalars, pickled apart: a location is asked for only
    when something is reported, so they are unpickled then (`KeptSource`). None when the file
    could not be parsed (no source)."""
    problems: tuple[Problem, ...]
    held_back: int


class KeptSource(SourceFile):
    """A source whose marks and raw scalars stay pickled until either is first read (a location is
    asked for only when something is reported): read any way, they are those the parse gave."""

    def __init__(self, path: Path, display_path: str, packed: bytes) -> None:
        super().__init__(path, display_path, None)
        del self.marks, self.raw_scalars  # read through `__getattr__`, which unpickles them
        self._packed = packed

    def __getattr__(self, name: str) -> Any:
        if name in ("marks", "raw_scalars"):
            self.marks, self.raw_scalars = pickle.loads(self._packed)
            return getattr(self, name)
        raise AttributeError(name)


class ModelCache:
    """The loaded files of the last load, by path: the digest each had and, pickled, what it gave."""

    def __init__(self, path: Path, entries: dict[str, tuple[bytes, bytes]]) -> None:
        self.path = path
        self._before = entries
        self._now: dict[str, tuple[bytes, bytes]] = {}
        self.reused = 0
        self.loaded = 0

    @classmethod
    def open(cls, build_dir: Path) -> ModelCache:
        """The cache of the last load in `build_dir`; empty when there is none or it is not ours."""
        path = build_dir / CACHE_FILE
        try:
            with path.open("rb") as file:
                digest, entries = pickle.load(file)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
            return cls(path, {})
        if digest != loader_digest() or not isinstance(entries, dict):
            return cls(path, {})
        return cls(path, entries)

    def loader(self) -> FileLoader:
        """A loader for `validate.load_data`: the same checks and reads as the plain one, and for a
        file whose digest is the one kept, the model, marks and problems kept."""

        folders: dict[str, str] = {}  # where each folder of this load really is (`sources.read_source`)

        def load(kind: str, path: Path, root: Path, report: Report) -> tuple[SourceFile | None, Strict | None]:
            raw = read_source(path, root, report, folders)
            if raw is None:
                return None, None
            display = relative(path, root)
            digest = file_digest(kind, display, raw)
            kept = self._before.get(display)
            loaded = _unpickled(kept[1]) if kept is not None and kept[0] == digest else None
            if loaded is not None and kept is not None:
                self.reused += 1
                self._now[display] = kept
            else:
                loaded = _load(kind, raw, path, display)
                self._now[display] = (digest, pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
                self.loaded += 1
            return handed_back(loaded, path, display, report)

        return load

    @property
    def changed(self) -> bool:
        """Whether what the file would hold now differs from what it holds."""
        return self._now.keys() != self._before.keys() or any(
            self._before[name][0] != kept[0] for name, kept in self._now.items()
        )

    def save(self) -> None:
        """Keep what this load gave (only the files it loaded: a file gone is forgotten), written
        whole and then renamed, so a reader never sees half a file. Nothing is written when nothing
        changed."""
        if not self.changed:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
        try:
            with partial.open("wb") as file:
                pickle.dump((loader_digest(), self._now), file, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(self.path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        self._before = dict(self._now)


def handed_back(loaded: Loaded, path: Path, display: str, report: Report) -> tuple[SourceFile | None, Strict | None]:
    """What a loader returns for a file whose load is `loaded`, its problems told to `report` again."""
    for problem in loaded.problems:
        report.add(problem.location, problem.field_path, problem.message, problem.severity)
    report.held_back += loaded.held_back
    if loaded.marks is None:
        return None, loaded.model
    return KeptSource(path, display, loaded.marks), loaded.model


def _unpickled(kept: bytes) -> Loaded | None:
    """What loading a file gave, as kept; None (so the file is parsed) if it cannot be read back."""
    try:
        loaded = pickle.loads(kept)
    except Exception:
        return None
    return loaded if isinstance(loaded, Loaded) else None


def _load(kind: str, raw: bytes, path: Path, display: str) -> Loaded:
    """Load one file's bytes as `kind`, into a report of its own, to keep what it reported."""
    report = Report()
    source = parse_source(raw, path, display, report)
    model = validate_source(kind, source, report) if source is not None else None
    marks = pickle.dumps((source.marks, source.raw_scalars), protocol=pickle.HIGHEST_PROTOCOL) if source is not None else None
    return Loaded(model, marks, tuple(report.problems), report.held_back)
