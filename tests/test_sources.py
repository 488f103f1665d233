from __future__ import annotations

from collections.abc import Callable
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


def test_a_pass_that_resolves_each_folder_once_finds_where_every_path_really_is(tmp_path: Path) -> None:
    """`_real_path` with a pass's folders is `os.path.realpath(strict=True)`: for files, links to
    files, files in linked folders, links to links, broken links and loops, each asked twice."""
    import errno
    import os

    from generator.model.sources import _real_path

    real = write(tmp_path / "data" / "a" / "one.yaml", "id: one\n")
    write(tmp_path / "data" / "b" / "two.yaml", "id: two\n")
    (tmp_path / "data" / "linked").symlink_to(tmp_path / "data" / "b")
    (tmp_path / "data" / "b" / "c").mkdir()
    (tmp_path / "data" / "deep").symlink_to(tmp_path / "data" / "b" / "c")
    (tmp_path / "data" / "a" / "to-two.yaml").symlink_to(tmp_path / "data" / "b" / "two.yaml")
    (tmp_path / "data" / "a" / "to-link.yaml").symlink_to(tmp_path / "data" / "a" / "to-two.yaml")
    (tmp_path / "data" / "a" / "broken.yaml").symlink_to(tmp_path / "data" / "gone.yaml")
    (tmp_path / "data" / "a" / "loop.yaml").symlink_to(tmp_path / "data" / "a" / "loop.yaml")
    paths = [
        real,
        tmp_path / "data" / "linked" / "two.yaml",
        tmp_path / "data" / "b" / "two.yaml",
        *(tmp_path / "data" / "a" / name for name in ("to-two.yaml", "to-link.yaml", "broken.yaml", "loop.yaml")),
        tmp_path / "data" / "deep" / ".." / "two.yaml",  # '..' after a link: the parent of where it leads
    ]

    def outcome(resolve: Callable[[Path], str], path: Path) -> str:
        try:
            return resolve(path)
        except OSError as exc:
            return f"error {errno.errorcode.get(exc.errno or 0)}"

    folders: dict[str, str] = {}
    for _ in range(2):
        for path in paths:
            expected = outcome(lambda p: os.path.realpath(p, strict=True), path)
            assert outcome(lambda p: _real_path(str(p), folders), path) == expected, path
    assert folders  # the folders of the files that are no link were kept
    assert outcome(lambda p: _real_path(str(p), folders), paths[5]) == "error ENOENT"
    assert outcome(lambda p: _real_path(str(p), folders), paths[6]) == "error ELOOP"
    assert outcome(lambda p: _real_path(str(p), folders), paths[7]) == str(tmp_path / "data" / "b" / "two.yaml")
