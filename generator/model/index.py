"""Cross-reference index: resolves every reference, builds back-links, finds translation gaps.

One walker resolves every vocabulary term and reference the models' fields declare (markers,
see fields.py), with the same located messages and hints for all of them; the cross-entity rules
(membership, same publication, numbering, CERQual, matrix rows, cycles ...) are small named
methods that run on what it found.

Pure: takes validated models, returns an `Index` and adds located problems to a report.
Nothing here reads or writes files.
"""

from __future__ import annotations

import difflib
import functools
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar, cast

from pydantic import BaseModel

from generator.model.cerqual import COMPONENT_FIELDS, NO_CONCERN, levels, unreconciled
from generator.model.errors import Location, Report, strange_characters
from generator.model.fields import KindAndId, Occurrence, Ref, ScaleOf, Vocab, may_hold, occurrences, slot
from generator.model.glossary import Glossary, conflicts
from generator.model.kinds import KINDS, chains, folder_of, publication_lists, referring_kinds
from generator.model.models import (
    TITLE_EXAMPLE,
    TITLE_MAX_CHARACTERS,
    TITLE_MAX_WORDS,
    TITLE_MIN_WORDS,
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
    Study,
    Term,
    Text,
    Theme,
    Topic,
    Vocabulary,
)
from generator.model.privacy import personal_data
from generator.model.settings import DATA_DIR, LANGUAGES
from generator.model.siteconfig import SiteConfig
from generator.model.sources import format_field_path
from generator.model.validate import DataSet, Loaded

REQUIRED_VOCABULARIES = (
    "confidence",
    "concern",
    "cerqual-component",
    "matrix-value",
    "design",
    "design-group",
    "country",
    "publication-type",
    "appraisal-tool",
    "appraisal-answer",
    "appraisal-criterion",
    "limitations",
    "risk-of-bias",
    "metric",
    "pyramid-level",
    "status",
    "note-category",
    "finding-type",
    "effect-direction",
    "outcome",
    "sector",
    "audience",
    "implication-type",
    "informant-group",
    "evidence-status",
)

T = TypeVar("T")

LANGUAGE_NAMES = {"nb": "Norwegian (nb)", "en": "English (en)"}

Read = tuple[str, str]
"""What a template read: (kind, id) of an entity, ("vocabulary", name), ("all", kind) for the list of a
kind's ids, or something derived that no single entity holds (`related.RANKED`)."""


