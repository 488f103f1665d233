"""Open data: each publication's tables as CSV, the whole knowledge base as JSON, and a Frictionless
data package that describes them. Pure: the build writes what this returns (`files`).

One CSV per table a publication shows, one row per entity, its id first:

- `<publication>-findings.csv`: the findings table (Tabell 9 style): title and statement, kind,
  confidence, each GRADE-CERQual component's level and explanation, the explanation sentence of
  the overall confidence (generated from the levels, as the site shows it), strength and
  direction where there is no confidence, and the contributing studies;
- `<matrix>-matrix.csv`: a characteristics matrix (Tabell 11 style), one row per assessed
  intervention, one column per characteristic;
- `<publication>-studies.csv`: the included studies;
- `<publication>-effects.csv`: the effect map, one row per effect a study reports on an outcome.

Column headers are English keys (`statement_nb`, `statement_en`): one file holds both languages, a
text in the source's language and ours side by side, and coded values are the ids of their
vocabulary's terms (the JSON has the labels). Lists in a cell are ids separated by '; '.

Cells are data, never formulas: a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return (a spreadsheet would run it) gets a leading apostrophe (`guard`), as OWASP advises.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import BaseModel

from generator.model import counts
from generator.model.cerqual import COMPONENT_FIELDS, justification
from generator.model.index import Index
from generator.model.kinds import KINDS
from generator.model.models import Finding, Publication, Text
from generator.model.settings import LANGUAGES
from generator.present import urls

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula (OWASP, 'CSV Injection')."""

SEPARATOR = "; "
"""Between the ids of a list in one cell."""


def guard(value: str) -> str:
    """A text cell a spreadsheet shows as text: a leading apostrophe before a formula's first character."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True)
class Column:
    """A column of a table and its description in the data package."""

    name: str
    type: str
    """Frictionless field type: 'string', 'integer', 'number' or 'boolean'."""
    description: str
    vocabulary: str | None = None
    """Its values are terms of this vocabulary (the data package lists them)."""
    required: bool = False


@dataclass(frozen=True)
class Table:
    """One CSV file: what it is, where it goes, its columns and its rows."""

    path: str
    """Where it is written, under a language's site root (urls.py decides)."""
    title: str
    description: str
    publication: Publication
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    foreign_keys: list[tuple[str, str]] = field(default_factory=list)
    """(column, resource): the column holds ids of that resource's rows."""

    @property
    def name(self) -> str:
        """The data package's resource name: the file's name without '.csv'."""
        return self.path.rsplit("/", 1)[-1].removesuffix(".csv")


def _texts(prefix: str, description: str) -> list[Column]:
    return [
        Column(f"{prefix}_{lang}", "string", f"{description} ({'Norwegian' if lang == 'nb' else 'English'}).")
        for lang in LANGUAGES
    ]


def _text_values(prefix: str, text: Text | None) -> dict[str, str | None]:
    return {f"{prefix}_{lang}": text.get(lang) if text else None for lang in LANGUAGES}


def _resource(path: str) -> str:
    """The data package's name of the file at `path`."""
    return path.rsplit("/", 1)[-1].removesuffix(".csv")


def _ids(values: Iterable[str]) -> str:
    return SEPARATOR.join(values)


# --- the tables ---------------------------------------------------------------------------------


