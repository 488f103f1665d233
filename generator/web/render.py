"""Jinja2 rendering of planned pages into Markdown, one language at a time.

Templates emit Markdown headings and raw HTML blocks for tables. Autoescaping is on, so
every value from the data is HTML-escaped: a pull request cannot inject markup. Text inside
raw HTML blocks is not parsed as Markdown, so data cannot inject Markdown either; headings
go through the `md` filter, which escapes Markdown syntax.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from markupsafe import Markup, escape

from generator.model.counts import Tally
from generator.model.i18n import OTHER, resolve
from generator.model.index import Index
from generator.present import citing, urls
from generator.present.links import SECONDARY, Linker, entity_page
from generator.present.pagespec import PageSpec
from generator.present.presenter import Medium, Presenter
from generator.web import explain
from generator.web.contexts import Scope, build_context, page_citation

TEMPLATES = Path(__file__).parent.parent / "templates"
TEMPLATES_IN_PROJECT = TEMPLATES.relative_to(Path(__file__).parent.parent.parent).as_posix()
"""Where an editor finds the templates: `generator/templates`."""

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!])")
_MD_LITERAL = {"|": "&#124;", "~": "&#126;"}
"""Characters Markdown has no backslash escape for (`\\|` would show its backslash): written as
character references, which mean the character itself in any Markdown."""


def md_escape(value: Any) -> Markup:
    """Escape text for a Markdown heading or inline context: HTML first, then Markdown syntax."""
    if isinstance(value, Markup):
        return value
    html = _MD_SPECIAL.sub(r"\\\1", str(escape(str(value))))
    return Markup("".join(_MD_LITERAL.get(c, c) for c in html))


_ATTRIBUTE_PLAIN = frozenset(" ,:;/?=@%-")


def md_attribute(value: Any) -> Markup:
    """Text for a value in a heading's attribute list (`{ data-pagefind-meta="title:…" }`): every
    character but letters, digits, spaces and a few marks as a character reference, so no quote ends
    the value, no brace ends the list, and no backslash or Markdown syntax reaches the attribute."""
    return Markup("".join(c if c.isalnum() or c in _ATTRIBUTE_PLAIN else f"&#{ord(c)};" for c in str(value)))


SITE = Medium(
    badge_classes={
        "confidence": "kb-badge kb-confidence",
        "finding-type": "kb-badge kb-type",
        "effect-direction": "kb-badge kb-direction",
        "evidence-status": "kb-badge kb-evidence",
        "matrix-value": "kb-cell kb-value",
    },
    symbol_class=None,
    fallback=Markup('<span lang="{lang}">{text}</span> <span class="kb-fallback" role="note">({notice})</span>'),
    link=Markup('<a href="{href}">{label}</a>'),
    secondary=SECONDARY,
)
"""How the site marks up the presenter's words (content/assets/kb.css styles these classes)."""


def entity_href(index: Index, from_doc: str, kind: str, entity_id: str) -> str:
    """A link from the page `from_doc` to wherever the site shows an entity."""
    doc, fragment = entity_page(index, kind, entity_id)
    return urls.href(from_doc, doc, fragment)


class View(Presenter):
    """How a template formats: the presenter's texts, labels, badges, numbers and UI strings in
    the page's language, with links relative to the page.

    What a page shows is its context (`contexts.py`), built before it renders; the view only
    says how. Its link methods are what a citation in a hand-written page is expanded with
    (citations.py): `links.Linker` decides where they go, for citations and contexts alike."""

    def __init__(self, index: Index, lang: str, page: PageSpec, pdfs: bool = True) -> None:
        super().__init__(index, lang, SITE, functools.partial(entity_href, index, page.doc))
        self.pdfs = pdfs  # whether this build writes the PDF reports: without them no page links to one
        self.other_lang = OTHER[lang]
        self.page = page
        self.links = Linker(index, page.doc, self)

    # links --------------------------------------------------------------------------------
    def href(self, doc: str, fragment: str | None = None) -> str:
        return self.links.href(doc, fragment)

    def study_link(self, study_id: str) -> Markup:
        return Markup(self.links.study(study_id).__html__())

    def finding_ref(self, finding_id: str, with_publication: bool = True) -> Markup:
        """'Finding 16 (School-home collaboration …) · ●●●● High confidence': a finding cited from elsewhere."""
        return Markup(self.links.finding_ref(finding_id, with_publication).__html__())

    def asset(self, path: str) -> str:
        return self.links.asset(path)

    # terms explained where the page first names them (explain.py) ----------------------------
    def explained_term(self, mention: explain.Mention) -> str:
        """A term as the page names it, linked to its glossary entry, with its name in both languages
        and its definition as a tooltip: shown on hover and on keyboard focus (content/assets/kb.css,
        kb.js), read by screen readers as the link's description, reached on a touch screen by following
        the link. Every character from the data is a character reference (`explain.literal`), so
        the markup means the same in a raw HTML block and in a paragraph of a hand-written page."""
        term = self.index.glossary_term(mention.term_id)
        tip_id = f"kb-tip-{mention.term_id}"
        definition = resolve(term.definition, self.lang)
        other = resolve(term.term, self.other_lang)
        said = explain.literal(definition.text)
        if definition.fallback:
            said = f'<span lang="{definition.lang}">{said}</span> ({explain.literal(self.ui("fallback_notice"))})'
        name = explain.literal(self.entity_label("term", term.id))
        if not other.fallback:
            name += f' (<span lang="{other.lang}">{explain.literal(other.text)}</span>)'
        tip = f"{name}: {said}"
        href = escape(self.links.href(*entity_page(self.index, "term", term.id)))
        return (
            f'<span class="kb-term"><a href="{href}" aria-describedby="{tip_id}">{mention.written}</a>'
            f'<span class="kb-term-tip" id="{tip_id}" role="tooltip">{tip}</span></span>'
        )

    def explain_terms(self, markdown: str) -> str:
        """The page with the first mention of each glossary term in its body text explained."""
        if not self.index.data.entities.get("term"):
            return markdown
        mentions = explain.first_mentions(markdown, self.index.glossary(), self.lang)
        return explain.explain(markdown, mentions, self.explained_term)

    # indicators ---------------------------------------------------------------------------
    def meter(self, vocabulary: str, tallies: list[Tally], rest: int = 0) -> Markup:
        """A small bar beside a count in words: one segment per term, as long as its count, in the
        order the words give them, and a hatched one for `rest` (findings not assessed). The words
        say everything it shows, so screen readers skip it, and no meaning rests on its colours."""
        segments = [(f"kb-seg-{vocabulary}-{t.key}", t.count) for t in tallies if t.count]
        if rest:
            segments.append(("kb-seg-rest", rest))
        if not segments:
            return Markup("")
        spans = "".join(f'<span class="kb-seg {escape(css)}" style="flex-grow: {n}"></span>' for css, n in segments)
        return Markup(f'<span class="kb-meter" aria-hidden="true">{spans}</span>')


