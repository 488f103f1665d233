"""The one place that decides the path of every page.

Paths are the same in every language (the English site mirrors the Norwegian one under
/en/), so the language switch maps a page to its counterpart by path alone. Everything
else asks this module for a path or a relative link; nothing builds one by concatenation.
"""

from __future__ import annotations

import posixpath

from .settings import DEFAULT_LANGUAGE

HOME = "index.md"
STUDIES_INDEX = "studies/index.md"
FINDINGS_INDEX = "findings/index.md"


def publication(pub_id: str) -> str:
    return f"publications/{pub_id}/index.md"


def findings_table(pub_id: str) -> str:
    return f"publications/{pub_id}/findings.md"


def evidence_profiles(pub_id: str) -> str:
    return f"publications/{pub_id}/evidence-profiles.md"


def characteristics(pub_id: str) -> str:
    return f"publications/{pub_id}/characteristics.md"


def method(pub_id: str) -> str:
    return f"publications/{pub_id}/method.md"


def publication_studies(pub_id: str) -> str:
    return f"publications/{pub_id}/studies.md"


def notes(pub_id: str) -> str:
    return f"publications/{pub_id}/notes.md"


def matrix(matrix_id: str) -> str:
    return f"matrices/{matrix_id}.md"


def finding(finding_id: str) -> str:
    return f"findings/{finding_id}.md"


def study(study_id: str) -> str:
    return f"studies/{study_id}.md"


def anchor(kind: str, entity_id: str) -> str:
    """Stable fragment id for an entity shown inside a table (e.g. a finding row)."""
    return f"{kind}-{entity_id}"


def relative(from_doc: str, to_doc: str, fragment: str | None = None) -> str:
    """Relative Markdown link between two docs; MkDocs checks it and rewrites it to a URL."""
    rel = posixpath.relpath(to_doc, posixpath.dirname(from_doc) or ".")
    return f"{rel}#{fragment}" if fragment else rel


def site_url(doc: str, lang: str) -> str:
    """The URL path of a doc in the built site (directory URLs), from the site root."""
    stem = doc[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
    else:
        stem += "/"
    prefix = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
    return f"/{prefix}{stem}" if stem else f"/{prefix}"


def _url_dir(doc: str) -> str:
    """The directory URL of a doc relative to the site root, '' for the home page."""
    stem = doc[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def href(from_doc: str, to_doc: str, fragment: str | None = None) -> str:
    """Relative URL for links inside generated HTML blocks.

    Markdown links are rewritten by MkDocs, but links inside raw HTML (our tables) are not,
    so they must already be final, relative URLs; relative so the site works from any base.
    """
    start = _url_dir(from_doc) or "."
    target = _url_dir(to_doc) or "."
    rel = posixpath.relpath(target, start)
    rel = "./" if rel == "." else rel + "/"
    return f"{rel}#{fragment}" if fragment else rel


def asset(from_doc: str, asset_path: str) -> str:
    """Relative URL of a static file (e.g. 'downloads/x.pdf') from a page."""
    start = _url_dir(from_doc) or "."
    return posixpath.relpath(asset_path, start)