@dataclass
class Index:
    data: DataSet
    vocabularies: dict[str, dict[str, Term]] = field(default_factory=dict)
    alias_to_study: dict[str, str] = field(default_factory=dict)
    publication_of: dict[tuple[str, str], str] = field(default_factory=dict)
    findings_by_study: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    assessments_by_study: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    publications_by_study: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    matrix_of_assessment: dict[str, str] = field(default_factory=dict)
    notes_for: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    topic_members: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    implications_by_finding: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    findings_by_theme: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """theme id -> the findings in it, by id."""
    studies_by_intervention: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    interventions_by_finding: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """finding id -> the interventions that name it (`Intervention.findings`), by id."""
    quotes_by_finding: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    quotes_by_theme: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """finding or theme id -> the quotes that illustrate it, in their publication's order."""
    entries_by_study: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """study id -> the reference list entries that are that study (one per publication that lists it)."""
    subthemes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    publication_as_study: dict[str, str] = field(default_factory=dict)
    """study id -> the publication that *is* that study (a thesis that a review includes)."""
    references: Any = None
    """references.ReferenceCache for formatted citations, set by the build (optional)."""
    reads: set[Read] | None = None
    """When set, every entity, vocabulary and id list a template reads is recorded here: the
    page's dependencies, for incremental rebuilds (see incremental.py), and the data files it
    names as its sources (`source_files`). Set it with `recording`."""
    site: SiteConfig = field(default_factory=SiteConfig)
    """The site's configuration (site.yaml and the environment), set by `check`; its defaults
    (no address, no repository) otherwise."""
    shared: dict[str, tuple[Any, frozenset[Read]]] = field(default_factory=dict)
    """What many pages show, computed once per index, with what computing it read (the topic
    grid): see `contexts.shared`."""

    @contextmanager
    def recording(self) -> Iterator[set[Read]]:
        """Record what is read inside the block into a new set; an enclosing recording gets it too
        (a page rendered while the live preview records its dependencies)."""
        outer = self.reads
        reads: set[Read] = set()
        self.reads = reads
        try:
            yield reads
        finally:
            self.reads = outer
            if outer is not None:
                outer |= reads

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """Something many pages use, computed once per index (the topic grid, the glossary's patterns).

        What computing it read is replayed into the recording of every reader that asks, so each page
        still names the data files behind it and is re-rendered by the live preview when they change."""
        if key not in self.shared:
            with self.recording() as recorded:
                computed = compute()
            self.shared[key] = (computed, frozenset(recorded))
        value, reads = self.shared[key]
        if self.reads is not None:
            self.reads |= reads
        return cast(T, value)

    def depends_on(self, read: Read) -> None:
        """Record a read of something derived from many entities that the page does not read one by
        one (how the findings of a topic rank: `related.RANKED`)."""
        if self.reads is not None:
            self.reads.add(read)

    def source_files(self, reads: set[Read]) -> list[str]:
        """The data files behind what was read, as project paths, sorted.

        A reader that went through the list of a kind's files and read every one of them (the
        overview, the studies index) gets their folder (`data/studies/`) instead: the list stays
        short, and the folder is what it came from (a file added there changes it too)."""
        read_ids: dict[str, set[str]] = defaultdict(set)
        for kind, entity_id in reads:
            if kind in self.data.entities:  # not ("all", kind) nor what is derived (no one file holds it)
                read_ids[kind].add(entity_id)
        files: set[str] = set()
        for kind, ids in read_ids.items():
            every = self.data.entities[kind]
            # Lengths first: every page asks this, and a set of every id of a kind per page was
            # quadratic in the size of the knowledge base (a minute of 10,000 studies' generate).
            if ("all", kind) in reads and len(ids) >= len(every) and ids >= every.keys():
                files.add(f"{DATA_DIR}/{folder_of(kind)}/")
            else:
                files.update(self.source_path(kind, entity_id) for entity_id in ids)
        return sorted(files)

    # --- typed accessors ---------------------------------------------------------------
    def _get(self, kind: str, entity_id: str) -> Any:
        # Any: the loader holds each kind's entities as instances of its model in `kinds.KINDS`, which
        # the typed accessors below name in their casts.
        if self.reads is not None:
            self.reads.add((kind, entity_id))
        return self.data.entities[kind][entity_id].model

    def publication(self, pub_id: str) -> Publication:
        return cast(Publication, self._get("publication", pub_id))

    def finding(self, finding_id: str) -> Finding:
        return cast(Finding, self._get("finding", finding_id))

    def study(self, study_id: str) -> Study:
        return cast(Study, self._get("study", study_id))

    def theme(self, theme_id: str) -> Theme:
        return cast(Theme, self._get("theme", theme_id))

    def characteristic(self, char_id: str) -> Characteristic:
        return cast(Characteristic, self._get("characteristic", char_id))

    def assessment(self, assessment_id: str) -> Assessment:
        return cast(Assessment, self._get("assessment", assessment_id))

    def matrix(self, matrix_id: str) -> Matrix:
        return cast(Matrix, self._get("matrix", matrix_id))

    def intervention(self, intervention_id: str) -> Intervention:
        return cast(Intervention, self._get("intervention", intervention_id))

    def implication(self, implication_id: str) -> Implication:
        return cast(Implication, self._get("implication", implication_id))

    def case(self, case_id: str) -> Case:
        return cast(Case, self._get("case", case_id))

    def quote(self, quote_id: str) -> Quote:
        return cast(Quote, self._get("quote", quote_id))

    def reference_entry(self, reference_id: str) -> Reference:
        """An entry of a reference list (kind 'reference'; `references` is the formatted-citation cache)."""
        return cast(Reference, self._get("reference", reference_id))

    def topic(self, topic_id: str) -> Topic:
        return cast(Topic, self._get("topic", topic_id))

    def entity(self, kind: str, entity_id: str) -> Any:
        return self._get(kind, entity_id)

    def note(self, note_id: str) -> DataNote:
        return cast(DataNote, self._get("note", note_id))

    def glossary_term(self, term_id: str) -> GlossaryTerm:
        return cast(GlossaryTerm, self._get("term", term_id))

    def glossary(self) -> Glossary:
        """The glossary's terms and their patterns, compiled once: every page is searched for them,
        and every one that asks has read every term (`once`)."""
        return self.once("glossary", lambda: Glossary({t: self.glossary_term(t) for t in self.ids("term")}))

    def term(self, vocabulary: str, term_id: str) -> Term:
        if self.reads is not None:
            self.reads.add(("vocabulary", vocabulary))
        return self.vocabularies[vocabulary][term_id]

    def terms(self, vocabulary: str) -> list[Term]:
        if self.reads is not None:
            self.reads.add(("vocabulary", vocabulary))
        return list(self.vocabularies[vocabulary].values())

    def ids(self, kind: str) -> list[str]:
        if self.reads is not None:
            self.reads.add(("all", kind))
        return sorted(self.data.entities[kind])

    def source_path(self, kind: str, entity_id: str) -> str:
        return self.data.entities[kind][entity_id].source.display_path

    def publications(self) -> list[Publication]:
        """Newest first: the order of the home page, the sidebar and every cross-source page."""
        found = [self.publication(p) for p in self.ids("publication")]
        return sorted(found, key=lambda p: (-p.date.toordinal(), p.id))

    def notes_about(self, kind: str, entity_id: str) -> list[DataNote]:
        return [self.note(n) for n in self.notes_for.get((kind, entity_id), [])]

    def entities_of(self, pub: Publication) -> set[tuple[str, str]]:
        """Every (kind, id) that belongs to a publication, including its matrix rows."""
        members = {("publication", pub.id)}
        for list_name, kind in publication_lists():
            members.update((kind, member) for member in getattr(pub, list_name))
        for matrix_id in pub.matrices:
            members.update(("assessment", row) for row in self.matrix(matrix_id).rows)
        return members

    def notes_in_publication(self, pub: Publication) -> list[tuple[DataNote, list[tuple[str, str]]]]:
        """Notes about the publication or anything in it, with the targets they concern."""
        members = self.entities_of(pub)
        result = []
        for note_id in self.ids("note"):
            note = self.note(note_id)
            targets = [tuple(t.split(":", 1)) for t in note.applies_to]
            if any(t in members for t in targets):
                result.append((note, [t for t in targets if t in members]))
        return result

    def changes_in(self, pub: Publication) -> list[tuple[Any, str, str]]:
        """Every history entry of the publication and its findings and studies, newest first,
        as (change, kind, id)."""
        entries: list[tuple[Any, str, str]] = [(c, "publication", pub.id) for c in pub.history]
        entries += [(c, "finding", f.id) for f in self.findings_of(pub) for c in f.history]
        entries += [(c, "study", s) for s in pub.studies for c in self.study(s).history]
        return sorted(entries, key=lambda e: (e[0].date, e[1], e[2]), reverse=True)

    def matrix_rows_with(self, matrix_id: str, characteristic: str, value: str) -> list[str]:
        """Rows of a matrix with `value` in column `characteristic` (a column total's drill-down)."""
        return [r for r in self.matrix(matrix_id).rows if self.assessment(r).values.get(characteristic) == value]

    def findings_of(self, pub: Publication) -> list[Finding]:
        return sorted((self.finding(f) for f in pub.findings), key=lambda f: f.number)

    def implications_of(self, pub: Publication) -> list[Implication]:
        return sorted((self.implication(i) for i in pub.implications), key=lambda i: i.number)

    def publication_id_of(self, kind: str, entity_id: str) -> str | None:
        """The publication a single-publication entity belongs to."""
        return self.publication_of.get((kind, entity_id))


