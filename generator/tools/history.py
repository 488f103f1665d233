"""The history rule: a finding whose substance changed since the base gets a new history entry.

`python -m generator check --base origin/main` compares this branch's findings with the base's
(read by the same loader, in a temporary worktree: `baseline.py`) and warns, at the changed field,
about every finding whose substance changed while its `history` did not grow.
"""

from __future__ import annotations

from generator.model.errors import Report
from generator.model.settings import Project
from generator.model.sources import format_field_path
from generator.model.validate import DataSet, load_data
from generator.tools.baseline import checkout, load
from generator.tools.changes import compare_models

HISTORY_FIELDS = ("statement", "finding_type", "confidence", "components", "strength", "direction", "studies")
"""A finding's substance: what it says, how sure it is (the GRADE-CERQual assessment, or the
source's own strength and direction where there is none), and what it rests on."""


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
        if old is None or len(new.model.history) > len(old.model.history):
            continue  # new findings are not changes; a grown history is what the rule asks for
        changes = compare_models(old.model, new.model)
        for name in HISTORY_FIELDS:
            first = next((c for c in changes if c.field == name), None)
            if first is not None:
                report.warn(
                    new.location(*first.path),
                    format_field_path(first.path),
                    f"{name} changed since {ref} but no history entry was added: add one under 'history'",
                )
