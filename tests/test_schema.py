"""The JSON Schemas editors work with: documented, fresh, named by every data file, and in
agreement with `check` about what is valid."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin, get_type_hints

import jsonschema
import pytest
import yaml

from generator.model import fields
from generator.model.errors import Report
from generator.model.fields import Ref, Slot
from generator.model.kinds import KINDS, folder_of, kind_of_folder, slots
from generator.model.models import DataNote
from generator.model.settings import Project
from generator.model.sources import discover
from generator.pipeline.build import check
from generator.tools import schema

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

    return plain(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))  # libyaml: 10x faster, the same values


def _errors(schema_doc: dict[str, Any], value: Any) -> list[str]:
    validator = jsonschema.Draft7Validator(schema_doc, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(value)]


def _data_files(project: Project) -> list[tuple[str, Path]]:
    return [(kind, path) for folder, kind in kind_of_folder().items() for path in discover(project.data_dir / folder)]


# --- documentation -----------------------------------------------------------------------------


def test_every_field_is_documented() -> None:
    missing = schema.undocumented_fields()
    assert not missing, (
        f"{len(missing)} model field(s) without a description (add Field(description=...) in "
        "generator/model/models.py, then run `make schema`):\n  " + "\n  ".join(missing)
    )


# --- freshness and form --------------------------------------------------------------------------


def test_committed_schemas_are_fresh() -> None:
    expected = schema.generate(PROJECT, Report())
    stale = [path.relative_to(REPO).as_posix() for path in schema.stale(PROJECT, expected)]
    assert not stale, f"stale JSON schema(s): {', '.join(stale)}; run `make schema` and commit the result"


def test_one_schema_per_kind_deterministic_sorted_with_trailing_newline() -> None:
    first = schema.generate(PROJECT, Report())
    assert first == schema.generate(PROJECT, Report())
    assert sorted(p.name for p in first) == sorted(f"{kind}.schema.json" for kind in KINDS)
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


def _refs(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "$ref" in node:
            yield node
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_only_annotations_sit_beside_a_ref() -> None:
    """Draft-07 validators ignore keywords beside `$ref`: a constraint there would check nothing."""
    for path, text in schema.generate(PROJECT, Report()).items():
        for node in _refs(json.loads(text)):
            assert set(node) - {"$ref"} <= schema.ANNOTATIONS, (path.name, node)


def test_a_constraint_beside_a_ref_moves_into_all_of() -> None:
    node = {"items": {"$ref": "#/$defs/Text", "description": "d", "minProperties": 1}}
    schema._wrap_constraints_beside_refs(node)
    assert node == {"items": {"description": "d", "allOf": [{"$ref": "#/$defs/Text"}, {"minProperties": 1}]}}


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
    schemas = {kind: json.loads(schema.schema_path(PROJECT, kind).read_text(encoding="utf-8")) for kind in KINDS}
    problems = [
        f"{path.relative_to(REPO)}: {error}"
        for kind, path in _data_files(PROJECT)
        for error in _errors(schemas[kind], _load_as_editor(path))
    ]
    assert not problems, "\n".join(problems)


# --- enrichment ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_null_placeholder_is_marked_in_the_editor_as_check_reports_it(kind: str) -> None:
    """`field: ~` is "fill this in, or remove the line" in `check`: no optional field's schema allows null."""
    document = json.loads(schema.schema_path(PROJECT, kind).read_text(encoding="utf-8"))
    nullable = [
        f"{owner}.{name}"
        for owner, model_schema in [(kind, document), *document.get("$defs", {}).items()]
        for name, field in model_schema.get("properties", {}).items()
        if {"type": "null"} in [*field.get("anyOf", ()), *field.get("oneOf", ())] or field.get("type") == "null"
    ]
    assert nullable == []


def test_vocabulary_fields_list_the_terms() -> None:
    catalogue = schema.read_catalogue(PROJECT, Report())
    finding = schema.schema_for("finding", catalogue)
    confidence = [t.id for t in catalogue.vocabularies["confidence"]]
    # optional (only CERQual-assessed findings have it), but never null: left out, or a term
    assert finding["properties"]["confidence"]["enum"] == confidence
    assert finding["properties"]["confidence"]["description"].startswith("Overall confidence")
    assert "vocabulary 'confidence'" in finding["properties"]["confidence"]["description"]
    assert finding["$defs"]["Component"]["properties"]["level"]["enum"] == [t.id for t in catalogue.vocabularies["concern"]]
    assert finding["properties"]["pyramid_levels"]["items"]["enum"] == [t.id for t in catalogue.vocabularies["pyramid-level"]]
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
    for _, slot in slots():
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
    kind = kind_of_folder()[file.split("/")[0]]
    document = schema.schema_for(kind, schema.read_catalogue(fixture_project, Report()))
    assert _errors(document, _load_as_editor(path)), f"the {kind} schema accepts what check rejects: {new}"


def test_text_needs_a_language() -> None:
    document = schema.schema_for("theme", schema.read_catalogue(PROJECT, Report()))
    assert _errors(document, {"id": "x", "name": {"en_origin": "source"}})
    assert not _errors(document, {"id": "x", "name": {"en": "X"}})


