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
