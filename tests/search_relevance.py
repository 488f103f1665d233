"""The search relevance set (tests/relevance.yaml), measured against a built site.

Every query is run through the site's own Pagefind index in Chromium, with the ranking options
the search box uses (`window.kbSearch.ranking`, declared in content/assets/kb.js), so that what
is measured is what a reader gets. A query succeeds at rank 1 when one of its wanted pages is the
first result, and within the top 3 when one is among the first three.

`python -m tests.search_relevance [SITE]` (`make search-relevance`) prints every query's first
results and the two numbers per language for a built site (default: site/).
"""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from generator.model.settings import LANGUAGES
from generator.present import urls

REPO = Path(__file__).resolve().parent.parent
RELEVANCE = Path(__file__).parent / "relevance.yaml"
KINDS = ("subject", "name")
STUDY_PAGES = "studies/"
"""Where the single-study pages are (urls.study): a subject query's answer ranks above all of them."""
RANKED = 10
"""How many results of each query are kept: enough to see where a missed answer went."""


@dataclass(frozen=True)
class Query:
    lang: str
    query: str
    want: tuple[str, ...]
    kind: Literal["subject", "name"]
    why: str


@dataclass(frozen=True)
class Outcome:
    query: Query
    results: tuple[str, ...]
    """The first results, as paths under the language's root ('findings/x/')."""

    @property
    def rank(self) -> int | None:
        """1-based rank of the first wanted page among the results, None when none is there."""
        return next((i for i, path in enumerate(self.results, 1) if path in self.query.want), None)

    def within(self, n: int) -> bool:
        return self.rank is not None and self.rank <= n

    @property
    def studies_above(self) -> tuple[str, ...]:
        """Single-study pages ranked above the first wanted page (all of them when it is missing)."""
        above = self.results if self.rank is None else self.results[: self.rank - 1]
        return tuple(path for path in above if path.startswith(STUDY_PAGES))


def load(path: Path = RELEVANCE) -> list[Query]:
    """The queries of every language, in the file's order; a malformed entry is an error naming it."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if set(raw) != set(LANGUAGES):
        raise ValueError(f"{path.name}: expected one list per language {sorted(LANGUAGES)}, got {sorted(raw)}")
    queries = []
    for lang in LANGUAGES:
        for n, entry in enumerate(raw[lang]):
            where = f"{path.name}: {lang}[{n}]"
            if set(entry) != {"query", "want", "kind", "why"}:
                raise ValueError(f"{where}: expected the keys query, want, kind, why; got {sorted(entry)}")
            if entry["kind"] not in KINDS:
                raise ValueError(f"{where}: kind must be one of {KINDS}, got {entry['kind']!r}")
            want = entry["want"]
            if not want or not all(isinstance(p, str) and p.endswith("/") and not p.startswith("/") for p in want):
                raise ValueError(f"{where}: want must list page paths like 'topics/x/', got {want!r}")
            queries.append(Query(lang, str(entry["query"]), tuple(want), entry["kind"], str(entry["why"])))
    return queries


def language_root(lang: str) -> str:
    """The path of a language's site under the site root: '' or 'en/'."""
    return urls.site_url("index.md", lang).removeprefix("/")


_SEARCH = """async ([bundle, query, keep]) => {
  const pagefind = await import(bundle + "pagefind.js");
  await pagefind.options({ ranking: (window.kbSearch || {}).ranking || {} });
  await pagefind.init();
  const search = await pagefind.search(query);
  const data = await Promise.all(search.results.slice(0, keep).map((r) => r.data()));
  return data.map((d) => d.url);
}"""


def run(page: Any, base_url: str, queries: list[Query]) -> list[Outcome]:
    """Every query against the site served at `base_url`, in a Playwright page; each language's
    queries on that language's home page, where the search box's script (kb.js) has run."""
    outcomes = []
    for lang in LANGUAGES:
        root = f"{base_url.rstrip('/')}/{language_root(lang)}"
        page.goto(root)
        page.wait_for_function("() => window.kbSearch !== undefined")
        for query in (q for q in queries if q.lang == lang):
            urls = page.evaluate(_SEARCH, [root + "pagefind/", query.query, RANKED])
            prefix = "/" + language_root(lang)
            outcomes.append(Outcome(query, tuple(url.removeprefix(prefix) for url in urls)))
    return outcomes


@dataclass(frozen=True)
class Score:
    lang: str
    queries: int
    at_1: int
    at_3: int

    def __str__(self) -> str:
        return (
            f"{self.lang}: success@1 {self.at_1}/{self.queries} ({self.at_1 / self.queries:.0%}), "
            f"success@3 {self.at_3}/{self.queries} ({self.at_3 / self.queries:.0%})"
        )


def scores(outcomes: list[Outcome]) -> dict[str, Score]:
    by_lang = {}
    for lang in LANGUAGES:
        mine = [o for o in outcomes if o.query.lang == lang]
        by_lang[lang] = Score(lang, len(mine), sum(o.within(1) for o in mine), sum(o.within(3) for o in mine))
    return by_lang


def report(outcomes: list[Outcome]) -> str:
    """One line per query (its rank, or '-' when its answer is not among the first results, and
    the first three results), then the numbers per language."""
    lines = []
    for o in outcomes:
        mark = "-" if o.rank is None else str(o.rank)
        lines.append(f"[{o.query.lang}] {mark:>2}  {o.query.query:<40} {' | '.join(o.results[:3])}")
    lines += [str(score) for score in scores(outcomes).values()]
    return "\n".join(lines)


@contextmanager
def serving(site: Path) -> Iterator[str]:
    """A built site over HTTP on localhost (Pagefind needs HTTP)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    from scripts import chromium

    site = Path(argv[0]) if argv else REPO / "site"
    if not (site / "pagefind").is_dir():
        print(f"{site}: no built site with a search index; run `make site` first", file=sys.stderr)
        return 1
    with serving(site) as base_url, sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            print(report(run(browser.new_page(), base_url, load())))
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
