"""Symbolic links and other odd files in the folders the site and the PDFs are made from.

A link in content/, overrides/, fonts/ or data/ that ends outside the project (directly, through
a chain of links, through a linked folder, at any depth) is a located error of `check`, the build
refuses, and no step reads through it even when called on its own. Links that stay inside the
project keep working. Non-regular files (folders behind a link in data/, FIFOs, broken links) are
located errors, never tracebacks.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import main
from generator.model.errors import DataError, Report
from generator.model.settings import Project
from generator.model.sources import load_file
from generator.pipeline.build import build_site, check, copy_content, generate, load_or_fail, mkdocs_overrides
from generator.pipeline.incremental import IncrementalBuilder
from generator.pipeline.write import StagingWriter
from generator.print import pdf

from .conftest import write

pytestmark = pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")

SECRET = "SECRET-OUTSIDE-THE-PROJECT-7f3a"
OUTSIDE_LINE = "{link}:1:1: (file): symbolic link points outside the project: {target}"


def outside(project: Project) -> Path:
    """A folder beside the project (never inside it) holding a secret file and a secret folder."""
    folder = project.root.parent / "outside"
    write(folder / "secret.md", f"# {SECRET}\n")
    write(folder / "dir" / "page.md", f"# {SECRET}\n")
    return folder


def link(path: Path, target: Path | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path


# Each shape makes links under `folder` (a path inside the project) and returns the link that
# `check` must name and where it finally leads.
Shape = Callable[[Project, Path], tuple[Path, Path]]


def file_link(project: Project, folder: Path) -> tuple[Path, Path]:
    target = outside(project) / "secret.md"
    return link(folder / "leak.md", target), target


def folder_link(project: Project, folder: Path) -> tuple[Path, Path]:
    target = outside(project) / "dir"
    return link(folder / "leak", target), target


def relative_link(project: Project, folder: Path) -> tuple[Path, Path]:
    target = outside(project) / "secret.md"
    return link(folder / "leak.md", os.path.relpath(target, folder)), target


def chain_inside_then_out(project: Project, folder: Path) -> tuple[Path, Path]:
    """leak.md -> hop.md (inside) -> the outside file: the first link is reported by its end."""
    target = outside(project) / "secret.md"
    link(project.root / "hop.md", target)
    return link(folder / "leak.md", project.root / "hop.md"), target


def chain_outside(project: Project, folder: Path) -> tuple[Path, Path]:
    """A link to a link that lives outside the project."""
    target = outside(project) / "secret.md"
    hop = link(outside(project) / "hop.md", target)
    return link(folder / "leak.md", hop), target


def deep_link(project: Project, folder: Path) -> tuple[Path, Path]:
    target = outside(project) / "secret.md"
    return link(folder / "a" / "b" / "c" / "leak.md", target), target


def inside_folder_with_a_link_out(project: Project, folder: Path) -> tuple[Path, Path]:
    """A link to a folder inside the project, whose file is a link out: reported where it would be published."""
    target = outside(project) / "secret.md"
    link(project.root / "elsewhere" / "leak.md", target)
    link(folder / "linked", project.root / "elsewhere")
    return folder / "linked" / "leak.md", target


SHAPES = {
    "file": file_link,
    "folder": folder_link,
    "relative": relative_link,
    "chain-inside-then-out": chain_inside_then_out,
    "chain-outside": chain_outside,
    "deep": deep_link,
}

FOLDERS = ["content/nb", "content/en", "content/assets", "overrides", "overrides/partials", "fonts", "data/themes", "data"]


def run_check(project: Project, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = main(["--root", str(project.root), "check"])
    lines = capsys.readouterr().err.splitlines()
    return status, [line for line in lines if ": warning: " not in line and not line.endswith("warning(s)")]


def expected(project: Project, leak: Path, target: Path) -> str:
    return OUTSIDE_LINE.format(link=leak.relative_to(project.root).as_posix(), target=target.resolve())


@pytest.mark.parametrize("folder", FOLDERS)
@pytest.mark.parametrize("shape", SHAPES.values(), ids=list(SHAPES))
def test_a_link_out_of_the_project_is_a_located_error(
    fixture_project: Project, capsys: pytest.CaptureFixture[str], folder: str, shape: Shape
) -> None:
    leak, target = shape(fixture_project, fixture_project.root / folder)
    status, lines = run_check(fixture_project, capsys)
    assert status == 1
    assert expected(fixture_project, leak, target) in lines, "\n".join(lines)
    assert not any(SECRET in line for line in lines)


@pytest.mark.parametrize("folder", ["content/nb", "overrides", "fonts"])
def test_a_linked_folder_inside_the_project_is_walked(
    fixture_project: Project, capsys: pytest.CaptureFixture[str], folder: str
) -> None:
    leak, target = inside_folder_with_a_link_out(fixture_project, fixture_project.root / folder)
    status, lines = run_check(fixture_project, capsys)
    assert status == 1
    assert lines == [expected(fixture_project, leak, target)]


@pytest.mark.parametrize("folder", ["content", "content/assets", "overrides", "fonts", "data/themes"])
def test_a_published_folder_that_is_itself_a_link_out(
    fixture_project: Project, capsys: pytest.CaptureFixture[str], folder: str
) -> None:
    path = fixture_project.root / folder
    if path.exists():
        import shutil

        shutil.rmtree(path)
    target = outside(fixture_project)
    link(path, target)
    status, lines = run_check(fixture_project, capsys)
    assert status == 1
    assert expected(fixture_project, path, target) in lines, "\n".join(lines)


def test_link_problems_come_in_the_same_pass_as_data_problems(
    fixture_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    leak, target = file_link(fixture_project, fixture_project.content_dir / "nb")
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\n")
    status, lines = run_check(fixture_project, capsys)
    assert status == 1
    located = [line for line in lines if not line.endswith("fix those first")]  # the held-back count line
    assert located == [
        expected(fixture_project, leak, target),
        "data/themes/tema-a.yaml:1:1: name: required field is missing",
    ]


def test_loops_and_broken_links_in_content_are_located_errors(
    fixture_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    content = fixture_project.content_dir / "nb"
    write(content / "om.md", "# Om\n")
    link(content / "self", content)  # a folder inside itself
    link(content / "up", "..")  # content/ from content/nb/: a folder inside itself too
    link(content / "a.md", content / "b.md")
    link(content / "b.md", content / "a.md")
    link(content / "gone.md", content / "nothing.md")
    status, lines = run_check(fixture_project, capsys)
    assert status == 1
    assert lines == [
        "content/nb/a.md:1:1: (file): cannot read file: symbolic link loop",
        "content/nb/b.md:1:1: (file): cannot read file: symbolic link loop",
        "content/nb/gone.md:1:1: (file): cannot read file: No such file or directory",
        "content/nb/self:1:1: (file): cannot read file: symbolic link loop (a folder inside itself)",
        "content/nb/up:1:1: (file): cannot read file: symbolic link loop (a folder inside itself)",
    ]


def test_a_link_into_the_git_folder_is_refused(fixture_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """.git/config can hold a token in CI: inside the project, but never published."""
    write(fixture_project.root / ".git" / "config", f"[http]\n  extraheader = {SECRET}\n")
    link(fixture_project.content_dir / "assets" / "config.txt", "../../.git/config")
    status, lines = run_check(fixture_project, capsys)
    assert status == 1
    assert lines == ["content/assets/config.txt:1:1: (file): symbolic link points to a hidden path of the project: .git/config"]


# --- nothing is read through such a link, whoever calls ------------------------------------------


def assert_no_secret(folder: Path) -> None:
    for path in folder.rglob("*") if folder.exists() else []:
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("shape", SHAPES.values(), ids=list(SHAPES))
def test_the_build_refuses_and_keeps_the_last_site(fixture_project: Project, shape: Shape) -> None:
    write(fixture_project.site_dir / "index.html", "last good site")
    shape(fixture_project, fixture_project.content_dir / "assets")
    with pytest.raises(DataError):
        build_site(fixture_project, with_pdf=False)
    assert (fixture_project.site_dir / "index.html").read_text() == "last good site"
    assert_no_secret(fixture_project.build_dir)


@pytest.mark.parametrize("lang_folder", ["nb", "assets"])
@pytest.mark.parametrize("shape", [*SHAPES.values(), inside_folder_with_a_link_out], ids=[*SHAPES, "inside-folder"])
def test_the_copy_step_called_directly_does_not_follow(fixture_project: Project, shape: Shape, lang_folder: str) -> None:
    write(fixture_project.content_dir / "nb" / "om.md", "# Om\n")
    index = load_or_fail(fixture_project)
    shape(fixture_project, fixture_project.content_dir / lang_folder)
    writer = StagingWriter(fixture_project.staging_docs("nb"))
    with pytest.raises(DataError):
        copy_content(fixture_project, "nb", writer, index)
    with pytest.raises(DataError):
        generate(fixture_project, index)
    assert_no_secret(fixture_project.build_dir)


def test_overrides_with_a_link_out_are_not_handed_to_mkdocs(fixture_project: Project) -> None:
    index = load_or_fail(fixture_project)
    file_link(fixture_project, fixture_project.overrides_dir / "partials")
    with pytest.raises(DataError):
        mkdocs_overrides(fixture_project, index, "nb")


def test_fonts_with_a_link_out_are_reported_and_never_embedded(
    fixture_project: Project, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The PDFs embed the generator's own fonts/ (the project's, in this repository)."""
    fonts = tmp_path / "generator-root" / "fonts"
    write(fonts / "OFL.txt", "licence\n")
    target = outside(fixture_project) / "secret.md"
    link(fonts / "NotoSans-Regular.ttf", target)
    monkeypatch.setattr(pdf, "FONTS_DIR", fonts)
    status, lines = run_check(fixture_project, capsys)
    assert status == 1
    assert lines == [OUTSIDE_LINE.format(link="fonts/NotoSans-Regular.ttf", target=target.resolve())]
    with pytest.raises(DataError):
        pdf.build_pdfs(fixture_project, _index(fixture_project), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def _index(project: Project):
    """The index without the link check (the data itself is fine)."""
    from generator.model.index import build_index
    from generator.model.validate import load_data

    report = Report()
    return build_index(load_data(project.data_dir, project.root, report), report)


def test_links_inside_the_project_keep_working(fixture_project: Project) -> None:
    root = fixture_project.root
    write(root / "shared-pages" / "felles.md", "# Felles side\n")
    write(root / "pictures" / "logo.svg", "<svg/>")
    link(fixture_project.content_dir / "nb" / "felles.md", "../../shared-pages/felles.md")
    link(fixture_project.content_dir / "assets" / "img", "../../pictures")
    index, report = check(fixture_project)
    assert index is not None, [str(p) for p in report.problems]
    generate(fixture_project, index)
    docs = fixture_project.staging_docs("nb")
    assert "# Felles side" in (docs / "felles.md").read_text(encoding="utf-8")
    assert (docs / "assets" / "img" / "logo.svg").read_text() == "<svg/>"


def test_the_live_preview_refuses_a_link_added_while_it_runs(fixture_project: Project) -> None:
    write(fixture_project.content_dir / "nb" / "om.md", "# Om\n")
    builder = IncrementalBuilder(fixture_project)
    assert builder.refresh().ok
    leak, target = file_link(fixture_project, fixture_project.content_dir / "nb")
    result = builder.refresh()
    assert not result.ok
    assert [str(p) for p in result.report.errors()] == [expected(fixture_project, leak, target)]
    assert_no_secret(fixture_project.build_dir)


# --- data/: folders behind links, FIFOs, broken links --------------------------------------------


def test_a_link_to_a_folder_in_data_is_a_located_error(fixture_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    data = fixture_project.data_dir
    link(data / "themes" / "more.yaml", data / "findings")
    link(data / "themes" / "more", "../findings")
    link(data / "extra", "themes")
    status, lines = run_check(fixture_project, capsys)
    message = "symbolic link to a folder: data/ is read without following links to folders; move the files here"
    assert status == 1
    assert lines == [
        f"data/extra:1:1: (file): {message}",
        f"data/themes/more:1:1: (file): {message}",
        f"data/themes/more.yaml:1:1: (file): {message}",
    ]


def test_a_fifo_in_data_or_content_is_a_located_error(fixture_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(fixture_project.data_dir / "themes" / "tema-c.yaml")
    os.mkfifo(fixture_project.data_dir / "themes" / "pipe")
    (fixture_project.content_dir / "nb").mkdir(parents=True)
    os.mkfifo(fixture_project.content_dir / "nb" / "pipe.md")
    status, lines = run_check(fixture_project, capsys)
    fifo = "cannot read file: a FIFO (named pipe), not a regular file"
    assert status == 1
    assert lines == [
        f"content/nb/pipe.md:1:1: (file): {fifo}",
        f"data/themes/pipe:1:1: (file): {fifo}",
        f"data/themes/tema-c.yaml:1:1: (file): {fifo}",
    ]


def test_load_file_never_blocks_on_a_fifo_nor_reads_a_folder(tmp_path: Path) -> None:
    fifo = tmp_path / "data" / "themes" / "x.yaml"
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    folder = link(tmp_path / "data" / "themes" / "y.yaml", tmp_path / "data")
    report = Report()
    done: list[object] = []
    worker = threading.Thread(target=lambda: done.append(load_file(fifo, tmp_path, report)), daemon=True)
    worker.start()
    worker.join(5)
    if worker.is_alive():  # release the reader blocked in open() before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert done == [None]
    assert load_file(folder, tmp_path, report) is None
    assert [str(p) for p in report.problems] == [
        "data/themes/x.yaml:1:1: (file): cannot read file: a FIFO (named pipe), not a regular file",
        "data/themes/y.yaml:1:1: (file): cannot read file: a folder, not a regular file",
    ]


def test_links_that_repeat_a_folder_exponentially_stop_the_walk(
    fixture_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two links to the next folder, level after level: 2^18 paths to one small tree."""
    levels = fixture_project.root / "levels"
    for level in range(18):
        (levels / str(level)).mkdir(parents=True)
        for name in ("a", "b"):
            link(levels / str(level) / name, f"../{level + 1}")
    write(levels / "18" / "page.md", "# Page\n")
    link(fixture_project.content_dir / "nb" / "levels", "../../levels/0")
    status, lines = run_check(fixture_project, capsys)
    assert status == 1
    assert len(lines) == 1 and lines[0].startswith("content/nb/levels/a/a/a/"), lines
    assert lines[0].endswith(": (file): more than 1,000 links to folders (do links repeat a folder?): not read further")


def test_a_mkdocs_config_that_leads_out_of_the_project_is_a_located_error(
    fixture_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    config = fixture_project.mkdocs_config
    target = outside(fixture_project) / "mkdocs.yml"
    target.write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    config.unlink()
    link(config, target)
    status, lines = run_check(fixture_project, capsys)
    assert status == 1
    assert lines[0] == expected(fixture_project, config, target)
