"""`check --base REF`: a finding whose substance changed since the base needs a new history entry.

Small git repositories of the fixture (tests/gitrepo.py): the base on `main`, the change on a branch."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.cli import main
from generator.tools.history import HISTORY_FIELDS

from .gitrepo import F01, F03, HISTORY_ENTRY, Repo, fixture_repo

F02 = "data/findings/demo-2025-f02.yaml"


def _check(repo: Repo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["--root", str(repo.root), "check", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, err.splitlines()


def _warning(location: str, field: str, name: str, ref: str = "main") -> str:
    return f"{location}: {field}: warning: {name} changed since {ref} but no history entry was added: add one under 'history'"


def _line_of(repo: Repo, name: str, text: str) -> int:
    lines = (repo.root / name).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return fixture_repo(tmp_path)


def test_a_reworded_statement_without_history_is_a_warning_at_the_text(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.replace(F01, "Parents wanted early contact.", "Parents wanted prompt contact.")
    repo.commit()
    code, err = _check(repo, capsys, "--strict", "--base", "main")
    line = _line_of(repo, F01, "statement:")
    column = (repo.root / F01).read_text(encoding="utf-8").splitlines()[line - 1].index("en:") + 1
    assert err == [
        _warning(f"{F01}:{line}:{column}", "statement.en", "statement"),
        "1 error(s), 1 warning(s) (strict: warnings count as errors)",
    ]
    assert code == 1
    assert _check(repo, capsys, "--base", "main")[0] == 0  # a warning: only --strict (CI, make check) stops on it


CHANGES = [
    ("statement", "Foresatte ønsket tidlig kontakt.", "Foresatte ønsket rask kontakt.", "statement.nb", "statement:"),
    ("confidence", "confidence: moderate", "confidence: low", "confidence", "confidence:"),
    ("studies", "studies: [beta-2021, gamma-2022]", "studies: [beta-2021]", "studies", "studies:"),
    ("studies", "studies: [beta-2021, gamma-2022]", "studies: [alpha-2020, beta-2021, gamma-2022]", "studies", "studies:"),
    ("studies", "studies: [beta-2021, gamma-2022]", "studies: [gamma-2022, beta-2021]", "studies", "studies:"),
    ("components", "adequacy: {level: minor", "adequacy: {level: moderate", "components.adequacy.level", "adequacy:"),
    ("strength", "confidence: moderate", "confidence: moderate\nstrength: {nb: Svak., en: Weak.}", "strength.nb", "strength:"),
]


@pytest.mark.parametrize(("name", "old", "new", "field", "key"), CHANGES, ids=[f"{c[0]}:{c[2]}" for c in CHANGES])
def test_every_change_of_substance_needs_history(
    repo: Repo, capsys: pytest.CaptureFixture[str], name: str, old: str, new: str, field: str, key: str
) -> None:
    assert name in HISTORY_FIELDS
    repo.replace(F01, old, new)
    repo.commit()
    code, err = _check(repo, capsys, "--strict", "--base", "main")
    assert code == 1
    assert len(err) == 2
    location, rest = err[0].split(": ", 1)
    assert rest == _warning("x", field, name).split(": ", 1)[1]
    assert int(location.split(":")[1]) == _line_of(repo, F01, key)


def test_a_history_entry_added_satisfies_the_rule(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.replace(F01, "confidence: moderate", "confidence: low")
    repo.replace(F01, "Parents wanted early contact.", "Parents wanted prompt contact.")
    repo.append(F01, HISTORY_ENTRY)
    code, err = _check(repo, capsys, "--strict", "--base", "main")  # uncommitted: the working tree counts
    assert (code, err) == (0, [])


def test_earlier_history_does_not_count(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    # Finding 3 has a history entry already; a new change needs a new one.
    repo.replace(F03, "confidence: high", "confidence: moderate")
    code, err = _check(repo, capsys, "--strict", "--base", "main")
    assert code == 1
    assert err[0] == _warning(f"{F03}:{_line_of(repo, F03, 'confidence:')}:1", "confidence", "confidence")
    # Rewriting the old entry instead of adding one does not count either.
    repo.replace(F03, "Nytt funn.", "Nytt funn (senere nedgradert).")
    assert _check(repo, capsys, "--strict", "--base", "main")[1][0] == err[0]


def test_other_fields_and_new_findings_need_no_history(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.replace(F01, "pyramid_levels: [universal]", "pyramid_levels: [universal]\nsource_location: Kapittel 6")
    (repo.root / "data/findings/demo-2025-f04.yaml").write_text(
        (repo.root / F03)
        .read_text(encoding="utf-8")
        .replace("f03", "f04")
        .replace("number: 3", "number: 4")
        .replace("gjennom lytting", "gjennom samtaler")  # a title of its own: two alike are a warning
        .replace("by listening", "through conversations"),
        encoding="utf-8",
    )
    repo.replace("data/publications/demo-2025.yaml", "demo-2025-f03]", "demo-2025-f03, demo-2025-f04]")
    assert _check(repo, capsys, "--strict", "--base", "main") == (0, [])


def test_without_base_nothing_changes(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.replace(F01, "confidence: moderate", "confidence: low")
    repo.commit()
    code = main(["--root", str(repo.root), "check", "--strict"])
    assert code == 0
    assert capsys.readouterr().err == ""


def test_reported_with_other_problems_in_one_pass(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.replace(F01, "confidence: moderate", "confidence: low")
    repo.append(F02, "unknown_field: 1\n")
    code, err = _check(repo, capsys, "--base", "main")
    assert code == 1
    assert _warning(f"{F01}:{_line_of(repo, F01, 'confidence:')}:1", "confidence", "confidence") in err
    assert any(line.startswith(f"{F02}:") and "unknown field 'unknown_field'" in line for line in err)


def test_an_unknown_base_fails_clearly(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _check(repo, capsys, "--strict", "--base", "origin/main")
    assert code == 1
    assert err[-1].startswith("error: unknown base 'origin/main': no such branch, tag or commit in this repository")
    assert repo.worktrees() == [f"worktree {repo.root.resolve()}"]


def test_a_base_that_does_not_load_fails_clearly(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.git("checkout", "-q", "main")
    appended_line = len((repo.root / F03).read_text(encoding="utf-8").splitlines()) + 1
    repo.append(F03, "unknown_field: 1\n")
    repo.commit("broken on main")
    repo.git("checkout", "-q", "-b", "fix")
    repo.replace(F03, "unknown_field: 1\n", "")
    code, err = _check(repo, capsys, "--strict", "--base", "main")
    assert code == 1
    assert err[0].startswith("error: base main (") and err[0].endswith(
        "): the data has 1 error(s); the comparison needs data that loads:"
    )
    assert err[1].startswith(f"{F03}:{appended_line}:1: unknown_field: unknown field 'unknown_field'")
    assert repo.worktrees() == [f"worktree {repo.root.resolve()}"]


def test_a_new_entry_records_what_the_finding_was(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """The changelog shows before and after from `previous`: a new entry that leaves out a changed
    field, or records another value than the base has, is a warning at the entry."""
    repo.replace(F01, "confidence: moderate", "confidence: low")
    repo.append(F01, HISTORY_ENTRY.replace("      confidence: moderate\n", ""))
    code, err = _check(repo, capsys, "--strict", "--base", "main")
    line = _line_of(repo, F01, "date: 2026-03-01")
    assert err[0] == (
        f"{F01}:{line}:5: history[1]: warning: confidence changed since main: record what it was under 'previous' "
        "(confidence: the value main has), so the changelog can show it before and after"
    )
    assert code == 1 and len(err) == 2
    repo.replace(
        F01, "      studies: [beta-2021, gamma-2022]\n", "      studies: [beta-2021, gamma-2022]\n      confidence: high\n"
    )
    code, err = _check(repo, capsys, "--strict", "--base", "main")
    line = _line_of(repo, F01, "confidence: high")
    assert err[0] == (
        f"{F01}:{line}:7: history[1].previous.confidence: warning: previous.confidence is not what main has: "
        "record the value the finding had before this change"
    )
