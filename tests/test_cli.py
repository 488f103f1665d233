"""The commands editors run: exit status and message format, and that a failed build keeps site/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.cli import main
from generator.model.settings import Project

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


def test_errors_are_printed_before_warnings(fixture_project: Project, capsys) -> None:
    # The fixture's warning is in data/findings/, which sorts before data/themes/.
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\nname: {nb: A, en: A}\ncolour: red\n")
    assert main(["--root", str(fixture_project.root), "check"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("data/themes/tema-a.yaml:3:1: colour: unknown field")
    assert lines[1] == "data/findings/demo-2025-f02.yaml:4:1: statement: warning: missing English (en) text"


def test_a_broken_publication_gives_its_error_and_a_held_back_count(fixture_project: Project, capsys) -> None:
    path = fixture_project.data_dir / "publications" / "demo-2025.yaml"
    write(path, path.read_text(encoding="utf-8").replace("id: demo-2025\n", "id: [demo-2025\n"))
    assert main(["--root", str(fixture_project.root), "check"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("data/publications/demo-2025.yaml:3:")
    assert not any("not listed" in line or "not included" in line for line in lines)
    assert "more problem(s) held back: they may only follow from the files that failed to load; fix those first" in lines[-2]
    assert lines[-1] == "1 error(s), 1 warning(s)"


def test_strict_github_annotates_a_failing_warning_as_an_error(fixture_project: Project, capsys) -> None:
    assert main(["--root", str(fixture_project.root), "check", "--github"]) == 0
    assert "::warning file=data/findings/demo-2025-f02.yaml,line=4,col=1::statement: missing English (en) text" in (
        capsys.readouterr().out
    )
    assert main(["--root", str(fixture_project.root), "check", "--strict", "--github"]) == 1
    out = capsys.readouterr().out
    assert "::error file=data/findings/demo-2025-f02.yaml,line=4,col=1::statement: missing English (en) text" in out
    assert "::warning" not in out


def test_an_unexpected_exception_becomes_an_annotation_and_a_failure(fixture_project: Project, capsys, monkeypatch) -> None:
    import generator.pipeline.build

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("index exploded\nsecond line")

    monkeypatch.setattr(generator.pipeline.build, "check", crash)
    assert main(["--root", str(fixture_project.root), "check", "--github"]) == 1
    captured = capsys.readouterr()
    assert "::error::python -m generator check failed unexpectedly: RuntimeError: index exploded" in captured.out.splitlines()
    assert "Traceback (most recent call last)" in captured.err
    assert "error: check failed unexpectedly: RuntimeError: index exploded" in captured.err


def test_a_command_without_github_flag_annotates_in_github_actions(fixture_project: Project, capsys, monkeypatch) -> None:
    import generator.print.pdf

    def crash(*args: object, **kwargs: object) -> int:
        raise OSError("font missing")

    monkeypatch.setattr(generator.print.pdf, "build_pdfs", crash)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert main(["--root", str(fixture_project.root), "pdf"]) == 1
    assert capsys.readouterr().out.splitlines() == ["::error::python -m generator pdf failed unexpectedly: OSError: font missing"]
