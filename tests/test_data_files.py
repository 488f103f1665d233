"""Every file under data/ is either loaded or reported: nothing put there disappears silently.

The loader reads `data/<kind>/**/<id>.yaml` (or `.yml`). Anything else gets a located error that
says what the file would need to be called. Hidden files and editor leftovers (swap and backup
files) are the one exception: they are never read, never reported (CONTRIBUTING.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.cli import main
from generator.model.errors import Report
from generator.model.kinds import kind_of_folder
from generator.model.settings import Project
from generator.model.sources import is_ignored_name
from generator.model.validate import load_data

from .conftest import write

THEME = "id: tema-c\nname: {nb: C, en: C}\n"
RENAME = "not read: the loader reads only files ending in .yaml or .yml; rename to {name}"
KINDS = ", ".join(sorted(kind_of_folder()))
TOP = "not read: data files belong in the folder of their kind, data/<kind>/{name} (kinds: " + KINDS + ")"


def run_check(project: Project, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = main(["--root", str(project.root), "check"])
    lines = capsys.readouterr().err.splitlines()
    return status, [line for line in lines if ": warning: " not in line and not line.endswith("warning(s)")]


@pytest.mark.parametrize(
    ("rel", "message"),
    [
        ("themes/tema-c.YAML", RENAME.format(name="tema-c.yaml")),
        ("themes/tema-c.Yaml", RENAME.format(name="tema-c.yaml")),
        ("themes/tema-c.YML", RENAME.format(name="tema-c.yml")),
        ("themes/tema-c.yaml.txt", RENAME.format(name="tema-c.yaml")),
        ("themes/tema-c.yml.bak", RENAME.format(name="tema-c.yml")),
        ("themes/tema-c.json", RENAME.format(name="tema-c.yaml")),
        ("themes/tema-c", RENAME.format(name="tema-c.yaml")),
        ("themes/notes.txt", RENAME.format(name="notes.yaml")),
        ("themes/sub/deeper/tema-c.txt", RENAME.format(name="tema-c.yaml")),
        ("tema-c.yaml", TOP.format(name="tema-c.yaml")),
        ("README.md", TOP.format(name="README.yaml")),
    ],
)
def test_a_file_the_loader_does_not_read_is_reported(
    fixture_project: Project, capsys: pytest.CaptureFixture[str], rel: str, message: str
) -> None:
    write(fixture_project.data_dir / rel, THEME)
    status, lines = run_check(fixture_project, capsys)
    assert status == 1
    assert lines == [f"data/{rel}:1:1: (file): {message}"]


def test_files_in_subfolders_of_a_kind_are_loaded(fixture_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    write(fixture_project.data_dir / "themes" / "2025" / "nested" / "tema-c.yaml", THEME)
    report = Report()
    data = load_data(fixture_project.data_dir, fixture_project.root, report)
    assert "tema-c" in data.entities["theme"]
    assert [p for p in report.errors() if "tema-c" in str(p)] == []


@pytest.mark.parametrize(
    "rel",
    [
        "themes/.tema-a.yaml.swp",  # vim
        "themes/.tema-a.yaml.swx",
        "themes/.#tema-a.yaml",  # emacs lock
        "themes/#tema-a.yaml#",  # emacs auto-save
        "themes/tema-a.yaml~",  # emacs, gedit backup
        "themes/.DS_Store",
        ".hidden/tema-c.yaml",
        "themes/.drafts/tema-c.yaml",
        ".gitkeep",
    ],
)
def test_hidden_files_and_editor_leftovers_are_ignored(
    fixture_project: Project, capsys: pytest.CaptureFixture[str], rel: str
) -> None:
    write(fixture_project.data_dir / rel, "broken: [\n")
    status, lines = run_check(fixture_project, capsys)
    assert status == 0, "\n".join(lines)


ODD_FILES = [
    "themes/tema-c.YAML",
    "themes/tema-d.yaml.txt",
    "themes/tema-e.json",
    "themes/sub/tema-f.yaml",
    "themes/sub/tema-g.yml",
    "themes/sub/tema-h.Yml",
    "themes/.tema-a.yaml.swp",
    "themes/tema-a.yaml~",
    "findings/notes",
    "studies/x.yaml.orig",
    "loose.yaml",
    "loose.txt",
    "drafts/tema-i.yaml",
    "drafts/inner/tema-j.txt",
    ".cache/tema-k.yaml",
]


def test_every_file_under_data_is_loaded_reported_or_ignored_by_name(fixture_project: Project) -> None:
    """The invariant of the loader, over the fixture plus a mix of odd files: for every file,
    exactly one of: loaded (its file is an entity's source), reported at its path (or, in a folder
    that is no kind, at that folder), ignored by the documented name rule."""
    for rel in ODD_FILES:
        write(fixture_project.data_dir / rel, THEME.replace("tema-c", Path(rel).name.split(".")[0]))
    report = Report()
    data = load_data(fixture_project.data_dir, fixture_project.root, report)
    root = fixture_project.root
    loaded = {loaded.source.display_path for kind in data.entities.values() for loaded in kind.values()}
    reported = {p.location.path for p in report.errors()}
    for folder, _, names in os.walk(fixture_project.data_dir):
        for name in names:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            parts = path.relative_to(fixture_project.data_dir).parts
            ignored = any(is_ignored_name(part) for part in parts)
            in_unknown_folder = len(parts) > 1 and parts[0] not in kind_of_folder()
            covered = [rel in loaded, rel in reported or (in_unknown_folder and f"data/{parts[0]}" in reported), ignored]
            assert covered.count(True) == 1, (rel, covered)
    assert "data/themes/sub/tema-f.yaml" in loaded and "data/themes/sub/tema-g.yml" in loaded
