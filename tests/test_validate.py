from __future__ import annotations

import shutil

from generator.errors import Report
from generator.settings import Project
from generator.validate import load_data

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
    assert problems == [
        "data/studies/beta-2021.yaml:4:1: year: input should be a valid integer, unable to parse string as an integer, got str 'twenty'"
    ]


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
