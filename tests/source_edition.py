"""What each source published, recorded once: the knowledge base as of the source's version.

The knowledge base is living: after a source is entered, editors add findings, studies,
implications, cases... The seed-fidelity tests (tests/test_seed_tables.py) therefore check the
source's facts on the entities the source published, not on whatever the data holds today.
`tests/source_editions.yaml` records, per publication, the version the source was entered at and
every entity of that edition (kind and id) with a fingerprint of what the source published in it.

The rule:

- An entity of a publication that the record does not list is an editorial addition. It may be
  added freely, once the publication's version is raised past the source's (CONTRIBUTING.md,
  "Cut a new version"), and a new finding or study says so in its `history`.
- A recorded entity that is gone, left its publication, or whose fingerprint changed is a change
  to what the source published, and the tests name it. The source is never corrected silently: a
  departure from it is a data note. Only when the change corrects our transcription of the source
  is the entity recorded again: `python -m tests.source_edition finding:skole-hjem-2025-f05`.
- A new source is recorded whole when it is entered: `python -m tests.source_edition --new-source <id>`.
- Something the source published that is entered after its edition was recorded (an intervention
  the source describes, with the studies it names) joins the edition once checked against the
  source: `python -m tests.source_edition --published intervention:<id>`. It is an addition of
  the source's, not of the editors', so the publication keeps its version.

The seed tests run on `as_published(live, record)`: the live data with every addition left out,
so the site's own counting code must give the numbers each source prints.

The fingerprint covers every field except those the editors own: `history`, `topics`, texts whose
origin is `editorial` (translations, constructed titles), effect directions in our reading
(`reading: editorial`), and the publication's `version`, `date`, `status` and member lists (the
members are recorded one by one). A field added to a model after the editions were recorded (a
finding's `title`) is left out while it holds nothing the source published.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from generator.model.errors import Report
from generator.model.index import Index, build_index
from generator.model.kinds import publication_lists
from generator.model.models import DataNote, Effect, Finding, Intervention, Matrix, Publication, Text
from generator.model.validate import DataSet

REPO = Path(__file__).resolve().parent.parent
RECORD = REPO / "tests" / "source_editions.yaml"

KIND_ORDER = ("publication", *(kind for _, kind in publication_lists()), "assessment")
"""The order of kinds in the record: a publication, its member lists, its matrices' rows."""

EDITORIAL_FIELDS: dict[type[BaseModel], frozenset[str]] = {
    Publication: frozenset({"version", "date", "status", *(name for name, _ in publication_lists())}),
    Matrix: frozenset({"rows"}),  # the rows are recorded as members (kind 'assessment')
}
"""Fields of a model that an edition does not fix, beyond `history` and `topics` of every model."""

EVERY_MODEL = frozenset({"history", "topics"})

ADDED_AFTER_RECORDING: dict[type[BaseModel], frozenset[str]] = {
    Finding: frozenset({"title"}),
    Intervention: frozenset({"findings"}),
    Publication: frozenset({"series_number", "issn"}),
}
"""Fields added to a model after the editions were recorded. One is left out of the fingerprint
while it holds nothing (a title the editors wrote, no findings set beside an intervention), so
adding it changes no source's edition; a value in the source's words (a heading the source gives
the finding, the findings its discussion sets beside an intervention) is fingerprinted like any
other, and its entity recorded again."""

HEADER = """\
# What each source published: the knowledge base as of the source's version, one fingerprint per
# entity. Written by `python -m tests.source_edition`; read tests/source_edition.py before changing it.
"""


