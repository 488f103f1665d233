"""What changed between two versions of the data, entity by entity and field by field. Pure.

Both sides are validated models (read by the same loader), so a change is a difference of model
values, not of YAML text: reformatting or comments are no change, a moved key is no change, and
every changed value is named by its field path (`statement.nb`, `history[1].change.en`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Literal

from pydantic import BaseModel

from generator.model.kinds import KINDS
from generator.model.sources import FieldPath
from generator.model.validate import DataSet

Status = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class FieldChange:
    """One value before and after; None on the side where it is absent (an added or removed value)."""

    path: FieldPath
    before: str | None
    after: str | None

    @property
    def field(self) -> str:
        """The entity's own field the change is in (`statement` for `statement.nb`)."""
        return str(self.path[0]) if self.path else ""


@dataclass(frozen=True)
class EntityChange:
    kind: str
    entity_id: str
    status: Status
    file: str
    """The data file, as the project names it: the head's, or the base's for a removed entity."""
    fields: tuple[FieldChange, ...]


def compare_data(base: DataSet, head: DataSet) -> list[EntityChange]:
    """Every entity added, removed or changed, in the order of the entity kinds, then by id."""
    changes = []
    for kind in KINDS:
        before, after = base.entities[kind], head.entities[kind]
        for entity_id in sorted(set(before) | set(after)):
            old, new = before.get(entity_id), after.get(entity_id)
            old_model = old.model if old else None
            new_model = new.model if new else None
            if old_model == new_model:
                continue
            status: Status = "added" if old is None else "removed" if new is None else "changed"
            shown = new if new is not None else old
            assert shown is not None  # the id came from one side or the other
            file = shown.source.display_path
            changes.append(EntityChange(kind, entity_id, status, file, tuple(compare_models(old_model, new_model))))
    return changes


def compare_models(before: BaseModel | None, after: BaseModel | None, path: FieldPath = ()) -> list[FieldChange]:
    """Field by field; a missing model counts as all defaults, so an added entity lists what it sets."""
    model = after if after is not None else before
    if model is None:
        return []  # nothing on either side: nothing changed
    model_class = type(model)
    changes: list[FieldChange] = []
    for name, info in model_class.model_fields.items():
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        old = getattr(before, name) if before is not None else default
        new = getattr(after, name) if after is not None else default
        if old != new:
            changes += _value_changes(old, new, (*path, name))
    return changes


def _value_changes(before: Any, after: Any, path: FieldPath) -> list[FieldChange]:
    if before == after:
        return []
    if isinstance(before, BaseModel) or isinstance(after, BaseModel):
        if before is None or after is None or type(before) is type(after):
            return compare_models(before, after, path)
    if isinstance(before, list) or isinstance(after, list):
        return _list_changes(before or [], after or [], path)
    if isinstance(before, dict) or isinstance(after, dict):
        old, new = before or {}, after or {}
        return [
            c for key in sorted(set(old) | set(new), key=str) for c in _value_changes(old.get(key), new.get(key), (*path, key))
        ]
    return [FieldChange(path, show(before), show(after))]


def _list_changes(before: list[Any], after: list[Any], path: FieldPath) -> list[FieldChange]:
    if all(isinstance(item, str) for item in [*before, *after]):
        return _id_list_changes(before, after, path)
    # Items matched in order (a history entry appended, a section inserted), then compared
    # field by field where one replaced another.
    keys_before, keys_after = [_key(item) for item in before], [_key(item) for item in after]
    changes: list[FieldChange] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, keys_before, keys_after, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        for k in range(pairs):
            changes += _value_changes(before[i1 + k], after[j1 + k], (*path, j1 + k))
        for i in range(i1 + pairs, i2):
            changes += _value_changes(before[i], None, (*path, i))
        for j in range(j1 + pairs, j2):
            changes += _value_changes(None, after[j], (*path, j))
    return changes


def _id_list_changes(before: list[str], after: list[str], path: FieldPath) -> list[FieldChange]:
    """Lists of ids and words: what was removed and what was added, or that only the order changed."""
    removed = Counter(before) - Counter(after)
    added = Counter(after) - Counter(before)
    if not removed and not added:
        return [FieldChange(path, ", ".join(before), ", ".join(after))]
    return [FieldChange(path, item, None) for item in removed.elements()] + [
        FieldChange(path, None, item) for item in added.elements()
    ]


def _key(item: Any) -> str:
    value = item.model_dump(mode="json") if isinstance(item, BaseModel) else item
    return json.dumps(value, sort_keys=True, default=str)


def show(value: Any) -> str | None:
    """A value as a reviewer reads it: YAML's spelling of booleans and dates, None for absent."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
