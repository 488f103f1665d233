"""The Lighthouse measurement (generator/tools/lighthouse.py): which pages it measures, how it serves
them, what it keeps of a report, and (marked `tool`) one real run on a small site.
(The figures are reported, never asserted: timing belongs in the README's table.)"""

from __future__ import annotations

import gzip
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from generator.tools import lighthouse


def _page(site: Path, rel: str, size: int) -> None:
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("<!doctype html><title>x</title>" + "x" * size, encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    for lang in ("", "en/"):
        _page(root, lang + "index.html", 10)
        _page(root, lang + "findings/a/index.html", 10)
        _page(root, lang + "findings/b/index.html", 500)
        _page(root, lang + "publications/p/index.html", 10)
        _page(root, lang + "publications/p/effect-map/index.html", 10)
        _page(root, lang + "glossary/index.html", 10)
    return root


def test_the_largest_page_of_each_kind_in_each_language(site: Path) -> None:
    chosen = lighthouse.pages(site)
    assert ("finding", "nb", "findings/b") in chosen and ("finding", "en", "en/findings/b") in chosen
    assert ("home", "nb", ".") in chosen and ("home", "en", "en") in chosen
    assert ("publication", "en", "en/publications/p") in chosen
    assert not [row for row in chosen if row[0] == "topic"]  # no topic page: none measured


def _get(url: str, encoding: str) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(response.headers), response.read()


@pytest.mark.parametrize("compress", [True, False])
def test_the_server_gzips_text_as_the_public_host_does(site: Path, compress: bool) -> None:
    original = (site / "findings/b/index.html").read_bytes()
    with lighthouse.serve(site, compress) as base:
        headers, body = _get(base + "findings/b/", "gzip")
        assert (headers.get("Content-Encoding") == "gzip") is compress
        assert (gzip.decompress(body) if compress else body) == original
        headers, body = _get(base + "findings/b/", "identity")
        assert "Content-Encoding" not in headers and body == original


def _report(performance: float) -> dict[str, Any]:
    value = {"numericValue": 1234.4}
    return {
        "categories": {"performance": {"score": performance}, "accessibility": {"score": 1}, "seo": {"score": None}},
        "audits": {
            "first-contentful-paint": value,
            "largest-contentful-paint": value,
            "total-blocking-time": {"numericValue": 0},
            "total-byte-weight": {"numericValue": 2048},
            "resource-summary": {
                "details": {
                    "items": [
                        {"resourceType": "script", "transferSize": 1024},
                        {"resourceType": "stylesheet", "transferSize": 512},
                    ]
                }
            },
        },
    }


def test_what_is_kept_of_a_report() -> None:
    row = lighthouse.figures(_report(0.956))
    assert row == {
        "performance": 96,
        "accessibility": 100,
        "seo": 0,
        "fcp_ms": 1234,
        "lcp_ms": 1234,
        "tbt_ms": 0,
        "transfer_kib": 2.0,
        "js_kib": 1.0,
    }
    table = lighthouse.table({"pages": [{"page": "home", "lang": "nb", "path": "."} | row]})
    assert table.splitlines()[2] == "| home | nb | 96 | 100 | 0 | 1234 | 1234 | 0 | 2 | 1 |"


def test_the_median_run_is_kept(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scores = iter([0.9, 0.7, 0.8] * 20)
    monkeypatch.setattr(lighthouse, "run_lighthouse", lambda url: _report(next(scores)))
    result = lighthouse.measure(site, runs=3)
    assert {row["performance"] for row in result["pages"]} == {80}
    assert result["min_performance"] == 80 and result["compression"] == "gzip"


@pytest.mark.tool
def test_lighthouse_runs_on_a_page(site: Path) -> None:
    """Lighthouse itself (npm, package.json) with the project's Chromium, on one small page."""
    with lighthouse.serve(site) as base:
        row = lighthouse.figures(lighthouse.run_lighthouse(base + "glossary/"))
    assert 0 < row["performance"] <= 100 and row["transfer_kib"] > 0 and row["js_kib"] == 0
