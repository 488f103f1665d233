"""What a field refers to, declared where the field is declared, and read back from there.

A model field that holds a vocabulary term or another entity's id says so in its type, with a
marker beside `str` (`typing.Annotated`): on the value, on a list's items, or on a mapping's keys
and values:

    sectors: list[Annotated[str, Vocab("sector")]]
    studies: list[Annotated[str, Ref("study", once=True)]]
    values: dict[Annotated[str, Ref("characteristic")], Annotated[str, Vocab("matrix-value")]]

Everything else reads these markers: `index.py` resolves and checks every occurrence (one walker),
`schema.py` adds the vocabulary's terms and the kind's ids for completion, `scaffold.py` writes
the allowed values beside each empty field, and the field's description ends with a sentence
generated from the marker (`describe_fields`), so no description names a vocabulary by hand.
Two fields whose target depends on the data get a marker of their own: `ScaleOf` (a term of the
vocabulary that another field's term names as its scale: an appraisal's `overall`) and `KindAndId`
('kind:id', the kind written in the value: a data note's `applies_to`).

Pure and dependency-free (pydantic only): `models.py` imports the markers.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, ForwardRef, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo


@dataclass(frozen=True)
class Vocab:
    """A term of the controlled vocabulary `vocabulary` (data/vocabularies/<vocabulary>.yaml)."""

    vocabulary: str


@dataclass(frozen=True)
class Ref:
    """The id of an entity of `kind`. `once`: in a list, each id at most once (else "listed twice")."""

    kind: str
    once: bool = False


@dataclass(frozen=True)
class ScaleOf:
    """A term of the vocabulary that the term chosen in the sibling field `field` names as its
    `scale` (an appraisal's `overall` rating is on the scale of its `tool`)."""

    field: str


@dataclass(frozen=True)
class KindAndId:
    """'kind:id': an entity of any kind but `excluding`, the kind written in the value."""

    excluding: tuple[str, ...] = ()


Marker = Vocab | Ref | ScaleOf | KindAndId
Part = Literal["value", "key"]


@dataclass(frozen=True)
class Slot:
    """A marked place in a model: a field's value (or a list's items), or a mapping's keys."""

    model: type[BaseModel]
    field: str
    part: Part
    marker: Marker
    shape: Literal["one", "list", "mapping"]
    """One value, the items of a list, or a mapping's keys or values."""


# --- reading the markers back -----------------------------------------------------------------


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _marker(annotation: Any, extra: tuple[Any, ...] = ()) -> Marker | None:
    """The marker on `annotation` (an `Annotated[str, ...]`), or among `extra` (what pydantic keeps
    of a field's own `Annotated` in `FieldInfo.metadata`)."""
    found = [*extra, *(get_args(annotation)[1:] if get_origin(annotation) is Annotated else ())]
    markers = [m for m in found if isinstance(m, Vocab | Ref | ScaleOf | KindAndId)]
    return markers[0] if markers else None


def _field_slots(model: type[BaseModel], name: str, info: FieldInfo) -> Iterator[Slot]:
    annotation = _without_none(info.annotation)
    own = _marker(annotation, tuple(info.metadata))
    if own is not None:
        yield Slot(model, name, "value", own, "one")
        return
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list and args and (item := _marker(_without_none(args[0]))) is not None:
        yield Slot(model, name, "value", item, "list")
    elif origin is dict and len(args) == 2:
        parts: tuple[tuple[Part, Any], ...] = (("key", args[0]), ("value", args[1]))
        for part, argument in parts:
            if (marker := _marker(_without_none(argument))) is not None:
                yield Slot(model, name, part, marker, "mapping")


@functools.cache
def slots(model: type[BaseModel]) -> tuple[Slot, ...]:
    """Every marked place among the model's own fields, in field order (keys before values)."""
    return tuple(s for name, info in model.model_fields.items() for s in _field_slots(model, name, info))


def slot(model: type[BaseModel], field: str, part: Part = "value") -> Slot | None:
    return next((s for s in slots(model) if s.field == field and s.part == part), None)


def models_in(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    """The model and every model its fields hold, at any depth, each once (the model first)."""
    seen: list[type[BaseModel]] = []

    def visit(current: type[BaseModel]) -> None:
        if current in seen:
            return
        seen.append(current)
        for info in current.model_fields.values():
            for inner in _models_of(info.annotation):
                visit(inner)

    visit(model)
    yield from seen


def _models_of(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for argument in get_args(annotation):
        yield from _models_of(argument)


# --- the occurrences in an entity -------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    """One marked value in an entity: where it is, what it must be, and the model holding it."""

    path: tuple[str | int, ...]
    part: Part
    marker: Marker
    value: str
    owner: BaseModel
    """The model instance whose field holds the value (its sibling fields: `ScaleOf`)."""


def may_hold(annotation: Any, wanted: Callable[[type], bool], seen: frozenset[type] = frozenset()) -> bool:
    """Whether a value of this type may be, or hold at any depth, an instance of a class `wanted`
    accepts. What it cannot tell (`Any`, a bare container, a name not resolved) may hold anything."""
    if get_origin(annotation) is Literal:
        return False  # its arguments are values, not types
    if get_origin(annotation) is Annotated:
        return may_hold(get_args(annotation)[0], wanted, seen)  # the rest is metadata (our markers)
    if annotation is Any or isinstance(annotation, str | ForwardRef) or annotation in (list, dict, tuple, set, object):
        return True
    if isinstance(annotation, type):
        if wanted(annotation):
            return True
        if issubclass(annotation, BaseModel) and annotation not in seen:
            inner = seen | {annotation}
            return any(may_hold(info.annotation, wanted, inner) for info in annotation.model_fields.values())
        return False
    return any(may_hold(argument, wanted, seen) for argument in get_args(annotation))


def _has_slots(model: type) -> bool:
    return issubclass(model, BaseModel) and bool(slots(model))


@functools.cache
def _marked_fields(model: type[BaseModel]) -> tuple[tuple[str, Slot | None, Slot | None], ...]:
    """The fields of the model that `occurrences` must look into, in order, each with its key's and
    its value's slot: those with a slot and those whose type may hold a model with one (pydantic's
    `model_fields`, asked 159,345 times in indexing 10,000 studies, was half of the walk, and most
    fields, plain text and numbers, hold nothing marked)."""
    marked = {(s.field, s.part): s for s in slots(model)}
    return tuple(
        (name, marked.get((name, "key")), marked.get((name, "value")))
        for name, info in model.model_fields.items()
        if (name, "key") in marked or (name, "value") in marked or may_hold(info.annotation, _has_slots)
    )


def occurrences(model: BaseModel, path: tuple[str | int, ...] = ()) -> Iterator[Occurrence]:
    """Every marked value in `model` and the models it holds, in field order. A mapping's key and
    its value share the path of the entry (`values.komp`), told apart by `part`."""
    for name, key_slot, value_slot in _marked_fields(type(model)):
        value = getattr(model, name)
        here = (*path, name)
        if isinstance(value, str) and value_slot is not None:
            yield Occurrence(here, "value", value_slot.marker, value, model)
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                if isinstance(item, str) and value_slot is not None:
                    yield Occurrence((*here, i), "value", value_slot.marker, item, model)
                elif isinstance(item, BaseModel):
                    yield from occurrences(item, (*here, i))
        elif isinstance(value, dict):
            for key, item in value.items():
                if key_slot is not None:
                    yield Occurrence((*here, key), "key", key_slot.marker, key, model)
                if isinstance(item, str) and value_slot is not None:
                    yield Occurrence((*here, key), "value", value_slot.marker, item, model)
                elif isinstance(item, BaseModel):
                    yield from occurrences(item, (*here, key))
        elif isinstance(value, BaseModel):
            yield from occurrences(value, here)


# --- descriptions generated from the markers ---------------------------------------------------


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def what(marker: Marker) -> str:
    """What a marked value is, as a phrase: "a term of vocabulary 'sector'", "the id of a study"."""
    if isinstance(marker, Vocab):
        return f"a term of vocabulary '{marker.vocabulary}'"
    if isinstance(marker, Ref):
        return f"the id of {_article(marker.kind)} {marker.kind}"
    if isinstance(marker, ScaleOf):
        return f"a term of the vocabulary that the chosen '{marker.field}' names as its scale"
    excluded = f" but {' or '.join(marker.excluding)}" if marker.excluding else ""
    return f"'kind:id', the kind and id of an entity of any kind{excluded}"


def sentence(field_slots: list[Slot]) -> str:
    """The generated sentence of one field's description, from its slots."""
    if len(field_slots) == 1 and field_slots[0].shape == "one":
        phrase = what(field_slots[0].marker)
        return phrase[0].upper() + phrase[1:] + "."
    parts = []
    for s in field_slots:
        where = "each item" if s.shape == "list" else f"each {s.part}"
        once = "; no id twice" if isinstance(s.marker, Ref) and s.marker.once and s.shape == "list" else ""
        parts.append(f"{where}: {what(s.marker)}{once}")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def describe_fields(model: type[BaseModel]) -> bool:
    """End the description of every marked field of `model` with its generated sentence (once:
    a subclass inherits the sentence). True when a description changed, so the model must be
    rebuilt for its JSON Schema to show it."""
    changed = False
    for name, info in model.model_fields.items():
        field_slots = [s for s in slots(model) if s.field == name]
        if not field_slots:
            continue
        generated = sentence(field_slots)
        typed = (info.description or "").strip()
        if typed.endswith(generated):
            continue
        info.description = f"{typed} {generated}".strip()
        changed = True
    return changed
