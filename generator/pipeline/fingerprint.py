"""What code made a cached result: its source files and the versions of the libraries it calls.

The build's caches (`pagecache.py`, `modelcache.py`) keep a result only for the code that made it;
each adds to its digest the files and libraries its results depend on, through these two."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def add_files(digest: Any, folder: Path, suffixes: tuple[str, ...]) -> None:
    """Every file under `folder` with one of `suffixes` (compiled caches left out): its path from
    `folder` and its bytes, in path order. `digest`: a hashlib object."""
    for path in sorted(folder.rglob("*")):
        if path.suffix in suffixes and path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


def add_versions(digest: Any, libraries: Iterable[str]) -> None:
    """The installed version of each library ('-' for one that is not installed)."""
    for name in libraries:
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}={version}\0".encode())