COMPILE_SETTINGS = (
    # What Jinja's lexer depends on (jinja2.lexer.get_lexer), then what its code generator reads.
    *("block_start_string", "block_end_string", "variable_start_string", "variable_end_string"),
    *("comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix"),
    *("trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline"),
    *("autoescape", "optimized", "finalize", "is_async", "code_generator_class"),
)
"""The settings of an environment that its compiled templates depend on."""


def compile_key(environment: Environment, name: str) -> str:
    """What a template compiles to depends on: its source (Jinja adds its checksum), the Jinja that
    compiles it, the environment's settings and extensions, and its name."""
    settings = (*(getattr(environment, option) for option in COMPILE_SETTINGS), sorted(environment.extensions))
    return f"{jinja2.__version__}|{settings!r}|{name}"


class CompiledTemplates(FileSystemBytecodeCache):
    """Compiled templates in a folder, kept between builds. Jinja compiles a template from its
    source in every new environment: each language's process of a build and every PDF report's
    process did so for every template it used (0.55 s for the site's templates, 0.2 s for the
    print's, `time.process_time()` around `get_template` of each). Jinja writes each file whole
    and renames it, and ignores one it cannot read."""

    def get_bucket(self, environment: Environment, name: str, filename: str | None, source: str) -> Bucket:
        return super().get_bucket(environment, compile_key(environment, name), filename, source)


def jinja_environment(folder: Path, keep_trailing_newline: bool = False, compiled: Path | None = None) -> Environment:
    """Every template of ours, Markdown or print HTML: StrictUndefined (a typo is an error,
    not an empty cell) and autoescape (data is always text). `compiled`: a folder that keeps the
    compiled templates between builds."""
    cache = None
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
        cache = CompiledTemplates(str(compiled))
    return Environment(
        loader=FileSystemLoader(folder),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=keep_trailing_newline,
        bytecode_cache=cache,
    )


def environment(compiled: Path | None = None) -> Environment:
    """The site's templates; `compiled`: where compiled templates are kept (`CompiledTemplates`)."""
    env = jinja_environment(TEMPLATES, keep_trailing_newline=True, compiled=compiled)
    env.filters["md"] = md_escape
    env.filters["md_attribute"] = md_attribute
    return env


