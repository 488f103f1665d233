"""Typed models from parsed YAML, with every validation error located in its file.

No I/O here beyond what `sources.load_file` does: this stage turns files into models and
reports what is wrong with each file on its own. Cross-file checks live in `index.py`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar, cast

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from generator.model.errors import Location, Report, strange_characters
from generator.model.kinds import KINDS, kind_of_folder
from generator.model.models import Strict
from generator.model.sources import FieldPath, SourceFile, data_files, format_field_path, load_file

M = TypeVar("M", bound=Strict)


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """A validated entity together with the file it came from."""

    model: M
    source: SourceFile

    def location(self, *field_path: str | int) -> Location:
        return self.source.location(field_path)


@dataclass
class DataSet:
    entities: dict[str, dict[str, Loaded[Any]]] = field(default_factory=lambda: {k: {} for k in KINDS})
    invalid: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in KINDS})
    """Ids (file names) of files that failed to load: references to them are not reported again."""


_BOOL_HINT = 'YAML reads an unquoted {raw} as the boolean {value}; write it in quotes ("{raw}") if you mean the text'


def _field_names(model: type[BaseModel]) -> list[str]:
    return [name for name in model.model_fields if name != "kind"]


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class that owns the last element of a pydantic error location."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            continue
        info = current.model_fields.get(part)
        if info is None:
            return None
        current = _unwrap(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Find the model class inside Optional[...] / list[...] annotations."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _unwrap(arg)
        if found is not None:
            return found
    return None


NULL_MESSAGE = "fill this in, or remove the line"
"""For `field: ~` or `field:` with nothing after it, whatever the field's type: a value left empty
is a placeholder not yet filled in (a field the source has nothing for is left out)."""


def _null_fields(value: Any, path: FieldPath, unreadable: set[FieldPath], found: list[FieldPath]) -> Any:
    """`value` without the fields written empty (`field: ~`), whose paths go to `found`.

    Items of a list are kept: there an empty value can mean something (a chart's missing value)
    and the field's type decides. Values the loader could not read are not empty, only unreadable."""
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            item_path = (*path, key)
            if item is None and item_path not in unreadable:
                found.append(item_path)
                continue
            kept[key] = _null_fields(item, item_path, unreadable, found)
        return kept
    if isinstance(value, list):
        return [_null_fields(item, (*path, i), unreadable, found) for i, item in enumerate(value)]
    return value


def _strict_hint(kind: str, value: Any) -> str | None:
    """What to write instead of a value of the wrong type (the models are strict: nothing is converted)."""
    got = f"got {type(value).__name__} {value!r}"
    if kind in ("int_type", "float_type"):
        number = _number(value)
        if kind == "int_type" and isinstance(number, float):
            number = int(number) if number.is_integer() else None
        if number is not None and isinstance(value, str):
            return f"write a number without quotes: {number}"
        if number is not None:
            return f"write a whole number: {number}"
        return f"write a {'whole ' if kind == 'int_type' else ''}number, {got}"
    if kind == "bool_type":
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return f"write {value.strip().lower()} without quotes"
        return f"write true or false, {got}"
    if kind == "date_type":
        if isinstance(value, dt.datetime):
            return f"write only the date: {value.date().isoformat()}"
        if isinstance(value, str):
            try:
                return f"write the date without quotes: {dt.date.fromisoformat(value.strip()).isoformat()}"
            except ValueError:
                pass
        return f"write a date as YYYY-MM-DD, {got}"
    if kind == "string_type" and isinstance(value, (bool, int, float, dt.date)):
        # YAML read `2021`, `1.0`, `yes` or `2025-01-10` as something other than text.
        what = "date" if isinstance(value, dt.date) else "true/false value" if isinstance(value, bool) else "number"
        return f'write it in quotes: "{_as_written(value)}" (without quotes YAML reads it as a {what})'
    return None


def _as_written(value: bool | int | float | dt.date) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _number(value: Any) -> int | float | None:
    """The number a value of the wrong type stands for (`"05"` -> 5, `2021.0` -> 2021.0), if any."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        return float(text) if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text) else None
    return value


def _message(error: ErrorDetails, owner: type[BaseModel] | None, source: SourceFile) -> str:
    kind = error["type"]
    loc = tuple(error["loc"])
    name = loc[-1] if loc else ""
    value = error.get("input")
    raw = source.raw_scalars.get(loc)
    if isinstance(value, bool) and raw is not None and raw.lower() != str(value).lower():
        return _BOOL_HINT.format(raw=raw, value=str(value).lower())
    if value is None and kind != "missing":
        return "empty list item: fill it in, or remove it" if isinstance(name, int) else NULL_MESSAGE
    if kind == "extra_forbidden":
        known = _field_names(owner) if owner else []
        close = difflib.get_close_matches(str(name), known, n=1)
        suggestion = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(known)})" if known else ""
        return f"unknown field '{name}'{strange_characters(str(name))}{suggestion}"
    if kind == "missing":
        return "required field is missing" + _what_to_write(owner, name)
    if kind == "string_too_short":
        return "text is empty"
    if kind == "string_pattern_mismatch" and name == "id":
        return f"id '{value}' must be lower-case letters, digits and single hyphens{strange_characters(str(value))}"
    if kind == "literal_error":
        strange = strange_characters(value) if isinstance(value, str) else ""
        return f"{error['msg'].lower()}, got {value!r}{strange}"
    hint = _strict_hint(kind, value)
    if hint is not None:
        return hint
    message: str = error["msg"]
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{message[0].lower()}{message[1:]}, got {type(value).__name__} {value!r}"
    return message[0].lower() + message[1:]


def _what_to_write(owner: type[BaseModel] | None, name: str | int) -> str:
    """For a field that declares an example (`Field(examples=[...])`): the first sentence of its
    description and the example, as a line of YAML. Other fields say what they hold on hover."""
    info = owner.model_fields.get(name) if owner is not None and isinstance(name, str) else None
    if info is None or not info.examples:
        return ""
    first_sentence = (info.description or "").split(". ", 1)[0].rstrip(".")
    what = f": {first_sentence[0].lower()}{first_sentence[1:]}" if first_sentence else ""
    return f"{what}; e.g. {name}: {_flow_yaml(info.examples[0])}"


def _flow_yaml(value: Any) -> str:
    """A value as one line of YAML, every text in double quotes (JSON's strings are YAML's)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_flow_yaml(item)}" for key, item in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _repeats_a_reported_value(loc: FieldPath, kind: str, nulls: list[FieldPath], unreadable: set[FieldPath]) -> bool:
    """A pydantic error that only repeats an empty or unreadable value, already reported: the empty
    field itself as 'missing', or a rule of an enclosing model that the value broke (a text with no
    language, a study with no country)."""
    if kind == "missing":
        return loc in nulls
    return kind == "value_error" and any(path[: len(loc)] == loc for path in (*nulls, *unreadable))


