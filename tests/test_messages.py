"""What a message says about the characters the eye cannot tell apart, and about values that
cannot be read: one problem each, named so that an editor can find and retype them."""

from __future__ import annotations

import pytest

from generator.model.errors import strange_characters
from generator.model.settings import Project
from generator.pipeline.build import check

from .conftest import write


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("text", ""),
        ("tekst-ø", ": its 7th character is LATIN SMALL LETTER O WITH STROKE (U+00F8)"),
        ("t\u0435xt", ": its 2nd character is CYRILLIC SMALL LETTER IE (U+0435), which looks like Latin 'e'"),
        ("\u0421ook", ": its 1st character is CYRILLIC CAPITAL LETTER ES (U+0421), which looks like Latin 'C'"),
        ("\u039cay", ": its 1st character is GREEK CAPITAL LETTER MU (U+039C), which looks like Latin 'M'"),
        ("\uff54ext", ": its 1st character is FULLWIDTH LATIN SMALL LETTER T (U+FF54), which looks like Latin 't'"),
        ("very\u00a0low", ": its 5th character is NO-BREAK SPACE (U+00A0), which looks like a space"),
        ("very\u2013low", ": its 5th character is EN DASH (U+2013), which looks like '-'"),
        ("f0\uff12", ": its 3rd character is FULLWIDTH DIGIT TWO (U+FF12), which looks like '2'"),
        ("te\u0301xt", ": its 3rd character is COMBINING ACUTE ACCENT (U+0301), which joins the character before it"),
        ("low\u2060", ": its 4th character is WORD JOINER (U+2060), which is invisible"),
        ("a" * 10 + "\u200b", ": its 11th character is ZERO WIDTH SPACE (U+200B), which is invisible"),
        ("a" * 11 + "\u200b", ": its 12th character is ZERO WIDTH SPACE (U+200B), which is invisible"),
        ("a" * 20 + "\u200b", ": its 21st character is ZERO WIDTH SPACE (U+200B), which is invisible"),
    ],
)
def test_a_strange_character_is_named_with_its_position(text: str, expected: str) -> None:
    assert strange_characters(text) == expected


def test_many_strange_characters_are_summed_up() -> None:
    note = strange_characters("\u0430\u0435\u043e\u0440\u0441")
    assert note.count("its ") == 3
    assert note.endswith(", and 2 more such character(s)")


def _problems(project: Project) -> list[str]:
    _, report = check(project)
    return [str(p) for p in report.problems if ": warning: " not in str(p)]


def test_a_look_alike_in_a_file_name_is_named(fixture_project: Project) -> None:
    themes = fixture_project.data_dir / "themes"
    (themes / "tema-a.yaml").rename(themes / "tema-\u0430.yaml")
    assert (
        "data/themes/tema-\u0430.yaml:1:1: id: id 'tema-a' does not match the file name 'tema-\u0430.yaml': its 6th character is "
        "CYRILLIC SMALL LETTER A (U+0430), which looks like Latin 'a' (expected id 'tema-\u0430')"
    ) in _problems(fixture_project)


def test_a_look_alike_in_a_citation_is_named(whole_project: Project) -> None:
    write(
        whole_project.content_dir / "nb" / "x.md",
        "# X\n\n[[finding:demo-2025-f\u04270]] [[count:findings confidence=h\u0456gh]]\n",
    )
    assert _problems(whole_project) == [
        "content/nb/x.md:3:1: [[finding:demo-2025-f\u04270]]: unknown finding 'demo-2025-f\u04270': its 12th character is "
        "CYRILLIC CAPITAL LETTER CHE (U+0427) (did you mean 'demo-2025-f03'?)",
        "content/nb/x.md:3:27: [[count:findings confidence=h\u0456gh]]: unknown confidence 'h\u0456gh': its 2nd character is "
        "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I (U+0456), which looks like Latin 'i' (allowed: high, moderate, low, very-low)",
    ]


def test_an_unreadable_language_is_one_problem_not_also_a_text_without_language(fixture_project: Project) -> None:
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\nname: {nb: !!python/name:os.system x}\n")
    problems = _problems(fixture_project)
    assert len(problems) == 1, problems
    assert problems[0].startswith("data/themes/tema-a.yaml:2:12: name.nb: cannot read value")
