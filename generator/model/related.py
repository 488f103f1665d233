"""The evidence around a finding, decided once: which findings, interventions, effect studies and
implications of the whole knowledge base are related to it, and in what order.

What relates two findings is what the data links, never a guess from their words:

- a topic they both carry (`data/topics/`), in any publication;
- within the finding's own publication, its theme's family: the same theme, its sub-themes, its
  parent and the parent's other sub-themes (the source's own grouping);
- across publications, a study both draw on (a thesis that a review includes is that study for
  its own findings) or an intervention of both: one a study of each evaluates, or one that names
  the finding (`Intervention.findings`). Within one publication these are left out: a thesis's
  or a single trial's findings all share their study and its intervention, which says nothing.

The interventions related to a finding are those its studies evaluate or that name it (direct),
then those sharing one of its topics; the effect studies are the studies of those interventions
(the finding's own studies aside: its page lists them); the implications are those that rest on
a related finding (those resting on the finding itself are listed as the implications it supports).

Ranked for a reader who wants the most certain evidence first:

- findings by confidence (high to very low, then those without a CERQual assessment), then by
  how many links they share with the finding, then newest publication first and by number;
- interventions direct first, then by shared topics, then newest publication first, in its order;
- effect studies by the best direction of effect they report (vocabulary order: positive first;
  a study without a recorded direction last), then newest first;
- implications by the rank of the best related finding they rest on, then publication and number.

Pure: reads the index only. The findings tied by a topic are ranked lazily: once per index the
findings are grouped by their exact set of topics, each group in rank order (`_Ranks`), and a
finding's topic ties are merged from those ready-ranked groups and cut at the few a page lists;
the others are counted, never read. So a page that shows the evidence around a finding depends on
the entities it lists and its direct ties (read through the index's accessors), and on one key
per topic, `(RANKED, topic)`, for how that topic's findings rank: the live preview and the page
cache re-render it when one of those changes, not when an unlisted finding's words do.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Generic, TypeVar, cast

from generator.model.index import Index, Read
from generator.model.models import Finding, Implication, Intervention, Study

T = TypeVar("T")

TIE_KINDS = ("theme", "intervention", "study", "topic")
"""What two findings can share, most specific first: the order a related finding's ties are listed in."""


@dataclass(frozen=True)
class Tie:
    """Something a related finding shares with the finding: a theme, an intervention, a study or a topic."""

    kind: str
    id: str


@dataclass(frozen=True)
class RelatedFinding:
    finding: Finding
    publication: str
    ties: tuple[Tie, ...]
    """What it shares with the finding, in `TIE_KINDS` order."""


@dataclass(frozen=True)
class RelatedIntervention:
    intervention: Intervention
    publication: str
    direct: bool
    """Evaluated by one of the finding's studies, or naming the finding; else it shares a topic."""
    topics: tuple[str, ...]
    """The finding's topics it carries."""


@dataclass(frozen=True)
class EffectStudy:
    """A study behind a related intervention, with the related interventions it evaluates."""

    study: Study
    interventions: tuple[str, ...]
    best_direction: str | None
    """The most favourable direction of effect it reports (None: it records no direction)."""


@dataclass(frozen=True)
class RelatedImplication:
    implication: Implication
    publication: str
    findings: tuple[str, ...]
    """The related findings it rests on, in their rank order."""


@dataclass(frozen=True)
class Ranked(Generic[T]):
    """The first items of a ranked list (all of them when no limit was asked for) and how many there are."""

    items: list[T]
    total: int


@dataclass(frozen=True)
class Evidence:
    """Everything around one finding, each kind ranked."""

    findings: Ranked[RelatedFinding]
    interventions: Ranked[RelatedIntervention]
    studies: Ranked[EffectStudy]
    implications: Ranked[RelatedImplication]


RANKED = "ranked"
"""The read `(RANKED, topic id)`: how the topic's findings rank (confidence, publication, number,
topics) and the implications resting on them. A finding page ranks the findings of its topics
without reading each (at 10,000 studies a topic has hundreds); it depends on this instead, and on
the findings it lists. `ranked_digest` hashes it, `ranked_changes` says which an edit touches."""

RankKey = tuple[int, tuple[int, str], int, str]
"""A finding's place among all findings: confidence level, publication (newest first), number, id."""


