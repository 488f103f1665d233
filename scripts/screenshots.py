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
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]

SHOTS = [
    ("findings-nb", "/publications/skole-hjem-2025/findings/", 1280, 900),
    ("findings-en", "/en/publications/skole-hjem-2025/findings/", 1280, 900),
    ("matrix-nb", "/matrices/skole-hjem-2025-tiltak-kjennetegn/", 1280, 900),
    ("matrix-en", "/en/matrices/skole-hjem-2025-tiltak-kjennetegn/", 1280, 900),
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
    server, base = serve(SITE)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name, path, width, height in SHOTS:
            if name not in names:
                continue
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(base + path)
            page.screenshot(path=str(OUT / f"{name}.png"))
            page.close()
            print(f"{OUT / name}.png")
        browser.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
