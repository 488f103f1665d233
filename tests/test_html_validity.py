"""Every page of the built site is valid HTML, as the Nu Html Checker (vnu.jar, W3C's validator) sees it.

vnu.jar comes from npm (package.json pins vnu-jar; `npm ci` installs it) and runs on Java 17+.
All pages are checked in one run (a few seconds for the whole site). Errors fail the test;
warnings are allowed and printed (`pytest -rA` or -s shows them). The theme's own markup has a
few errors we cannot change without copying its templates: ALLOWED names each one exactly
(message, and a piece of the offending markup that only the theme writes) with the reason.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.model.settings import Project

pytestmark = pytest.mark.tool  # runs the Nu Html Checker (Java) end to end: not in make test-fast

REPO = Path(__file__).resolve().parent.parent
VNU = REPO / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SHOWN = 40
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1", "-Xss8m"]
"""The quick compiler only: a run lasts seconds, too short for the optimising one to pay off (it
halves the checker's CPU time, same messages). Its deeper stack frames need the larger stack the
checker asks for when its schema recursion overflows."""


@dataclass(frozen=True)
class Allowed:
    message: str
    """The validator's message, exactly."""
    markup: str
    """A regex the message's extract (the offending markup) must match: pins it to the theme's markup."""
    reason: str


ALLOWED = [
    Allowed(
        message="Attribute “autocomplete” is only allowed when the input type is “color”, “date”, “datetime-local”, “email”, "
        "“hidden”, “month”, “number”, “password”, “range”, “search”, “tel”, “text”, “time”, “url”, or “week”.",
        markup=r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" id="__(drawer|search)" autocomplete="off">',
        reason="mkdocs-material base.html: the hidden checkboxes that open the drawer and the search carry autocomplete=off "
        "so Firefox does not restore them checked on back navigation. Written outside any block we could override; "
        "browsers ignore the attribute otherwise, no reader-facing effect.",
    ),
    Allowed(
        message="Bad value “” for attribute “tabindex” on element “label”: The empty string is not a valid integer.",
        markup=r'<label class="md-nav__link" for="__nav_[0-9_]+" id="__nav_[0-9_]+_label" tabindex="">',
        reason='mkdocs-material partials/nav-item.html with navigation.sections: section titles get tabindex="" '
        '(it sets "0" only for collapsible items). Browsers treat the invalid value as absent, so a section title '
        "is not a tab stop, which is what the theme means; fixing it needs a copy of the whole partial.",
    ),
    Allowed(
        message="The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control.",
        markup=r'<label class="md-nav__title" for="__toc">',
        reason="mkdocs-material partials/toc.html labels the table of contents for the __toc checkbox, which the theme "
        "writes only into the sidebar entry of a page in the navigation; finding and study pages are deliberately "
        "not in the navigation (mkdocs.yml not_in_nav; the sidebar would grow with every page). The label is then "
        "a plain title that toggles nothing.",
    ),
]


def _allowed(message: dict[str, Any]) -> Allowed | None:
    extract = message.get("extract", "")
    return next((a for a in ALLOWED if message.get("message") == a.message and re.search(a.markup, extract)), None)


def _where(message: dict[str, Any], site: Path) -> str:
    url = message.get("url", "")
    path = url.removeprefix("file:")
    try:
        path = Path(path).relative_to(site).as_posix()
    except ValueError:
        pass
    return f"{path}:{message.get('lastLine', '?')}:{message.get('firstColumn', message.get('lastColumn', '?'))}"


def _vnu(*args: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The checker's messages, and the files it checked."""
    if not VNU.is_file():
        pytest.fail(f"{VNU.relative_to(REPO)} is missing: run `npm ci` (package.json pins vnu-jar)")
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is not installed: the Nu Html Checker needs Java 17 or later (Debian: openjdk-17-jre-headless)")
    # --exit-zero-always: the verdict is ours (allow-list). The JSON report goes to stderr;
    # --verbose lists each file checked on stdout.
    done = subprocess.run(
        [java, *JAVA_OPTIONS, "-jar", str(VNU), "--format", "json", "--verbose", "--exit-zero-always", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:] or done.stdout[-2000:]
    return json.loads(done.stderr)["messages"], done.stdout.split()


def _verdict(messages: list[dict[str, Any]], site: Path) -> tuple[list[str], list[str], Counter[str]]:
    """(errors, warnings, uses of each allow-list entry); errors include "non-document-error" (unreadable file)."""
    errors, warnings, used = [], [], Counter()
    for m in messages:
        line = f"{_where(m, site)}: {m.get('message')}  [{' '.join(m.get('extract', '').split())[:160]}]"
        if m.get("type") == "info":
            skipped = m.get("message", "").startswith("File was not checked.") and not m.get("url", "").endswith(".html")
            if m.get("subType") == "warning" and not skipped:  # --skip-non-html notes every other file
                warnings.append(line)
            continue
        allowed = _allowed(m)
        if allowed is not None:
            used[allowed.message] += 1
        else:
            errors.append(f"{m.get('type')}: {line}")
    return errors, warnings, used


@pytest.mark.long
def test_every_page_is_valid_html(real_project: Project) -> None:
    site = real_project.site_dir
    pages = list(site.rglob("*.html"))
    assert len(pages) > 100, f"only {len(pages)} pages built"
    messages, checked = _vnu("--skip-non-html", str(site))
    assert len(checked) == len(pages), f"the checker read {len(checked)} of {len(pages)} pages"
    errors, warnings, used = _verdict(messages, site)
    if warnings:
        print(f"\n{len(warnings)} validator warning(s):\n" + "\n".join(warnings))
    more = f"\n... and {len(errors) - SHOWN} more" if len(errors) > SHOWN else ""
    assert not errors, f"{len(errors)} HTML error(s) in {len(pages)} pages:\n" + "\n".join(errors[:SHOWN]) + more
    stale = [a.message for a in ALLOWED if not used[a.message]]
    assert not stale, f"allow-listed validator messages that no longer occur (remove them from ALLOWED): {stale}"


def test_site_stylesheet_is_valid_css(real_project: Project) -> None:
    css = real_project.site_dir / "assets" / "kb.css"
    errors, warnings, _ = _verdict(_vnu("--css", str(css))[0], real_project.site_dir)
    assert not errors, "\n".join(errors)
    if warnings:
        print("\n".join(warnings))


def test_the_checker_finds_errors(tmp_path: Path) -> None:
    """The allow-list is narrow: the same message from markup the theme does not write still fails."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title></head><body>'
        '<input class="kb-toggle" type="checkbox" id="t" autocomplete="off"><label class="kb-title" for="__toc">t</label>'
        '<h2 id="notes">a</h2><h2 id="notes">b</h2></body></html>',
        encoding="utf-8",
    )
    errors, _, used = _verdict(_vnu(str(bad))[0], tmp_path)
    assert any("autocomplete" in e for e in errors), errors
    assert any("Duplicate ID “notes”" in e for e in errors), errors
    assert any("“for” attribute" in e for e in errors), errors
    assert not used