def test_note_targets_are_kind_and_id() -> None:
    catalogue = schema.read_catalogue(PROJECT, Report())
    document = schema.schema_for("note", catalogue)
    base = {"id": "n", "category": "discrepancy", "text": {"nb": "x"}}
    assert not _errors(document, {**base, "applies_to": ["finding:skole-hjem-2025-f01"]})
    assert not _errors(document, {**base, "applies_to": ["study:brand-new-2031"]})
    assert _errors(document, {**base, "applies_to": ["note:other"]})
    offered = _completions(document, document["properties"]["applies_to"]["items"])
    excluding = fields.slot(DataNote, "applies_to").marker.excluding  # type: ignore[union-attr]
    assert offered == [f"{kind}:{i}" for kind in KINDS if kind not in excluding for i in catalogue.entity_ids[kind]]
    assert "study:levik-2023" in offered


# --- references: completion of the ids that exist, no error for one that does not yet -----------


def _completions(document: dict[str, Any], node: dict[str, Any]) -> list[str]:
    """What the YAML language server completes at `node`: snippet labels (values, through the
    `allOf` references) or the enum of `anyOf` (mapping keys)."""
    offered = [snippet["label"] for snippet in node.get("defaultSnippets", [])]
    for part in node.get("allOf", []):
        name = part.get("$ref", "").removeprefix("#/$defs/")
        offered += _completions(document, document["$defs"][name] if name else part)
    for branch in node.get("anyOf", []):
        offered += branch.get("enum", [])
    return offered


def _slot_node(document: dict[str, Any], slot: Slot) -> dict[str, Any]:
    field = document["properties"][slot.field]
    field = next((b for b in field.get("oneOf", []) if b.get("type") != "null"), field)
    if slot.part == "key":
        return field["propertyNames"]
    return field.get("items", field)


def _kind_of(slot: Slot) -> str:
    return next(kind for kind, entry in KINDS.items() if entry.model is slot.model)


REFERENCE_SLOTS = [
    (s, s.marker.kind) for _, s in slots() if isinstance(s.marker, Ref) and any(k.model is s.model for k in KINDS.values())
]
"""The references in a kind's own fields; one in a nested model (what a history entry's `previous`
records) is tested on its own below."""
SLOT_IDS = [f"{slot.model.__name__}.{slot.field}{'-key' if slot.part == 'key' else ''}" for slot, _ in REFERENCE_SLOTS]


@pytest.mark.parametrize(("slot", "target"), REFERENCE_SLOTS, ids=SLOT_IDS)
def test_reference_fields_complete_the_ids_that_exist(slot: Slot, target: str) -> None:
    catalogue = schema.read_catalogue(PROJECT, Report())
    document = schema.schema_for(_kind_of(slot), catalogue)
    expected = sorted(p.stem for p in discover(PROJECT.data_dir / folder_of(target)))
    assert expected and _completions(document, _slot_node(document, slot)) == expected


def _with_reference(path: Path, slot: Slot, reference: str, *, as_editor: bool = True) -> Any:
    """A data file (as the editor reads it, or as the generator does) with `reference` written into the slot's field."""
    data = _load_as_editor(path) if as_editor else yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    current = data.get(slot.field)
    if slot.part == "key":
        data[slot.field] = {reference: next(iter(current.values()))}
    elif isinstance(current, list) or (current is None and slot.model.model_fields[slot.field].default_factory is list):
        data[slot.field] = [*(current or []), reference]
    else:
        data[slot.field] = reference
    return data


@pytest.mark.parametrize(("slot", "target"), REFERENCE_SLOTS, ids=SLOT_IDS)
def test_a_reference_to_a_new_id_is_not_a_schema_error(slot: Slot, target: str) -> None:
    """The committed schemas list the ids that existed when they were made: an entity added in the
    same change must not be marked in the editor. `check` is the judge of references."""
    kind = _kind_of(slot)
    document = json.loads(schema.schema_path(PROJECT, kind).read_text(encoding="utf-8"))
    path = next(
        p for p in discover(PROJECT.data_dir / folder_of(kind)) if slot.part != "key" or _load_as_editor(p).get(slot.field)
    )
    assert not _errors(document, _with_reference(path, slot, "brand-new-2031")), path


