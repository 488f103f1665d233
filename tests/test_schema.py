"""The JSON Schemas editors work with: documented, fresh, named by every data file, and in
agreement with `check` about what is valid."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from generator import schema
from generator.build import check
from generator.errors import Report
from generator.models import ENTITY_MODELS
from generator.settings import DATA_FOLDERS, Project
from generator.sources import discover

from .conftest import REPO, write

PROJECT = Project(REPO)


def _load_as_editor(path: Path) -> Any:
    """A data file as the YAML language server sees it: dates stay strings (YAML 1.2)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    return plain(yaml.safe_load(path.read_text(encoding="utf-8")))


def _errors(schema_doc: dict[str, Any], value: Any) -> list[str]:
    validator = jsonschema.Draft7Validator(schema_doc, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(value)]


def _data_files(project: Project) -> list[tuple[str, Path]]:
    return [(kind, path) for folder, kind in DATA_FOLDERS.items() for path in discover(project.data_dir / folder)]


# --- documentation -----------------------------------------------------------------------------


def test_every_field_is_documented() -> None:
    missing = schema.undocumented_fields()
    assert not missing, (
        f"{len(missing)} model field(s) without a description (add Field(description=...) in "
        "generator/models.py, then run `make schema`):\n  " + "\n  ".join(missing)
    )


# --- freshness and form --------------------------------------------------------------------------


def test_committed_schemas_are_fresh() -> None:
    expected = schema.generate(PROJECT, Report())
    stale = [path.relative_to(REPO).as_posix() for path in schema.stale(PROJECT, expected)]
    assert not stale, f"stale JSON schema(s): {', '.join(stale)}; run `make schema` and commit the result"


def test_one_schema_per_kind_deterministic_sorted_with_trailing_newline() -> None:
    first = schema.generate(PROJECT, Report())
    assert first == schema.generate(PROJECT, Report())
    assert sorted(p.name for p in first) == sorted(f"{kind}.schema.json" for kind in ENTITY_MODELS)
    for text in first.values():
        assert text.endswith("}\n") and not text.endswith("\n\n")
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_schemas_are_valid_draft_07() -> None:
    for path, text in schema.generate(PROJECT, Report()).items():
        document = json.loads(text)
        assert document["$schema"] == "http://json-schema.org/draft-07/schema#", path.name
        jsonschema.Draft7Validator.check_schema(document)


def test_generate_refuses_broken_vocabularies(fixture_project: Project) -> None:
    write(
        fixture_project.data_dir / "vocabularies" / "status.yaml",
        "id: status\nterms: []\n",
    )
    report = Report()
    schema.generate(fixture_project, report)
    assert [p.field_path for p in report.problems] == ["name", "terms"]


def test_stale_schema_is_found_and_rewritten(fixture_project: Project) -> None:
    expected = schema.generate(fixture_project, Report())
    assert schema.write(fixture_project, expected) == sorted(expected)
    finding = schema.schema_path(fixture_project, "finding")
    finding.write_text("{}\n", encoding="utf-8")
    orphan = write(fixture_project.root / "schemas" / "old.schema.json", "{}\n")
    assert schema.stale(fixture_project, expected) == [finding, orphan]
    schema.write(fixture_project, expected)
    assert schema.stale(fixture_project, expected) == []
    assert not orphan.exists()


def test_cli_schema_check_names_the_stale_file(fixture_project: Project, capsys) -> None:
    from generator.cli import main

    root = ["--root", str(fixture_project.root)]
    assert main([*root, "schema"]) == 0
    assert main([*root, "schema", "--check"]) == 0
    schema.schema_path(fixture_project, "theme").write_text("{}\n", encoding="utf-8")
    assert main([*root, "schema", "--check"]) == 1
    assert "schemas/theme.schema.json: stale; run `make schema`" in capsys.readouterr().err


# --- the data files ------------------------------------------------------------------------------


def test_every_data_file_names_its_schema() -> None:
    wrong = []
    for kind, path in _data_files(PROJECT):
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        expected = f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json"
        if first != expected or not (path.parent / first.split("=", 1)[1]).resolve().is_file():
            wrong.append(f"{path.relative_to(REPO)}: first line should be {expected!r}, is {first!r}")
    assert not wrong, "\n".join(wrong)


def test_every_data_file_validates_against_its_schema() -> None:
    schemas = {kind: json.loads(schema.schema_path(PROJECT, kind).read_text(encoding="utf-8")) for kind in ENTITY_MODELS}
    problems = [
        f"{path.relative_to(REPO)}: {error}"
        for kind, path in _data_files(PROJECT)
        for error in _errors(schemas[kind], _load_as_editor(path))
    ]
    assert not problems, "\n".join(problems)


# --- enrichment ---------------------------------------------------------------------------------


