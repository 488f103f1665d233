"""How the site reads on a phone: Lighthouse's mobile preset on each kind of page, both languages.

`measure(site_dir)` serves a built `site/` over HTTP (text compressed with gzip, as GitHub Pages
serves it), runs Lighthouse 12 (npm, pinned in package.json; Node 20) with the project's Chromium
(`scripts/chromium.py`) on one page of each kind in each language, and returns, per page, the
performance, accessibility and SEO scores (0-100), first and largest contentful paint and total
blocking time (ms, under Lighthouse's simulated mid-range phone on a slow 4G network), and what the
page transfers (KiB, all of it and its JavaScript). The page of a kind is its largest (the most
HTML): the worst case of the kind, chosen from the files, so any site can be measured.

`python -m generator.tools.lighthouse [site] [--runs 3] [--json out.json]` prints the table; with
more than one run, each page's median run (by performance score) is kept.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from generator.model.settings import LANGUAGES
from generator.present import urls
from scripts import chromium

ROOT = Path(__file__).resolve().parents[2]
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"

PAGE_KINDS: dict[str, str] = {
    "home": "index.html",
    "finding": "findings/*/index.html",
    "effect map": "publications/*/effect-map/index.html",
    "publication": "publications/*/index.html",
    "topic": "topics/*/index.html",
    "glossary": "glossary/index.html",
}
"""Each kind of page measured, as a pattern under a language's root: the largest match is measured."""

COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".mjs")
"""What the server gzips when the browser accepts it (GitHub Pages does the same)."""

CATEGORIES = ("performance", "accessibility", "seo")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """A static file server that compresses text, as the public host does; nothing logged."""

    compress = True

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.compress and accepts and path.suffix in COMPRESSED and path.is_file()):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return _Body(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Body:
    """The compressed bytes, read like the file SimpleHTTPRequestHandler copies out."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        data, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return data

    def close(self) -> None:
        pass


@contextmanager
def serve(site_dir: Path, compress: bool = True) -> Iterator[str]:
    """The site served on a free local port while the block runs (text gzipped unless `compress`
    is false: a host that does not compress); yields its address."""
    handler = type("Handler", (_Handler,), {"compress": compress})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def pages(site_dir: Path) -> list[tuple[str, str, str]]:
    """(kind, language, path from the site's root) of each page measured: the largest of its kind."""
    chosen = []
    for lang in LANGUAGES:
        root = site_dir / urls.site_url(urls.HOME, lang).removeprefix("/")
        for kind, pattern in PAGE_KINDS.items():
            found = sorted(root.glob(pattern), key=lambda p: (-p.stat().st_size, str(p)))
            if found:
                chosen.append((kind, lang, found[0].parent.relative_to(site_dir).as_posix()))
    return chosen


def run_lighthouse(url: str) -> dict[str, Any]:
    """Lighthouse's JSON report of one page (its default config: the mobile preset)."""
    if not LIGHTHOUSE.exists():
        raise RuntimeError(f"{LIGHTHOUSE} is missing: run `npm ci --ignore-scripts` (make setup)")
    flags = " ".join(["--headless=new", *chromium.ARGS])
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH") or chromium.find_chromium()}
    with tempfile.TemporaryDirectory(prefix="kb-lighthouse-") as tmp:
        out = Path(tmp) / "report.json"
        subprocess.run(
            [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
             f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"],
            check=True, env=env, stdout=subprocess.DEVNULL, timeout=300,
        )  # fmt: skip
        report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


def figures(report: dict[str, Any]) -> dict[str, Any]:
    """The figures kept of one Lighthouse report."""
    audits = report["audits"]
    scripts = [r for r in audits["resource-summary"]["details"]["items"] if r["resourceType"] == "script"]
    row: dict[str, Any] = {name: round(100 * (report["categories"][name]["score"] or 0)) for name in CATEGORIES}
    row |= {
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "transfer_kib": round(audits["total-byte-weight"]["numericValue"] / 1024, 1),
        "js_kib": round(sum(r["transferSize"] for r in scripts) / 1024, 1),
    }
    return row


def measure(site_dir: Path, runs: int = 1, compress: bool = True) -> dict[str, Any]:
    """Lighthouse's figures for each kind of page of a built site, in each language."""
    rows = []
    with serve(site_dir, compress) as base:
        for kind, lang, path in pages(site_dir):
            url = base + (path + "/" if path != "." else "")
            measured = sorted((figures(run_lighthouse(url)) for _ in range(runs)), key=lambda r: r["performance"])
            rows.append({"page": kind, "lang": lang, "path": path} | measured[len(measured) // 2])
    version = json.loads((ROOT / "node_modules" / "lighthouse" / "package.json").read_text(encoding="utf-8"))["version"]
    return {
        "lighthouse": version,
        "preset": "mobile (simulated slow 4G, 4x CPU slowdown)",
        "compression": "gzip" if compress else "none",
        "runs": runs,
        "pages": rows,
        "min_performance": min((r["performance"] for r in rows), default=0),
        "median_performance": statistics.median([r["performance"] for r in rows]) if rows else 0,
    }


COLUMNS = [
    ("page", "page", "{}"),
    ("lang", "lang", "{}"),
    ("performance", "perf", "{}"),
    ("accessibility", "a11y", "{}"),
    ("seo", "seo", "{}"),
    ("fcp_ms", "FCP ms", "{}"),
    ("lcp_ms", "LCP ms", "{}"),
    ("tbt_ms", "TBT ms", "{}"),
    ("transfer_kib", "KiB", "{:.0f}"),
    ("js_kib", "JS KiB", "{:.0f}"),
]


def table(result: dict[str, Any]) -> str:
    """The figures as a Markdown table, one row per page measured."""
    lines = ["| " + " | ".join(title for _, title, _ in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in result["pages"]:
        lines.append("| " + " | ".join(fmt.format(row[key]) for key, _, fmt in COLUMNS) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.tools.lighthouse", description=__doc__.split("\n")[0])
    parser.add_argument("site", nargs="?", default="site", type=Path, help="a built site (default: site/)")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median is kept (default 1)")
    parser.add_argument("--no-gzip", action="store_true", help="serve uncompressed, as a host that does not compress")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"{args.site}/index.html is missing: build the site first (python -m generator build)", file=sys.stderr)
        return 2
    result = measure(args.site, runs=args.runs, compress=not args.no_gzip)
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
