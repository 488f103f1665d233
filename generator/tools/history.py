"""The history rule: a finding whose substance changed since the base gets a new history entry.

`python -m generator check --base origin/main` compares this branch's findings with the base's
(read by the same loader, in a temporary worktree: `baseline.py`) and warns, at the changed field,
about every finding whose substance changed while its `history` did not grow.
"""

from __future__ import annotations

from generator.model.errors import Report
from generator.model.models import Finding, FindingState
from generator.model.settings import Project
from generator.model.sources import format_field_path
from generator.model.validate import DataSet, Loaded, load_data
from generator.tools.baseline import checkout, load
from generator.tools.changes import FieldChange, compare_models

HISTORY_FIELDS = tuple(FindingState.model_fields)
"""A finding's substance: what it says, how sure it is (the GRADE-CERQual assessment, or the
source's own strength and direction where there is none), and what it rests on. Declared once, as
the fields a history entry's `previous` records (models.FindingState)."""


def check_history(project: Project, ref: str, report: Report) -> None:
    """Warn about every finding changed since `ref` without a new history entry."""
    # Read apart from `check`'s own pass: a file with errors elsewhere does not hide these warnings.
    head = load_data(project.data_dir, project.root, Report())
    with checkout(project, ref) as base:
        base_index = load(base.project, base.label)
    missing_history(base_index.data, head, ref, report)


def missing_history(base: DataSet, head: DataSet, ref: str, report: Report) -> None:
    for finding_id, new in sorted(head.entities["finding"].items()):
        old = base.entities["finding"].get(finding_id)
        if old is None:
            continue  # new findings are not changes
        changes = compare_models(old.model, new.model)
        if len(new.model.history) > len(old.model.history):
            # A grown history is what the rule asks for; what its new entries say the finding was
            # before must be what the base has, so the changelog shows before and after.
            unrecorded_before(old.model, new, len(old.model.history), changes, ref, report)
            continue
        for name in HISTORY_FIELDS:
            first = next((c for c in changes if c.field == name), None)
            if first is not None:
                report.warn(
                    new.location(*first.path),
                    format_field_path(first.path),
                    f"{name} changed since {ref} but no history entry was added: add one under 'history'",
                )


def unrecorded_before(
    old: Finding, new: Loaded[Finding], first_new: int, changes: list[FieldChange], ref: str, report: Report
) -> None:
    """Warn about a field of substance that changed since `ref` while the new history entries do not
    record it under `previous`, or record another value than the base has."""
    recorded: dict[str, tuple[int, object]] = {}
    for number in range(first_new, len(new.model.history)):  # oldest first: the first to record a field had the base's
        previous = new.model.history[number].previous
        for name in sorted(previous.model_fields_set) if previous else []:
            recorded.setdefault(name, (number, getattr(previous, name)))
    newest = len(new.model.history) - 1
    for name in HISTORY_FIELDS:
        if not any(c.field == name for c in changes):
            continue
        if name not in recorded:
            report.warn(
                new.location("history", newest),
                f"history[{newest}]",
                f"{name} changed since {ref}: record what it was under 'previous' ({name}: the value {ref} has), "
                "so the changelog can show it before and after",
            )
        elif recorded[name][1] != getattr(old, name):
            number = recorded[name][0]
            report.warn(
                new.location("history", number, "previous", name),
                f"history[{number}].previous.{name}",
                f"previous.{name} is not what {ref} has: record the value the finding had before this change",
            )
