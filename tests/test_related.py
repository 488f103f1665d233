"""The evidence around a finding (generator/model/related.py) and how its page shows it (contexts.py):
what relates findings, interventions, effect studies and implications, in which order, capped;
on the fixture grown for each rule, and on the real knowledge base (the home visits of the
school-home review)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.model import related
from generator.model.index import Index
from generator.model.settings import Project
from generator.pipeline.build import check, load_or_fail
from generator.present import urls
from generator.present.links import FindingRef, Linker
from generator.present.pagespec import PageSpec
from generator.web import contexts
from generator.web.contexts import FindingPage, Scope, build_context
from generator.web.render import View, environment, render_page

from .conftest import write

ROOT = Path(__file__).resolve().parents[1]


def _add(project: Project, rel: str, text: str) -> None:
    write(project.data_dir / rel, text)


def _append(project: Project, rel: str, old: str, new: str) -> None:
    path = project.data_dir / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def grown_project(whole_project: Project) -> Project:
    """The whole fixture with more to relate: the review's findings 1 and 2 carry the thesis's topic,
    a fourth finding (moderate, like finding 1, but sharing only the topic), an intervention that
    names finding 1 and three more studies of it with different directions and years."""
    project = whole_project
    _append(
        project, "findings/demo-2025-f01.yaml", "pyramid_levels: [universal]", "pyramid_levels: [universal]\ntopics: [tidlig]"
    )
    _append(project, "findings/demo-2025-f02.yaml", "studies: [gamma-2022]", "studies: [gamma-2022]\ntopics: [tidlig]")
    _add(
        project,
        "findings/demo-2025-f04.yaml",
        "id: demo-2025-f04\nnumber: 4\ntheme: tema-a\n"
        'title: {nb: "Skolen ringte hjem tidlig", en: "The school phoned home early", nb_origin: editorial}\n'
        'statement: {nb: "Skolen ringte hjem.", en: "The school phoned home."}\n'
        "components:\n"
        "  methodological_limitations: {level: minor, explanation: {nb: Små., en: Small.}}\n"
        "  coherence: {level: none-or-very-minor}\n"
        "  adequacy: {level: minor, explanation: {nb: Tynt., en: Thin.}}\n"
        "  relevance: {level: none-or-very-minor}\n"
        "confidence: moderate\nstudies: [alpha-2020]\ntopics: [tidlig]\n",
    )
    _append(project, "publications/demo-2025.yaml", "demo-2025-f03]", "demo-2025-f03, demo-2025-f04]")
    _add(
        project,
        "interventions/demo-visits.yaml",
        'id: demo-visits\nname: {nb: "Hjemmebesøk", en: "Home visits"}\nfindings: [demo-2025-f01]\n',
    )
    _append(
        project, "publications/demo-thesis-2022.yaml", "interventions: [demo-team]", "interventions: [demo-team, demo-visits]"
    )
    for study_id, year, effects in (
        ("eta-2021", 2021, "effects: [{outcome: sick-leave, direction: positive, reading: authors}]\n"),
        ("eps-2020", 2020, "effects: [{outcome: sick-leave, direction: positive-uncontrolled, reading: editorial}]\n"),
        ("zeta-2024", 2024, ""),
    ):
        _add(
            project,
            f"studies/{study_id}.yaml",
            f"id: {study_id}\ncitation: {study_id.capitalize()}\nauthors: [X]\nyear: {year}\n"
            f"publication_type: journal-article\ndesign: rct\ncountry: nor\ninterventions: [demo-visits]\n{effects}",
        )
    _append(
        project,
        "publications/demo-thesis-2022.yaml",
        "studies: [gamma-2022, delta-2019]",
        "studies: [gamma-2022, delta-2019, eta-2021, eps-2020, zeta-2024]",
    )
    return project


def _checked(project: Project) -> Index:
    index, report = check(project)
    assert index is not None, [str(p) for p in report.errors()]
    return index


@pytest.fixture
def grown(grown_project: Project) -> Index:
    return _checked(grown_project)


def _findings(evidence: related.Evidence) -> list[str]:
    return [item.finding.id for item in evidence.findings.items]


# --- what relates, and in which order ---------------------------------------------------------------


def test_related_findings_most_certain_first_then_by_the_links_they_share(grown: Index) -> None:
    evidence = related.around(grown, "demo-thesis-2022-f01")
    assert _findings(evidence) == [
        "demo-2025-f03",  # high: the study both draw on (the thesis is gamma-2022)
        "demo-2025-f01",  # moderate, two links: the study and the topic
        "demo-2025-f04",  # moderate, one link: the topic
        "demo-2025-f02",  # very low
        "demo-thesis-2022-f02",  # no CERQual assessment: last, whatever it shares (the theme's family)
    ]
    ties = {item.finding.id: [(t.kind, t.id) for t in item.ties] for item in evidence.findings.items}
    assert ties["demo-2025-f01"] == [("study", "gamma-2022"), ("topic", "tidlig")]
    assert ties["demo-thesis-2022-f02"] == [("theme", "oppgave-under-2")]


def test_within_a_publication_a_shared_study_relates_nothing_a_theme_does(grown: Index) -> None:
    """The review's findings 1 and 3 draw on the same two studies, in different themes: not related by that."""
    around_f03 = _findings(related.around(grown, "demo-2025-f03"))
    assert "demo-2025-f01" not in around_f03
    assert "demo-2025-f02" in around_f03  # the same theme (tema-b)
    assert "demo-thesis-2022-f01" in around_f03  # another publication's finding on the same study