@dataclass(frozen=True)
class _Ranks:
    """What ranks every finding, computed once per index through no accessor (so nothing is
    recorded): a page that uses it depends on `(RANKED, topic)` for each of its finding's topics."""

    order: dict[str, RankKey]
    topics: dict[str, frozenset[str]]
    groups: dict[frozenset[str], list[str]]
    """The findings by their exact set of topics, each list in `order`: every finding of a group
    shares as many topics with a given finding, so a group is one ready-ranked stream."""
    groups_of_topic: dict[str, list[frozenset[str]]]
    implications_of_topic: dict[str, list[str]]
    """topic -> the implications resting on a finding of the topic, by id."""
    implication_findings: dict[str, tuple[str, ...]]
    implication_order: dict[str, tuple[tuple[int, str], int, str]]

    @classmethod
    def of(cls, index: Index) -> _Ranks:
        confidence = {term: level for level, term in enumerate(index.vocabularies.get("confidence", {}))}
        dates = {pub_id: loaded.model.date.toordinal() for pub_id, loaded in index.data.entities["publication"].items()}

        def publication(kind: str, entity_id: str) -> tuple[int, str]:
            pub_id = index.publication_of.get((kind, entity_id), "")
            return (-dates[pub_id], pub_id) if pub_id else (0, "")

        order: dict[str, RankKey] = {}
        topics: dict[str, frozenset[str]] = {}
        for finding_id, loaded in index.data.entities["finding"].items():
            finding: Finding = loaded.model
            level = confidence.get(finding.confidence or "", len(confidence))
            order[finding_id] = (level, publication("finding", finding_id), finding.number, finding_id)
            topics[finding_id] = frozenset(finding.topics)
        groups: dict[frozenset[str], list[str]] = {}
        for finding_id in sorted(order, key=order.__getitem__):
            groups.setdefault(topics[finding_id], []).append(finding_id)
        groups_of_topic: dict[str, list[frozenset[str]]] = {}
        for group in groups:
            for topic_id in group:
                groups_of_topic.setdefault(topic_id, []).append(group)
        implication_findings: dict[str, tuple[str, ...]] = {}
        implication_order: dict[str, tuple[tuple[int, str], int, str]] = {}
        implications_of_topic: dict[str, set[str]] = {}
        for implication_id, loaded in index.data.entities["implication"].items():
            implication: Implication = loaded.model
            implication_findings[implication_id] = tuple(implication.findings)
            implication_order[implication_id] = (publication("implication", implication_id), implication.number, implication_id)
            for finding_id in implication.findings:
                for topic_id in topics.get(finding_id, ()):
                    implications_of_topic.setdefault(topic_id, set()).add(implication_id)
        return cls(
            order,
            topics,
            groups,
            groups_of_topic,
            {topic_id: sorted(ids) for topic_id, ids in implications_of_topic.items()},
            implication_findings,
            implication_order,
        )


def _ranks(index: Index) -> _Ranks:
    return index.once("related-ranks", lambda: _Ranks.of(index))


def ranked_digest(index: Index, topic_id: str) -> bytes:
    """The digest of `(RANKED, topic)`: the rank of each of the topic's findings and its topics,
    and each implication resting on one of them with its rank and findings."""
    ranks = _ranks(index)
    digest = hashlib.blake2b(digest_size=16)
    for group in ranks.groups_of_topic.get(topic_id, []):
        for finding_id in ranks.groups[group]:
            digest.update(repr((ranks.order[finding_id], sorted(group))).encode())
    for implication_id in ranks.implications_of_topic.get(topic_id, []):
        digest.update(repr((ranks.implication_order[implication_id], ranks.implication_findings[implication_id])).encode())
    return digest.digest()


def ranked_changes(index: Index, kind: str, old: object | None, new: object | None) -> set[Read]:
    """The `(RANKED, topic)` reads an edit of one entity changes (old or new None: added or
    removed), for the live preview: a finding whose confidence, number or topics changed (or that
    came or went) changes its topics' before and after; an implication, the topics of the findings
    it rests on before and after; a publication (its date, its list of findings), every topic."""
    touched: set[str] = set()
    if kind == "finding":
        before, after = cast(Finding | None, old), cast(Finding | None, new)
        facts = [(f.confidence, f.number, sorted(f.topics)) if f else None for f in (before, after)]
        if facts[0] != facts[1]:
            touched = {t for f in (before, after) if f for t in f.topics}
    elif kind == "implication":
        named = {f for i in (cast(Implication | None, old), cast(Implication | None, new)) if i for f in i.findings}
        findings = index.data.entities["finding"]
        touched = {t for f in named if f in findings for t in findings[f].model.topics}
    elif kind == "publication":
        touched = set(index.data.entities["topic"])
    return {(RANKED, t) for t in touched}


def around(index: Index, finding_id: str, limit: int | None = None) -> Evidence:
    """The evidence around a finding: of each kind the first `limit` (all when None) and how many in all."""
    finding = index.finding(finding_id)
    own_pub = index.publication_of.get(("finding", finding_id))
    interventions = related_interventions(index, finding)
    ties = _Ties.of(index, finding, own_pub, [i.intervention.id for i in interventions if i.direct])
    studies = effect_studies(index, finding, [i.intervention.id for i in interventions])
    return Evidence(
        related_findings(index, ties, limit),
        Ranked(interventions[:limit], len(interventions)),
        Ranked(studies[:limit], len(studies)),
        related_implications(index, ties, limit),
    )


