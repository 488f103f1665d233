from __future__ import annotations

import shutil

import pytest

from generator.model.errors import Report
from generator.model.settings import Project
from generator.model.validate import load_data

from .conftest import write


def _problems(project: Project) -> list[str]:
    report = Report()
    load_data(project.data_dir, project.root, report)
    return [str(p) for p in report.problems]


def test_fixture_is_valid(fixture_project: Project) -> None:
    assert _problems(fixture_project) == []


def test_unknown_field_suggests_the_right_name(fixture_project: Project) -> None:
    path = fixture_project.data_dir / "themes" / "tema-a.yaml"
    write(path, "id: tema-a\nname: {nb: A, en: A}\ndescriptoin: {nb: x, en: x}\n")
    assert _problems(fixture_project) == [
        "data/themes/tema-a.yaml:3:1: descriptoin: unknown field 'descriptoin' (did you mean 'description'?)"
    ]


def test_missing_required_field(fixture_project: Project) -> None:
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\n")
    assert _problems(fixture_project) == ["data/themes/tema-a.yaml:1:1: name: required field is missing"]


def test_wrong_type_names_the_value(fixture_project: Project) -> None:
    path = fixture_project.data_dir / "studies" / "beta-2021.yaml"
    text = path.read_text(encoding="utf-8").replace("year: 2021", "year: twenty")
    write(path, text)
    problems = _problems(fixture_project)
    assert problems == ["data/studies/beta-2021.yaml:4:1: year: write a whole number, got str 'twenty'"]


def test_norway_problem_is_explained(fixture_project: Project) -> None:
    path = fixture_project.data_dir / "studies" / "beta-2021.yaml"
    write(path, path.read_text(encoding="utf-8").replace("country: nor", "country: no"))
    assert _problems(fixture_project) == [
        "data/studies/beta-2021.yaml:7:1: country: YAML reads an unquoted no as the boolean false; "
        'write it in quotes ("no") if you mean the text'
    ]


def test_id_must_match_file_name(fixture_project: Project) -> None:
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-x\nname: {nb: A, en: A}\n")
    assert _problems(fixture_project) == [
        "data/themes/tema-a.yaml:1:1: id: id 'tema-x' does not match the file name 'tema-a.yaml' (expected id 'tema-a')"
    ]


def test_duplicate_id_across_files(fixture_project: Project) -> None:
    sub = fixture_project.data_dir / "themes" / "more"
    sub.mkdir()
    shutil.copy(fixture_project.data_dir / "themes" / "tema-a.yaml", sub / "tema-a.yaml")
    assert _problems(fixture_project) == [
        "data/themes/tema-a.yaml:1:1: id: duplicate theme id 'tema-a' (first defined at data/themes/more/tema-a.yaml:1:1)"
    ]


def test_empty_text_is_an_error(fixture_project: Project) -> None:
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\nname: {nb: '', en: A}\n")
    assert _problems(fixture_project) == ["data/themes/tema-a.yaml:2:8: name.nb: text is empty"]


def test_text_with_no_language_is_an_error(fixture_project: Project) -> None:
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\nname: {}\n")
    assert _problems(fixture_project) == ["data/themes/tema-a.yaml:2:1: name: value error, text has neither 'nb' nor 'en'"]


def test_all_problems_in_one_pass(fixture_project: Project) -> None:
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\n")
    write(fixture_project.data_dir / "themes" / "tema-b.yaml", "id: tema-b\nname: {nb: B, en: B}\nextra: 1\n")
    assert len(_problems(fixture_project)) == 2


def test_unknown_data_folder(fixture_project: Project) -> None:
    write(fixture_project.data_dir / "finding" / "x.yaml", "id: x\n")
    assert _problems(fixture_project)[0].startswith("data/finding:1:1: (file): unknown data folder 'finding'")


def _replace(project: Project, rel: str, old: str, new: str) -> None:
    path = project.data_dir / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, rel)
    write(path, text.replace(old, new, 1))


# --- empty values: `field: ~` or `field:` is a placeholder, whatever the field's type ----------

