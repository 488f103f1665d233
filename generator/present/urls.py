"""The one place that decides the path of every page.

Paths are the same in every language (the English site mirrors the Norwegian one under
/en/), so the language switch maps a page to its counterpart by path alone. Everything
else asks this module for a path or a relative link; nothing builds one by concatenation.
"""

from __future__ import annotations

import posixpath
from functools import lru_cache

from generator.model.settings import DEFAULT_LANGUAGE

HOME = "index.md"
ABOUT = "om.md"
"""The About page: hand-written (content/<lang>/om.md), linked from the home page and first in the sidebar after it."""
STUDIES_INDEX = "studies/index.md"
PUBLICATIONS_INDEX = "publications/index.md"


def publication(pub_id: str) -> str:
    return f"publications/{pub_id}/index.md"


def findings_table(pub_id: str) -> str:
    return f"publications/{pub_id}/findings.md"


def evidence_profiles(pub_id: str) -> str:
    return f"publications/{pub_id}/evidence-profiles.md"


def changelog(pub_id: str) -> str:
    return f"publications/{pub_id}/changelog.md"


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
    rel = _relative_dir(from_doc, to_doc)
    return f"{rel}#{fragment}" if fragment else rel


@lru_cache(maxsize=65536)
def _relative_dir(from_doc: str, to_doc: str) -> str:
    # Pure string work (no os.path.abspath): this runs for every link on every page.
    start = [p for p in _url_dir(from_doc).split("/") if p]
    target = [p for p in _url_dir(to_doc).split("/") if p]
    common = 0
    while common < min(len(start), len(target)) and start[common] == target[common]:
        common += 1
    parts = [".."] * (len(start) - common) + target[common:]
    return "/".join(parts) + "/" if parts else "./"


def asset(from_doc: str, asset_path: str) -> str:
    """Relative URL of a static file (e.g. 'downloads/x.pdf') from a page."""
    start = _url_dir(from_doc) or "."
    return posixpath.relpath(asset_path, start)


def pdf_path(pub_id: str, kind: str, lang: str) -> str:
    """A publication's PDF ('full' or 'summary'), relative to its language's site root."""
    return f"downloads/{pub_id}-{kind}-{lang}.pdf"


def citation_path(kind: str, entity_id: str, fmt: str) -> str:
    """How to cite a page's entity, for reference managers ('bib' for BibTeX or 'ris'), relative to
    its language's site root: the citation is in the page's language."""
    return f"downloads/cite/{kind}-{entity_id}.{fmt}"


def public_page(base_url: str, doc: str, lang: str) -> str:
    """The public address of a page, from the site's address (`base_url`, ending in '/')."""
    return base_url.rstrip("/") + site_url(doc, lang)


def public_file(base_url: str, path: str, lang: str) -> str:
    """The public address of a file under a language's site root ('downloads/x.pdf')."""
    prefix = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
    return f"{base_url.rstrip('/')}/{prefix}{path}"


def findings_list(pub_id: str, theme: str | None = None, confidence: str | None = None) -> str:
    """Drill-down page: the findings of one theme and/or confidence level."""
    return f"publications/{pub_id}/lists/findings-{theme or 'all'}-{confidence or 'all'}.md"


def matrix_list(matrix_id: str, characteristic: str, value: str) -> str:
    """Drill-down page: the matrix rows with one value in one column (a column total)."""
    return f"matrices/{matrix_id}/{characteristic}-{value}.md"


def references_path(pub_id: str, fmt: str) -> str:
    """A publication's bibliographic export ('ris' or 'json' for CSL-JSON), relative to a language root."""
    suffix = {"ris": "ris", "json": "csl.json"}[fmt]
    return f"downloads/{pub_id}-references.{suffix}"


def reference_list_path(pub_id: str, fmt: str) -> str:
    """The export of a publication's reference list ('ris' or 'json' for CSL-JSON), relative to a language root."""
    suffix = {"ris": "ris", "json": "csl.json"}[fmt]
    return f"downloads/{pub_id}-reference-list.{suffix}"


def reference_list(pub_id: str) -> str:
    """A publication's reference list, where the source has one."""
    return f"publications/{pub_id}/references.md"


# --- open data: CSV per table, the whole knowledge base as JSON, a data package ----------------

FEED = "feed.xml"
"""The Atom feed of what changed, one per language, at the language's site root."""

KNOWLEDGE_BASE_JSON = "downloads/data/knowledge-base.json"
DATA_PACKAGE = "downloads/data/datapackage.json"
"""The Frictionless data package: it describes every file beside it."""


def findings_data(pub_id: str) -> str:
    return f"downloads/data/{pub_id}-findings.csv"


def studies_data(pub_id: str) -> str:
    return f"downloads/data/{pub_id}-studies.csv"


def effects_data(pub_id: str) -> str:
    return f"downloads/data/{pub_id}-effects.csv"


def matrix_data(matrix_id: str) -> str:
    return f"downloads/data/{matrix_id}-matrix.csv"


# --- the whole knowledge base (issue 6) ------------------------------------------------------

OVERVIEW = "overview.md"
GLOSSARY = "glossary.md"
TOPICS_INDEX = "topics/index.md"
AUDIENCES_INDEX = "practice/index.md"


def topic(topic_id: str) -> str:
    return f"topics/{topic_id}.md"


def audience(audience_id: str) -> str:
    return f"practice/{audience_id}.md"


def intervention(intervention_id: str) -> str:
    return f"interventions/{intervention_id}.md"


def implications(pub_id: str) -> str:
    return f"publications/{pub_id}/implications.md"


def cases(pub_id: str) -> str:
    return f"publications/{pub_id}/cases.md"


def themes(pub_id: str) -> str:
    return f"publications/{pub_id}/themes.md"


def appraisal(pub_id: str) -> str:
    return f"publications/{pub_id}/appraisal.md"


def sector_matrix(pub_id: str) -> str:
    return f"publications/{pub_id}/sectors.md"


def effect_map(pub_id: str) -> str:
    return f"publications/{pub_id}/effect-map.md"


def effect_list(pub_id: str, intervention_id: str, outcome: str) -> str:
    """Drill-down page: the studies behind one cell of the effect map."""
    return f"publications/{pub_id}/effect-map/{intervention_id}-{outcome}.md"


def sector_list(pub_id: str, sector: str) -> str:
    """Drill-down page: the studies involving one sector (a column total of the sector matrix)."""
    return f"publications/{pub_id}/sectors/{sector}.md"
