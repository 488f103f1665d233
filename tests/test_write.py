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