@dataclass
class _Ties:
    """What relates other findings to one finding: its topics (shared with whole topics' findings,
    ranked through `_Ranks`) and the few it shares a theme, study or intervention with (`direct`)."""

    finding: Finding
    topics: frozenset[str]
    direct: dict[str, set[Tie]]
    ranks: _Ranks

    @classmethod
    def of(cls, index: Index, finding: Finding, own_pub: str | None, interventions: list[str]) -> _Ties:
        direct: dict[str, set[Tie]] = {}

        def tie(found: Iterable[str], kind: str, entity_id: str, same_publication: bool) -> None:
            for other in found:
                in_own = index.publication_of.get(("finding", other)) == own_pub
                if other != finding.id and in_own == same_publication:
                    direct.setdefault(other, set()).add(Tie(kind, entity_id))

        for topic_id in finding.topics:
            index.topic(topic_id)  # followed: a new member of the topic changes the page
            index.depends_on((RANKED, topic_id))
        index.terms("confidence")  # the ranking follows the vocabulary's order
        for theme_id in theme_family(index, finding.theme):
            tie(index.findings_by_theme.get(theme_id, []), "theme", theme_id, True)
        for study_id in finding.studies:
            tie(index.findings_by_study.get(study_id, []), "study", study_id, False)
        for intervention_id in interventions:
            tie(findings_of_intervention(index, intervention_id), "intervention", intervention_id, False)
        return cls(finding, frozenset(finding.topics), direct, _ranks(index))

    def shared_topics(self, other: str) -> frozenset[str]:
        return self.ranks.topics.get(other, frozenset()) & self.topics

    def key(self, other: str) -> tuple[int, int, tuple[int, str], int, str] | None:
        """Where a finding ranks among those related to this one (None: it is not related)."""
        if other == self.finding.id:
            return None
        count = len(self.direct.get(other, ())) + len(self.shared_topics(other))
        if not count:
            return None
        level, publication, number, finding_id = self.ranks.order[other]
        return (level, -count, publication, number, finding_id)

    def ranked(self) -> Iterator[str]:
        """Every related finding, most certain first (module docstring), produced lazily: the findings
        of each group of topics are ranked already, so listing the first few is cheap however many
        there are."""
        streams: list[Iterable[tuple[tuple[int, int, tuple[int, str], int, str], str]]] = [
            sorted((key, other) for other in self.direct if (key := self.key(other)) is not None)
        ]
        for group in dict.fromkeys(g for t in sorted(self.topics) for g in self.ranks.groups_of_topic.get(t, [])):
            streams.append(self._group(group, len(group & self.topics)))
        return (other for _, other in heapq.merge(*streams))

    def _group(self, group: frozenset[str], shared: int) -> Iterator[tuple[tuple[int, int, tuple[int, str], int, str], str]]:
        for other in self.ranks.groups[group]:
            if other != self.finding.id and other not in self.direct:
                level, publication, number, finding_id = self.ranks.order[other]
                yield (level, -shared, publication, number, finding_id), other

    def total(self) -> int:
        """How many findings are related: those of the finding's topics (but itself) and the direct ones outside them."""
        groups = {g for t in self.topics for g in self.ranks.groups_of_topic.get(t, [])}
        in_topics = sum(len(self.ranks.groups[g]) for g in groups) - (1 if self.topics else 0)
        return in_topics + sum(1 for other in self.direct if not self.shared_topics(other))


def related_findings(index: Index, ties: _Ties, limit: int | None = None) -> Ranked[RelatedFinding]:
    """Every other finding sharing a topic, the theme's family (own publication), or a study or a
    direct intervention (other publications), ranked (module docstring): only the first `limit` are read."""
    related = []
    for other in islice(ties.ranked(), limit):
        shared = ties.direct.get(other, set()) | {Tie("topic", t) for t in ties.shared_topics(other)}
        pub_id = index.publication_of.get(("finding", other), "")
        related.append(RelatedFinding(index.finding(other), pub_id, tuple(sorted(shared, key=_tie_order))))
    return Ranked(related, ties.total())


def theme_family(index: Index, theme_id: str) -> list[str]:
    """A theme, its sub-themes, and its parent with the parent's other sub-themes."""
    theme = index.theme(theme_id)
    family = [theme_id, *index.subthemes.get(theme_id, [])]
    if theme.parent:
        index.theme(theme.parent)
        family += [theme.parent, *index.subthemes.get(theme.parent, [])]
    return list(dict.fromkeys(family))


