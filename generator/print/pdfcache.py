"""A content-addressed cache of rendered reports: a report whose inputs have not changed is not rendered again.

A report is keyed by everything that decides its bytes: the print HTML it is rendered from (all the
data it prints is in it), the bytes of the stylesheet and the fonts it loads (read, not their
modification times), the versions of WeasyPrint and the libraries that lay out, draw and subset
for it, the options given to WeasyPrint, and the bytes of our own modules that call WeasyPrint or
change how it lays out (RENDERING_CODE). The cache lives in the project's build folder
(`build/pdf-cache/<key>.pdf`, beside it `<key>.json` with the file's SHA-256, size and pages).

A hit is used only when the cached file still has the bytes it was stored with: a half-written,
truncated or changed file is rendered again. Files go in whole (written under another name, then
renamed), and a run drops the entries it did not use, so the cache holds one build's reports.
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import importlib.metadata
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KEY_FORMAT = "3"
"""Changed when what a key covers changes."""

RENDERING_CODE = ("pdf.py", "repagination.py", "pagerefs.py", "chunks.py", "chunked.py", "pdfmerge.py")
"""The modules of this package that call WeasyPrint, change how it lays out a report or cut and join
a report rendered in chunks. An edit to
them can change a report's bytes and not its HTML: their bytes are part of the key, so such an edit
renders every report again (and so does any other edit to them, the price of never reusing a
report the code would now render otherwise)."""

LIBRARIES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "tinyhtml5", "Pyphen", "lxml", "pikepdf")
"""The Python packages whose version decides the bytes: layout, CSS, HTML parsing, PDF writing, font
subsetting, hyphens; and for a report rendered in chunks, cutting its HTML (lxml) and joining the
parts (pikepdf, with the qpdf it bundles)."""


def _native_version(names: tuple[str, ...], function: str, as_text: bool) -> str:
    """A shared library's version, asked through ctypes (importing WeasyPrint would cost half a second)."""
    for name in names:
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        call = getattr(library, function)
        call.restype = ctypes.c_char_p if as_text else ctypes.c_int
        value = call()
        return value.decode() if as_text else str(value)
    return "?"


def software() -> str:
    """The versions of what renders a report: the Python packages, and Pango (text layout) and
    HarfBuzz (shaping, subsetting) as WeasyPrint loads them."""
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} -")
    pango = _native_version(
        ("libpango-1.0-0.dll", "libpango-1.0.so.0", "libpango-1.0.dylib", "libpango-1.0.0.dylib"), "pango_version", False
    )
    harfbuzz = _native_version(("libharfbuzz-0.dll", "libharfbuzz.so.0", "libharfbuzz.0.dylib"), "hb_version_string", True)
    return "\n".join([*versions, f"pango {pango}", f"harfbuzz {harfbuzz}"])


def assets_digest(stylesheets: Path, fonts: Path) -> str:
    """The bytes of everything a report loads besides its HTML: the files of the print templates'
    folder that are no templates (print.css) and every file of the fonts folder, with their names."""
    digest = hashlib.sha256()
    files = [p for p in sorted(stylesheets.rglob("*")) if p.is_file() and not p.name.endswith(".j2")]
    files += [p for p in sorted(fonts.rglob("*")) if p.is_file()]
    for path in files:
        data = path.read_bytes()
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def rendering_code(folder: Path = Path(__file__).parent) -> str:
    """The digest of RENDERING_CODE's bytes, with their names."""
    digest = hashlib.sha256()
    for name in RENDERING_CODE:
        data = (folder / name).read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return f"code {digest.hexdigest()}"


def report_key(html: str, options: Mapping[str, Any], assets: str, versions: str) -> str:
    """The cache key of one report: the SHA-256 of all its inputs, each length-prefixed."""
    digest = hashlib.sha256()
    parts = [KEY_FORMAT, versions, assets, repr(sorted(options.items())), html]
    for part in parts:
        data = part.encode()
        digest.update(f"{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(functools.partial(file.read, 1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _place(source: Path, target: Path) -> None:
    """`source`'s bytes at `target`, whole: a hard link where the file system allows (the cache and
    the site are only ever replaced by renames, never written in place), else a copy; renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    partial.unlink(missing_ok=True)
    try:
        os.link(source, partial)
    except OSError:
        shutil.copyfile(source, partial)
    partial.replace(target)


@dataclass(frozen=True)
class PdfCache:
    """The cache folder, the digest of the stylesheet and fonts, and the software's versions with
    the digest of our rendering code, read once per run (before the rendering processes fork)."""

    folder: Path
    assets: str
    versions: str

    @classmethod
    def open(cls, folder: Path, stylesheets: Path, fonts: Path) -> PdfCache:
        folder.mkdir(parents=True, exist_ok=True)
        return cls(folder, assets_digest(stylesheets, fonts), f"{software()}\n{rendering_code()}")

    def key(self, html: str, options: Mapping[str, Any]) -> str:
        return report_key(html, options, self.assets, self.versions)

    def _files(self, key: str) -> tuple[Path, Path]:
        return self.folder / f"{key}.pdf", self.folder / f"{key}.json"

    def fetch(self, key: str, target: Path) -> int | None:
        """Put the cached report of `key` at `target` and return its pages; None when there is
        none or it does not have the bytes it was stored with (it is dropped then)."""
        pdf, meta = self._files(key)
        try:
            record = json.loads(meta.read_text(encoding="utf-8"))
            intact = pdf.stat().st_size == record["bytes"] and _sha256(pdf) == record["sha256"]
            pages = int(record["pages"])
        except (OSError, ValueError, KeyError, TypeError):
            intact, pages = False, 0
        if not intact:
            pdf.unlink(missing_ok=True)
            meta.unlink(missing_ok=True)
            return None
        _place(pdf, target)
        return pages

    def store(self, key: str, rendered: Path, pages: int) -> None:
        """Keep a freshly rendered report under `key`: the file first, then its record, each renamed into place."""
        pdf, meta = self._files(key)
        record = {"sha256": _sha256(rendered), "bytes": rendered.stat().st_size, "pages": pages}
        _place(rendered, pdf)
        partial = meta.with_name(f"{meta.name}.{os.getpid()}.part")
        partial.write_text(json.dumps(record), encoding="utf-8")
        partial.replace(meta)

    def keep_only(self, keys: Iterable[str]) -> int:
        """Drop every entry (and leftover partial file) but those of `keys`: the cache holds what
        the last run used. Returns how many files were dropped."""
        kept = {name for key in keys for name in (f"{key}.pdf", f"{key}.json")}
        dropped = 0
        for path in self.folder.iterdir():
            if path.name not in kept and path.is_file():
                path.unlink(missing_ok=True)
                dropped += 1
        return dropped
