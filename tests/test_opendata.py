"""Open data (generator/present/opendata.py): each publication's tables as CSV, the knowledge base as
JSON, and a Frictionless data package that the `frictionless` validator accepts, with each
source's licence. Cells from the data never run as spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from frictionless import validate

from generator.model.index import Index
from generator.model.settings import LANGUAGES, Project
from generator.pipeline.build import generate, load_or_fail
from generator.present import opendata, urls

from .conftest import write

DATA = Path(urls.DATA_PACKAGE).parent.as_posix()


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _files(index: Index, folder: Path) -> Path:
    """Every open-data file of `index`, written under `folder` as a language root holds them."""
    for path, content in opendata.files(index).items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8"))
    return folder / urls.DATA_PACKAGE


def _valid(package: Path) -> None:
    report = validate(str(package))
    problems = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors]
    problems += [error.message for error in report.errors]
    assert report.valid, "\n".join(problems[:10])


def test_the_build_writes_the_same_open_data_in_both_languages(whole_project: Project) -> None:
    index = load_or_fail(whole_project)
    generate(whole_project, index, pdfs=False)
    written = {lang: sorted((whole_project.staging_docs(lang) / DATA).iterdir()) for lang in LANGUAGES}
    assert (
        [p.name for p in written["nb"]]
        == [p.name for p in written["en"]]
        == [
            "datapackage.json",
            "demo-2025-findings.csv",
            "demo-2025-matrise-matrix.csv",
            "demo-2025-studies.csv",
            "demo-thesis-2022-effects.csv",
            "demo-thesis-2022-findings.csv",
            "demo-thesis-2022-studies.csv",
            "knowledge-base.json",
        ]
    )
    for nb, en in zip(written["nb"], written["en"], strict=True):
        assert nb.read_bytes() == en.read_bytes(), nb.name
    _valid(whole_project.staging_docs("nb") / urls.DATA_PACKAGE)


def test_one_row_per_entity_ids_first(whole_project: Project) -> None:
    index = load_or_fail(whole_project)
    files = opendata.files(index)
    pub = index.publication("demo-2025")
    findings = _rows(files[urls.findings_data(pub.id)])
    assert [r["id"] for r in findings] == [f.id for f in index.findings_of(pub)]
    first = findings[0]
    assert (first["number"], first["confidence"], first["methodological_limitations"]) == ("1", "moderate", "moderate")
    assert first["methodological_limitations_explanation_nb"] == "Svak rapportering."
    assert first["explanation_en"].startswith("Moderate concerns regarding methodological limitations")
    assert first["studies"] == "beta-2021; gamma-2022"
    assert next(iter(files[urls.findings_data(pub.id)].splitlines())).startswith("id,number,theme,")
    assert [r["id"] for r in _rows(files[urls.studies_data(pub.id)])] == pub.studies
    alpha = _rows(files[urls.studies_data(pub.id)])[0]
    assert alpha["doi"] == "10.1234/demo.2020.1" and alpha["year"] == "2020"
    matrix = index.matrix(pub.matrices[0])
    rows = _rows(files[urls.matrix_data(matrix.id)])
    assert [r["id"] for r in rows] == matrix.rows
    assert all(r[c] == index.assessment(r["id"]).values[c] for r in rows for c in matrix.columns)
    effects = _rows(files[urls.effects_data("demo-thesis-2022")])
    assert len(effects) == sum(len(index.study(s).effects) for s in index.publication("demo-thesis-2022").studies)
    assert urls.effects_data("demo-2025") not in files  # no effect map, no file
    kinds = json.loads(files[urls.KNOWLEDGE_BASE_JSON])["kinds"]
    assert [f["id"] for f in kinds["finding"]] == index.ids("finding")
    assert kinds["reference"][0]["doi"] == "10.1234/demo.2020.1"


def test_the_data_package_describes_types_and_each_sources_licence(whole_project: Project) -> None:
    index = load_or_fail(whole_project)
    package = json.loads(opendata.files(index)[urls.DATA_PACKAGE])
    resources = {r["name"]: r for r in package["resources"]}
    fields = {f["name"]: f for f in resources["demo-2025-findings"]["schema"]["fields"]}
    assert fields["number"]["type"] == "integer"
    assert fields["confidence"]["constraints"]["enum"] == [t.id for t in index.terms("confidence")]
    assert resources["demo-2025-matrise-matrix"]["schema"]["foreignKeys"] == [
        {"fields": ["study"], "reference": {"resource": "demo-2025-studies", "fields": ["id"]}}
    ]
    # The thesis states CC BY 4.0; the review states no licence, and the package says so in words.
    assert resources["demo-thesis-2022-studies"]["licenses"] == [
        {"path": "https://creativecommons.org/licenses/by/4.0/", "title": "CC BY 4.0"}
    ]
    assert "licenses" not in resources["demo-2025-studies"]
    assert "Licence: Not stated by the source." in resources["demo-2025-studies"]["description"]
    assert resources["knowledge-base"]["format"] == "json"


def test_the_real_knowledge_base_is_a_valid_data_package(tmp_path: Path, repo_index: Index) -> None:
    index = repo_index
    package = _files(index, tmp_path)
    _valid(package)
    described = json.loads(package.read_text(encoding="utf-8"))
    norce = [r for r in described["resources"] if r["name"].startswith("norce-utenforskap-2025")]
    assert norce and all(r["licenses"][0]["title"] == "CC BY 4.0" for r in norce)
    others = [r for r in described["resources"] if r["name"].startswith(("skole-hjem-2025", "levik-2023"))]
    assert others and not any("licenses" in r for r in others)


FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)"]
"""A leading tab or carriage return cannot come from the data (the loader strips texts); `guard` covers them all the same."""


def test_guard() -> None:
    assert [opendata.guard(v) for v in ("=1", "+1", "-1", "@1", "\t1", "\r1", "1-", "a=b")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@1",
        "'\t1",
        "'\r1",
        "1-",
        "a=b",
    ]


@pytest.mark.parametrize("formula", FORMULAS)
def test_no_cell_from_the_data_starts_a_formula(fixture_project: Project, formula: str) -> None:
    """A hostile pull request writes formulas into texts, names and ids' labels: every such cell
    begins with an apostrophe, and the package still validates."""
    data = fixture_project.data_dir
    for rel, change in (
        ("findings/demo-2025-f01.yaml", lambda d: d.update(statement={"nb": formula, "en": formula})),
        ("studies/alpha-2020.yaml", lambda d: d.update(citation=formula + " Alpha", title=formula)),
        ("themes/tema-a.yaml", lambda d: d.update(name={"nb": formula, "en": formula})),
        ("assessments/demo-2025-tiltak-alpha-2020.yaml", lambda d: d.update(intervention={"nb": formula, "en": formula})),
    ):
        loaded = yaml.safe_load((data / rel).read_text(encoding="utf-8"))
        change(loaded)
        write(data / rel, yaml.safe_dump(loaded, allow_unicode=True, sort_keys=False))
    index = load_or_fail(fixture_project)
    files = opendata.files(index)
    cells = [
        cell
        for path, text in files.items()
        if path.endswith(".csv")
        for row in csv.reader(io.StringIO(text, newline=""))
        for cell in row
    ]
    assert not [cell for cell in cells if cell.startswith(opendata.FORMULA_STARTS)]
    assert cells.count("'" + formula) >= 2  # the statement in both languages, the theme name, ...
    assert "'" + formula + " Alpha" in cells
    year_column = _rows(files[urls.studies_data("demo-2025")])
    assert [r["year"] for r in year_column] == ["2020", "2021", "2022"]  # numbers are not text: never guarded
    _valid(_files(index, fixture_project.root / "out"))


def test_the_knowledge_base_is_what_one_json_dump_of_the_whole_writes(fixture_project: Project) -> None:
    """Written entity by entity (a bounded part in memory at a time), it is byte for byte the one
    dump of the whole: kinds with no entity (`[]`), texts with line breaks and quotes included."""
    finding = fixture_project.data_dir / "findings" / "demo-2025-f03.yaml"
    finding.write_text(
        finding.read_text(encoding="utf-8").replace(
            'en: "Trust was built by listening."', 'en: "Trust was \\"built\\".\\nBy listening."'
        ),
        encoding="utf-8",
    )
    index = load_or_fail(fixture_project)
    whole = _whole(index)
    assert any(not entities for entities in whole.values()), "a kind with no entity in the fixture"
    assert "\n" in whole["finding"][[f["id"] for f in whole["finding"]].index("demo-2025-f03")]["statement"]["en"]
    assert opendata.knowledge_base(index) == _json_of_the_whole(index) + "\n"


def test_the_real_knowledge_base_is_what_one_json_dump_of_the_whole_writes(repo_index: Index) -> None:
    """Every kind and every value the real data holds (numbers with decimals, Norwegian letters,
    quotation marks) comes out as the standard library's encoder writes it."""
    studies = [repo_index.study(study_id) for study_id in repo_index.ids("study")]
    assert any(isinstance(result.value, float) and not result.value.is_integer() for study in studies for result in study.results)
    assert opendata.knowledge_base(repo_index) == _json_of_the_whole(repo_index) + "\n"