def test_vocabulary_fields_list_the_terms() -> None:
    catalogue = schema.read_catalogue(PROJECT, Report())
    finding = schema.schema_for("finding", catalogue)
    confidence = [t.id for t in catalogue.vocabularies["confidence"]]
    # optional since issue 6 (only CERQual-assessed findings have it): the enum is on the non-null branch
    [branch] = [b for b in finding["properties"]["confidence"]["anyOf"] if b.get("type") != "null"]
    assert branch["enum"] == confidence
    assert finding["properties"]["confidence"]["description"].startswith("Overall confidence, from vocabulary 'confidence'")
    assert finding["$defs"]["Component"]["properties"]["level"]["enum"] == [t.id for t in catalogue.vocabularies["concern"]]
    assert finding["properties"]["pyramid_levels"]["items"]["enum"] == [t.id for t in catalogue.vocabularies["pyramid-level"]]
    # entity ids are described, not listed: adding a study must not make the schemas stale
    assert "examples" not in finding["properties"]["studies"]["items"]
    assert "study" in finding["properties"]["studies"]["items"]["description"]
    assessment = schema.schema_for("assessment", catalogue)
    assert assessment["properties"]["values"]["additionalProperties"]["enum"] == [
        t.id for t in catalogue.vocabularies["matrix-value"]
    ]
    study = schema.schema_for("study", catalogue)
    for name, vocabulary in (
        ("design", "design"),
        ("countries", "country"),
        ("publication_type", "publication-type"),
    ):
        node = study["properties"][name]
        node = node.get("items", node)
        assert node["enum"] == [t.id for t in catalogue.vocabularies[vocabulary]]


def test_every_slot_names_a_real_field() -> None:
    for slot in (*schema.VOCABULARY_SLOTS, *schema.ENTITY_SLOTS):
        assert slot.field in slot.model.model_fields, slot


VOCABULARY_CASES = [
    (
        "findings/demo-2025-f01.yaml",
        "confidence: moderate",
        "confidence: zzz",
        "unknown confidence 'zzz'",
    ),
    (
        "findings/demo-2025-f01.yaml",
        "{level: moderate,",
        "{level: zzz,",
        "unknown concern 'zzz'",
    ),
    (
        "findings/demo-2025-f01.yaml",
        "pyramid_levels: [universal]",
        "pyramid_levels: [zzz]",
        "unknown pyramid-level 'zzz'",
    ),
    ("studies/alpha-2020.yaml", "design: rct", "design: zzz", "unknown design 'zzz'"),
    (
        "studies/alpha-2020.yaml",
        "country: usa",
        "country: zzz",
        "unknown country 'zzz'",
    ),
    (
        "studies/alpha-2020.yaml",
        "publication_type: journal-article",
        "publication_type: zzz",
        "unknown publication-type 'zzz'",
    ),
    (
        "studies/alpha-2020.yaml",
        "{tool: rob2,",
        "{tool: zzz,",
        "unknown appraisal-tool 'zzz'",
    ),
    (
        "studies/alpha-2020.yaml",
        "overall: low}",
        "overall: serious}",
        "unknown risk-of-bias 'serious'",
    ),
    (
        "studies/alpha-2020.yaml",
        "metric: percentage-points",
        "metric: zzz",
        "unknown metric 'zzz'",
    ),
    (
        "studies/beta-2021.yaml",
        'setting: "yes"',
        'zzz: "yes"',
        "unknown appraisal-criterion 'zzz'",
    ),
    (
        "studies/beta-2021.yaml",
        "sampling: partly,",
        "sampling: zzz,",
        "unknown appraisal-answer 'zzz'",
    ),
    (
        "assessments/demo-2025-tiltak-beta-2021.yaml",
        "komp: partly",
        "komp: zzz",
        "unknown matrix-value 'zzz'",
    ),
    (
        "notes/note-demo-count.yaml",
        "category: discrepancy",
        "category: zzz",
        "unknown note-category 'zzz'",
    ),
    (
        "publications/demo-2025.yaml",
        "status: published",
        "status: zzz",
        "unknown status 'zzz'",
    ),
    (
        "publications/demo-2025.yaml",
        "publication_type: mixed-methods-review",
        "publication_type: zzz",
        "unknown publication-type 'zzz'",
    ),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    VOCABULARY_CASES,
    ids=[c[3] for c in VOCABULARY_CASES],
)
def test_schema_and_check_reject_the_same_unknown_term(
    fixture_project: Project, file: str, old: str, new: str, message: str
) -> None:
    path = fixture_project.data_dir / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    write(path, text.replace(old, new, 1))
    _, report = check(fixture_project)
    assert any(p.location.path == f"data/{file}" and message in p.message for p in report.problems), report.problems
    kind = DATA_FOLDERS[file.split("/")[0]]
    document = schema.schema_for(kind, schema.read_catalogue(fixture_project, Report()))
    assert _errors(document, _load_as_editor(path)), f"the {kind} schema accepts what check rejects: {new}"


def test_text_needs_a_language() -> None:
    document = schema.schema_for("theme", schema.read_catalogue(PROJECT, Report()))
    assert _errors(document, {"id": "x", "name": {"en_origin": "source"}})
    assert not _errors(document, {"id": "x", "name": {"en": "X"}})


def test_note_targets_are_kind_and_id() -> None:
    catalogue = schema.read_catalogue(PROJECT, Report())
    document = schema.schema_for("note", catalogue)
    items = document["properties"]["applies_to"]["items"]
    assert "examples" not in items
    base = {"id": "n", "category": "discrepancy", "text": {"nb": "x"}}
    assert not _errors(document, {**base, "applies_to": ["finding:skole-hjem-2025-f01"]})
    assert _errors(document, {**base, "applies_to": ["note:other"]})