def published(value: Any) -> Any:
    """The part of a value that the source published, as plain JSON data."""
    if isinstance(value, Text):
        return {lang: getattr(value, lang) for lang in ("nb", "en") if getattr(value, f"{lang}_origin") == "source"}
    if isinstance(value, BaseModel):
        skipped = EVERY_MODEL | EDITORIAL_FIELDS.get(type(value), frozenset())
        fields = {name: published(getattr(value, name)) for name in type(value).model_fields if name not in skipped}
        added = ADDED_AFTER_RECORDING.get(type(value), frozenset())
        return {name: part for name, part in fields.items() if not (name in added and part in ({}, [], None))}
    if isinstance(value, list | tuple):
        return [published(item) for item in value if not (isinstance(item, Effect) and item.reading == "editorial")]
    if isinstance(value, dict):
        return {str(key): published(item) for key, item in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def fingerprint(entity: BaseModel) -> str:
    canonical = json.dumps(published(entity), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def load(path: Path = RECORD) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def save(record: dict[str, Any], path: Path = RECORD) -> None:
    path.write_text(HEADER + yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")


def members(index: Index, pub_id: str) -> set[tuple[str, str]]:
    return index.entities_of(index.publication(pub_id))


def edition(index: Index, pub_id: str) -> dict[str, Any]:
    """The record of one publication as the data holds it now (for a source being entered)."""
    found = members(index, pub_id)
    entities = {
        kind: {entity_id: fingerprint(index.entity(kind, entity_id)) for _, entity_id in sorted(m for m in found if m[0] == kind)}
        for kind in KIND_ORDER
    }
    return {"version": index.publication(pub_id).version, "entities": {k: v for k, v in entities.items() if v}}


def record_members(record: dict[str, Any], index: Index, pub_id: str, kind: str, ids: list[str]) -> None:
    """Record entities that the source published and that were entered after it (its quotations,
    checked against its text by tests/source_quotes.py): they become part of its edition."""
    entities = record[pub_id]["entities"]
    added = {entity_id: fingerprint(index.entity(kind, entity_id)) for entity_id in ids}
    entities[kind] = dict(sorted({**entities.get(kind, {}), **added}.items()))
    record[pub_id]["entities"] = {k: entities[k] for k in KIND_ORDER if entities.get(k)}


def recorded(record: dict[str, Any], pub_id: str) -> set[tuple[str, str]]:
    entities = record[pub_id]["entities"]
    return {(kind, entity_id) for kind, ids in entities.items() for entity_id in ids}


def changes_to_the_source(index: Index, record: dict[str, Any]) -> list[str]:
    """Every recorded entity that is gone, left its publication, or changed what the source published."""
    problems = []
    for pub_id in record:
        if pub_id not in index.ids("publication"):
            problems.append(f"publication '{pub_id}': the source's publication is gone")
            continue
        current = members(index, pub_id)
        for kind, ids in record[pub_id]["entities"].items():
            for entity_id, expected in ids.items():
                where = f"{kind} '{entity_id}' of publication '{pub_id}'"
                if entity_id not in index.ids(kind):
                    problems.append(f"{where}: the source published it, and the data no longer has it")
                elif (kind, entity_id) not in current:
                    problems.append(f"{where}: the source published it, and the publication no longer lists it")
                elif fingerprint(index.entity(kind, entity_id)) != expected:
                    problems.append(
                        f"{where}: what the source published in it changed (a field other than history, topics, "
                        "editorial texts and readings). Keep the source's value and record a departure as a data note; "
                        f"if this corrects our transcription, run `python -m tests.source_edition {kind}:{entity_id}`"
                    )
    return problems


def as_published(live: Index, record: dict[str, Any]) -> Index:
    """The knowledge base as the recorded sources published it: the live data without anything a
    publication holds that no source's edition records (additions, and publications not recorded),
    and without those in any publication's or matrix's list. A recorded entity that changed stays
    as it is now: `changes_to_the_source` names it."""
    data = live.data
    editions = {pub_id: recorded(record, pub_id) for pub_id in record if pub_id in data.entities["publication"]}
    in_an_edition = set().union(*editions.values())
    held = set().union(*(members(live, pub_id) for pub_id in data.entities["publication"]))
    dropped = held - in_an_edition
    entities = {
        kind: {i: loaded for i, loaded in found.items() if (kind, i) not in dropped} for kind, found in data.entities.items()
    }

    def replace(kind: str, entity_id: str, **update: Any) -> None:
        loaded = entities[kind][entity_id]
        entities[kind][entity_id] = dataclasses.replace(loaded, model=loaded.model.model_copy(update=update))

    for pub_id, edition_members in editions.items():
        pub = live.publication(pub_id)
        lists = {name: [i for i in getattr(pub, name) if (kind, i) in edition_members] for name, kind in publication_lists()}
        replace("publication", pub_id, **lists)
        for matrix_id in lists["matrices"]:
            rows = [r for r in live.matrix(matrix_id).rows if ("assessment", r) in edition_members]
            replace("matrix", matrix_id, rows=rows)
    for note_id, loaded in list(entities["note"].items()):
        note: DataNote = loaded.model
        targets = [t for t in note.applies_to if tuple(t.split(":", 1)) not in dropped]
        if not targets:
            del entities["note"][note_id]  # a note on additions only
        elif targets != note.applies_to:
            replace("note", note_id, applies_to=targets)

    report = Report()
    index = build_index(DataSet(entities=entities, invalid=data.invalid), report)
    assert not report.errors(), "the data as the sources published it does not hold together:\n" + "\n".join(
        str(p) for p in report.errors()
    )
    return index


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def unrecorded_additions(index: Index, record: dict[str, Any]) -> list[str]:
    """Additions beyond a source's edition that do not say so: the publication still at the
    source's version, or a new finding or study without a history entry of a later version."""
    in_any_edition = {member for pub_id in record for member in recorded(record, pub_id)}
    problems = []
    for pub_id in record:
        if pub_id not in index.ids("publication"):
            continue
        pub = index.publication(pub_id)
        source_version = record[pub_id]["version"]
        added = sorted(members(index, pub_id) - recorded(record, pub_id))
        if added and _version(pub.version) <= _version(source_version):
            shown = ", ".join(f"{kind}:{entity_id}" for kind, entity_id in added)
            problems.append(
                f"publication '{pub_id}' has entities the source did not publish ({shown}) and is still at the "
                f"source's version {source_version}: raise `version` and add a `history` entry (CONTRIBUTING.md)"
            )
        for kind, entity_id in added:
            if kind not in ("finding", "study") or (kind, entity_id) in in_any_edition:
                continue
            history = index.entity(kind, entity_id).history
            if not any(c.version and _version(c.version) > _version(source_version) for c in history):
                problems.append(
                    f"{kind} '{entity_id}' was added to publication '{pub_id}' after the source's version "
                    f"{source_version}: its `history` needs an entry with the version that added it"
                )
    return problems


def main(argv: list[str] | None = None) -> int:
    from generator.model.settings import Project
    from generator.pipeline.build import load_or_fail

    parser = argparse.ArgumentParser(prog="python -m tests.source_edition", description=__doc__.split("\n\n")[0])
    parser.add_argument("entities", nargs="*", metavar="KIND:ID", help="record these entities again, wherever recorded")
    parser.add_argument("--new-source", action="append", default=[], metavar="PUBLICATION", help="record a new source's edition")
    parser.add_argument(
        "--published",
        action="append",
        default=[],
        metavar="KIND:ID",
        help="add an entity the source published, entered after its edition was recorded, to its publication's edition",
    )
    args = parser.parse_args(argv)
    index = load_or_fail(Project(REPO), strict=True)
    record = load() if RECORD.exists() else {}
    for pub_id in args.new_source:
        if pub_id not in index.ids("publication"):
            parser.error(f"unknown publication '{pub_id}'")
        if pub_id in record:
            parser.error(f"'{pub_id}' is recorded already: record single entities again with KIND:ID")
        record[pub_id] = edition(index, pub_id)
    for target in args.published:
        kind, _, entity_id = target.partition(":")
        pub_id = index.publication_id_of(kind, entity_id) if entity_id in index.ids(kind) else None
        if pub_id is None or pub_id not in record:
            parser.error(f"'{target}' is not a member of a recorded publication")
        record_members(record, index, pub_id, kind, [entity_id])
    for target in args.entities:
        kind, _, entity_id = target.partition(":")
        places = [pub_id for pub_id in record if entity_id in record[pub_id]["entities"].get(kind, {})]
        if not places or entity_id not in index.ids(kind):
            parser.error(f"'{target}' is in no recorded edition, or no longer in the data")
        for pub_id in places:
            record[pub_id]["entities"][kind][entity_id] = fingerprint(index.entity(kind, entity_id))
    save(record)
    return 0


if __name__ == "__main__":
    sys.exit(main())