@pytest.mark.parametrize("value", [1e-05, 1e-07, 1e-10, 5e-324, 0.0001, 1 / 3, 12.5, -0.0, 1e22, 2.0**53])
def test_every_number_reads_back_as_the_number_the_data_holds(fixture_project: Project, value: float) -> None:
    """Numbers below 0.0001 are written as orjson writes them (0.00001, 1e-7), all others as the
    standard library does: each reads back as the same number."""
    study = fixture_project.data_dir / "studies" / "alpha-2020.yaml"
    text = study.read_text(encoding="utf-8")
    assert "value: " in text, "the fixture study reports a result with a value"
    written_value = yaml.safe_dump(value).split("\n")[0]  # YAML 1.1: an exponent needs a point (1.0e-05)
    study.write_text(re.sub(r"value: [-0-9.]+", f"value: {written_value}", text, count=1), encoding="utf-8")
    index = load_or_fail(fixture_project)
    written = json.loads(opendata.knowledge_base(index))
    (study_written,) = [s for s in written["kinds"]["study"] if s["id"] == "alpha-2020"]
    assert value in [result["value"] for result in study_written["results"]]
    assert written == json.loads(_json_of_the_whole(index))


def _whole(index: Index) -> dict[str, list[dict[str, object]]]:
    """Every entity of every kind, as `model_dump` gives it: what the knowledge base's JSON holds."""
    return {
        name: [entities[entity_id].model.model_dump(mode="json") for entity_id in sorted(entities)]
        for name, entities in index.data.entities.items()
    }


def _json_of_the_whole(index: Index) -> str:
    """The standard library's one dump of the whole, as the knowledge base's JSON was first written."""
    return json.dumps({"kinds": _whole(index)}, ensure_ascii=False, sort_keys=True, indent=1)
