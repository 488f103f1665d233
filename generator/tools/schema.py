"""JSON Schema for every entity kind: generated from the models, enriched from the data.

Editors get completion, hover help and red squiggles from these files: the first line of
every data file names its schema for the YAML language server. The models decide the
structure, and the marker on a field (fields.py) which vocabulary or kind of entity it takes;
the data adds the terms and the ids that exist:

- a field that takes a controlled vocabulary gets an `enum` of the term ids in
  `data/vocabularies/` (with each term's label as `enumDescriptions` for completion lists):
  the editor marks an unknown term, as `check` does;
- a field that references other entities completes the ids that exist (file names under
  `data/`) without rejecting others: a study added in the same change is new to the
  committed schemas, and whether a reference resolves is `generator check`'s to say. Values
  complete from `defaultSnippets` (the YAML language server offers them; validation ignores
  them, and hover does not list them as it lists an `enum`), mapping keys from
  `propertyNames: {anyOf: [{enum: ids}, {type: string}]}` (keys complete only from an enum).

Adding or removing an entity therefore changes the schemas: `python -m generator schema`
rewrites `schemas/`, `--check` (tests, pre-commit) fails when the committed files are stale.
The output is deterministic: sorted keys, terms in vocabulary order, entity ids sorted, a
trailing newline.

The schemas declare JSON Schema draft-07, which is what the YAML language server validates
with, and use nothing newer. Hover shows the first title and description the server meets
on the node, and it meets a field's subschemas (`$ref`, `allOf`, `anyOf` branches) before
the field itself. So a field keeps its own title and description beside `$ref` (draft-07
validators ignore keywords beside `$ref`, but only annotations sit there; the language
server merges the definition under them), an optional field is just its value (`field: ~`
is an unfilled placeholder, an error in `check`; and for `anyOf` the server would join the
branches' titles: "Confidence || Confidence"), and the
vocabulary or kind is named only on list items and mapping keys and values, which are
nodes of their own.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel

from generator.model import fields, sources
from generator.model.errors import Report
from generator.model.fields import KindAndId, Ref, ScaleOf, Slot, Vocab
from generator.model.kinds import KINDS, folder_of
from generator.model.models import Id, Term, Vocabulary
from generator.model.settings import Project
from generator.model.sources import discover
from generator.model.validate import load_and_validate

DIALECT = "http://json-schema.org/draft-07/schema#"
SCHEMA_FOLDER = "schemas"

ID_PATTERN = re.compile(get_args(Id)[1].pattern)
"""The id rule of the models; file names that break it offer no id for completion."""

# --- what the data contributes ---------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """The vocabularies and entity ids the schemas are enriched with."""

    vocabularies: dict[str, list[Term]]
    entity_ids: dict[str, list[str]]


def read_catalogue(project: Project, report: Report) -> Catalogue:
    """Vocabulary terms and entity ids from data/. Problems with vocabularies go to `report`.

    Entity ids are file names (an entity's id equals its file name), so a file with errors
    still offers its id for completion.
    """
    vocabularies: dict[str, list[Term]] = {}
    folders: dict[str, str] = {}  # the real folders of this pass (`sources.read_source`)
    for path in discover(project.data_dir / folder_of("vocabulary")):
        _source, model = load_and_validate("vocabulary", path, project.root, report, folders)
        if isinstance(model, Vocabulary):
            vocabularies[model.id] = list(model.terms)
    entity_ids = {kind: _ids_in(project.data_dir / folder_of(kind)) for kind in KINDS}
    return Catalogue(vocabularies, entity_ids)


def _ids_in(folder: Path) -> list[str]:
    return sorted({path.stem for path in discover(folder) if ID_PATTERN.match(path.stem)})


# --- schema building (pure) ------------------------------------------------------------------


def schema_for(kind: str, catalogue: Catalogue) -> dict[str, Any]:
    """The enriched JSON Schema of one entity kind."""
    model = KINDS[kind].model
    schema = copy.deepcopy(_json_schema(model))
    definitions: dict[str, Any] = schema.setdefault("$defs", {})
    _own_hover_text(schema, definitions)
    for owner_model in fields.models_in(model):
        owner = schema if owner_model is model else definitions.get(owner_model.__name__)
        if owner is None:
            continue
        for slot in fields.slots(owner_model):
            _enrich(kind, owner, slot, catalogue, definitions)
    if "Text" in definitions:
        definitions["Text"]["anyOf"] = [{"required": ["nb"]}, {"required": ["en"]}]
    if not definitions:
        del schema["$defs"]
    _wrap_constraints_beside_refs(schema)
    return {"$schema": DIALECT, **schema}


@functools.cache
def _json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """Pydantic's JSON Schema of a model, made once a process: `new` writes every kind's schema
    again after each file it adds (3.5 ms a kind to make, a tenth of that to copy)."""
    return model.model_json_schema()


def _enrich(kind: str, owner: dict[str, Any], slot: Slot, catalogue: Catalogue, definitions: dict[str, Any]) -> None:
    """What a marked field takes, from the data: a vocabulary's terms, or the ids that exist."""
    marker = slot.marker
    if isinstance(marker, ScaleOf):
        owner["allOf"] = [*owner.get("allOf", []), *_scale_rules(slot, marker, catalogue.vocabularies)]
        return
    for target, own_node in _strings(owner["properties"][slot.field], slot.part, own_node=False):
        if isinstance(marker, Vocab):
            terms = catalogue.vocabularies.get(marker.vocabulary)
            if terms is not None:
                target["enum"] = [t.id for t in terms]
                target["enumDescriptions"] = [_label(t) for t in terms]
            if own_node:
                _describe(target, f"A term of vocabulary '{marker.vocabulary}' (data/vocabularies/{marker.vocabulary}.yaml).")
        elif isinstance(marker, Ref):
            _offer_ids(target, slot.part, f"{marker.kind}-ids", catalogue.entity_ids.get(marker.kind, []), definitions)
            if own_node:
                what = fields.what(marker)
                _describe(target, f"{what[0].upper()}{what[1:]} (a file name in data/{folder_of(marker.kind)}/).")
        elif isinstance(marker, KindAndId):
            _kind_and_id(kind, target, marker, catalogue, definitions)


def _describe(target: dict[str, Any], description: str) -> None:
    """Name the vocabulary or kind on a node of its own (list items, mapping keys and values),
    which has no description of the field's."""
    target.setdefault("description", description)


def _label(term: Term) -> str:
    labels = [term.label.nb, term.label.en]
    return " / ".join(dict.fromkeys(label for label in labels if label))


def _strings(node: dict[str, Any], part: str, *, own_node: bool) -> Iterator[tuple[dict[str, Any], bool]]:
    for branch in (*node.get("anyOf", ()), *node.get("oneOf", ())):
        if branch.get("type") != "null":
            yield from _strings(branch, part, own_node=own_node)
    kind = node.get("type")
    if kind == "array":
        yield from _strings(node["items"], part, own_node=True)
    elif kind == "object" and part == "key":
        yield node.setdefault("propertyNames", {}), True
    elif kind == "object":
        values = node.get("additionalProperties")
        if isinstance(values, dict):
            yield values, True
    elif kind == "string":
        yield node, own_node


def _offer_ids(target: dict[str, Any], part: str, name: str, ids: list[str], definitions: dict[str, Any]) -> None:
    """Let the editor complete `ids` at `target` without rejecting an id it does not list.

    A value takes the ids as `defaultSnippets` from one shared definition per kind; a mapping
    key as an `enum` beside any string, the one form the language server completes keys from.
    """
    if not ids:
        return
    if part == "key":
        target["anyOf"] = [{"enum": ids}, {"type": "string"}]
        return
    definitions[name] = {"defaultSnippets": [{"label": i, "body": _yaml_scalar(i)} for i in ids]}
    target.setdefault("allOf", []).append({"$ref": f"#/$defs/{name}"})


def _yaml_scalar(value: str) -> str:
    """`value` as it must be written in a data file to be read back as that string (`"no"`, `"2024"`)."""
    return value if sources.read_scalar(value) == value else json.dumps(value)


def _scale_rules(slot: Slot, marker: ScaleOf, vocabularies: dict[str, list[Term]]) -> list[dict[str, Any]]:
    """The field must be a term of the scale of the term chosen beside it (as `index.py` checks):
    one `if`/`then` rule per scale, e.g. an appraisal's `overall` on the scale of its `tool`."""
    chooser = fields.slot(slot.model, marker.field)
    choices = vocabularies.get(chooser.marker.vocabulary, []) if chooser and isinstance(chooser.marker, Vocab) else []
    by_scale: dict[str, list[str]] = {}
    for choice in choices:
        if choice.scale:
            by_scale.setdefault(choice.scale, []).append(choice.id)
    rules = []
    for scale, chosen in sorted(by_scale.items()):
        terms = vocabularies.get(scale)
        if terms is None:
            continue
        rules.append(
            {
                "if": {"properties": {marker.field: {"enum": chosen}}, "required": [marker.field]},
                "then": {
                    "properties": {
                        slot.field: {
                            "description": f"A term of vocabulary '{scale}', the scale of {marker.field}s {', '.join(chosen)}.",
                            "enum": [t.id for t in terms],
                            "enumDescriptions": [_label(t) for t in terms],
                        }
                    }
                },
            }
        )
    return rules


def _kind_and_id(kind: str, items: dict[str, Any], marker: KindAndId, catalogue: Catalogue, definitions: dict[str, Any]) -> None:
    """'kind:id' (a note's `applies_to`): the pattern, and every existing entity offered as one."""
    kinds = [k for k in KINDS if k not in marker.excluding]
    items["pattern"] = rf"^({'|'.join(kinds)}):[a-z0-9]+(-[a-z0-9]+)*$"
    targets = [f"{k}:{i}" for k in kinds for i in catalogue.entity_ids.get(k, [])]
    _offer_ids(items, "value", f"{kind}-targets", targets, definitions)
    items["description"] = f"'kind:id' of the entity the {kind} concerns; kind is one of: {', '.join(kinds)}."


# --- hover: each field's own title and description -------------------------------------------


ANNOTATIONS = frozenset({"title", "description", "default", "examples", "$comment", "deprecated", "readOnly", "writeOnly"})
"""Keywords that only describe: draft-07 ignores them beside `$ref`, the language server shows them."""


def _own_hover_text(schema: dict[str, Any], definitions: dict[str, Any]) -> None:
    """Give every field of every model (the root and each definition) its own hover text.

    Pydantic leaves the title off a field that is a `$ref`, so the definition's ("Text") would
    show. It writes an optional field as `anyOf: [value, null]`; but `field: ~` is a placeholder
    left unfilled, an error in `check`, so the editor marks it too: the field is just its value.
    """
    for model_schema in (schema, *definitions.values()):
        for name, field in model_schema.get("properties", {}).items():
            field.setdefault("title", name.replace("_", " ").title())
            branches = field.get("anyOf", [])
            if len(branches) == 2 and {"type": "null"} in branches:
                value = next(b for b in branches if b != {"type": "null"})
                del field["anyOf"]
                if "default" in field and field["default"] is None:
                    del field["default"]  # leaving the field out is the way to say "none"
                field.update({key: item for key, item in value.items() if key not in ("title", "description")})


def _wrap_constraints_beside_refs(node: Any) -> None:
    """Draft-07 ignores keywords beside `$ref`: any that constrains moves, with the reference,
    into `allOf`; annotations (the field's own title and description) stay for hover."""
    if isinstance(node, dict):
        if "$ref" in node and set(node) - ANNOTATIONS - {"$ref"}:
            constraints = {key: node.pop(key) for key in set(node) - ANNOTATIONS}
            node["allOf"] = [{"$ref": constraints.pop("$ref")}, constraints]
        for value in node.values():
            _wrap_constraints_beside_refs(value)
    elif isinstance(node, list):
        for value in node:
            _wrap_constraints_beside_refs(value)


def render(schema: dict[str, Any]) -> str:
    """The one serialisation: sorted keys, two-space indent, UTF-8 text, trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- files -----------------------------------------------------------------------------------


def schema_path(project: Project, kind: str) -> Path:
    return project.root / SCHEMA_FOLDER / f"{kind}.schema.json"


def schema_line(kind: str, data_file: Path, project: Project) -> str:
    """The first line of a data file: tells the YAML language server which schema applies."""
    relative = Path(os.path.relpath(schema_path(project, kind), data_file.parent)).as_posix()
    return f"# yaml-language-server: $schema={relative}"


def generate(project: Project, report: Report) -> dict[Path, str]:
    """Every schema file's path and text, freshly generated."""
    catalogue = read_catalogue(project, report)
    return {schema_path(project, kind): render(schema_for(kind, catalogue)) for kind in KINDS}


def stale(project: Project, expected: dict[Path, str]) -> list[Path]:
    """Schema files that differ from `expected`, are missing, or belong to no kind."""
    out = [path for path, text in expected.items() if not path.is_file() or path.read_text(encoding="utf-8") != text]
    folder = project.root / SCHEMA_FOLDER
    if folder.is_dir():
        out += [p for p in folder.glob("*.schema.json") if p not in expected]
    return sorted(out)


def write(project: Project, expected: dict[Path, str]) -> list[Path]:
    """Bring schemas/ up to date: rewrite changed files, remove schemas of no kind."""
    changed = stale(project, expected)
    for path in changed:
        if path in expected:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(expected[path], encoding="utf-8")
        else:
            path.unlink()
    return changed


# --- documentation gaps ----------------------------------------------------------------------


def undocumented_fields() -> list[str]:
    """'Model.field' for every field, in every model an entity uses, without a description."""
    found: list[str] = []
    seen: set[type[BaseModel]] = set()
    for kind in KINDS.values():
        for model in fields.models_in(kind.model):
            if model in seen:
                continue
            seen.add(model)
            found += [f"{model.__name__}.{name}" for name, info in model.model_fields.items() if not info.description]
    return found