def findings_table(index: Index, pub: Publication) -> Table:
    columns = [
        Column("id", "string", "The finding's id.", required=True),
        Column("number", "integer", "Its number in the publication.", required=True),
        Column("theme", "string", "The id of its theme."),
        *_texts("theme_name", "The theme's name"),
        *_texts("title", "A short title (the editors')"),
        *_texts("statement", "The finding; Norwegian in the source's words"),
        Column("finding_type", "string", "What kind of finding it is.", "finding-type", required=True),
        Column("confidence", "string", "GRADE-CERQual confidence in the finding, where assessed.", "confidence"),
    ]
    for name in COMPONENT_FIELDS:
        label = name.replace("_", " ")
        columns.append(Column(name, "string", f"Concern about {label}, where assessed.", "concern"))
        columns += _texts(f"{name}_explanation", f"Why that level of concern about {label}")
    columns += [
        *_texts("explanation", "Why the confidence is what it is, generated from the component levels"),
        *_texts("strength", "How the source qualifies a finding it gave no confidence"),
        Column("direction", "string", "The direction of a result.", "effect-direction"),
        Column("studies", "string", f"The ids of the contributing studies, separated by '{SEPARATOR}'.", required=True),
    ]
    rows = []
    for f in index.findings_of(pub):
        row: dict[str, Any] = {"id": f.id, "number": f.number, "theme": f.theme}
        row |= _text_values("theme_name", index.theme(f.theme).name)
        row |= _text_values("title", f.title) | _text_values("statement", f.statement)
        row |= {"finding_type": f.finding_type, "confidence": f.confidence}
        for name in COMPONENT_FIELDS:
            component = getattr(f.components, name) if f.components else None
            row[name] = component.level if component else None
            row |= _text_values(f"{name}_explanation", component.explanation if component else None)
        row |= {f"explanation_{lang}": _explanation(f, index, lang) for lang in LANGUAGES}
        row |= _text_values("strength", f.strength) | {"direction": f.direction, "studies": _ids(f.studies)}
        rows.append(row)
    return Table(
        urls.findings_data(pub.id),
        f"Findings: {pub.short_title.en or pub.short_title.nb}",
        "One row per finding, as the findings table shows it (Tabell 9 style).",
        pub,
        columns,
        rows,
    )


def _explanation(finding: Finding, index: Index, lang: str) -> str | None:
    return justification(finding, index, lang) if finding.confidence else None


def studies_table(index: Index, pub: Publication) -> Table:
    columns = [
        Column("id", "string", "The study's id.", required=True),
        Column("citation", "string", "The name the knowledge base cites it by.", required=True),
        Column("authors", "string", f"Authors as far as the sources give them, separated by '{SEPARATOR}'.", required=True),
        Column("year", "integer", "Year of publication.", required=True),
        Column("title", "string", "Title, where a source gives it."),
        Column("publication_type", "string", "What kind of publication it is.", "publication-type", required=True),
        Column("design", "string", "Study design.", "design", required=True),
        Column("countries", "string", f"Countries (ISO 3166 alpha-3, lower case), separated by '{SEPARATOR}'."),
        Column("reference", "string", "The full reference, as a source's reference list gives it."),
        Column("doi", "string", "DOI, from the source's reference list."),
        Column("findings", "string", f"The ids of the publication's findings it contributes to, separated by '{SEPARATOR}'."),
    ]
    own = set(pub.findings)
    rows = []
    for study_id in pub.studies:
        study = index.study(study_id)
        entries = [index.reference_entry(r) for r in index.entries_by_study.get(study_id, [])]
        rows.append(
            {
                "id": study.id,
                "citation": study.citation,
                "authors": _ids(study.authors),
                "year": study.year,
                "title": study.title,
                "publication_type": study.publication_type,
                "design": study.design,
                "countries": _ids(study.all_countries),
                "reference": study.reference or next((e.text for e in entries), None),
                "doi": next((e.doi for e in entries if e.doi), None),
                "findings": _ids(f for f in index.findings_by_study.get(study_id, []) if f in own),
            }
        )
    name = pub.short_title.en or pub.short_title.nb
    return Table(urls.studies_data(pub.id), f"Studies: {name}", "One row per included study.", pub, columns, rows)


def matrix_tables(index: Index, pub: Publication) -> list[Table]:
    tables = []
    for matrix_id in pub.matrices:
        matrix = index.matrix(matrix_id)
        columns = [
            Column("id", "string", "The id of the row (an assessed intervention).", required=True),
            Column("study", "string", "The id of the study that tested it.", required=True),
            Column("study_citation", "string", "The study's name."),
            *_texts("intervention", "The intervention"),
        ]
        for characteristic_id in matrix.columns:
            characteristic = index.characteristic(characteristic_id)
            label = characteristic.name.en or characteristic.name.nb
            columns.append(Column(characteristic_id, "string", f"{label}: its value.", "matrix-value", required=True))
        rows = []
        for row_id in matrix.rows:
            row = index.assessment(row_id)
            values: dict[str, Any] = {"id": row.id, "study": row.study, "study_citation": index.study(row.study).citation}
            values |= _text_values("intervention", row.intervention)
            values |= {c: row.values.get(c) for c in matrix.columns}
            rows.append(values)
        title = matrix.title.en or matrix.title.nb or matrix_id
        description = "One row per assessed intervention, one column per characteristic (Tabell 11 style)."
        studies = _resource(urls.studies_data(pub.id))
        tables.append(Table(urls.matrix_data(matrix_id), title, description, pub, columns, rows, [("study", studies)]))
    return tables


