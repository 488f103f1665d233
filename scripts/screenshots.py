"""Screenshots of the built site for the README (`make screenshots`), taken in Chromium."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
OUT = ROOT / "docs" / "screenshots"
sys.path.insert(0, str(ROOT))
from scripts import chromium  # noqa: E402  one rule for finding the browser, and its flags

PHONE = 500
"""Narrower than this, a shot is taken as on a phone (touch, mobile layout)."""

SHOTS = [
    ("home-nb", "/", 1280, 900),
    ("topic-phone-nb", "/topics/relasjon-tillit/", 390, 844),
    ("findings-nb", "/publications/skole-hjem-2025/findings/", 1280, 900),
    ("findings-en", "/en/publications/skole-hjem-2025/findings/", 1280, 900),
    ("matrix-nb", "/matrices/skole-hjem-2025-tiltak-kjennetegn/", 1280, 900),
    ("matrix-en", "/en/matrices/skole-hjem-2025-tiltak-kjennetegn/", 1280, 900),
    ("effect-map-nb", "/publications/norce-utenforskap-2025/effect-map/", 1280, 900),
    ("topic-en", "/en/topics/tidlig-innsats/", 1280, 900),
    ("themes-nb", "/publications/levik-2023-masteroppgave/themes/", 1280, 900),
    ("practice-en", "/en/practice/teachers/", 1280, 900),
]


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main(argv: list[str]) -> int:
    names = set(argv) or {name for name, *_ in SHOTS}
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        chromium.find_chromium()
    except chromium.ChromiumNotFound as exc:
        print(exc, file=sys.stderr)
        return 1
    server, base = serve(SITE)
    with sync_playwright() as p:
        browser = chromium.launch(p)
        for name, path, width, height in SHOTS:
            if name not in names:
                continue
            page = browser.new_page(viewport={"width": width, "height": height}, is_mobile=width < PHONE, has_touch=width < PHONE)
            page.goto(base + path)
            page.screenshot(path=str(OUT / f"{name}.png"))
            page.close()
            print(f"{OUT / name}.png")
        browser.close()
    server.shutdown()
    if not argv:
        pdf_pages()
    return 0


PDF_PAGES = [
    # (PDF relative to site/, text that identifies the page to show, output name);
    # the search starts after the cover and the contents page
    ("downloads/skole-hjem-2025-full-nb.pdf", "Oppsummering av kvalitative funn", "pdf-full-nb"),
    ("en/downloads/skole-hjem-2025-full-en.pdf", "Interventions examined", "pdf-full-en"),
    ("downloads/skole-hjem-2025-summary-nb.pdf", "Lav tillit", "pdf-summary-nb"),
    ("en/downloads/skole-hjem-2025-summary-en.pdf", "Key messages", "pdf-summary-en"),
]


def pdf_pages() -> None:
    """One page of each PDF as PNG, found by its text (pdftoppm from poppler-utils)."""
    import subprocess

    from pypdf import PdfReader

    for rel, marker, name in PDF_PAGES:
        pdf = SITE / rel
        reader = PdfReader(pdf)
        number = next(
            (
                i + 1
                for i, page in enumerate(reader.pages)
                if i >= 3 - 2 * ("summary" in rel) and marker in (page.extract_text() or "")
            ),
            1,
        )
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(number), "-l", str(number), "-singlefile", str(pdf), str(OUT / name)],
            check=True,
        )
        print(f"{OUT / name}.png (page {number} of {rel})")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