def test_interventions_of_the_finding_first_then_those_of_its_topics(grown: Index) -> None:
    evidence = related.around(grown, "demo-2025-f01")
    assert [(i.intervention.id, i.direct, i.topics) for i in evidence.interventions.items] == [
        ("demo-visits", True, ()),  # names the finding
        ("demo-team", False, ("tidlig",)),
    ]
    # the thesis's result draws on the study of the demo team: direct for it
    assert [(i.intervention.id, i.direct) for i in related.around(grown, "demo-thesis-2022-f02").interventions.items] == [
        ("demo-team", True)
    ]


def test_a_finding_sharing_an_intervention_with_another_publications_is_related(grown_project: Project) -> None:
    """The thesis's result (its study evaluates the demo team) and the review's finding 1 (the demo
    visits name it) share no intervention; let the demo visits name the thesis's result too, and they do."""
    assert "demo-thesis-2022-f02" not in _findings(related.around(_checked(grown_project), "demo-2025-f01"))
    _append(
        grown_project,
        "interventions/demo-visits.yaml",
        "findings: [demo-2025-f01]",
        "findings: [demo-2025-f01, demo-thesis-2022-f02]",
    )
    around = related.around(_checked(grown_project), "demo-2025-f01").findings.items
    assert [(t.kind, t.id) for item in around if item.finding.id == "demo-thesis-2022-f02" for t in item.ties] == [
        ("intervention", "demo-visits")
    ]


def test_effect_studies_by_direction_then_newest_first_without_the_findings_own(grown: Index) -> None:
    evidence = related.around(grown, "demo-2025-f01")
    assert [(s.study.id, s.best_direction) for s in evidence.studies.items] == [
        ("eta-2021", "positive"),
        ("delta-2019", "positive"),
        ("eps-2020", "positive-uncontrolled"),
        ("zeta-2024", None),  # no direction recorded: last
    ]
    assert [s.interventions for s in evidence.studies.items][:2] == [("demo-visits",), ("demo-team",)]
    own = related.around(grown, "demo-thesis-2022-f02")
    assert "delta-2019" not in [s.study.id for s in own.studies.items]  # its own study: listed as contributing


