"""The commands editors run: exit status and message format, and that a failed build keeps site/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.cli import main
from generator.settings import Project

from .conftest import write


def test_check_clean_data_exits_zero(fixture_project: Project, capsys) -> None:
    assert main(["--root", str(fixture_project.root), "check"]) == 0
    assert "data ok" in capsys.readouterr().out


def test_check_strict_fails_on_missing_translation(fixture_project: Project, capsys) -> None:
    assert main(["--root", str(fixture_project.root), "check", "--strict"]) == 1
    err = capsys.readouterr().err
    assert "data/findings/demo-2025-f02.yaml:4:1: statement: warning: missing English (en) text" in err


def test_check_reports_every_problem_once_with_location(fixture_project: Project, capsys) -> None:
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\nname: {nb: A, en: A}\ncolour: red\n")
    path = fixture_project.data_dir / "findings" / "demo-2025-f03.yaml"
    write(
        path, path.read_text(encoding="utf-8").replace("studies: [beta-2021, gamma-2022]", "studies: [beta-2021, hetland-2024]")
    )
    assert main(["--root", str(fixture_project.root), "check"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert (
        "data/themes/tema-a.yaml:3:1: colour: unknown field 'colour' (allowed: id, name, description, parent, number, code_counts, studies, topics)"
        in lines
    )
    assert any(
        line.startswith("data/findings/demo-2025-f03.yaml:11:22: studies[1]: unknown study 'hetland-2024'") for line in lines
    )
    assert lines[-1] == "2 error(s), 1 warning(s)", lines


def test_github_annotations(fixture_project: Project, capsys) -> None:
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\nname: {nb: A, en: A}\ncolour: red\n")
    main(["--root", str(fixture_project.root), "check", "--github"])
    out = capsys.readouterr().out
    assert "::error file=data/themes/tema-a.yaml,line=3,col=1::colour: unknown field 'colour'" in out


def test_failed_build_leaves_site_untouched(fixture_project: Project, capsys) -> None:
    site = fixture_project.site_dir
    write(site / "index.html", "last good site")
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\n")
    assert main(["--root", str(fixture_project.root), "build", "--no-pdf"]) == 1
    assert "build refused" in capsys.readouterr().err
    assert (site / "index.html").read_text() == "last good site"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]


def test_module_entry_point_runs(fixture_project: Project) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(fixture_project.root), "check"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert result.returncode == 0, result.stderr