def finding_interventions(index: Index, finding: Finding) -> list[str]:
    """The interventions a finding's studies evaluate, then those that name it (direct)."""
    found = [i for s in finding.studies for i in index.study(s).interventions]
    return list(dict.fromkeys(found + index.interventions_by_finding.get(finding.id, [])))


def findings_of_intervention(index: Index, intervention_id: str) -> list[str]:
    """The findings drawing on a study of the intervention, and those it names."""
    intervention = index.intervention(intervention_id)
    found = [f for s in index.studies_by_intervention.get(intervention_id, []) for f in index.findings_by_study.get(s, [])]
    return list(dict.fromkeys(found + intervention.findings))


def related_interventions(index: Index, finding: Finding) -> list[RelatedIntervention]:
    """The interventions of the finding's studies or naming it, then those sharing a topic with it."""
    direct = finding_interventions(index, finding)
    shared: dict[str, list[str]] = {i: [] for i in direct}
    for topic_id in finding.topics:
        index.topic(topic_id)
        for kind, entity_id in index.topic_members.get(topic_id, []):
            if kind == "intervention":
                shared.setdefault(entity_id, []).append(topic_id)
    related = []
    for intervention_id, topics in shared.items():
        pub_id = index.publication_of.get(("intervention", intervention_id), "")
        related.append(RelatedIntervention(index.intervention(intervention_id), pub_id, intervention_id in direct, tuple(topics)))

    def rank(item: RelatedIntervention) -> tuple[bool, int, tuple[int, str], int, str]:
        listed = index.publication(item.publication).interventions if item.publication else []
        position = listed.index(item.intervention.id) if item.intervention.id in listed else len(listed)
        return (not item.direct, -len(item.topics), _publication_order(index, item.publication), position, item.intervention.id)

    return sorted(related, key=rank)


def effect_studies(index: Index, finding: Finding, interventions: list[str]) -> list[EffectStudy]:
    """The studies of the related interventions, but the finding's own, ranked by direction then year."""
    evaluates: dict[str, list[str]] = {}
    for intervention_id in interventions:
        for study_id in index.studies_by_intervention.get(intervention_id, []):
            if study_id not in finding.studies:
                evaluates.setdefault(study_id, []).append(intervention_id)
    direction = _order(index, "effect-direction")
    studies = []
    for study_id, of in evaluates.items():
        study = index.study(study_id)
        best = min((e.direction for e in study.effects), key=lambda d: direction.get(d, len(direction)), default=None)
        studies.append(EffectStudy(study, tuple(of), best))

    def rank(item: EffectStudy) -> tuple[int, int, str]:
        level = direction.get(item.best_direction, len(direction)) if item.best_direction else len(direction) + 1
        return (level, -item.study.year, item.study.id)

    return sorted(studies, key=rank)


def related_implications(index: Index, ties: _Ties, limit: int | None = None) -> Ranked[RelatedImplication]:
    """The implications resting on a related finding (not on the finding itself), in the rank of the
    best related finding each rests on: only the first `limit` are read."""
    ranks = ties.ranks
    own = set(index.implications_by_finding.get(ties.finding.id, []))
    candidates = {i for t in ties.topics for i in ranks.implications_of_topic.get(t, [])}
    for other in ties.direct:
        # A direct tie is read by the page; so is what rests on it (no `RANKED` read covers those
        # outside the finding's topics).
        for implication_id in index.implications_by_finding.get(other, []):
            index.implication(implication_id)
            candidates.add(implication_id)
    ranked = []
    for implication_id in candidates - own:
        keyed = sorted((key, f) for f in ranks.implication_findings[implication_id] if (key := ties.key(f)) is not None)
        if keyed:
            ranked.append((keyed[0][0], ranks.implication_order[implication_id], tuple(f for _, f in keyed)))
    ranked.sort()
    related = []
    for _, (publication, _, implication_id), findings in ranked[:limit]:
        related.append(RelatedImplication(index.implication(implication_id), publication[1], findings))
    return Ranked(related, len(ranked))


def _order(index: Index, vocabulary: str) -> dict[str, int]:
    """A vocabulary's terms by their position: the order it declares (most certain, most favourable first)."""
    return {term.id: position for position, term in enumerate(index.terms(vocabulary))}


def _publication_order(index: Index, pub_id: str) -> tuple[int, str]:
    """Newest publication first, as every cross-source page orders them (`Index.publications`)."""
    if not pub_id:
        return (0, "")
    return (-index.publication(pub_id).date.toordinal(), pub_id)


def _tie_order(tie: Tie) -> tuple[int, str]:
    return (TIE_KINDS.index(tie.kind), tie.id)
