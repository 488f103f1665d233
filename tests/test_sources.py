from __future__ import annotations

from pathlib import Path

from generator.model.errors import Report
from generator.model.sources import MAX_FILE_BYTES, load_file

from .conftest import write


def _load(tmp_path: Path, text: str | bytes, name: str = "x.yaml"):
    path = tmp_path / "data" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    report = Report()
    source = load_file(path, tmp_path, report)
    return source, [str(p) for p in report.problems]


def test_marks_point_at_keys_and_items(tmp_path: Path) -> None:
    source, problems = _load(tmp_path, "id: a\nstudies:\n  - one\n  - two\n")
    assert problems == []
    assert source is not None
    assert source.value == {"id": "a", "studies": ["one", "two"]}
    assert source.marks[("studies",)] == (2, 1)
    assert source.marks[("studies", 1)] == (4, 5)
    assert str(source.location(("studies", 1, "deeper"))) == "data/x.yaml:4:5"


def test_duplicate_key_is_reported_with_both_lines(tmp_path: Path) -> None:
    _, problems = _load(tmp_path, "id: a\nyear: 2020\nyear: 2021\n")
    assert problems == ["data/x.yaml:3:1: year: duplicate key 'year' (first defined on line 2)"]


def test_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    source, problems = _load(tmp_path, "id: a\nname: [unclosed\n")
    assert source is None
    assert len(problems) == 1
    assert problems[0].startswith("data/x.yaml:3:1: (file): YAML syntax error:")


def test_tab_indentation(tmp_path: Path) -> None:
    _, problems = _load(tmp_path, "id: a\nname:\n\tnb: x\n")
    assert problems == ["data/x.yaml:3:1: (file): tab used for indentation; indent with spaces"]


def test_non_utf8_bytes(tmp_path: Path) -> None:
    _, problems = _load(tmp_path, b"id: a\nname: caf\xe9\n")
    assert problems == ["data/x.yaml:2:10: (file): file is not valid UTF-8 (byte 0xe9); save it as UTF-8"]


def test_empty_file(tmp_path: Path) -> None:
    _, problems = _load(tmp_path, "# only a comment\n")
    assert problems == ["data/x.yaml:1:1: (file): file is empty"]


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    _, problems = _load(tmp_path, "x: " + "a" * (MAX_FILE_BYTES + 1))
    assert len(problems) == 1 and "must stay under" in problems[0]


def test_symlink_outside_project_is_refused(tmp_path: Path) -> None:
    outside = write(tmp_path.parent / "secret.yaml", "id: a\n")
    link = tmp_path / "data" / "x.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    report = Report()
    assert load_file(link, tmp_path, report) is None
    assert [p.message for p in report.problems] == [f"symbolic link points outside the project: {outside.resolve()}"]


def test_unquoted_no_is_remembered_as_raw_text(tmp_path: Path) -> None:
    source, _ = _load(tmp_path, "country: no\nlang: 'no'\n")
    assert source is not None
    assert source.value == {"country": False, "lang": "no"}
    assert source.raw_scalars == {("country",): "no"}
