"""Our builds' MkDocs hooks (generator/pipeline/mkdocs_hooks.py): between MkDocs' two passes a page
holds neither its Markdown nor its HTML, and the site comes out byte for byte as without them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.model.index import Index
from generator.model.settings import Project
from generator.pipeline import build, mkdocs_run
from generator.pipeline.build import load_or_fail, mkdocs_overrides

OBSERVER = """
import json
from pathlib import Path

def on_env(env, config, files, **_):
    pages = [f.page for f in files.documentation_pages() if f.page is not None]
    Path({out!r}).write_text(json.dumps({{
        "pages": len(pages),
        "markdown_chars": sum(len(p.markdown or "") for p in pages),
        "content_chars": sum(len(p.content or "") for p in pages),
        "titles": [p.title for p in pages],
    }}))
    return env
"""


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Index]:
    import shutil

    from .conftest import FIXTURE

    root = tmp_path_factory.mktemp("hooks") / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    project = Project(root)
    index = load_or_fail(project)
    build.generate(project, index, pdfs=False)
    return project, index


def observed(project: Project, index: Index, site_dir: Path, with_ours: bool) -> dict[str, Any]:
    """What the pages held between the two passes, seen by a hook of the test's own (MkDocs' `env`
    event falls between them)."""
    out = site_dir.parent / f"{site_dir.name}-observed.json"
    observer = site_dir.parent / f"{site_dir.name}_observer.py"
    observer.write_text(OBSERVER.format(out=str(out)), encoding="utf-8")
    overrides = {**mkdocs_overrides(project, index, "nb"), "hooks": [str(observer)]}
    if with_ours:
        mkdocs_run.build_with(project.mkdocs_config, site_dir, overrides)
    else:
        from mkdocs.commands.build import build as mkdocs_build
        from mkdocs.config import load_config

        mkdocs_build(load_config(config_file=str(project.mkdocs_config), site_dir=str(site_dir), strict=True, **overrides))
    return dict(json.loads(out.read_text(encoding="utf-8")))


def test_pages_hold_no_markdown_or_html_between_the_passes_and_the_site_is_the_same(
    staged: tuple[Project, Index], tmp_path: Path, site_building: None
) -> None:
    project, index = staged
    ours = observed(project, index, tmp_path / "ours", with_ours=True)
    plain = observed(project, index, tmp_path / "plain", with_ours=False)
    assert ours["pages"] == plain["pages"] > 30
    assert plain["markdown_chars"] > 10_000 and plain["content_chars"] > 10_000, "without the hooks pages hold both"
    assert ours["markdown_chars"] == 0 and ours["content_chars"] == 0
    assert ours["titles"] == plain["titles"], "every page keeps its title"
    assert all(plain["titles"])
    assert files(tmp_path / "ours") == files(tmp_path / "plain")


def test_a_page_is_rendered_from_its_own_held_html(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from generator.pipeline import mkdocs_hooks

    first = SimpleNamespace(file=SimpleNamespace(src_uri="a.md"), markdown="# A", content=None)
    second = SimpleNamespace(file=SimpleNamespace(src_uri="b.md"), markdown="# B", content=None)
    assert mkdocs_hooks.on_page_content("<h1>Å</h1>", page=first) == mkdocs_hooks.PLACEHOLDER
    assert mkdocs_hooks.on_page_content("<h1>B</h1>", page=second) == mkdocs_hooks.PLACEHOLDER
    assert first.markdown == "" and second.markdown == ""
    context = {"page": second}
    assert mkdocs_hooks.on_page_context(context, page=second) is context
    assert second.content == "<h1>B</h1>"
    assert mkdocs_hooks.on_post_page("<html>", page=second) == "<html>" and second.content is None
    mkdocs_hooks.on_page_context({}, page=first)
    assert first.content == "<h1>Å</h1>"


RAW_HTML = [
    '<span id="a">x</span> and <p id="b">y</p>',
    '<!-- <span id="in-comment"> --> <span id="after">',
    '<A NAME="named"> <b name="not-an-anchor"> <div ID="Upper">',
    '<p id="a&amp;b">',
    '<script>var s = \'<span id="in-script">\';</script><span id="past-script">',
    "<span id=unquoted/>",
    '`<span id="in-code">`',
    "no tags at all",
    "",
]
"""Raw HTML as MkDocs' own parse reads it: ids in comments and scripts are not ids, `name` counts
on `<a>` only, attribute names in any case, entities in values."""


def _mkdocs_own(text: str) -> set[str]:
    from mkdocs.structure.pages import _HTMLHandler

    parser = _HTMLHandler()
    parser.feed(text)
    parser.close()
    return set(parser.present_anchor_ids)


@pytest.mark.parametrize("text", RAW_HTML)
def test_the_ids_in_raw_html_are_mkdocs_own_found_when_first_asked(text: str) -> None:
    from generator.pipeline.mkdocs_hooks import AnchorIds, IdsInRawHtml

    own = _mkdocs_own(text)
    ids = IdsInRawHtml(text)
    assert ids._found is None or "<" not in text  # nothing parsed yet
    assert set(ids) == own and len(ids) == len(own)
    assert all(anchor in ids for anchor in own) and "never-there" not in ids
    union = {"from-markdown"} | ids  # as MkDocs makes `page.present_anchor_ids`
    assert isinstance(union, AnchorIds)
    assert set(union) == own | {"from-markdown"} and "from-markdown" in union and "never-there" not in union


def test_the_ids_of_every_staged_page_are_mkdocs_own(staged: tuple[Project, Index]) -> None:
    from generator.pipeline.mkdocs_hooks import IdsInRawHtml

    project, _ = staged
    pages = sorted(project.staging_docs("nb").rglob("*.md"))
    assert len(pages) > 30
    found = {page.name: set(IdsInRawHtml(page.read_text(encoding="utf-8"))) for page in pages}
    assert found == {page.name: _mkdocs_own(page.read_text(encoding="utf-8")) for page in pages}
    assert any(found.values())  # the fixture's pages have ids in their raw HTML


ANCHOR_LINKS = {
    "a.md": "# A\n\n[raw](b.md#raw-only) [heading](b.md#a-heading) [comment](b.md#in-comment) [script](b.md#in-script)\n",
    "b.md": '# B\n\n## A heading\n\n<span id="raw-only">x</span>\n\n<!-- <span id="in-comment"> -->\n\n'
    "<script>var s = '<span id=\"in-script\">';</script>\n",
    "c.md": '# C\n\n<span id="never-linked">x</span>\n',
}


def _anchor_warnings(tmp_path: Path, with_ours: bool) -> list[str]:
    """The warnings of a strict MkDocs build of ANCHOR_LINKS, with our hooks or with MkDocs alone."""
    import logging

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    root = tmp_path / ("ours" if with_ours else "plain")
    for name, text in ANCHOR_LINKS.items():
        (root / "docs").mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(text, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text("site_name: t\nvalidation:\n  links:\n    anchors: warn\n", encoding="utf-8")
    warnings: list[str] = []
    if with_ours:
        with pytest.raises(Abort):
            mkdocs_run.build_with(config, root / "site", {}, warnings)
        return warnings
    handler = mkdocs_run._WarningCounter()
    logging.getLogger("mkdocs").addHandler(handler)
    try:
        with pytest.raises(Abort):
            mkdocs_build(load_config(config_file=str(config), site_dir=str(root / "site"), strict=True))
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)
    return handler.messages


def test_a_link_to_an_anchor_is_checked_as_mkdocs_checks_it(tmp_path: Path, site_building: None) -> None:
    """An id in raw HTML is found when a link names it; one in a comment or a script is not an id,
    and the strict build fails on the links to them, with MkDocs' own words, as without our hooks."""
    from mkdocs.structure import pages as mkdocs_pages

    stock = mkdocs_pages._RawHTMLPreprocessor.run
    ours = _anchor_warnings(tmp_path, with_ours=True)
    assert mkdocs_pages._RawHTMLPreprocessor.run is stock  # MkDocs' own again after our build
    assert ours == _anchor_warnings(tmp_path, with_ours=False)
    assert len(ours) == 2 and "'#in-comment'" in ours[0] and "'#in-script'" in ours[1], ours
