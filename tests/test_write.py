from pathlib import Path

import pytest

from generator.pipeline.write import CollisionError, StagingWriter


def test_only_changed_files_are_rewritten(tmp_path: Path) -> None:
    first = StagingWriter(tmp_path)
    assert first.write("a.md", "one") is True
    mtime = (tmp_path / "a.md").stat().st_mtime_ns
    second = StagingWriter(tmp_path)
    assert second.write("a.md", "one") is False
    assert (tmp_path / "a.md").stat().st_mtime_ns == mtime
    assert second.write("b/c.md", "two") is True
    assert second.changed == ["b/c.md"]


def test_same_path_twice_is_refused(tmp_path: Path) -> None:
    writer = StagingWriter(tmp_path)
    writer.write("a.md", "one")
    with pytest.raises(CollisionError, match="a.md"):
        writer.write("a.md", "two")


def test_stale_files_are_removed(tmp_path: Path) -> None:
    StagingWriter(tmp_path).write("old/x.md", "x")
    writer = StagingWriter(tmp_path)
    writer.write("new.md", "n")
    assert writer.remove_stale() == ["old/x.md"]
    assert not (tmp_path / "old").exists()


def test_a_kept_file_stays_and_is_claimed_like_a_write(tmp_path: Path) -> None:
    StagingWriter(tmp_path).write("kept.md", "as staged")
    writer = StagingWriter(tmp_path)
    writer.keep("kept.md")
    assert writer.remove_stale() == [] and (tmp_path / "kept.md").read_text() == "as staged"
    assert writer.changed == []
    with pytest.raises(CollisionError):
        writer.write("kept.md", "a second page at the same path")


def test_the_caller_is_told_of_each_file_changed_once_it_is_in_place(tmp_path: Path) -> None:
    """The preview's MkDocs builds exactly the files the refresh changed: it is told of each one
    written anew or removed, when the file is already in its final state, and of nothing else."""
    StagingWriter(tmp_path).write("same.md", "same")
    StagingWriter(tmp_path).write("stale.md", "stale")
    told: list[tuple[str, bool]] = []
    writer = StagingWriter(tmp_path, lambda path: told.append((path, (tmp_path / path).exists())))
    writer.write("same.md", "same")
    writer.write("new/page.md", "new")
    writer.keep("kept.md")
    writer.remove_stale()
    assert told == [("new/page.md", True), ("stale.md", False)]


def test_stale_files_go_in_reverse_path_order_and_every_folder_left_empty_goes(tmp_path: Path) -> None:
    old = StagingWriter(tmp_path)
    for path in ("a/b/c/x.md", "a/b/y.md", "a/z.md", "a-b/w.md", "keep/k.md", "keep/gone.md", "top.md"):
        old.write(path, path)
    writer = StagingWriter(tmp_path)
    writer.keep("keep/k.md")
    told: list[str] = []
    writer.on_change = told.append
    removed = writer.remove_stale()
    assert removed == ["top.md", "keep/gone.md", "a-b/w.md", "a/z.md", "a/b/y.md", "a/b/c/x.md"]
    assert removed == [p.relative_to(tmp_path).as_posix() for p in sorted(map(tmp_path.joinpath, removed), reverse=True)]
    assert told == removed
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["keep", "keep/k.md"]