def effects_table(index: Index, pub: Publication) -> Table | None:
    studies = counts.effect_studies(index, pub)
    if not studies:
        return None
    columns = [
        Column("id", "string", "The effect's id: the study's id and the effect's place among its effects.", required=True),
        Column("study", "string", "The id of the study that reports it.", required=True),
        Column("study_citation", "string", "The study's name."),
        Column("publication_type", "string", "Peer-reviewed article or report: the effect map's groups.", "publication-type"),
        Column("interventions", "string", f"The ids of the interventions the study evaluates, separated by '{SEPARATOR}'."),
        Column("outcome", "string", "The outcome.", "outcome", required=True),
        Column("direction", "string", "The direction of the effect on it.", "effect-direction", required=True),
        Column("reading", "string", "Whose reading the direction is: 'authors' or 'editorial'.", required=True),
        *_texts("timepoint", "When it was measured"),
        *_texts("text", "The result in the source's words"),
    ]
    rows = []
    for study_id in studies:
        study = index.study(study_id)
        for number, effect in enumerate(study.effects, start=1):
            row: dict[str, Any] = {
                "id": f"{study_id}-{number}",
                "study": study_id,
                "study_citation": study.citation,
                "publication_type": study.publication_type,
                "interventions": _ids(study.interventions),
                "outcome": effect.outcome,
                "direction": effect.direction,
                "reading": effect.reading,
            }
            rows.append(row | _text_values("timepoint", effect.timepoint) | _text_values("text", effect.text))
    name = pub.short_title.en or pub.short_title.nb
    description = "One row per effect a study reports on an outcome: the cells of the effect map."
    studies_resource = _resource(urls.studies_data(pub.id))
    return Table(urls.effects_data(pub.id), f"Effect map: {name}", description, pub, columns, rows, [("study", studies_resource)])


def publication_tables(index: Index, pub: Publication) -> list[Table]:
    """Every table of a publication, in the order its pages show them."""
    tables = [findings_table(index, pub)] if pub.findings else []
    tables += matrix_tables(index, pub)
    tables.append(studies_table(index, pub))
    effects = effects_table(index, pub)
    return tables + ([effects] if effects else [])


def tables(index: Index) -> list[Table]:
    return [table for pub in index.publications() for table in publication_tables(index, pub)]


# --- the files ---------------------------------------------------------------------------------


def csv_text(table: Table) -> str:
    """The table as CSV (RFC 4180: a header row, CRLF line ends, quotes where needed)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.name for column in table.columns])
    for row in table.rows:
        writer.writerow([_cell(row.get(column.name)) for column in table.columns])
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return guard(str(value))


EntityJson = Callable[[str, str, BaseModel], str]
"""The knowledge base's JSON of one entity (kind, id, model), three levels down: `entity_json`, or
what remembers it between builds (the page cache's `PageCache.entity_json`)."""


def knowledge_base(index: Index, entity: EntityJson | None = None) -> str:
    """Every entity of every kind, by kind and id, as the data holds it (both languages, term ids):
    `{"kinds": {kind: [entity, ...]}}`, keys sorted, one space of indent a level.

    Written entity by entity, each indented to its depth, which is what `json.dumps` makes of the
    whole (its indent depends on the depth alone, and a string's line breaks are escaped): the
    whole at once held every entity's dictionary and the pieces of its text at the same time. At
    10,000 studies the preview's builder then peaked at 948 MB, now 942 MB (`VmHWM`, one run each)."""
    kinds = ",\n".join(_kind_at_depth_2(index, name, entity or _any_entity_json) for name in sorted(KINDS))
    return '{\n "kinds": {\n' + kinds + "\n }\n}\n"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)


def _kind_at_depth_2(index: Index, kind: str, entity: EntityJson) -> str:
    entities = index.data.entities[kind]
    if not entities:
        return f"  {_json(kind)}: []"
    listed = ",\n".join("   " + entity(kind, entity_id, entities[entity_id].model) for entity_id in sorted(entities))
    return f"  {_json(kind)}: [\n{listed}\n  ]"


_LINE_START = re.compile(r"\n( *)")


