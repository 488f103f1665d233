"""Typed models from parsed YAML, with every validation error located in its file.

No I/O here beyond what `sources.load_file` does: this stage turns files into models and
reports what is wrong with each file on its own. Cross-file checks live in `index.py`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import Location, Report
from .models import ENTITY_MODELS, Strict
from .settings import DATA_FOLDERS
from .sources import SourceFile, data_files, format_field_path, load_file

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
    entities: dict[str, dict[str, Loaded[Any]]] = field(default_factory=lambda: {k: {} for k in ENTITY_MODELS})
    invalid: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in ENTITY_MODELS})
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


def _message(error: dict[str, Any], owner: type[BaseModel] | None, source: SourceFile) -> str:
    kind = error["type"]
    loc = tuple(error["loc"])
    name = loc[-1] if loc else ""
    value = error.get("input")
    raw = source.raw_scalars.get(loc)
    if isinstance(value, bool) and raw is not None and raw.lower() != str(value).lower():
        return _BOOL_HINT.format(raw=raw, value=str(value).lower())
    if kind == "extra_forbidden":
        known = _field_names(owner) if owner else []
        close = difflib.get_close_matches(str(name), known, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(known)})" if known else ""
        return f"unknown field '{name}'{hint}"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_too_short":
        return "text is empty"
    if kind == "string_pattern_mismatch" and name == "id":
        return f"id '{value}' must be lower-case letters, digits and single hyphens"
    if kind == "literal_error":
        return f"{error['msg'].lower()}, got {value!r}"
    message: str = error["msg"]
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return f"{message[0].lower()}{message[1:]}, got {type(value).__name__} {value!r}"
    return message[0].lower() + message[1:]


def validate_source(kind: str, source: SourceFile, report: Report) -> Strict | None:
    model_class = ENTITY_MODELS[kind]
    if not isinstance(source.value, dict):
        report.add(source.location(()), "", f"a {kind} file must be a mapping of fields, got {type(source.value).__name__}")
        return None
    try:
        model = model_class.model_validate(source.value)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            if loc in source.unreadable:
                continue  # the loader already said why this value could not be read
            owner = _model_at(model_class, loc)
            report.add(source.location(loc), format_field_path(loc), _message(error, owner, source))
        return None
    stem = source.path.stem
    entity_id = model.id
    if entity_id != stem:
        report.add(
            source.location(("id",)),
            "id",
            f"id '{entity_id}' does not match the file name '{source.path.name}' (expected id '{stem}')",
        )
        return None  # registered under neither id: no duplicate blamed on the file it was copied from
    return model


FileLoader = Callable[[str, Path, Path, Report], "tuple[SourceFile | None, Strict | None]"]


def load_and_validate(kind: str, path: Path, root: Path, report: Report) -> tuple[SourceFile | None, Strict | None]:
    """One file: parse, then validate as `kind`."""
    source = load_file(path, root, report)
    return source, (validate_source(kind, source, report) if source is not None else None)


def load_data(data_dir: Path, root: Path, report: Report, loader: FileLoader = load_and_validate) -> DataSet:
    """Read and validate every data file. All problems go to `report`; nothing is written.

    `loader` handles one file; the live preview passes one that reuses unchanged files."""
    kb = DataSet()
    if not data_dir.is_dir():
        report.add(Location(str(data_dir)), "", "data folder not found")
        return kb
    files = data_files(data_dir, root, report)  # reports every file and folder it does not hand over
    for folder, kind in DATA_FOLDERS.items():
        for path in files[folder]:
            source, model = loader(kind, path, root, report)
            if model is None or source is None:
                kb.invalid[kind].add(path.stem)
                continue
            entity_id = model.id
            existing = kb.entities[kind].get(entity_id)
            if existing is not None:
                first = existing.location("id")
                report.add(source.location(("id",)), "id", f"duplicate {kind} id '{entity_id}' (first defined at {first})")
                continue
            source.value = None  # the model holds the data now; keep only the marks, for locations
            kb.entities[kind][entity_id] = Loaded(model, source)
    return kb
