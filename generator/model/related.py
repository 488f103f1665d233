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

Pure: reads the index only. Every entity it follows or shows is read through the index's
accessors, so a page that shows the evidence around a finding depends on exactly those (the live
preview re-renders it when one of them changes, or when a topic, study, theme or intervention it
followed gains or loses a member).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from generator.model.index import Index
from generator.model.models import Finding, Implication, Intervention, Study

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
class Evidence:
    """Everything around one finding, each kind ranked."""

    findings: list[RelatedFinding]
    interventions: list[RelatedIntervention]
    studies: list[EffectStudy]
    implications: list[RelatedImplication]


def around(index: Index, finding_id: str) -> Evidence:
    """The evidence around a finding."""
    finding = index.finding(finding_id)
    own_pub = index.publication_of.get(("finding", finding_id))
    interventions = related_interventions(index, finding)
    findings = related_findings(index, finding, own_pub, [i.intervention.id for i in interventions if i.direct])
    return Evidence(
        findings,
        interventions,
        effect_studies(index, finding, [i.intervention.id for i in interventions]),
        related_implications(index, finding, findings),
    )


def related_findings(index: Index, finding: Finding, own_pub: str | None, interventions: list[str]) -> list[RelatedFinding]:
    """Every other finding sharing a topic, the theme's family (own publication), or a study or a
    direct intervention (other publications), ranked (module docstring)."""
    ties: dict[str, set[Tie]] = {}

    def tie(found: Iterable[str], kind: str, entity_id: str, same_publication: bool | None) -> None:
        for other in found:
            if other == finding.id:
                continue
            in_own = index.publication_of.get(("finding", other)) == own_pub
            if same_publication is None or in_own == same_publication:
                ties.setdefault(other, set()).add(Tie(kind, entity_id))

    for topic_id in finding.topics:
        index.topic(topic_id)  # followed: a new member of the topic changes the page
        tie([i for k, i in index.topic_members.get(topic_id, []) if k == "finding"], "topic", topic_id, None)
    for theme_id in theme_family(index, finding.theme):
        tie(index.findings_by_theme.get(theme_id, []), "theme", theme_id, True)
    for study_id in finding.studies:
        tie(index.findings_by_study.get(study_id, []), "study", study_id, False)
    for intervention_id in interventions:
        tie(findings_of_intervention(index, intervention_id), "intervention", intervention_id, False)

    confidence = _order(index, "confidence")
    related = []
    for other, shared in ties.items():
        pub_id = index.publication_of.get(("finding", other), "")
        related.append(RelatedFinding(index.finding(other), pub_id, tuple(sorted(shared, key=_tie_order))))

    def rank(item: RelatedFinding) -> tuple[int, int, tuple[int, str], int, str]:
        level = confidence.get(item.finding.confidence or "", len(confidence))
        return (level, -len(item.ties), _publication_order(index, item.publication), item.finding.number, item.finding.id)

    return sorted(related, key=rank)


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


def related_implications(index: Index, finding: Finding, findings: list[RelatedFinding]) -> list[RelatedImplication]:
    """The implications resting on a related finding (not on the finding itself), in the rank of the
    best related finding each rests on."""
    own = set(index.implications_by_finding.get(finding.id, []))
    rests_on: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    for position, item in enumerate(findings):
        for implication_id in index.implications_by_finding.get(item.finding.id, []):
            if implication_id not in own:
                rests_on.setdefault(implication_id, []).append(item.finding.id)
                first.setdefault(implication_id, position)
    related = []
    for implication_id, on in rests_on.items():
        pub_id = index.publication_of.get(("implication", implication_id), "")
        related.append(RelatedImplication(index.implication(implication_id), pub_id, tuple(on)))

    def rank(item: RelatedImplication) -> tuple[int, tuple[int, str], int, str]:
        return (
            first[item.implication.id],
            _publication_order(index, item.publication),
            item.implication.number,
            item.implication.id,
        )

    return sorted(related, key=rank)


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