def test_implications_resting_on_a_related_finding_not_on_the_finding_itself(grown: Index) -> None:
    """The thesis's implication 1 rests on the review's finding 1 and the thesis's finding 1; around
    the review's finding 3, only the thesis's finding is related (their shared study)."""
    on_f03 = related.around(grown, "demo-2025-f03").implications.items
    assert [(i.implication.id, i.findings) for i in on_f03] == [("demo-thesis-2022-i01", ("demo-thesis-2022-f01",))]
    assert related.around(grown, "demo-2025-f01").implications.items == []  # shown as an implication it supports


# --- the finding page ----------------------------------------------------------------------------------


def _finding_page(index: Index, finding_id: str, lang: str = "en") -> FindingPage:
    page = next(p for p in _plan(index) if p.params.get("finding") == finding_id)
    view = View(index, lang, page)
    context = build_context(Scope(index, page, lang, view, view.links, True))
    assert isinstance(context, FindingPage)
    return context


def _plan(index: Index) -> list[PageSpec]:
    from generator.web.pages import plan

    return plan(index)


def test_each_kind_is_capped_with_the_rest_behind_show_more(grown: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contexts, "RELATED_SHOWN", 2)
    page = _finding_page(grown, "demo-thesis-2022-f01")
    findings = page.related.findings
    assert [item.ref.finding.id for item in findings.shown] == ["demo-2025-f03", "demo-2025-f01"]
    assert [item.ref.finding.id for item in findings.more] == ["demo-2025-f04", "demo-2025-f02", "demo-thesis-2022-f02"]
    assert findings.total == 5
    spec = next(p for p in _plan(grown) if p.params.get("finding") == "demo-thesis-2022-f01")
    text = render_page(environment(), grown, "en", spec)
    section = text[text.index("## Related evidence") :]
    assert "<h3>Related findings (5)</h3>" in section
    assert '<details class="kb-more"><summary>Show 3 more</summary>' in section
    # each related finding says what it shares with this one, as links
    assert (
        '<a href="../../studies/gamma-2022/">Study: Gamma et al. 2022</a> · <a href="../../topics/tidlig/">Topic: Early intervention</a>'
        in section
    )


