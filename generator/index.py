"""Cross-reference index: resolves every reference, builds back-links, finds translation gaps.

Pure: takes validated models, returns an `Index` and adds located problems to a report.
Nothing here reads or writes files.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .cerqual import COMPONENT_FIELDS, NO_CONCERN, levels, unreconciled
from .errors import Location, Report, strange_characters
from .models import (
    Assessment,
    Case,
    Characteristic,
    DataNote,
    Finding,
    Implication,
    Intervention,
    Matrix,
    Publication,
    Study,
    Term,
    Text,
    Theme,
    Topic,
    Vocabulary,
)
from .settings import LANGUAGES, kind_folder
from .sources import format_field_path
from .validate import DataSet, Loaded

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

MEMBER_LISTS: tuple[tuple[str, str], ...] = (
    ("themes", "theme"),
    ("findings", "finding"),
    ("studies", "study"),
    ("characteristics", "characteristic"),
    ("matrices", "matrix"),
    ("interventions", "intervention"),
    ("implications", "implication"),
    ("cases", "case"),
)
"""Publication field -> kind of the entities it lists."""

SINGLE_PUBLICATION_KINDS = frozenset({"finding", "matrix", "characteristic", "theme", "intervention", "implication", "case"})
"""Kinds that belong to exactly one publication (studies may belong to several)."""

TOPIC_KINDS = ("finding", "implication", "intervention", "case", "theme")
"""Kinds that carry a `topics` list."""

CHAINS: tuple[tuple[str, str], ...] = (("theme", "parent"), ("study", "follow_up_of"))
"""Fields that hold the id of another entity of the same kind. Followed from any entity, such a
chain must end: in a loop, every tree built from the field (the themes page) loses the entities in
it. (A publication that lists its own study record, `same_as_study`, among its studies is no such
loop: a thesis's findings cite the thesis as their study.)"""

LANGUAGE_NAMES = {"nb": "Norwegian (nb)", "en": "English (en)"}

Read = tuple[str, str]
"""What a template read: (kind, id) of an entity, ("vocabulary", name), or ("all", kind) for the list of a kind's ids."""


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
    studies_by_intervention: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    subthemes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    publication_as_study: dict[str, str] = field(default_factory=dict)
    """study id -> the publication that *is* that study (a thesis that a review includes)."""
    references: Any = None
    """references.ReferenceCache for formatted citations, set by the build (optional)."""
    reads: set[Read] | None = None
    """When set, every entity, vocabulary and id list a template reads is recorded here: the
    page's dependencies, for incremental rebuilds (see incremental.py), and the data files it
    names as its sources (`source_files`). Set it with `recording`."""

    @contextmanager
    def recording(self) -> Iterator[set[Read]]:
        """Record what is read inside the block into a new set; an enclosing recording gets it too
        (a page rendered while the live preview records its dependencies)."""
        outer = self.reads
        self.reads = reads = set()
        try:
            yield reads
        finally:
            self.reads = outer
            if outer is not None:
                outer |= reads

    def source_files(self, reads: set[Read]) -> list[str]:
        """The data files behind what was read, as project paths, sorted.

        A reader that went through the list of a kind's files and read every one of them (the
        overview, the studies index) gets their folder (`data/studies/`) instead: the list stays
        short, and the folder is what it came from (a file added there changes it too)."""
        read_ids: dict[str, set[str]] = defaultdict(set)
        for kind, entity_id in reads:
            if kind != "all":
                read_ids[kind].add(entity_id)
        files: set[str] = set()
        for kind, ids in read_ids.items():
            every = set(self.data.entities[kind])
            if ("all", kind) in reads and ids >= every:
                files.add(kind_folder(kind))
            else:
                files.update(self.source_path(kind, entity_id) for entity_id in ids)
        return sorted(files)

    # --- typed accessors ---------------------------------------------------------------
    def _get(self, kind: str, entity_id: str) -> Any:
        if self.reads is not None:
            self.reads.add((kind, entity_id))
        return self.data.entities[kind][entity_id].model

    def publication(self, pub_id: str) -> Publication:
        return self._get("publication", pub_id)  # type: ignore[no-any-return]

    def finding(self, finding_id: str) -> Finding:
        return self._get("finding", finding_id)  # type: ignore[no-any-return]

    def study(self, study_id: str) -> Study:
        return self._get("study", study_id)  # type: ignore[no-any-return]

    def theme(self, theme_id: str) -> Theme:
        return self._get("theme", theme_id)  # type: ignore[no-any-return]

    def characteristic(self, char_id: str) -> Characteristic:
        return self._get("characteristic", char_id)  # type: ignore[no-any-return]

    def assessment(self, assessment_id: str) -> Assessment:
        return self._get("assessment", assessment_id)  # type: ignore[no-any-return]

    def matrix(self, matrix_id: str) -> Matrix:
        return self._get("matrix", matrix_id)  # type: ignore[no-any-return]

    def intervention(self, intervention_id: str) -> Intervention:
        return self._get("intervention", intervention_id)  # type: ignore[no-any-return]

    def implication(self, implication_id: str) -> Implication:
        return self._get("implication", implication_id)  # type: ignore[no-any-return]

    def case(self, case_id: str) -> Case:
        return self._get("case", case_id)  # type: ignore[no-any-return]

    def topic(self, topic_id: str) -> Topic:
        return self._get("topic", topic_id)  # type: ignore[no-any-return]

    def entity(self, kind: str, entity_id: str) -> Any:
        return self._get(kind, entity_id)

    def note(self, note_id: str) -> DataNote:
        return self._get("note", note_id)  # type: ignore[no-any-return]

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
        for list_name, kind in MEMBER_LISTS:
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
        return result  # type: ignore[return-value]

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


def iter_texts(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Text]]:
    """Every bilingual text inside a model, with its field path."""
    if isinstance(value, Text):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from iter_texts(getattr(value, name), (*path, name))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from iter_texts(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_texts(item, (*path, key))


def _suggest(value: str, candidates: list[str], aliases: dict[str, str] | None = None) -> str:
    if aliases and value in aliases:
        return f" (did you mean '{aliases[value]}'? '{value}' is one of its aliases)"
    close = difflib.get_close_matches(value, candidates, n=1, cutoff=0.75)
    if close:
        return f" (did you mean '{close[0]}'?)"
    return ""


class _Checker:
    def __init__(self, data: DataSet, report: Report) -> None:
        self.data = data
        self.report = report
        self.index = Index(data)

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

    # stages -------------------------------------------------------------------------
    def run(self) -> Index:
        self.vocabularies()
        self.aliases()
        self.studies()
        self.publications()
        self.themes()
        self.findings()
        self.matrices()
        self.interventions()
        self.implications()
        self.cases()
        self.topics()
        self.notes()
        self.cycles()
        self.cerqual()
        self.translations()
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

    def studies(self) -> None:
        for entity in self.data.entities["study"].values():
            study: Study = entity.model
            self.term(entity, ("publication_type",), "publication-type", study.publication_type)
            self.term(entity, ("design",), "design", study.design)
            if study.country is not None:
                self.term(entity, ("country",), "country", study.country)
            for i, country in enumerate(study.countries):
                self.term(entity, ("countries", i), "country", country)
            for i, sector in enumerate(study.sectors):
                self.term(entity, ("sectors", i), "sector", sector)
            for i, intervention in enumerate(study.interventions):
                if self.ref(entity, ("interventions", i), "intervention", intervention):
                    self.index.studies_by_intervention[intervention].append(study.id)
            for i, effect in enumerate(study.effects):
                self.term(entity, ("effects", i, "outcome"), "outcome", effect.outcome)
                self.term(entity, ("effects", i, "direction"), "effect-direction", effect.direction)
            if study.follow_up_of is not None:
                self.ref(entity, ("follow_up_of",), "study", study.follow_up_of)
            if study.appraisal:
                appraisal = study.appraisal
                if self.term(entity, ("appraisal", "tool"), "appraisal-tool", appraisal.tool):
                    scale = self.index.term("appraisal-tool", appraisal.tool).scale
                    if scale:
                        self.term(entity, ("appraisal", "overall"), scale, appraisal.overall)
                for key, answer in appraisal.items.items():
                    self.term(entity, ("appraisal", "items", key), "appraisal-criterion", key)
                    self.term(entity, ("appraisal", "items", key), "appraisal-answer", answer)
            for i, result in enumerate(study.results):
                self.term(entity, ("results", i, "metric"), "metric", result.metric)

    def publications(self) -> None:
        for pub_id, entity in self.data.entities["publication"].items():
            pub: Publication = entity.model
            self.term(entity, ("publication_type",), "publication-type", pub.publication_type)
            self.term(entity, ("status",), "status", pub.status)
            for list_name, kind in MEMBER_LISTS:
                seen: set[str] = set()
                for i, member in enumerate(getattr(pub, list_name)):
                    if member in seen:
                        self.problem(entity, (list_name, i), f"{kind} '{member}' is listed twice")
                        continue
                    seen.add(member)
                    if not self.ref(entity, (list_name, i), kind, member):
                        continue
                    key = (kind, member)
                    if kind in SINGLE_PUBLICATION_KINDS and key in self.index.publication_of:
                        other = self.index.publication_of[key]
                        self.problem(entity, (list_name, i), f"{kind} '{member}' already belongs to publication '{other}'")
                        continue
                    self.index.publication_of[key] = pub_id
                    if kind == "study":
                        self.index.publications_by_study[member].append(pub_id)
            if pub.same_as_study is not None and self.ref(entity, ("same_as_study",), "study", pub.same_as_study):
                if pub.same_as_study in self.index.publication_as_study:
                    other = self.index.publication_as_study[pub.same_as_study]
                    self.problem(entity, ("same_as_study",), f"study '{pub.same_as_study}' already is publication '{other}'")
                else:
                    self.index.publication_as_study[pub.same_as_study] = pub_id
            for i, chart in enumerate(pub.charts):
                if sum(1 for c in pub.charts if c.id == chart.id) > 1:
                    self.problem(entity, ("charts", i, "id"), f"chart id '{chart.id}' is used twice")
        for study_id, entity in self.data.entities["study"].items():
            if study_id in self.index.publication_as_study:
                continue
            if study_id not in self.index.publications_by_study:
                self.unlisted(entity, f"study '{study_id}' is not included in any publication", ("publication",))

    def findings(self) -> None:
        numbers: dict[tuple[str, int], str] = {}
        for finding_id, entity in sorted(self.data.entities["finding"].items()):
            finding: Finding = entity.model
            pub_id = self.index.publication_of.get(("finding", finding_id))
            if pub_id is None:
                self.unlisted(entity, f"finding '{finding_id}' is not listed in any publication's findings", ("publication",))
            else:
                pub = self.index.publication(pub_id)
                other = numbers.get((pub_id, finding.number))
                if other:
                    self.problem(
                        entity,
                        ("number",),
                        f"number {finding.number} is already used by finding '{other}' in publication '{pub_id}'",
                    )
                numbers[(pub_id, finding.number)] = finding_id
                if finding.theme in self.data.entities["theme"] and finding.theme not in pub.themes:
                    self.problem(entity, ("theme",), f"theme '{finding.theme}' is not among the themes of publication '{pub_id}'")
            self.ref(entity, ("theme",), "theme", finding.theme)
            self.term(entity, ("finding_type",), "finding-type", finding.finding_type)
            # The CERQual assessment is whole or absent: components without the overall
            # confidence (or the reverse) is reported at the missing field.
            if finding.components is not None and finding.confidence is None:
                self.problem(entity, ("confidence",), "a finding with CERQual 'components' needs its overall 'confidence'")
            if finding.confidence is not None and finding.components is None:
                self.problem(entity, ("components",), "a finding with a CERQual 'confidence' needs its four 'components'")
            if finding.confidence is not None:
                self.term(entity, ("confidence",), "confidence", finding.confidence)
            if finding.components is not None:
                for name in COMPONENT_FIELDS:
                    component = getattr(finding.components, name)
                    known = self.term(entity, ("components", name, "level"), "concern", component.level)
                    if known and component.level != NO_CONCERN and component.explanation is None:
                        self.problem(
                            entity,
                            ("components", name),
                            f"a '{component.level}' concern needs its 'explanation' (why this level was given); "
                            f"only '{NO_CONCERN}' may go without",
                        )
            if finding.direction is not None:
                self.term(entity, ("direction",), "effect-direction", finding.direction)
            self.topic_refs(entity, "finding", finding_id, finding.topics)
            for i, level in enumerate(finding.pyramid_levels):
                self.term(entity, ("pyramid_levels", i), "pyramid-level", level)
            seen: set[str] = set()
            for i, study_id in enumerate(finding.studies):
                if study_id in seen:
                    self.problem(entity, ("studies", i), f"study '{study_id}' is listed twice")
                    continue
                seen.add(study_id)
                if not self.ref(entity, ("studies", i), "study", study_id):
                    continue
                self.index.findings_by_study[study_id].append(finding_id)
                if pub_id and pub_id not in self.index.publications_by_study.get(study_id, []):
                    self.problem(entity, ("studies", i), f"study '{study_id}' is not among the studies of publication '{pub_id}'")

    def topic_refs(self, entity: Loaded[Any], kind: str, entity_id: str, topics: list[str]) -> None:
        for i, topic in enumerate(topics):
            if self.ref(entity, ("topics", i), "topic", topic):
                self.index.topic_members[topic].append((kind, entity_id))

    def listed(self, entity: Loaded[Any], kind: str, entity_id: str) -> str | None:
        """The publication listing this entity; a warning (not an error: a draft may wait) when none does."""
        pub_id = self.index.publication_of.get((kind, entity_id))
        if pub_id is None:
            self.unlisted(entity, f"{kind} '{entity_id}' is not listed in any publication", ("publication",))
        return pub_id

    def pyramid(self, entity: Loaded[Any], levels: list[str]) -> None:
        for i, level in enumerate(levels):
            self.term(entity, ("pyramid_levels", i), "pyramid-level", level)

    def same_publication(
        self, entity: Loaded[Any], path: tuple[str | int, ...], owner: tuple[str, str], target: tuple[str, str]
    ) -> None:
        mine, theirs = self.index.publication_of.get(owner), self.index.publication_of.get(target)
        if mine and theirs and mine != theirs:
            self.problem(entity, path, f"{target[0]} '{target[1]}' belongs to publication '{theirs}', not '{mine}'")

    def themes(self) -> None:
        for theme_id, entity in sorted(self.data.entities["theme"].items()):
            theme: Theme = entity.model
            if theme.parent is not None and theme.parent != theme_id:  # its own parent: a cycle (see cycles)
                if self.ref(entity, ("parent",), "theme", theme.parent):
                    self.index.subthemes[theme.parent].append(theme_id)
                    self.same_publication(entity, ("parent",), ("theme", theme_id), ("theme", theme.parent))
            for key in theme.code_counts:
                self.term(entity, ("code_counts", key), "informant-group", key)
        # Sub-themes in their publication's order (the source's), not alphabetically.
        for parent, subs in self.index.subthemes.items():
            pub_id = self.index.publication_of.get(("theme", parent))
            order = self.index.publication(pub_id).themes if pub_id else []
            subs.sort(key=lambda t: order.index(t) if t in order else len(order))
        for theme_id, entity in sorted(self.data.entities["theme"].items()):
            theme = entity.model
            for i, study_id in enumerate(theme.studies):
                self.ref(entity, ("studies", i), "study", study_id)
            self.topic_refs(entity, "theme", theme_id, theme.topics)

    def interventions(self) -> None:
        for intervention_id, entity in sorted(self.data.entities["intervention"].items()):
            intervention: Intervention = entity.model
            for i, sector in enumerate(intervention.sectors):
                self.term(entity, ("sectors", i), "sector", sector)
            self.pyramid(entity, intervention.pyramid_levels)
            if intervention.evidence is not None:
                self.term(entity, ("evidence",), "evidence-status", intervention.evidence)
            self.topic_refs(entity, "intervention", intervention_id, intervention.topics)
            self.listed(entity, "intervention", intervention_id)

    def implications(self) -> None:
        numbers: dict[tuple[str, int], str] = {}
        for implication_id, entity in sorted(self.data.entities["implication"].items()):
            implication: Implication = entity.model
            pub_id = self.listed(entity, "implication", implication_id)
            if pub_id is not None:
                other = numbers.get((pub_id, implication.number))
                if other:
                    self.problem(entity, ("number",), f"number {implication.number} is already used by implication '{other}'")
                numbers[(pub_id, implication.number)] = implication_id
            self.term(entity, ("implication_type",), "implication-type", implication.implication_type)
            for i, audience in enumerate(implication.audiences):
                self.term(entity, ("audiences", i), "audience", audience)
            for i, finding_id in enumerate(implication.findings):
                if self.ref(entity, ("findings", i), "finding", finding_id):
                    self.index.implications_by_finding[finding_id].append(implication_id)
            for i, study_id in enumerate(implication.studies):
                self.ref(entity, ("studies", i), "study", study_id)
            self.pyramid(entity, implication.pyramid_levels)
            self.topic_refs(entity, "implication", implication_id, implication.topics)

    def cases(self) -> None:
        for case_id, entity in sorted(self.data.entities["case"].items()):
            case: Case = entity.model
            self.pyramid(entity, case.pyramid_levels)
            self.topic_refs(entity, "case", case_id, case.topics)
            self.listed(entity, "case", case_id)

    def topics(self) -> None:
        for topic_id, entity in sorted(self.data.entities["topic"].items()):
            if topic_id not in self.index.topic_members:
                self.unlisted(entity, f"topic '{topic_id}' has no findings, implications or other content", TOPIC_KINDS)

    def matrices(self) -> None:
        for matrix_id, entity in self.data.entities["matrix"].items():
            matrix: Matrix = entity.model
            columns = [c for i, c in enumerate(matrix.columns) if self.ref(entity, ("columns", i), "characteristic", c)]
            for i, row_id in enumerate(matrix.rows):
                if not self.ref(entity, ("rows", i), "assessment", row_id):
                    continue
                if row_id in self.index.matrix_of_assessment:
                    self.problem(
                        entity,
                        ("rows", i),
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
        for assessment_id, entity in self.data.entities["assessment"].items():
            assessment: Assessment = entity.model
            if self.ref(entity, ("study",), "study", assessment.study):
                self.index.assessments_by_study[assessment.study].append(assessment_id)
            for key, value in assessment.values.items():
                self.ref(entity, ("values", key), "characteristic", key)
                self.term(entity, ("values", key), "matrix-value", value)
            if assessment_id not in self.index.matrix_of_assessment:
                self.unlisted(entity, f"assessment '{assessment_id}' is not a row of any matrix", ("matrix",))

    def notes(self) -> None:
        for note_id, entity in self.data.entities["note"].items():
            note: DataNote = entity.model
            self.term(entity, ("category",), "note-category", note.category)
            for i, target in enumerate(note.applies_to):
                kind, sep, target_id = target.partition(":")
                if not sep or kind not in self.data.entities or kind in ("note", "vocabulary"):
                    kinds = ", ".join(k for k in self.data.entities if k not in ("note", "vocabulary"))
                    strange = strange_characters(target)
                    self.problem(entity, ("applies_to", i), f"'{target}'{strange} must be 'kind:id' with kind one of: {kinds}")
                    continue
                if self.ref(entity, ("applies_to", i), kind, target_id):
                    self.index.notes_for[(kind, target_id)].append(note_id)
                    model_fields = type(self.data.entities[kind][target_id].model).model_fields
                    for j, name in enumerate(note.fields):
                        if name not in model_fields:
                            self.problem(entity, ("fields", j), f"'{name}' is not a field of {kind} '{target_id}'")

    def cycles(self) -> None:
        """Every loop in a chain (CHAINS), as one error at the field of the entity where it starts."""
        for kind, field_name in CHAINS:
            entities = self.data.entities[kind]
            edges = {
                entity_id: [target] if (target := getattr(entity.model, field_name)) in entities else []
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
            reason = unreconciled(levels(finding.components), finding.confidence)
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
                for path, text in iter_texts(entity.model):
                    for lang in LANGUAGES:
                        if text.get(lang) is None:
                            self.problem(entity, path, f"missing {LANGUAGE_NAMES[lang]} text", warning=True)


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


def build_index(data: DataSet, report: Report) -> Index:
    """Resolve references and collect back-links. Problems are added to `report`."""
    return _Checker(data, report).run()
