"""The kinds of entity: one registry, read by every module that needs to know what kinds exist.

A kind is a folder under data/ (the folder decides what a file is) and a model. Membership is
declared here too: which list of which entity names the members of a kind (a publication's
`findings`, a matrix's `rows`), and whether a member belongs to only one of them. What refers to
what is declared on the models' fields (fields.py); what follows from both (the kinds that carry
topics, the fields that can loop) is computed here from the two, never listed again.

Everything reads `KINDS` when it runs, not when it is imported, so a test may register a model
with a new field in one place (`monkeypatch.setitem(KINDS, ...)`) and see every stage follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.model import fields
from generator.model.models import (
    Assessment,
    Case,
    Characteristic,
    DataNote,
    Finding,
    GlossaryTerm,
    Implication,
    Intervention,
    Matrix,
    Publication,
    Quote,
    Reference,
    Strict,
    Study,
    Theme,
    Topic,
    Vocabulary,
)


@dataclass(frozen=True)
class Kind:
    name: str
    folder: str
    """Its folder under data/: every file there is an entity of this kind."""
    model: type[Strict]
    listed_in: tuple[str, str] | None = None
    """(kind, field): the list that names its members, e.g. ('publication', 'findings')."""
    one_publication: bool = False
    """Listed in a publication, it belongs to that one only (a study may belong to several)."""

    def refers_to(self, target: str) -> bool:
        """Whether a field of its own (not of a nested model) holds ids of `target` entities."""
        return any(isinstance(s.marker, fields.Ref) and s.marker.kind == target for s in fields.slots(self.model))


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("vocabulary", "vocabularies", Vocabulary),
        Kind("publication", "publications", Publication),
        Kind("theme", "themes", Theme, ("publication", "themes"), one_publication=True),
        Kind("finding", "findings", Finding, ("publication", "findings"), one_publication=True),
        Kind("study", "studies", Study, ("publication", "studies")),
        Kind("characteristic", "characteristics", Characteristic, ("publication", "characteristics"), one_publication=True),
        Kind("assessment", "assessments", Assessment, ("matrix", "rows")),
        Kind("matrix", "matrices", Matrix, ("publication", "matrices"), one_publication=True),
        Kind("intervention", "interventions", Intervention, ("publication", "interventions"), one_publication=True),
        Kind("implication", "implications", Implication, ("publication", "implications"), one_publication=True),
        Kind("case", "cases", Case, ("publication", "cases"), one_publication=True),
        Kind("quote", "quotes", Quote, ("publication", "quotes"), one_publication=True),
        Kind("reference", "references", Reference, ("publication", "references"), one_publication=True),
        Kind("topic", "topics", Topic),
        Kind("note", "notes", DataNote),
        Kind("term", "glossary", GlossaryTerm),
    )
}
"""Every kind, in the order messages, schemas and change lists name them."""


def kind_of_folder() -> dict[str, str]:
    """Folder under data/ -> the kind of its files."""
    return {kind.folder: name for name, kind in KINDS.items()}


def folder_of(kind: str) -> str:
    return KINDS[kind].folder


def publication_lists() -> list[tuple[str, str]]:
    """(publication field, kind) for every kind a publication lists, in registry order."""
    return [(kind.listed_in[1], name) for name, kind in KINDS.items() if kind.listed_in and kind.listed_in[0] == "publication"]


def referring_kinds(target: str) -> tuple[str, ...]:
    """The kinds whose own fields hold ids of `target` entities (e.g. the kinds that carry topics)."""
    return tuple(name for name, kind in KINDS.items() if kind.refers_to(target))


def chains() -> list[tuple[str, str]]:
    """(kind, field) for every field that holds the id of another entity of the same kind: followed
    from any entity, such a chain must end (index.py reports a loop)."""
    return [
        (name, s.field)
        for name, kind in KINDS.items()
        for s in fields.slots(kind.model)
        if isinstance(s.marker, fields.Ref) and s.marker.kind == name
    ]


def slots() -> list[tuple[str, fields.Slot]]:
    """(kind, slot) for every marked place in every kind's model, nested models included."""
    return [(name, s) for name, kind in KINDS.items() for model in fields.models_in(kind.model) for s in fields.slots(model)]