# --- walking models ----------------------------------------------------------------------


def _is_text(cls: type) -> bool:
    return issubclass(cls, Text)


@functools.cache
def _fields_with_texts(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of the model whose type may hold a text, in order: the only ones `iter_texts`
    looks into (most fields hold ids, numbers or plain strings)."""
    return tuple(name for name, info in model.model_fields.items() if may_hold(info.annotation, _is_text))


def iter_texts(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Text]]:
    """Every bilingual text inside a model, with its field path."""
    if isinstance(value, Text):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in _fields_with_texts(type(value)):
            yield from iter_texts(getattr(value, name), (*path, name))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from iter_texts(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_texts(item, (*path, key))


class Walks:
    """The two walks indexing makes over every entity's model, its marked values
    (`fields.occurrences`) and its texts (`iter_texts`), kept per model object so that the next
    index reuses them for the models it is given again.

    The live preview (pipeline/incremental.py) hands each index the same model objects for the
    files that did not change: at 10,000 studies these walks were 3.6 s of the 4.2 s an index took
    after one finding was edited (cProfile of `IncrementalBuilder.refresh`). A build makes one index
    and gains nothing; it uses a fresh `Walks`, which costs it nothing either."""

    def __init__(self) -> None:
        self._occurrences: dict[int, tuple[BaseModel, tuple[Occurrence, ...]]] = {}
        self._texts: dict[int, tuple[BaseModel, tuple[tuple[tuple[str | int, ...], Text], ...]]] = {}
        self._derived: dict[tuple[str, int], tuple[BaseModel, Any]] = {}
        self._found: dict[int, tuple[BaseModel, object]] = {}
        """Models each of whose marked values was found, and in which `universe`."""
        self._universe: tuple[dict[str, frozenset[str]], tuple[BaseModel, ...], object] | None = None

    def occurrences(self, model: BaseModel) -> tuple[Occurrence, ...]:
        kept = self._occurrences.get(id(model))
        if kept is not None and kept[0] is model:  # the same object, not one that took its address
            return kept[1]
        found = tuple(occurrences(model))
        self._occurrences[id(model)] = (model, found)
        return found

    def texts(self, model: BaseModel) -> tuple[tuple[tuple[str | int, ...], Text], ...]:
        kept = self._texts.get(id(model))
        if kept is not None and kept[0] is model:
            return kept[1]
        found = tuple(iter_texts(model))
        self._texts[id(model)] = (model, found)
        return found

    def derived(self, name: str, model: BaseModel, compute: Callable[[], T]) -> T:
        """What a check derives from `model` alone (the texts it lacks in a language, a title's
        length), computed once per model object and `name`."""
        kept = self._derived.get((name, id(model)))
        if kept is not None and kept[0] is model:
            return cast(T, kept[1])
        value = compute()
        self._derived[(name, id(model))] = (model, value)
        return value

    def universe(self, data: DataSet) -> object | None:
        """A token for what finding a marked value reads beyond its own model: the ids of every
        kind and the vocabularies' models (their terms). The same token as the last index's when
        neither changed (an edit that adds, removes or renames nothing, in no vocabulary); None
        when a file did not load (its references are then held back, not found)."""
        if any(data.invalid.values()):
            return None
        ids = {kind: frozenset(entities) for kind, entities in data.entities.items()}
        vocabularies = tuple(entity.model for entity in data.entities["vocabulary"].values())
        last = self._universe
        if (
            last is not None
            and last[0] == ids
            and len(last[1]) == len(vocabularies)
            and all(a is b for a, b in zip(last[1], vocabularies, strict=True))
        ):
            return last[2]
        self._universe = (ids, vocabularies, object())
        return self._universe[2]

    def all_found(self, model: BaseModel, universe: object | None) -> bool:
        """Whether every marked value of `model` was found in this `universe` before."""
        kept = self._found.get(id(model))
        return universe is not None and kept is not None and kept[0] is model and kept[1] is universe

    def found_all(self, model: BaseModel, universe: object | None) -> None:
        if universe is not None:
            self._found[id(model)] = (model, universe)

    def keep_only(self, data: DataSet) -> None:
        """Forget the models that are not in `data` (it holds the walks' models alive otherwise)."""
        live = {id(entity.model) for entities in data.entities.values() for entity in entities.values()}
        self._occurrences = {k: v for k, v in self._occurrences.items() if k in live}
        self._texts = {k: v for k, v in self._texts.items() if k in live}
        self._found = {k: v for k, v in self._found.items() if k in live}
        self._derived = {k: v for k, v in self._derived.items() if k[1] in live}


def _suggest(value: str, candidates: list[str], aliases: dict[str, str] | None = None) -> str:
    if aliases and value in aliases:
        return f" (did you mean '{aliases[value]}'? '{value}' is one of its aliases)"
    close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.75)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return ""


class _Checker:
    def __init__(self, data: DataSet, report: Report, walks: Walks) -> None:
        self.data = data
        self.report = report
        self.walks = walks
        self.index = Index(data)
        self.resolved: dict[tuple[str, str], list[Occurrence]] = defaultdict(list)
        """Per entity (kind, id): the marked values that were found, in field order."""
        self.universe: object | None = None
        """What finding a marked value reads beyond its model, as `references` found it (`Walks.universe`)."""

    # helpers ------------------------------------------------------------------------
    def problem(self, entity: Loaded[Any], path: tuple[str | int, ...], message: str, *, warning: bool = False) -> None:
        location = entity.source.location(path)
        if warning:
            self.report.warn(location, format_field_path(path), message)
        else:
            self.report.add(location, format_field_path(path), message)

    # A problem that may only follow from a file that failed to load is held back (counted, not
    # reported): a reference to that file, a term of a vocabulary in it, or a claim that nothing
    # lists an entity while a file that could list it did not load. Its own errors come first.
    def term(self, entity: Loaded[Any], path: tuple[str | int, ...], vocabulary: str, value: str) -> bool:
        if vocabulary in self.data.invalid["vocabulary"]:
            self.report.hold_back()
            return False
        terms = self.index.vocabularies.get(vocabulary)
        if terms is None:
            if vocabulary not in REQUIRED_VOCABULARIES:
                self.problem(entity, path, f"vocabulary '{vocabulary}' is missing (add data/vocabularies/{vocabulary}.yaml)")
            return False  # a required vocabulary is reported once as missing
        if value not in terms:
            allowed = ", ".join(terms)
            self.problem(entity, path, f"unknown {vocabulary} '{value}'{strange_characters(value)} (allowed: {allowed})")
            return False
        return True

    def ref(self, entity: Loaded[Any], path: tuple[str | int, ...], kind: str, value: str) -> bool:
        if value in self.data.entities[kind]:
            return True
        if value in self.data.invalid[kind]:
            self.report.hold_back()
            return False
        aliases = self.index.alias_to_study if kind == "study" else None
        hint = _suggest(value, list(self.data.entities[kind]), aliases)
        strange = "" if aliases and value in aliases else strange_characters(value)
        self.problem(entity, path, f"unknown {kind} '{value}'{strange}{hint}")
        return False

    def unlisted(self, entity: Loaded[Any], message: str, listing_kinds: tuple[str, ...]) -> None:
        """A warning that no entity of `listing_kinds` lists this one."""
        if any(self.data.invalid[kind] for kind in listing_kinds):
            self.report.hold_back()
            return
        self.problem(entity, ("id",), message, warning=True)

    def targets(self, kind: str, entity_id: str, field_name: str) -> list[tuple[tuple[str | int, ...], str]]:
        """(path, value) of the values of one of an entity's own fields that were found."""
        model = self.data.entities[kind][entity_id].model
        return [
            (o.path, o.value)
            for o in self.resolved[(kind, entity_id)]
            if o.owner is model and o.path[0] == field_name and o.part == "value"
        ]

    def found(self, kind: str, entity_id: str, path: tuple[str | int, ...]) -> bool:
        """Whether the marked value at `path` was found (a known term, an existing entity)."""
        return any(o.path == path and o.part == "value" for o in self.resolved[(kind, entity_id)])

    def ids_of(self, kind: str, entity_id: str, target: str) -> list[str]:
        """The ids of `target` entities that an entity's own fields hold and that were found."""
        model = self.data.entities[kind][entity_id].model
        return [
            o.value
            for o in self.resolved[(kind, entity_id)]
            if o.owner is model and isinstance(o.marker, Ref) and o.marker.kind == target
        ]

    def listing(self, kind: str) -> tuple[str, ...]:
        """The kind whose lists name the members of `kind` (a publication, a matrix)."""
        listed_in = KINDS[kind].listed_in
        return (listed_in[0],) if listed_in else ()

    # stages -------------------------------------------------------------------------
    def run(self) -> Index:
        self.vocabularies()
        self.aliases()
        self.references()
        # the cross-entity rules, each on the references found
        self.membership()
        self.same_as_study()
        self.chart_ids()
        self.back_links()
        self.subthemes()
        self.findings_in_their_publication()
        self.quotes_in_their_publication()
        self.quotes_without_personal_data()
        self.entries_in_their_publication()
        self.numbering("finding", naming_publication=True)
        self.numbering("implication", naming_publication=False)
        self.titles()
        self.cerqual_whole()
        self.explanations()
        self.matrices()
        self.notes()
        self.drafts()
        self.cycles()
        self.cerqual()
        self.translations()
        self.glossary()
        return self.index

    def vocabularies(self) -> None:
        vocabs: dict[str, Loaded[Vocabulary]] = self.data.entities["vocabulary"]
        for vocab_id, entity in vocabs.items():
            seen: dict[str, int] = {}
            for i, term in enumerate(entity.model.terms):
                if term.id in seen:
                    self.problem(entity, ("terms", i, "id"), f"duplicate term '{term.id}' (first at terms[{seen[term.id]}])")
                seen.setdefault(term.id, i)
            self.index.vocabularies[vocab_id] = {t.id: t for t in entity.model.terms}
        for required in REQUIRED_VOCABULARIES:
            if required not in vocabs and required not in self.data.invalid["vocabulary"]:
                self.report.add(
                    Location(f"data/vocabularies/{required}.yaml"), "", f"required vocabulary '{required}' is missing"
                )
        design_groups = self.index.vocabularies.get("design-group", {})
        if "design" in vocabs and "design-group" not in self.data.invalid["vocabulary"]:
            entity = vocabs["design"]
            for i, term in enumerate(entity.model.terms):
                if term.group not in design_groups:
                    self.problem(
                        entity, ("terms", i, "group"), f"design group '{term.group}' is not a term of vocabulary 'design-group'"
                    )

    def aliases(self) -> None:
        studies: dict[str, Loaded[Study]] = self.data.entities["study"]
        owner: dict[str, str] = {}
        for study_id, entity in sorted(studies.items()):
            for i, name in enumerate([entity.model.citation, *entity.model.aliases]):
                path: tuple[str | int, ...] = ("citation",) if i == 0 else ("aliases", i - 1)
                other = owner.get(name)
                if other is not None and other != study_id:
                    self.problem(entity, path, f"name '{name}' is already used by study '{other}'")
                    continue
                owner[name] = study_id
        self.index.alias_to_study = owner

    # --- the one walker: every term and reference the models declare (fields.py) -----------
    def references(self) -> None:
        # A model whose every value was found in the same universe is found again without looking
        # (the live preview's next index after an edit: at 10,000 studies, 160,000 values).
        universe = self.universe = self.walks.universe(self.data)
        for kind, entities in self.data.entities.items():
            for entity_id, entity in entities.items():
                occurrences = self.walks.occurrences(entity.model)
                if self.walks.all_found(entity.model, universe):
                    if occurrences:
                        self.resolved[(kind, entity_id)].extend(occurrences)
                    continue
                listed: dict[tuple[str | int, ...], set[str]] = defaultdict(set)
                found = 0
                for occurrence in occurrences:
                    if self.resolve(entity, occurrence, listed):
                        self.resolved[(kind, entity_id)].append(occurrence)
                        found += 1
                if found == len(occurrences):
                    self.walks.found_all(entity.model, universe)

    def resolve(self, entity: Loaded[Any], occurrence: Occurrence, listed: dict[tuple[str | int, ...], set[str]]) -> bool:
        """Whether one marked value is found; if not, the located problem (or a held-back one)."""
        marker, path, value = occurrence.marker, occurrence.path, occurrence.value
        if isinstance(marker, Vocab):
            return self.term(entity, path, marker.vocabulary, value)
        if isinstance(marker, ScaleOf):
            return self.on_scale(entity, occurrence, marker)
        if isinstance(marker, KindAndId):
            return self.kind_and_id(entity, path, marker, value)
        if marker.once:
            seen = listed[path[:-1]]
            if value in seen:
                self.problem(entity, path, f"{marker.kind} '{value}' is listed twice")
                return False
            seen.add(value)
        return self.ref(entity, path, marker.kind, value)

    def on_scale(self, entity: Loaded[Any], occurrence: Occurrence, marker: ScaleOf) -> bool:
        """A term of the vocabulary that the term chosen beside it names as its scale. An unknown
        choice is reported at the choice; then there is no scale to check against."""
        chooser = slot(type(occurrence.owner), marker.field)
        choice = getattr(occurrence.owner, marker.field, None)
        if chooser is None or not isinstance(chooser.marker, Vocab) or not isinstance(choice, str):
            return False
        chosen = self.index.vocabularies.get(chooser.marker.vocabulary, {}).get(choice)
        if chosen is None or not chosen.scale:
            return False
        return self.term(entity, occurrence.path, chosen.scale, occurrence.value)

    def kind_and_id(self, entity: Loaded[Any], path: tuple[str | int, ...], marker: KindAndId, value: str) -> bool:
        kind, sep, target_id = value.partition(":")
        kinds = [k for k in self.data.entities if k not in marker.excluding]
        if not sep or kind not in kinds:
            strange = strange_characters(value)
            self.problem(entity, path, f"'{value}'{strange} must be 'kind:id' with kind one of: {', '.join(kinds)}")
            return False
        return self.ref(entity, path, kind, target_id)

    # --- membership -----------------------------------------------------------------------
    def membership(self) -> None:
        """A publication's members: a kind that belongs to one publication may be listed by one only."""
        for pub_id, entity in self.data.entities["publication"].items():
            for list_name, kind in publication_lists():
                for path, member in self.targets("publication", pub_id, list_name):
                    key = (kind, member)
                    if KINDS[kind].one_publication and key in self.index.publication_of:
                        other = self.index.publication_of[key]
                        self.problem(entity, path, f"{kind} '{member}' already belongs to publication '{other}'")
                        continue
                    self.index.publication_of[key] = pub_id
                    if kind == "study":
                        self.index.publications_by_study[member].append(pub_id)

    def same_as_study(self) -> None:
        """A study record is at most one publication (a thesis that a review includes)."""
        for pub_id, entity in self.data.entities["publication"].items():
            for path, study_id in self.targets("publication", pub_id, "same_as_study"):
                if study_id in self.index.publication_as_study:
                    other = self.index.publication_as_study[study_id]
                    self.problem(entity, path, f"study '{study_id}' already is publication '{other}'")
                else:
                    self.index.publication_as_study[study_id] = pub_id

    def chart_ids(self) -> None:
        for entity in self.data.entities["publication"].values():
            charts = entity.model.charts
            for i, chart in enumerate(charts):
                if sum(1 for c in charts if c.id == chart.id) > 1:
                    self.problem(entity, ("charts", i, "id"), f"chart id '{chart.id}' is used twice")

    def back_links(self) -> None:
        """What each page lists of the entities that refer to it, in the order the pages show them."""
        for study_id in self.data.entities["study"]:
            for intervention in self.ids_of("study", study_id, "intervention"):
                self.index.studies_by_intervention[intervention].append(study_id)
        for intervention_id in sorted(self.data.entities["intervention"]):
            for finding_id in self.ids_of("intervention", intervention_id, "finding"):
                self.index.interventions_by_finding[finding_id].append(intervention_id)
        for assessment_id in self.data.entities["assessment"]:
            for study_id in self.ids_of("assessment", assessment_id, "study"):
                self.index.assessments_by_study[study_id].append(assessment_id)
        for finding_id in sorted(self.data.entities["finding"]):
            for theme_id in self.ids_of("finding", finding_id, "theme"):
                self.index.findings_by_theme[theme_id].append(finding_id)
        for implication_id in sorted(self.data.entities["implication"]):
            for finding_id in self.ids_of("implication", implication_id, "finding"):
                self.index.implications_by_finding[finding_id].append(implication_id)
        for kind in referring_kinds("topic"):
            for entity_id in sorted(self.data.entities[kind]):
                for topic in self.ids_of(kind, entity_id, "topic"):
                    self.index.topic_members[topic].append((kind, entity_id))

    # --- same publication -------------------------------------------------------------------
    def same_publication(
        self, entity: Loaded[Any], path: tuple[str | int, ...], owner: tuple[str, str], target: tuple[str, str]
    ) -> None:
        mine, theirs = self.index.publication_of.get(owner), self.index.publication_of.get(target)
        if mine and theirs and mine != theirs:
            self.problem(entity, path, f"{target[0]} '{target[1]}' belongs to publication '{theirs}', not '{mine}'")

    def subthemes(self) -> None:
        """A sub-theme is in its parent's publication; sub-themes in that publication's order (the source's)."""
        for theme_id, entity in sorted(self.data.entities["theme"].items()):
            for path, parent in self.targets("theme", theme_id, "parent"):
                if parent == theme_id:  # its own parent: a cycle (see cycles)
                    continue
                self.index.subthemes[parent].append(theme_id)
                self.same_publication(entity, path, ("theme", theme_id), ("theme", parent))
        for parent, subs in self.index.subthemes.items():
            pub_id = self.index.publication_of.get(("theme", parent))
            order = self.index.publication(pub_id).themes if pub_id else []
            subs.sort(key=lambda t: order.index(t) if t in order else len(order))

    def findings_in_their_publication(self) -> None:
        """A finding's theme is among its publication's themes, its studies among its studies."""
        for finding_id, entity in sorted(self.data.entities["finding"].items()):
            finding: Finding = entity.model
            pub_id = self.index.publication_of.get(("finding", finding_id))
            if pub_id is not None:
                pub = self.index.publication(pub_id)
                if finding.theme in self.data.entities["theme"] and finding.theme not in pub.themes:
                    self.problem(entity, ("theme",), f"theme '{finding.theme}' is not among the themes of publication '{pub_id}'")
            for path, study_id in self.targets("finding", finding_id, "studies"):
                self.index.findings_by_study[study_id].append(finding_id)
                if pub_id and pub_id not in self.index.publications_by_study.get(study_id, []):
                    self.problem(entity, path, f"study '{study_id}' is not among the studies of publication '{pub_id}'")

    def quotes_in_their_publication(self) -> None:
        """A quote illustrates findings and themes of its own publication; each of them lists its
        quotes in the order of the publication's `quotes` (the source's)."""
        order = {q: i for pub in self.data.entities["publication"].values() for i, q in enumerate(pub.model.quotes)}
        for quote_id, entity in sorted(self.data.entities["quote"].items(), key=lambda item: (order.get(item[0], -1), item[0])):
            for kind, back_links in (("finding", self.index.quotes_by_finding), ("theme", self.index.quotes_by_theme)):
                for path, target in self.targets("quote", quote_id, f"{kind}s"):
                    self.same_publication(entity, path, ("quote", quote_id), (kind, target))
                    back_links[target].append(quote_id)

    def entries_in_their_publication(self) -> None:
        """A reference list entry that is a study record names one of its publication's studies,
        and a study is at most one entry of each list."""
        order = {r: i for pub in self.data.entities["publication"].values() for i, r in enumerate(pub.model.references)}
        taken: dict[tuple[str, str], str] = {}
        for reference_id, entity in sorted(
            self.data.entities["reference"].items(), key=lambda item: (order.get(item[0], -1), item[0])
        ):
            pub_id = self.index.publication_of.get(("reference", reference_id))
            for path, study_id in self.targets("reference", reference_id, "study"):
                if pub_id and pub_id not in self.index.publications_by_study.get(study_id, []):
                    self.problem(entity, path, f"study '{study_id}' is not among the studies of publication '{pub_id}'")
                    continue
                other = taken.get((pub_id or "", study_id))
                if other is not None:
                    self.problem(entity, path, f"study '{study_id}' is already reference list entry '{other}'")
                    continue
                taken[(pub_id or "", study_id)] = reference_id
                self.index.entries_by_study[study_id].append(reference_id)

    def quotes_without_personal_data(self) -> None:
        """A quotation carries no e-mail address, phone number or web address (privacy.py), in any language."""
        for entity in self.data.entities["quote"].values():
            quote: Quote = entity.model
            for lang in LANGUAGES:
                for found in personal_data(quote.text.get(lang) or ""):
                    self.problem(
                        entity,
                        ("text", lang),
                        f"a quote carries no personal data: {found.what} ('{found.text}'); remove it from the quotation",
                    )

    # --- numbering --------------------------------------------------------------------------
    def numbering(self, kind: str, *, naming_publication: bool) -> None:
        """Each number once within a publication."""
        numbers: dict[tuple[str, int], str] = {}
        for entity_id, entity in sorted(self.data.entities[kind].items()):
            pub_id = self.index.publication_of.get((kind, entity_id))
            if pub_id is None:
                continue
            number = entity.model.number
            other = numbers.get((pub_id, number))
            if other:
                where = f" in publication '{pub_id}'" if naming_publication else ""
                self.problem(entity, ("number",), f"number {number} is already used by {kind} '{other}'{where}")
            numbers[(pub_id, number)] = entity_id

    # --- titles -----------------------------------------------------------------------------
    def titles(self) -> None:
        """A finding's title fits a table row (`title_length`), and no two findings of a publication
        share one in the same language: a list could not tell them apart. Warnings, at the title."""
        seen: dict[tuple[str, str, str], str] = {}
        findings = sorted(self.data.entities["finding"].items(), key=lambda item: (item[1].model.number, item[0]))
        for finding_id, entity in findings:
            pub_id = self.index.publication_of.get(("finding", finding_id))
            for lang, too_long_or_short, same in self.walks.derived("titles", entity.model, partial(_titles, entity.model)):
                if too_long_or_short:
                    self.problem(entity, ("title", lang), too_long_or_short, warning=True)
                if pub_id is None:
                    continue
                key = (pub_id, lang, same)
                other = seen.setdefault(key, finding_id)
                if other != finding_id:
                    self.problem(
                        entity,
                        ("title", lang),
                        f"finding '{other}' of publication '{pub_id}' has the same title: a list could not tell "
                        "the two apart; say what sets this finding apart",
                        warning=True,
                    )

    # --- CERQual ----------------------------------------------------------------------------
    def cerqual_whole(self) -> None:
        """The CERQual assessment is whole or absent: components without the overall confidence
        (or the reverse) is reported at the missing field."""
        for entity in self.data.entities["finding"].values():
            finding: Finding = entity.model
            if finding.components is not None and finding.confidence is None:
                self.problem(entity, ("confidence",), "a finding with CERQual 'components' needs its overall 'confidence'")
            if finding.confidence is not None and finding.components is None:
                self.problem(entity, ("components",), "a finding with a CERQual 'confidence' needs its four 'components'")

    def explanations(self) -> None:
        """A concern above the lowest level says why it was given."""
        for finding_id, entity in self.data.entities["finding"].items():
            components = entity.model.components
            if components is None:
                continue
            every_value_found = self.walks.all_found(entity.model, self.universe)
            for name in COMPONENT_FIELDS:
                component = getattr(components, name)
                known = every_value_found or self.found("finding", finding_id, ("components", name, "level"))
                if known and component.level != NO_CONCERN and component.explanation is None:
                    self.problem(
                        entity,
                        ("components", name),
                        f"a '{component.level}' concern needs its 'explanation' (why this level was given); "
                        f"only '{NO_CONCERN}' may go without",
                    )

    # --- matrices ---------------------------------------------------------------------------
    def matrices(self) -> None:
        """An assessment is a row of one matrix, with a value for each of its columns and no other."""
        for matrix_id, entity in self.data.entities["matrix"].items():
            matrix: Matrix = entity.model
            columns = [column for _, column in self.targets("matrix", matrix_id, "columns")]
            for path, row_id in self.targets("matrix", matrix_id, "rows"):
                if row_id in self.index.matrix_of_assessment:
                    self.problem(
                        entity,
                        path,
                        f"assessment '{row_id}' is already a row of matrix '{self.index.matrix_of_assessment[row_id]}'",
                    )
                    continue
                self.index.matrix_of_assessment[row_id] = matrix_id
                row_entity: Loaded[Assessment] = self.data.entities["assessment"][row_id]
                for column in columns:
                    if column not in row_entity.model.values:
                        self.problem(
                            row_entity, ("values",), f"no value for characteristic '{column}' (a column of matrix '{matrix_id}')"
                        )
                for key in row_entity.model.values:
                    if key in self.data.entities["characteristic"] and key not in matrix.columns:
                        self.problem(
                            row_entity, ("values", key), f"characteristic '{key}' is not a column of matrix '{matrix_id}'"
                        )

    # --- notes ------------------------------------------------------------------------------
    def notes(self) -> None:
        """A note names only fields the entities it concerns have."""
        for note_id, entity in self.data.entities["note"].items():
            note: DataNote = entity.model
            for target in [value for _, value in self.targets("note", note_id, "applies_to")]:
                kind, _, target_id = target.partition(":")
                self.index.notes_for[(kind, target_id)].append(note_id)
                model_fields = type(self.data.entities[kind][target_id].model).model_fields
                for j, name in enumerate(note.fields):
                    if name not in model_fields:
                        self.problem(entity, ("fields", j), f"'{name}' is not a field of {kind} '{target_id}'")

    # --- drafts: what nothing lists yet (warnings: a draft may wait) --------------------------
    def drafts(self) -> None:
        for finding_id, entity in sorted(self.data.entities["finding"].items()):
            if ("finding", finding_id) not in self.index.publication_of:
                self.unlisted(
                    entity, f"finding '{finding_id}' is not listed in any publication's findings", self.listing("finding")
                )
        for study_id, entity in self.data.entities["study"].items():
            if study_id not in self.index.publication_as_study and study_id not in self.index.publications_by_study:
                self.unlisted(entity, f"study '{study_id}' is not included in any publication", self.listing("study"))
        for kind in ("intervention", "implication", "case", "quote"):
            for entity_id, entity in sorted(self.data.entities[kind].items()):
                if (kind, entity_id) not in self.index.publication_of:
                    self.unlisted(entity, f"{kind} '{entity_id}' is not listed in any publication", self.listing(kind))
        for assessment_id, entity in self.data.entities["assessment"].items():
            if assessment_id not in self.index.matrix_of_assessment:
                self.unlisted(entity, f"assessment '{assessment_id}' is not a row of any matrix", self.listing("assessment"))
        for topic_id, entity in sorted(self.data.entities["topic"].items()):
            if topic_id not in self.index.topic_members:
                self.unlisted(
                    entity, f"topic '{topic_id}' has no findings, implications or other content", referring_kinds("topic")
                )

    def cycles(self) -> None:
        """Every loop in a chain (`kinds.chains`), as one error at the field of the entity where it starts."""
        for kind, field_name in chains():
            entities = self.data.entities[kind]
            edges = {
                entity_id: [t for t in _values(getattr(entity.model, field_name)) if t in entities]
                for entity_id, entity in entities.items()
            }
            for cycle in find_cycles(edges):
                message = f"{kind} cycle: {' -> '.join(cycle)} (following '{field_name}' must come to an end)"
                self.problem(entities[cycle[0]], (field_name,), message)

    def cerqual(self) -> None:
        """An overall confidence its components cannot explain is a warning, unless a data note of
        category 'discrepancy' about the finding's `confidence` records it (the source said so; we
        do not correct it silently). A note about something else in the finding does not count."""
        for finding_id, entity in sorted(self.data.entities["finding"].items()):
            finding: Finding = entity.model
            if finding.components is None or finding.confidence is None:
                continue
            reason = self.walks.derived("unreconciled", finding, partial(_unreconciled, finding))
            notes = [self.index.note(n) for n in self.index.notes_for.get(("finding", finding_id), [])]
            if reason is None or any(note.category == "discrepancy" and "confidence" in note.fields for note in notes):
                continue
            self.problem(
                entity,
                ("confidence",),
                f"{reason}; if the source says so, record it in a data note of category 'discrepancy' with fields: [confidence]",
                warning=True,
            )

    def translations(self) -> None:
        for entities in self.data.entities.values():
            for _, entity in sorted(entities.items()):
                for path, lang in self.walks.derived("missing", entity.model, partial(self._missing, entity.model)):
                    self.problem(entity, path, f"missing {LANGUAGE_NAMES[lang]} text", warning=True)

    def _missing(self, model: BaseModel) -> tuple[tuple[tuple[str | int, ...], str], ...]:
        """The texts of `model` without one of the languages, and which."""
        return tuple((path, lang) for path, text in self.walks.texts(model) for lang in LANGUAGES if text.get(lang) is None)

    # --- the glossary: one vocabulary in both languages (glossary.py) -------------------------
    def glossary(self) -> None:
        """The glossary's own declarations (errors), then every English text of every entity against
        it (warnings, at the English text). English that is the source's own (`en_origin: source`,
        an official English version) is the source's words, as the Norwegian is: never warned about."""
        entities: dict[str, Loaded[GlossaryTerm]] = self.data.entities["term"]
        terms = {term_id: entity.model for term_id, entity in entities.items()}
        for term_id, path, message in conflicts(terms):
            self.problem(entities[term_id], path, message)
        if not terms:
            return
        glossary = Glossary(terms)
        for kind, kind_entities in self.data.entities.items():
            for entity_id, entity in sorted(kind_entities.items()):
                own_term = entity_id if kind == "term" else None
                for path, text in self.walks.texts(entity.model):
                    if text.en is None or text.en_origin == "source":
                        continue
                    for found in glossary.misrenderings(text.nb or "", text.en, exempt=own_term):
                        term = terms[found.term_id]
                        self.problem(
                            entity,
                            (*path, "en"),
                            f"'{found.written}' renders {term.term.nb or term.id}; the glossary says "
                            f"'{term.term.en or '(no English yet)'}' ({self.index.source_path('term', found.term_id)})",
                            warning=True,
                        )
                    for name in glossary.norwegian_names(text.en):
                        self.problem(
                            entity,
                            (*path, "en"),
                            f"'{name.written}' is the Norwegian name: write '{name.english}' in English, with "
                            f"'{name.written}' in brackets where a reader may look it up "
                            f"({self.index.source_path('term', name.term_id)})",
                            warning=True,
                        )


def _unreconciled(finding: Finding) -> str | None:
    assert finding.components is not None and finding.confidence is not None
    return unreconciled(levels(finding.components), finding.confidence)


def _titles(finding: Finding) -> tuple[tuple[str, str | None, str], ...]:
    """Per language of a finding's title: what is wrong with its length, and the title as two
    titles that read the same compare (`_Checker.titles`). A missing language is `translations`'."""
    return tuple(
        (lang, title_length(title), " ".join(title.casefold().split()))
        for lang in LANGUAGES
        if (title := finding.title.get(lang)) is not None
    )


def title_length(title: str) -> str | None:
    """What is wrong with the length of a finding's title in one language, if anything (the limits
    are `models.TITLE_*`): too few words to say what the finding says, or too long for a table row."""
    words, characters = len(title.split()), len(title)
    limits = f"{TITLE_MIN_WORDS} to {TITLE_MAX_WORDS} words, at most {TITLE_MAX_CHARACTERS} characters"
    if words < TITLE_MIN_WORDS:
        return (
            f"title has {words} word{'s' if words != 1 else ''} ({limits}): say what the finding is about "
            f"and what it says, e.g. '{TITLE_EXAMPLE['nb']}'"
        )
    if words > TITLE_MAX_WORDS:
        return f"title has {words} words ({limits}): shorten it to what the finding is about and what it says"
    if characters > TITLE_MAX_CHARACTERS:
        return f"title has {characters} characters ({limits}): shorten it, or choose shorter words"
    return None


def _values(value: Any) -> list[str]:
    """A field's ids as a list: none, one, or the list's."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def find_cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected part of a directed graph that loops, e.g. ['a', 'b', 'a'].

    Each starts and ends at the part's smallest node and is a shortest way back to it, so the
    message is the same whichever file the loop was made in. Iterative (Tarjan): a chain of
    10,000 studies must not hit the recursion limit."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []
    for root in sorted(edges):
        if root in index_of:
            continue
        work = [(root, iter(edges.get(root, ())))]
        index_of[root] = low[root] = len(index_of)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index_of:
                    index_of[target] = low[target] = len(index_of)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(edges.get(target, ()))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index_of[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index_of[node]:
                    part = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        part.append(member)
                        if member == node:
                            break
                    if len(part) > 1 or node in edges.get(node, ()):
                        parts.append(part)
    return sorted(_shortest_loop(min(part), set(part), edges) for part in parts)


def _shortest_loop(start: str, part: set[str], edges: dict[str, list[str]]) -> list[str]:
    """The shortest path from `start` back to itself inside one strongly connected part."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(edges.get(node, ())):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if target in part and target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError("a strongly connected part always loops back")  # pragma: no cover


def build_index(data: DataSet, report: Report, walks: Walks | None = None) -> Index:
    """Resolve references and collect back-links. Problems are added to `report`. `walks`: the
    walks of an index before, for the models it shares with `data` (the live preview)."""
    return _Checker(data, report, walks or Walks()).run()
