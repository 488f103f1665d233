"""Pagefind over each language's built site: one bundle, or for a large site one bundle per large folder.

Pagefind holds a whole index in memory while it builds it: at 10,000 studies (21,057 pages a
language) one run peaked at 1.38 GB. Its memory goes with the pages a run reads, so from
`SHARDED_FROM_PAGES` pages a language each top-level folder of at least `OWN_BUNDLE_FROM_PAGES`
pages is indexed into a bundle of its own (`pagefind-<folder>/`), one run after the other, and the
rest into the main bundle (`pagefind/`); measured at that size: studies 399 MB, findings 351 MB,
publications 521 MB, the matrices 52 MB. The search merges the bundles in the browser (Pagefind's
`mergeIndex`: assets/kb.js reads them from the header's `data-merge`, which MkDocs writes from
`bundles`), and ranks the results of all of them together. A site under the threshold, as this
knowledge base is, keeps one bundle, so its search and its ranking stay as they were.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator.present import search

SHARDED_FROM_PAGES = 8_000
"""Pages a language from which its search index is built in bundles (the real knowledge base: about 1,000)."""

OWN_BUNDLE_FROM_PAGES = 1_000
"""In a sharded site, a top-level folder with at least this many pages is indexed into a bundle of its own."""

MAIN_BUNDLE = "pagefind"
"""The bundle Pagefind's UI is loaded from; a folder indexed apart goes to `pagefind-<folder>`."""


def own_bundle_folders(docs: Sequence[str]) -> list[str]:
    """The top-level folders indexed apart, from a language's planned pages (their Markdown paths)."""
    if len(docs) < SHARDED_FROM_PAGES:
        return []
    counts = Counter(doc.split("/", 1)[0] for doc in docs if "/" in doc)
    return sorted(folder for folder, pages in counts.items() if pages >= OWN_BUNDLE_FROM_PAGES)


def bundle(folder: str) -> str:
    """The bundle of a folder indexed apart, in the site's root."""
    return f"{MAIN_BUNDLE}-{folder}"


def commands(site: Path, folders: Sequence[str]) -> list[list[str]]:
    """The Pagefind runs that index `site`: the main bundle (everything not in `folders`), then one
    per folder. Page chrome is left out (search.NOT_INDEXED)."""
    run = [sys.executable, "-m", "pagefind", "--site", str(site), "--silent"]
    run += [arg for selector in search.NOT_INDEXED for arg in ("--exclude-selectors", selector)]
    if not folders:
        return [run]
    rest = sorted(p.name for p in site.iterdir() if p.is_dir() and p.name not in folders and not p.name.startswith(MAIN_BUNDLE))
    main = "{" + ",".join(["*.html", *(f"{name}/**/*.html" for name in rest)]) + "}"
    return [
        [*run, "--glob", main],
        *([*run, "--glob", f"{folder}/**/*.html", "--output-subdir", bundle(folder)] for folder in folders),
    ]


def run_pagefind(sites: Mapping[str, Path], folders: Mapping[str, Sequence[str]] | None = None) -> None:
    """Index each language's site (stemmed for its <html lang>: docs/decisions.md), the languages side
    by side, each language's runs one after the other (one run's memory at a time). `folders`: per
    language, the folders indexed apart (`own_bundle_folders`); none by default."""

    def index(lang: str) -> None:
        for command in commands(sites[lang], (folders or {}).get(lang, ())):
            done = subprocess.run(command, check=False)
            if done.returncode != 0:
                raise subprocess.CalledProcessError(done.returncode, f"pagefind --site {sites[lang]}")

    with ThreadPoolExecutor(len(sites) or 1) as pool:
        for future in [pool.submit(index, lang) for lang in sites]:
            future.result()


def indexed_in_bundles(folders: Iterable[str]) -> list[str]:
    """What the header lists for the search to merge: each bundle's folder, with a slash."""
    return [bundle(folder) + "/" for folder in folders]
