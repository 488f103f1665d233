"""What changed in each version, computed from the data's history (generator/present/changelog.py):
the fixture's version 1.1 raises finding 1's confidence from low to moderate, rewords it and adds a
study, and adds finding 3."""

from __future__ import annotations

import datetime as dt

from generator.model.index import Index
from generator.model.models import FindingChange, FindingState, Text
from generator.present.changelog import changelog, finding_diffs, has_changes


def test_each_version_with_what_changed_since_the_one_before(index: Index) -> None:
    pub = index.publication("demo-2025")
    log = changelog(index, pub)
    assert [(v.version, v.previous) for v in log.versions] == [("1.1", "1.0"), ("1.0", None)]
    current = log.current(pub)
    assert current is not None and current.date == dt.date(2025, 6, 15)
    assert [d.finding.id for d in current.added] == ["demo-2025-f03"]
    (changed,) = current.changed
    assert changed.finding.id == "demo-2025-f01"
    assert changed.confidence == ("low", "moderate")
    assert changed.statement is not None
    before, after = changed.statement
    assert (before.nb, after.nb) == ("Foresatte ønsket kontakt.", "Foresatte ønsket tidlig kontakt.")
    assert (changed.studies_added, changed.studies_removed) == (["gamma-2022"], [])
    assert changed.components == [] and changed.strength is None
    assert log.versions[1].empty and log.corrections == []
    assert has_changes(index, pub) and not has_changes(
        index, index.publication("demo-2025").model_copy(update={"version": "1.0"})
    )


def test_a_later_change_gives_the_earlier_ones_their_after(index: Index) -> None:
    """Two changes to one finding: the later's `previous` is the earlier's after, and the finding
    as it is now is the later's."""
    finding = index.finding("demo-2025-f01")
    later = FindingChange(
        date=dt.date(2026, 1, 1),
        version="1.2",
        change=Text(nb="Nedgradert.", en="Downgraded."),
        previous=FindingState(confidence="moderate", studies=["beta-2021", "gamma-2022"]),
    )
    now = finding.model_copy(update={"history": [*finding.history, later], "confidence": "very-low", "studies": ["gamma-2022"]})
    first, second = finding_diffs(now)
    assert first.confidence == ("low", "moderate") and first.studies_added == ["gamma-2022"]
    assert second.confidence == ("moderate", "very-low") and second.studies_removed == ["beta-2021"]
    assert first.statement is not None and first.statement[1].en == "Parents wanted early contact."


def test_entries_without_a_version_are_corrections(repo_index: Index) -> None:
    """The real data's translation fixes carry no version: they are corrections, newest first."""
    real = repo_index
    log = changelog(real, real.publication("levik-2023-masteroppgave"))
    assert [v.version for v in log.versions] == []
    assert {c.entity_id for c in log.corrections if hasattr(c, "entity_id")} >= {"levik-2023-f07"}