def test_a_long_list_names_how_many_it_leaves_out_and_builds_only_what_it_lists(
    grown: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A finding shares a topic with every finding of the topic, so the page lists the most certain
    (`RELATED_LISTED`) and says how many more there are, in the heading and under the list."""
    monkeypatch.setattr(contexts, "RELATED_SHOWN", 1)
    monkeypatch.setattr(contexts, "RELATED_LISTED", 3)
    page = _finding_page(grown, "demo-thesis-2022-f01")
    findings = page.related.findings
    assert [item.ref.finding.id for item in findings.shown] == ["demo-2025-f03"]
    assert [item.ref.finding.id for item in findings.more] == ["demo-2025-f01", "demo-2025-f04"]
    assert (findings.unlisted, findings.total) == (2, 5)
    spec = next(p for p in _plan(grown) if p.params.get("finding") == "demo-thesis-2022-f01")
    for lang, heading, left_out in [
        ("en", "<h3>Related findings (5)</h3>", "2 more are not listed here."),
        ("nb", "<h3>Relaterte funn (5)</h3>", "2 til er ikke listet her."),
    ]:
        text = render_page(environment(), grown, lang, spec)
        section = text[text.index(heading) : text.index("</div>", text.index(heading))]
        assert section.count('<li><a class="kb-finding-ref"') == 3
        assert f'<p class="kb-unlisted">{left_out}' in section
    # the ones left out are not even made into links (a page at 10,000 studies would make thousands)
    made: list[str] = []
    cite = Linker.finding_ref

    def counted(linker: Linker, finding_id: str, with_publication: bool = True) -> FindingRef:
        made.append(finding_id)
        return cite(linker, finding_id, with_publication)

    monkeypatch.setattr(Linker, "finding_ref", counted)
    _finding_page(grown, "demo-thesis-2022-f01")
    assert not {"demo-2025-f02", "demo-thesis-2022-f02"} & set(made)


def test_a_finding_with_nothing_around_it_has_no_related_part(fixture_project: Project) -> None:
    """The review alone: finding 1 is its theme's only finding, has no topic, and shares its studies
    with findings of its own publication only."""
    index = load_or_fail(fixture_project)
    assert _finding_page(index, "demo-2025-f01").related.empty
    spec = next(p for p in _plan(index) if p.params.get("finding") == "demo-2025-f01")
    assert "Related evidence" not in render_page(environment(), index, "en", spec)


# --- the real knowledge base --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(repo_index: Index) -> Index:
    return repo_index


def test_home_visits_finding_shows_the_home_visit_studies_of_the_matrix(live: Index) -> None:
    """Finding 33 of the school-home review (home visits) leads to the intervention the source sets
    beside it and its three studies, each with its row of the intervention matrix (Tabell 11)."""
    evidence = related.around(live, "skole-hjem-2025-f33")
    assert evidence.interventions.items[0].intervention.id == "skole-hjem-2025-hjemmebesok"
    assert evidence.interventions.items[0].direct
    assert sorted(s.study.id for s in evidence.studies.items) == ["mckie-2021", "meyer-2011", "soule-curtis-2021"]
    page = _finding_page(live, "skole-hjem-2025-f33", "nb")
    rows = {item.study.id: [link.label for link in item.rows] for item in page.related.studies.shown}
    assert rows == {
        "mckie-2021": ["Tiltak og kjennetegn: McKie et al. 2021"],
        "soule-curtis-2021": ["Tiltak og kjennetegn: Soule & Curtis 2021"],
        "meyer-2011": ["Tiltak og kjennetegn: Meyer et al. 2011"],
    }
    assert [link.href for item in page.related.studies.shown for link in item.rows][0] == urls.href(
        urls.finding("skole-hjem-2025-f33"),
        urls.matrix("skole-hjem-2025-tiltak-kjennetegn"),
        "row-skole-hjem-2025-tiltak-mckie-2021",
    )
    # the intervention's page names the finding back
    assert live.interventions_by_finding["skole-hjem-2025-f33"] == ["skole-hjem-2025-hjemmebesok"]


def test_every_real_finding_ranks_its_evidence(live: Index) -> None:
    confidence = {t.id: n for n, t in enumerate(live.terms("confidence"))}
    direction = {t.id: n for n, t in enumerate(live.terms("effect-direction"))}
    for finding_id in live.ids("finding"):
        evidence = related.around(live, finding_id)
        levels = [confidence.get(item.finding.confidence or "", len(confidence)) for item in evidence.findings.items]
        assert levels == sorted(levels), finding_id
        assert finding_id not in _findings(evidence)
        best = [direction[s.best_direction] if s.best_direction else len(direction) for s in evidence.studies.items]
        assert best == sorted(best), finding_id
        own = set(live.finding(finding_id).studies)
        assert not own & {s.study.id for s in evidence.studies.items}, finding_id
        directs = [i.direct for i in evidence.interventions.items]
        assert directs == sorted(directs, reverse=True), finding_id


def test_every_real_quote_is_on_the_page_of_each_finding_it_illustrates(live: Index) -> None:
    for quote_id in live.ids("quote"):
        for finding_id in live.quote(quote_id).findings:
            page = _finding_page(live, finding_id)
            assert quote_id in [item.quote.id for item in page.quotes], (quote_id, finding_id)
            anchors = [item.anchor for item in page.quotes]
            assert len(anchors) == len(set(anchors))


def test_home_visits_on_the_rendered_page(live: Index) -> None:
    spec = next(p for p in _plan(live) if p.params.get("finding") == "skole-hjem-2025-f33")
    text = render_page(environment(), live, "nb", spec)
    related_part = text[text.index("## Relatert kunnskap") :]
    assert re.search(
        r"<h3>Tiltak \(\d+\)</h3>\n<ul class=\"kb-related-list\">\n<li><a href=\"../../interventions/skole-hjem-2025-hjemmebesok/\">Hjemmebesøk</a>",
        related_part,
    )
    assert "<h3>Effektstudier bak tiltakene (3)</h3>" in related_part


def _every_related_finding(index: Index, finding_id: str) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """What the module docstring says, the slow way: every other finding, each tie found by
    looking at both findings, the whole list sorted. The oracle for the lazy ranking."""
    finding = index.finding(finding_id)
    pub_of = index.publication_of
    own_pub = pub_of.get(("finding", finding_id))
    family = related.theme_family(index, finding.theme)
    direct = [i.intervention.id for i in related.related_interventions(index, finding) if i.direct]
    of_intervention = {i: set(related.findings_of_intervention(index, i)) for i in direct}
    confidence = {t.id: n for n, t in enumerate(index.terms("confidence"))}
    found = []
    for other_id in index.ids("finding"):
        other = index.finding(other_id)
        if other_id == finding_id:
            continue
        same = pub_of.get(("finding", other_id)) == own_pub
        ties = [("topic", t) for t in sorted(set(finding.topics) & set(other.topics))]
        ties += [("theme", other.theme)] if same and other.theme in family else []
        ties += [("study", s) for s in sorted(set(finding.studies) & set(other.studies)) if not same]
        ties += [("intervention", i) for i in sorted(direct) if not same and other_id in of_intervention[i]]
        if ties:
            pub = pub_of.get(("finding", other_id), "")
            date = (-index.publication(pub).date.toordinal(), pub) if pub else (0, "")
            level = confidence.get(other.confidence or "", len(confidence))
            order = {"theme": 0, "intervention": 1, "study": 2, "topic": 3}
            found.append(
                (
                    (level, -len(ties), date, other.number, other_id),
                    other_id,
                    tuple(sorted(ties, key=lambda t: (order[t[0]], t[1]))),
                )
            )
    return [(other_id, ties) for _, other_id, ties in sorted(found)]


def _every_related_implication(index: Index, finding_id: str, ranked: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """The oracle for the implications: every implication resting on a ranked finding (not on the
    finding itself), by the place of the best of them, then newest publication and number."""
    rank = {other_id: position for position, other_id in enumerate(ranked)}
    own = set(index.implications_by_finding.get(finding_id, []))
    resting = {}
    for implication_id in index.ids("implication"):
        on = sorted((f for f in index.implication(implication_id).findings if f in rank), key=rank.__getitem__)
        if on and implication_id not in own:
            resting[implication_id] = tuple(on)

    def place(implication_id: str) -> tuple[int, tuple[int, str], int, str]:
        pub = index.publication_of.get(("implication", implication_id), "")
        date = (-index.publication(pub).date.toordinal(), pub) if pub else (0, "")
        return (rank[resting[implication_id][0]], date, index.implication(implication_id).number, implication_id)

    return [(i, resting[i]) for i in sorted(resting, key=place)]


@pytest.mark.parametrize("limit", [None, 1, 3, 20])
def test_the_lazy_ranking_lists_what_ranking_every_related_finding_would(live: Index, limit: int | None) -> None:
    """The first `limit` of the merged, ready-ranked groups are the first of the whole ranking, and
    the total counts them all; the implications follow the same ranking (on every real finding)."""
    checked = 0
    for finding_id in live.ids("finding"):
        every = _every_related_finding(live, finding_id)
        evidence = related.around(live, finding_id, limit)
        listed = [(item.finding.id, tuple((t.kind, t.id) for t in item.ties)) for item in evidence.findings.items]
        assert listed == every[:limit], finding_id
        assert evidence.findings.total == len(every), finding_id
        expected = _every_related_implication(live, finding_id, [other_id for other_id, _ in every])
        assert [(i.implication.id, i.findings) for i in evidence.implications.items] == expected[:limit], finding_id
        assert evidence.implications.total == len(expected), finding_id
        checked += evidence.findings.total > (limit or 0) and limit is not None
    assert limit is None or checked > 20  # the cap cut the list on many real findings