@pytest.mark.parametrize(("slot", "target"), REFERENCE_SLOTS, ids=SLOT_IDS)
def test_reference_slots_name_the_kind_check_resolves(whole_project: Project, slot: Slot, target: str) -> None:
    """The marker on a field says which kind it refers to; `check` (index.py) must agree."""
    kind = _kind_of(slot)
    path = next(
        p for p in discover(whole_project.data_dir / folder_of(kind)) if slot.part != "key" or _load_as_editor(p).get(slot.field)
    )
    data = _with_reference(path, slot, "zz-unknown", as_editor=False)  # dates stay dates: quoted ones are errors
    write(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    _, report = check(whole_project)
    relative = path.relative_to(whole_project.root).as_posix()
    messages = [p.message for p in report.problems if p.location.path == relative and p.field_path.startswith(slot.field)]
    assert any(m.startswith(f"unknown {target} 'zz-unknown'") for m in messages), messages


MARKERS = (fields.Vocab, fields.Ref, fields.ScaleOf, fields.KindAndId)


def _marker_positions(hint: Any, part: str = "value") -> Iterator[str]:
    """Where a marker (`Vocab`, `Ref` ...) occurs in a field's type, at any depth: "value" or "key"."""
    arguments = get_args(hint)
    if get_origin(hint) is Annotated:
        if any(isinstance(extra, MARKERS) for extra in arguments[1:]):
            yield part
        yield from _marker_positions(arguments[0], part)
        return
    if get_origin(hint) is dict:
        yield from _marker_positions(arguments[0], "key")
        yield from _marker_positions(arguments[1], part)
        return
    for argument in arguments:
        yield from _marker_positions(argument, part)


def _all_models() -> set[type]:
    return {model for kind in KINDS.values() for model in fields.models_in(kind.model)}


def test_every_marker_is_read_back() -> None:
    """A marker where fields.py does not look (in a list of lists, say) would be checked by nothing,
    offered by no schema: it must be on a value, a list's items, or a mapping's keys or values."""
    unread = [
        f"{model.__name__}.{name} ({part})"
        for model in _all_models()
        for name, hint in get_type_hints(model, include_extras=True).items()
        if name in model.model_fields
        for part in _marker_positions(hint)
        if fields.slot(model, name, part) is None  # type: ignore[arg-type]
    ]
    assert not unread, "markers nothing reads: " + ", ".join(sorted(unread))


def test_no_description_names_a_vocabulary_or_kind_by_hand() -> None:
    """What a field refers to is said once, by its marker: the description's last sentence is
    generated from it, and the typed part does not repeat it."""
    typed_by_hand = []
    for model in _all_models():
        for name, info in model.model_fields.items():
            description = info.description or ""
            marked = [s for s in fields.slots(model) if s.field == name]
            generated = fields.sentence(marked) if marked else ""
            assert description.endswith(generated), f"{model.__name__}.{name}: {description!r}"
            typed = description.removesuffix(generated)
            by_hand = "vocabulary '" in typed
            if marked:  # nor, in a field that refers to entities, where they live or what they are
                by_hand |= "data/" in typed or bool(re.search(rf"\b({'|'.join(KINDS)}) ids?\b", typed, re.IGNORECASE))
            if by_hand:
                typed_by_hand.append(f"{model.__name__}.{name}: {typed!r}")
    assert not typed_by_hand, "\n".join(typed_by_hand)


def test_a_reference_in_a_history_entry_completes_and_resolves(whole_project: Project) -> None:
    """`previous.studies` of a finding's history entry: the schema completes study ids, `check`
    resolves them like the finding's own `studies`."""
    catalogue = schema.read_catalogue(PROJECT, Report())
    document = schema.schema_for("finding", catalogue)
    node = document["$defs"]["FindingState"]["properties"]["studies"]["items"]
    assert _completions(document, node) == sorted(p.stem for p in discover(PROJECT.data_dir / "studies"))
    path = whole_project.data_dir / "findings" / "demo-2025-f01.yaml"
    write(path, path.read_text(encoding="utf-8").replace("studies: [beta-2021]\n", "studies: [zz-unknown]\n"))
    _, report = check(whole_project)
    assert any("history[0].previous.studies[0]: unknown study 'zz-unknown'" in str(problem) for problem in report.errors()), [
        str(p) for p in report.errors()
    ]


def test_adding_or_removing_an_entity_makes_the_schemas_that_refer_to_it_stale(fixture_project: Project) -> None:
    schema.write(fixture_project, schema.generate(fixture_project, Report()))
    study = fixture_project.data_dir / "studies" / "alpha-2020.yaml"
    write(study.with_name("new-2031.yaml"), study.read_text(encoding="utf-8").replace("alpha-2020", "new-2031"))
    expected = schema.generate(fixture_project, Report())
    stale = {path.name for path in schema.stale(fixture_project, expected)}
    referring = {f"{_kind_of(slot)}.schema.json" for slot, target in REFERENCE_SLOTS if target == "study"}
    assert stale == referring | {"note.schema.json"}
    schema.write(fixture_project, expected)
    study.with_name("new-2031.yaml").unlink()
    assert {path.name for path in schema.stale(fixture_project, schema.generate(fixture_project, Report()))} == stale


@pytest.mark.parametrize(("entity_id", "written"), [("levik-2023", "levik-2023"), ("2024", '"2024"'), ("no", '"no"')])
def test_completed_ids_are_written_so_yaml_reads_them_back_as_text(entity_id: str, written: str) -> None:
    catalogue = schema.Catalogue(vocabularies={}, entity_ids={"topic": [entity_id]})
    document = schema.schema_for("finding", catalogue)
    [snippet] = document["$defs"]["topic-ids"]["defaultSnippets"]
    assert snippet == {"label": entity_id, "body": written}
    assert yaml.safe_load(f"topics: [{written}]") == {"topics": [entity_id]}