NULLS = [
    # (file, old, new, expected problem): optional and required fields, of every type, at any depth
    (
        "themes/tema-a.yaml",
        "name:",
        "description: ~\nname:",
        "data/themes/tema-a.yaml:2:1: description: fill this in, or remove the line",
    ),
    (
        "studies/beta-2021.yaml",
        "year: 2021",
        "year: 2021\ntitle:",
        "data/studies/beta-2021.yaml:5:1: title: fill this in, or remove the line",
    ),
    ("studies/beta-2021.yaml", "year: 2021", "year:", "data/studies/beta-2021.yaml:4:1: year: fill this in, or remove the line"),
    (
        "findings/demo-2025-f01.yaml",
        "confidence: moderate",
        "confidence: ~",
        "data/findings/demo-2025-f01.yaml:10:1: confidence: fill this in, or remove the line",
    ),
    (
        "findings/demo-2025-f03.yaml",
        "date: 2025-06-15",
        "date: null",
        "data/findings/demo-2025-f03.yaml:13:5: history[0].date: fill this in, or remove the line",
    ),
    (
        "findings/demo-2025-f01.yaml",
        "{level: none-or-very-minor}",
        "{level: ~}",
        "data/findings/demo-2025-f01.yaml:7:15: components.coherence.level: fill this in, or remove the line",
    ),
    (
        "publications/demo-2025.yaml",
        "date: 2025-06-15",
        "date: ~",
        "data/publications/demo-2025.yaml:11:1: date: fill this in, or remove the line",
    ),
    (
        "assessments/demo-2025-tiltak-beta-2021.yaml",
        "komp: partly",
        "komp: ~",
        "data/assessments/demo-2025-tiltak-beta-2021.yaml:4:10: values.komp: fill this in, or remove the line",
    ),
]


@pytest.mark.parametrize(("rel", "old", "new", "expected"), NULLS, ids=[n[3].split(": ")[1] for n in NULLS])
def test_an_empty_value_asks_to_be_filled_in(fixture_project: Project, rel: str, old: str, new: str, expected: str) -> None:
    _replace(fixture_project, rel, old, new)
    assert _problems(fixture_project) == [expected]


def test_an_empty_language_is_one_problem_not_also_a_text_without_language(fixture_project: Project) -> None:
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\nname: {nb: ~}\n")
    assert _problems(fixture_project) == ["data/themes/tema-a.yaml:2:8: name.nb: fill this in, or remove the line"]


def test_an_empty_list_item_is_named_as_such(fixture_project: Project) -> None:
    _replace(fixture_project, "findings/demo-2025-f01.yaml", "studies: [beta-2021, gamma-2022]", "studies: [beta-2021, ~]")
    assert _problems(fixture_project) == [
        "data/findings/demo-2025-f01.yaml:11:22: studies[1]: empty list item: fill it in, or remove it"
    ]


def test_an_empty_chart_value_still_means_no_value(whole_project: Project) -> None:
    path = whole_project.data_dir / "publications" / "demo-thesis-2022.yaml"
    _replace(whole_project, "publications/demo-thesis-2022.yaml", "values: [69, 21]", "values: [69, ~]")
    assert "values: [69, ~]" in path.read_text(encoding="utf-8")
    assert _problems(whole_project) == []


# --- strict scalars: a value is never converted into the type it should have been --------------

STRICT = [
    ("findings/demo-2025-f01.yaml", "number: 1", 'number: "05"', "number: write a number without quotes: 5"),
    ("studies/beta-2021.yaml", "year: 2021", "year: 2021.0", "year: write a whole number: 2021"),
    ("studies/beta-2021.yaml", "year: 2021", "year: '2021'", "year: write a number without quotes: 2021"),
    ("publications/demo-2025.yaml", "date: 2025-06-15", 'date: "2025-06-15"', "date: write the date without quotes: 2025-06-15"),
    ("publications/demo-2025.yaml", "date: 2025-06-15", "date: 2025-06-15 10:30:00", "date: write only the date: 2025-06-15"),
    (
        "publications/demo-2025.yaml",
        "date: 2025-06-15",
        "date: 15.06.2025",
        "date: write a date as YYYY-MM-DD, got str '15.06.2025'",
    ),
    (
        "studies/beta-2021.yaml",
        "year: 2021",
        "year: 2021\nhas_control_group: 'true'",
        "has_control_group: write true without quotes",
    ),
    (
        "studies/beta-2021.yaml",
        "year: 2021",
        "year: 2021\nhas_control_group: 1",
        "has_control_group: write true or false, got int 1",
    ),
    (
        "studies/beta-2021.yaml",
        "year: 2021",
        "year: 2021\nprimary_studies: '12'",
        "primary_studies: write a number without quotes: 12",
    ),
    (
        "studies/beta-2021.yaml",
        "year: 2021",
        "year: 2021\nperiod: 2017",
        'period: write it in quotes: "2017" (without quotes YAML reads it as a number)',
    ),
    (
        "studies/beta-2021.yaml",
        "year: 2021",
        "year: 2021\nperiod: 2017-01-01",
        'period: write it in quotes: "2017-01-01" (without quotes YAML reads it as a date)',
    ),
]