def render_page(
    env: Environment, index: Index, lang: str, page: PageSpec, pdfs: bool = True, hand_written: frozenset[str] = frozenset()
) -> str:
    """The page's Markdown; `pdfs=False` (a build without the PDF reports) leaves every link to them out.
    `hand_written`: the hand-written pages of the language (content/<lang>/), which a page may link."""
    view = View(index, lang, page, pdfs)
    with index.recording() as reads:
        # Built inside the recording: what the context read is what the page shows, its sources.
        scope = Scope(index, page, lang, view, view.links, pdfs, hand_written)
        context = build_context(scope)
        # "Cite this" (publication, finding and topic pages): `_cite.j2` formats it.
        cite = page_citation(scope)
        body = env.get_template(page.template).render(v=view, c=context, cite=cite)
        if page.doc != urls.GLOSSARY:
            body = view.explain_terms(body)
        head = head_meta(index, page, lang, pdfs)
    meta = [f"title: {json.dumps(page_title(body), ensure_ascii=False)}"]
    if page.source:
        meta.append(f"edit_source: {yaml_path(page.source)}")
    if page.wide:
        meta.append("hide: [navigation, toc]")
    elif not page.toc:
        meta.append("hide: [toc]")
    if not page.searchable:
        meta.append("kb_noindex: true")
    if page.search_weight != 1.0:
        meta.append(f"kb_search_weight: {page.search_weight}")
    pub_id = _publication_of(index, page) if pdfs else None
    if pub_id:
        # The header links every page to the PDFs of its publication, in the page's language.
        meta.append(f"kb_pdf_full: {urls.pdf_path(pub_id, 'full', lang)}")
        meta.append(f"kb_pdf_summary: {urls.pdf_path(pub_id, 'summary', lang)}")
    meta += head
    meta += provenance(page.template, index.source_files(reads))
    front = "---\n" + "\n".join(meta) + "\n---\n\n" if meta else ""
    return front + _tidy(body)


def head_meta(index: Index, page: PageSpec, lang: str, pdfs: bool) -> list[str]:
    """Front matter that overrides/main.html writes into a publication page's <head>: the Google
    Scholar tags (`kb_scholar`, [name, content] pairs) and the schema.org JSON-LD (`kb_jsonld`, safe
    inside <script>). Each value is a JSON string, which YAML reads as the same text."""
    cited = citing.cited_entity(page)
    if cited is None or cited[0] != "publication":
        return []
    pub = index.publication(cited[1])
    pairs = citing.scholar_meta(index, pub, lang, pdfs)
    lines = ["kb_scholar:"] + [f"  - {json.dumps(list(pair), ensure_ascii=False)}" for pair in pairs]
    return [*lines, f"kb_jsonld: {json.dumps(citing.json_ld(index, pub, lang, pdfs), ensure_ascii=False)}"]


PROVENANCE_KEYS = ("kb_template", "kb_sources")
"""Front matter that says where a page comes from: for editors reading the Markdown, never shown
on the page (the theme reads no such key)."""


def provenance(template: str, sources: list[str]) -> list[str]:
    """Front matter lines: the template the page was rendered from and the data files it read,
    as project paths, so the Markdown of a page leads straight to what to edit."""
    lines = [f"kb_template: {yaml_path(f'{TEMPLATES_IN_PROJECT}/{template}')}"]
    if not sources:
        return [*lines, "kb_sources: []"]
    return [*lines, "kb_sources:"] + [f"  - {yaml_path(path)}" for path in sources]


_PLAIN_PATH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_.-]+)+/?")


def yaml_path(path: str) -> str:
    """A path as a YAML scalar: bare when it can only be read as that text (folders, letters,
    digits, dots, dashes), quoted otherwise (a file name may hold `: `, `#` or quotes)."""
    return path if _PLAIN_PATH.fullmatch(path) else json.dumps(path, ensure_ascii=False)


def without_provenance(markdown: str) -> str:
    """The page without its provenance front matter: what readers can see change."""
    if not markdown.startswith("---\n"):
        return markdown
    end = markdown.find("\n---\n", 3)
    if end < 0:
        return markdown
    kept, in_provenance = [], False
    for line in markdown[4:end].split("\n"):
        if line.startswith("  - ") and in_provenance:
            continue
        in_provenance = line.split(":", 1)[0] in PROVENANCE_KEYS
        if not in_provenance:
            kept.append(line)
    return "---\n" + "\n".join(kept) + markdown[end:]


_MD_UNESCAPE = re.compile(r"\\(.)")
_ATTRIBUTES = re.compile(r"\s*(?<!\\)\{:?[^{}]*(?<!\\)\}\s*$")
"""A heading's attribute list (`{ data-pagefind-ignore="index" }`, Markdown's attr_list); braces from
the data are escaped (`\\{`), so they never end a heading as one."""


def page_title(body: str) -> str:
    """The page's title for <title>, the header and the sidebar, HTML-escaped.

    Set explicitly in the front matter: otherwise MkDocs derives it from the heading and
    unescapes it, and the theme prints it raw (a `</title><script>` in a study name would run).
    The heading's attribute list (what search reads of it) is not part of the title.
    """
    for line in body.splitlines():
        if line.startswith("# "):
            return _MD_UNESCAPE.sub(r"\1", _ATTRIBUTES.sub("", line[2:]).strip())
    return ""


def _publication_of(index: Index, page: PageSpec) -> str | None:
    if "publication" in page.params:
        return page.params["publication"]
    if "study" in page.params:
        study_id = page.params["study"]
        if study_id in index.publication_as_study:
            return index.publication_as_study[study_id]
        pubs = index.publications_by_study.get(study_id, [])
        return pubs[0] if pubs else None
    if "intervention" in page.params:
        return index.publication_of.get(("intervention", page.params["intervention"]))
    return None


def _tidy(body: str) -> str:
    """Collapse runs of blank lines left by template logic; end with one newline."""
    return re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