class _Identified(Protocol):
    id: str


def id_of(model: Strict) -> str:
    """The id of an entity of any kind."""
    # Every kind's model declares `id` (tests/test_types.py checks that); their base, Strict, does not.
    return cast(_Identified, model).id


def validate_source(kind: str, source: SourceFile, report: Report) -> Strict | None:
    model = validate_model(KINDS[kind].model, kind, source, report)
    if model is None:
        return None
    stem = source.path.stem
    entity_id = id_of(model)
    if entity_id != stem:
        report.add(
            source.location(("id",)),
            "id",
            f"id '{entity_id}' does not match the file name '{source.path.name}'{strange_characters(stem)} "
            f"(expected id '{stem}')",
        )
        return None  # registered under neither id: no duplicate blamed on the file it was copied from
    return model


def validate_model(model_class: type[M], what: str, source: SourceFile, report: Report) -> M | None:
    """A parsed file as a model of `model_class` (`what` names it in a message), every problem located."""
    if not isinstance(source.value, dict):
        report.add(source.location(()), "", f"a {what} file must be a mapping of fields, got {type(source.value).__name__}")
        return None
    nulls: list[FieldPath] = []
    value = _null_fields(source.value, (), source.unreadable, nulls)
    for null in nulls:
        report.add(source.location(null), format_field_path(null), NULL_MESSAGE)
    try:
        model = model_class.model_validate(value)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            if loc in source.unreadable:
                continue  # the loader already said why this value could not be read
            if _repeats_a_reported_value(loc, error["type"], nulls, source.unreadable):
                if loc not in nulls:
                    report.hold_back()
                continue
            owner = _model_at(model_class, loc)
            report.add(source.location(loc), format_field_path(loc), _message(error, owner, source))
        return None
    if nulls:
        return None
    return model


FileLoader = Callable[[str, Path, Path, Report], "tuple[SourceFile | None, Strict | None]"]


def load_and_validate(
    kind: str, path: Path, root: Path, report: Report, folders: dict[str, str] | None = None
) -> tuple[SourceFile | None, Strict | None]:
    """One file: parse, then validate as `kind`. `folders`: as `sources.read_source`'s, for one pass."""
    source = load_file(path, root, report, folders)
    return source, (validate_source(kind, source, report) if source is not None else None)


def load_data(
    data_dir: Path,
    root: Path,
    report: Report,
    loader: FileLoader | None = None,
    listing: Callable[[Report], dict[str, list[Path]]] | None = None,
) -> DataSet:
    """Read and validate every data file. All problems go to `report`; nothing is written.

    `loader` handles one file (by default `load_and_validate`, looked up when called, with the real
    folders of the pass kept for it: `sources.read_source`); the build's model cache and the live
    preview pass ones that reuse unchanged files, and the preview a `listing` that reuses the last
    listing of the folder when it knows no file came or went."""
    loader = loader or functools.partial(load_and_validate, folders={})
    kb = DataSet()
    if not data_dir.is_dir():
        report.add(Location(str(data_dir)), "", "data folder not found")
        return kb
    # The listing reports every file and folder it does not hand over.
    files = listing(report) if listing is not None else data_files(data_dir, root, report)
    for folder, kind in kind_of_folder().items():
        for path in files[folder]:
            source, model = loader(kind, path, root, report)
            if model is None or source is None:
                kb.invalid[kind].add(path.stem)
                continue
            entity_id = id_of(model)
            existing = kb.entities[kind].get(entity_id)
            if existing is not None:
                first = existing.location("id")
                report.add(source.location(("id",)), "id", f"duplicate {kind} id '{entity_id}' (first defined at {first})")
                continue
            source.value = None  # the model holds the data now; keep only the marks, for locations
            kb.entities[kind][entity_id] = Loaded(model, source)
    return kb