@functools.cache
def _at_depth_3(indent: str) -> str:
    """A line's start in orjson's two spaces a level, as `_json` indents it three levels down."""
    return "\n   " + " " * (len(indent) // 2)


def _any_entity_json(kind: str, entity_id: str, model: BaseModel) -> str:
    return entity_json(model)


def entity_json(model: BaseModel) -> str:
    """The entity as `_json(model.model_dump(mode="json"))` indents it three levels down, made
    faster: pydantic's own JSON, its keys sorted and indented by orjson, then two spaces a level
    made one. Written with the standard library's encoder (pure Python when it indents) the
    knowledge base took 1.55 s at 10,000 studies, 0.74 s this way, in each language's process of
    a build. The same bytes (tests/test_opendata.py), but for a number below 0.0001 written with a
    one-digit exponent: orjson writes 1e-05 as 0.00001 and 1e-07 as 1e-7, the same numbers."""
    indented = orjson.dumps(orjson.loads(model.model_dump_json()), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    return _LINE_START.sub(lambda start: _at_depth_3(start.group(1)), indented.decode())


def _licence(index: Index, pub: Publication) -> list[dict[str, str]]:
    """The source's licence as the data package states it; none where the source states none."""
    if pub.license is None:
        return []
    term = index.term("license", pub.license)
    if not term.url:
        return []
    return [{"path": term.url, "title": term.label.en or term.label.nb or pub.license}]


def _licence_words(index: Index, pub: Publication) -> str:
    if pub.license is None:
        return "Licence: not recorded."
    term = index.term("license", pub.license)
    return f"Licence: {term.label.en or term.label.nb}."


def _field(column: Column, index: Index) -> dict[str, Any]:
    described: dict[str, Any] = {"name": column.name, "type": column.type, "description": column.description}
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.vocabulary and column.vocabulary in index.vocabularies:
        constraints["enum"] = [t.id for t in index.terms(column.vocabulary)]
    if constraints:
        described["constraints"] = constraints
    return described


def datapackage(index: Index, found: list[Table]) -> str:
    """The Frictionless data package (v1) describing every CSV and the JSON, with field types and
    each source's licence."""
    resources = []
    for table in found:
        schema: dict[str, Any] = {"fields": [_field(c, index) for c in table.columns], "primaryKey": ["id"]}
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": [column], "reference": {"resource": resource, "fields": ["id"]}}
                for column, resource in table.foreign_keys
            ]
        resource: dict[str, Any] = {
            "name": table.name,
            "path": table.path.rsplit("/", 1)[-1],
            "title": table.title,
            "description": f"{table.description} From '{table.publication.id}'. {_licence_words(index, table.publication)}",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "profile": "tabular-data-resource",
            "schema": schema,
        }
        licences = _licence(index, table.publication)
        if licences:
            resource["licenses"] = licences
        resources.append(resource)
    resources.append(
        {
            "name": "knowledge-base",
            "path": urls.KNOWLEDGE_BASE_JSON.rsplit("/", 1)[-1],
            "title": "The whole knowledge base",
            "description": (
                "Every entity of every kind ('kinds': kind -> entities), both languages, coded values as term ids "
                "(the vocabularies are kind 'vocabulary'). Each publication's licence is its 'license'."
            ),
            "format": "json",
            "mediatype": "application/json",
            "encoding": "utf-8",
            "profile": "data-resource",
        }
    )
    package = {
        "profile": "data-package",
        "name": "kunnskapsbase-samarbeid-rundt-elever",
        "title": "Knowledge base: collaboration around pupils",
        "description": (
            "The findings, studies, matrices and effect maps of the publications in the knowledge base, as CSV, and the "
            "whole knowledge base as JSON. Each resource states the licence of the source it comes from; where a source "
            "states none, none is given, and the content belongs to its publisher."
        ),
        "resources": resources,
    }
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"


def files(index: Index, entity: EntityJson | None = None) -> dict[str, str]:
    """Every open-data file, by its path under a language's site root; `entity`: how an entity's
    JSON in the knowledge base is made (`knowledge_base`)."""
    found = tables(index)
    written = {table.path: csv_text(table) for table in found}
    written[urls.KNOWLEDGE_BASE_JSON] = knowledge_base(index, entity)
    written[urls.DATA_PACKAGE] = datapackage(index, found)
    return written
