"""The fixture knowledge base renders to exactly the reviewed Markdown in tests/golden/.

After an intended change, run `make golden` and review the diff."""

from __future__ import annotations

from pathlib import Path

from .golden import GOLDEN, render_fixture


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*")) if p.is_file()}


def test_golden_markdown_both_languages(tmp_path: Path) -> None:
    docs = render_fixture(tmp_path)
    for lang in ("nb", "en"):
        expected = _files(GOLDEN / lang)
        actual = _files(docs / lang)
        assert sorted(actual) == sorted(expected), f"pages differ in {lang}: run `make golden` and review"
        for name, text in expected.items():
            assert actual[name] == text, f"{lang}/{name} differs from the golden file: run `make golden` and review"