@pytest.mark.parametrize(("rel", "old", "new", "expected"), STRICT, ids=[s[2] for s in STRICT])
def test_a_value_of_the_wrong_type_is_not_converted(
    fixture_project: Project, rel: str, old: str, new: str, expected: str
) -> None:
    _replace(fixture_project, rel, old, new)
    problems = _problems(fixture_project)
    assert len(problems) == 1, problems
    assert problems[0].split(": ", 1)[1] == expected


def test_a_quoted_number_in_a_nested_float_field_is_an_error(whole_project: Project) -> None:
    _replace(whole_project, "publications/demo-thesis-2022.yaml", "values: [69, 21]", 'values: [69, "21"]')
    problems = _problems(whole_project)
    assert len(problems) == 1
    assert problems[0].endswith("charts[0].series[0].values[1]: write a number without quotes: 21"), problems


# --- look-alike characters in field names and ids ------------------------------------------------


def test_a_cyrillic_letter_in_a_field_name_is_named(fixture_project: Project) -> None:
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\nname: {nb: A, en: A}\ndescr\u0456ption: {nb: x}\n")
    assert _problems(fixture_project) == [
        "data/themes/tema-a.yaml:3:1: descr\u0456ption: unknown field 'descr\u0456ption': its 6th character is "
        "CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I (U+0456), which looks like Latin 'i' (did you mean 'description'?)"
    ]


def test_an_invisible_character_in_a_field_name_is_named(fixture_project: Project) -> None:
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-a\nname: {nb: A, en: A}\nparent\u200b: tema-b\n")
    assert _problems(fixture_project) == [
        "data/themes/tema-a.yaml:3:1: parent\u200b: unknown field 'parent\u200b': its 7th character is "
        "ZERO WIDTH SPACE (U+200B), which is invisible (did you mean 'parent'?)"
    ]


def test_a_greek_letter_in_an_id_is_named(fixture_project: Project) -> None:
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "id: tema-\u03bf\nname: {nb: A, en: A}\n")
    assert _problems(fixture_project) == [
        "data/themes/tema-a.yaml:1:1: id: id 'tema-\u03bf' must be lower-case letters, digits and single hyphens: "
        "its 6th character is GREEK SMALL LETTER OMICRON (U+03BF), which looks like Latin 'o'"
    ]


def test_a_look_alike_kind_is_named(fixture_project: Project) -> None:
    write(fixture_project.data_dir / "themes" / "tema-a.yaml", "kind: th\u0435me\nid: tema-a\nname: {nb: A, en: A}\n")
    problems = _problems(fixture_project)
    assert len(problems) == 1
    assert problems[0].endswith("its 3rd character is CYRILLIC SMALL LETTER IE (U+0435), which looks like Latin 'e'")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '["forebygging", "tidlig hjelp"]',
            '["forebygging", ""]',
            "data/topics/tidlig.yaml:5:23: keywords.nb[1]: text is empty",
        ),
        (
            '["prevention", "early help"]',
            '["prevention", "Prevention"]',
            "data/topics/tidlig.yaml:4:1: keywords: value error, keyword 'Prevention' is listed twice under 'en'",
        ),
        (
            '["prevention", "early help"]',
            '"prevention"',
            "data/topics/tidlig.yaml:6:3: keywords.en: input should be a valid list",
        ),
    ],
)
def test_a_topics_keywords_are_words_each_listed_once(whole_project: Project, old: str, new: str, expected: str) -> None:
    path = whole_project.data_dir / "topics" / "tidlig.yaml"
    write(path, path.read_text(encoding="utf-8").replace(old, new))
    assert [p.split(", got")[0] for p in _problems(whole_project)] == [expected]
