from pathlib import Path

from generator.diff import compare

from .conftest import write


def test_compare_lists_changed_added_and_removed_pages(tmp_path: Path) -> None:
    base, head = tmp_path / "base", tmp_path / "head"
    for lang in ("nb", "en"):
        write(base / lang / "findings" / "f1.md", "same")
        write(head / lang / "findings" / "f1.md", "same")
    write(base / "nb" / "studies" / "s1.md", "old")
    write(head / "nb" / "studies" / "s1.md", "new")
    write(head / "en" / "findings" / "f2.md", "added")
    write(base / "en" / "index.md", "gone")
    assert compare(base, head) == [
        "changed  nb  /studies/s1/",
        "added    en  /en/findings/f2/",
        "removed  en  /en/",
    ]
