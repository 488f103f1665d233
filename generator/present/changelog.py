"""What changed in each version of a publication, computed from the data's history. Pure.

The data holds each finding as it is now, and in its `history` one entry per change: the version
it belongs to, what changed and why, and, for a change to its substance, what it said before
(`previous`: the altered fields as they were). Walking a finding's history from the newest entry
back, each entry's `previous` gives the finding as it was before that change, so every version's
before and after follow: the statement's text before and after, the confidence before and after,
the component levels that moved, and the studies added and removed (`FindingDiff`).

A version is an entry of the publication's own `history` with a `version`; the changes of a
version are the entries of its findings (and studies) with that version. Entries without a
version are corrections made between versions (a better translation): listed apart, by date.
The changelog page, the PDF's chapter on the changes since the previous version and the Atom feed
all read these, so they cannot tell the history differently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from generator.model.cerqual import COMPONENT_FIELDS
from generator.model.index import Index
from generator.model.models import Change, Finding, FindingChange, FindingState, Publication

SUBSTANCE = tuple(FindingState.model_fields)
"""A finding's substance: the fields a history entry's `previous` can record (the history rule's)."""


@dataclass(frozen=True)
class FindingDiff:
    """One change to a finding: the entry that records it and what it altered, before and after."""

    finding: Finding
    change: FindingChange
    added: bool
    """The finding is new in this version."""
    before: dict[str, Any]
    """The substance as it was before the change (only the fields the change altered)."""
    after: dict[str, Any]
    """The same fields as they were right after the change."""

    def altered(self, name: str) -> bool:
        return name in self.before

    def pair(self, name: str) -> tuple[Any, Any] | None:
        """(before, after) of one field, when the change altered it."""
        return (self.before[name], self.after[name]) if name in self.before else None

    @property
    def statement(self) -> tuple[Any, Any] | None:
        return self.pair("statement")

    @property
    def confidence(self) -> tuple[Any, Any] | None:
        return self.pair("confidence")

    @property
    def finding_type(self) -> tuple[Any, Any] | None:
        return self.pair("finding_type")

    @property
    def strength(self) -> tuple[Any, Any] | None:
        return self.pair("strength")

    @property
    def direction(self) -> tuple[Any, Any] | None:
        return self.pair("direction")

    @property
    def studies_added(self) -> list[str]:
        if "studies" not in self.before:
            return []
        return [s for s in self.after["studies"] if s not in self.before["studies"]]

    @property
    def studies_removed(self) -> list[str]:
        if "studies" not in self.before:
            return []
        return [s for s in self.before["studies"] if s not in self.after["studies"]]

    @property
    def components(self) -> list[tuple[str, str, str]]:
        """(cerqual-component term, level before, level after) of every component whose level moved."""
        if "components" not in self.before:
            return []
        old, new = self.before["components"], self.after["components"]
        moved = []
        for name, term in COMPONENT_FIELDS.items():
            level_before = getattr(old, name).level if old else "-"
            level_after = getattr(new, name).level if new else "-"
            if level_before != level_after:
                moved.append((term, level_before, level_after))
        return moved


@dataclass(frozen=True)
class EntityChange:
    """A history entry of another entity (the publication itself, a study) or a change to a
    finding that records nothing of its substance."""

    kind: str
    entity_id: str
    change: Change


@dataclass(frozen=True)
class Version:
    """One version of a publication and what changed in it since the one before."""

    version: str
    date: dt.date
    entry: Change
    """The publication's own history entry for the version."""
    previous: str | None
    """The version before it, if any."""
    added: list[FindingDiff] = field(default_factory=list)
    changed: list[FindingDiff] = field(default_factory=list)
    others: list[EntityChange] = field(default_factory=list)
    """Entries of its studies, and of findings whose substance did not change."""

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.others)


@dataclass(frozen=True)
class Changelog:
    """A publication's versions, newest first, and the corrections made between versions."""

    versions: list[Version]
    corrections: list[FindingDiff | EntityChange]
    """Entries without a version, newest first."""

    def current(self, pub: Publication) -> Version | None:
        """The publication's current version, when its history records it."""
        return next((v for v in self.versions if v.version == pub.version), None)


def states(finding: Finding) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(before, after) of each history entry of the finding, oldest first: the fields its `previous`
    records, as they were before it and right after it."""
    now = {name: getattr(finding, name) for name in SUBSTANCE}
    result: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for change in reversed(finding.history):
        recorded = {name: getattr(change.previous, name) for name in change.previous.model_fields_set} if change.previous else {}
        after = {name: now[name] for name in recorded}
        result.append((recorded, after))
        now = {**now, **recorded}
    return list(reversed(result))


def finding_diffs(finding: Finding) -> list[FindingDiff]:
    return [
        FindingDiff(finding, change, change.added, before, after)
        for change, (before, after) in zip(finding.history, states(finding), strict=True)
    ]


def changelog(index: Index, pub: Publication) -> Changelog:
    """Every version of the publication with its changes, and the corrections between versions."""
    entries = [c for c in pub.history if c.version]
    order = sorted(entries, key=lambda c: (_version_key(c.version or ""), c.date))
    versions = {
        c.version or "": Version(c.version or "", c.date, c, order[i - 1].version if i else None) for i, c in enumerate(order)
    }
    corrections: list[FindingDiff | EntityChange] = [EntityChange("publication", pub.id, c) for c in pub.history if not c.version]
    for finding in index.findings_of(pub):
        for diff in finding_diffs(finding):
            substantive = diff.added or diff.before
            target = versions.get(diff.change.version or "")
            if target is None:
                corrections.append(diff if substantive else EntityChange("finding", finding.id, diff.change))
            elif diff.added:
                target.added.append(diff)
            elif substantive:
                target.changed.append(diff)
            else:
                target.others.append(EntityChange("finding", finding.id, diff.change))
    for study_id in pub.studies:
        for change in index.study(study_id).history:
            target = versions.get(change.version or "")
            (target.others if target else corrections).append(EntityChange("study", study_id, change))
    corrections.sort(key=lambda c: c.change.date, reverse=True)
    return Changelog(sorted(versions.values(), key=lambda v: (_version_key(v.version), v.date), reverse=True), corrections)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def has_changes(index: Index, pub: Publication) -> bool:
    """Whether the publication's current version follows an earlier one in its history: then its
    printed report lists what changed since. (Asked of the publication's own history only.)"""
    versions = {c.version for c in pub.history if c.version}
    return pub.version in versions and any(_version_key(v) < _version_key(pub.version) for v in versions if v)
