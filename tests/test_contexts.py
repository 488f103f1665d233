"""Page contexts (generator/web/contexts.py): what a site page shows is computed in Python, once, into
a typed context; the site templates only format it."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

from generator.model import counts
from generator.model.counts import Evidence, Tally
from generator.model.index import Index
from generator.model.settings import Project
from generator.pipeline.build import generate, load_or_fail
from generator.present import urls
from generator.present.pagespec import PageSpec
from generator.web import contexts
from generator.web.contexts import (
    CONTEXTS,
    FindingsListPage,
    FindingsPage,
    HomePage,
    InterventionPage,
    Scope,
    TopicPage,
    TopicsPage,
    build_context,
)
from generator.web.pages import plan
from generator.web.render import TEMPLATES, View, environment, render_page

from .conftest import write

SITE_TEMPLATES = sorted(TEMPLATES.glob("*.j2"))
"""The site's templates and partials (the print templates, under print/, have a view of their own)."""

LONGEST_LINE = 160
QUERIES = re.compile(r"\b(index|counts|urls)\.")
"""What a template would query instead of formatting its context: the index, the counts, the paths."""
QUERYING_FILTERS = {"selectattr", "rejectattr", "select", "reject", "groupby", "sort", "sum", "min", "max", "unique"}
"""Filters that choose, group, order or add up data: the context does that."""


def template_problems(path: Path) -> list[str]:
    """Where a template queries data or computes over it, and its lines too long to read."""
    source = path.read_text(encoding="utf-8")
    problems = []
    for number, line in enumerate(source.splitlines(), start=1):
        if len(line) > LONGEST_LINE:
            problems.append(
                f"{path.name}:{number}: {len(line)} characters (at most {LONGEST_LINE}; end a line with {{# #}} to go on)"
            )
        for found in QUERIES.finditer(line):
            problems.append(f"{path.name}:{number}: queries `{found.group(0)}`: put it in the page's context")
    for node in jinja2.Environment().parse(source).find_all(nodes.Filter):
        if node.name in QUERYING_FILTERS:
            problems.append(f"{path.name}:{node.lineno}: filter `{node.name}` over data: compute it in the page's context")
    return problems


def test_site_templates_format_their_context_and_query_nothing() -> None:
    assert [problem for path in SITE_TEMPLATES for problem in template_problems(path)] == []


def test_the_scan_finds_every_kind_of_query(tmp_path: Path) -> None:
    template = write(
        tmp_path / "t.md.j2",
        "{{ v.index.study(s).citation }}\n"
        '<a href="{{ v.href(v.urls.study(s)) }}">{{ v.counts.findings_by_theme(x)|length }}</a>\n'
        "{% for f in fs|selectattr('theme', 'equalto', t) %}{{ f }}{% endfor %}{{ rows|groupby('kind') }}\n"
        "{{ n|sum }}{{ loop.index }}\n" + "x" * (LONGEST_LINE + 1) + "\n",
    )
    found = [
        (problem.split(": ", 1)[0], re.findall(r"`([^`]*)`|(\d+) characters", problem)[0])
        for problem in template_problems(template)
    ]
    assert sorted(found) == [
        ("t.md.j2:1", ("index.", "")),
        ("t.md.j2:2", ("counts.", "")),
        ("t.md.j2:2", ("urls.", "")),
        ("t.md.j2:3", ("groupby", "")),
        ("t.md.j2:3", ("selectattr", "")),
        ("t.md.j2:4", ("sum", "")),
        ("t.md.j2:5", ("", str(LONGEST_LINE + 1))),
    ]


def test_every_page_template_has_one_context_builder(whole_project: Project) -> None:
    assert set(CONTEXTS) == {path.name for path in TEMPLATES.glob("*.md.j2")}
    assert {page.template for page in plan(load_or_fail(whole_project))} <= set(CONTEXTS)


# --- what the builders compute, against counts.py --------------------------------------------------


def context_of(index: Index, page: PageSpec, lang: str = "en") -> object:
    view = View(index, lang, page)
    return build_context(Scope(index, page, lang, view, view.links, True))


def pages_of(index: Index, template: str) -> list[PageSpec]:
    return [page for page in plan(index) if page.template == template]


@pytest.fixture
def two_topics(whole_project: Project) -> Project:
    """The whole fixture with a second topic, on a finding of the first publication."""
    write(
        whole_project.data_dir / "topics" / "overgang.yaml",
        'id: overgang\nname: {nb: "Overganger", en: "Transitions", nb_origin: editorial}\n'
        'description: {nb: "Fra skole til skole.", en: "From school to school.", nb_origin: editorial}\n',
    )
    finding = whole_project.data_dir / "findings" / "demo-2025-f02.yaml"
    finding.write_text(finding.read_text(encoding="utf-8") + "topics: [overgang]\n", encoding="utf-8")
    return whole_project


def test_a_topic_page_shows_what_counts_py_counts(two_topics: Project) -> None:
    index = load_or_fail(two_topics)
    grid = counts.topic_by_publication(index)
    topic_pages = pages_of(index, "topic.md.j2")
    assert len(topic_pages) == 2
    for page in topic_pages:
        context = context_of(index, page)
        assert isinstance(context, TopicPage)
        tagged = {pub: items for pub, items in grid[context.topic.id].items() if items}
        assert [part.publication.id for part in context.parts] == [p.id for p in index.publications() if p.id in tagged]
        for part in context.parts:
            items = tagged[part.publication.id]
            shown = [ref.finding.id for ref in part.findings] + [item.implication.id for item in part.implications]
            shown_elsewhere = len(part.themes) + len(part.interventions) + len(part.cases)
            assert sorted(shown) == sorted(i for kind, i in items if kind in ("finding", "implication"))
            assert len(shown) + shown_elsewhere == len(items)
            assert [link.label for link in part.studies] == [index.study(s).citation for s in counts.topic_studies(index, items)]
    index_context = context_of(index, pages_of(index, "topics_index.md.j2")[0])
    assert isinstance(index_context, TopicsPage)
    for row in index_context.rows:
        topic_id = row.topic.href.rsplit("/", 2)[-2]
        per_publication = [len(grid[topic_id].get(card.publication.id, [])) for card in index_context.publications]
        assert [cell.count for cell in row.cells] == per_publication
        assert row.total == sum(per_publication)


def test_the_topic_grid_is_computed_once_per_build(two_topics: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    computed: list[Index] = []
    compute = counts.topic_by_publication

    def counted(index: Index) -> dict[str, dict[str, list[tuple[str, str]]]]:
        computed.append(index)
        return compute(index)

    monkeypatch.setattr(counts, "topic_by_publication", counted)
    index = load_or_fail(two_topics)
    # In one process: side by side (the default on more cores), each language's process computes
    # it once, from the index they share.
    generate(two_topics, index, processes=1)
    assert len(pages_of(index, "topic.md.j2")) == 2
    assert computed == [index]  # both languages, the topics index and every topic page: once
    # A page that finds the grid computed still records what computing it read: its sources, and
    # what the live preview re-renders it for.
    fresh = load_or_fail(two_topics)
    env, page = environment(), pages_of(fresh, "topic.md.j2")[0]
    with fresh.recording() as computing:
        first = render_page(env, fresh, "nb", page)
    with fresh.recording() as reusing:
        again = render_page(env, fresh, "nb", page)
    assert len(computed) == 2
    assert ("all", "topic") in computing
    assert reusing == computing and again == first


def test_the_findings_table_groups_by_theme_in_the_publications_order(whole_project: Project) -> None:
    publication = whole_project.data_dir / "publications" / "demo-2025.yaml"
    text = publication.read_text(encoding="utf-8")
    assert "themes: [tema-a, tema-b]" in text
    publication.write_text(text.replace("themes: [tema-a, tema-b]", "themes: [tema-b, tema-a]"), encoding="utf-8")
    index = load_or_fail(whole_project)
    page = next(p for p in pages_of(index, "findings_table.md.j2") if p.params["publication"] == "demo-2025")
    context = context_of(index, page)
    assert isinstance(context, FindingsPage)
    table = context.table
    assert [group.theme.id for group in table.groups] == ["tema-b", "tema-a"]
    assert [[row.finding.number for row in group.rows] for group in table.groups] == [[2, 3], [1]]
    assert [f.key for f in table.filters] == ["theme", "confidence"]
    assert [value for value, _ in table.filters[0].options] == ["tema-b", "tema-a"]
    # The counts beside the table are counts.py's.
    by_theme = counts.confidence_by_theme(index, index.publication("demo-2025"))
    levels = [level.level for level in context.levels]
    assert [[cell.count for cell in row.cells] for row in context.per_theme] == [
        [by_theme[theme][level] for level in levels] for theme in ("tema-b", "tema-a")
    ]
    assert [(t.key, t.count) for t in context.totals] == [
        (t.key, t.count) for t in counts.findings_by_confidence(index, index.publication("demo-2025"))
    ]
    # A drill-down list behind one of those counts holds exactly the findings counted.
    for list_page in pages_of(index, "findings_list.md.j2"):
        theme, level = list_page.params["theme"], list_page.params["confidence"]
        if list_page.params["publication"] != "demo-2025" or not (theme and level):
            continue
        drilled = context_of(index, list_page)
        assert isinstance(drilled, FindingsListPage)
        assert drilled.count == by_theme[theme][level] > 0
        assert drilled.table is not None and [g.theme.id for g in drilled.table.groups] == [theme]
        assert drilled.table.filters == []


def test_a_builder_reads_the_data_its_page_shows(whole_project: Project) -> None:
    """Built inside the page's recording: a finding page records its finding, its publication, its
    theme and its studies, whether or not the template looks at them again."""
    index = load_or_fail(whole_project)
    page = next(p for p in pages_of(index, "finding.md.j2") if p.params["finding"] == "demo-2025-f01")
    with index.recording() as reads:
        context_of(index, page)
    finding = index.finding("demo-2025-f01")
    expected = {("finding", finding.id), ("publication", "demo-2025"), ("theme", finding.theme)}
    assert expected | {("study", s) for s in finding.studies} <= reads
    assert contexts.CONTEXTS[page.template] is contexts.finding


# --- what the home page's cards and the topic and intervention pages say they rest on -------------


def _tag(project: Project, finding_id: str, topic: str) -> None:
    path = project.data_dir / "findings" / f"{finding_id}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"topics: [{topic}]\n", encoding="utf-8")


def test_the_home_page_cards_count_what_the_data_holds(whole_project: Project) -> None:
    index = load_or_fail(whole_project)
    page = pages_of(index, "home.md.j2")[0]
    home = context_of(index, page)
    assert isinstance(home, HomePage)
    [topic] = home.topics
    assert topic.title is not None and topic.title.label == "Early intervention" and topic.status is None
    evidence = topic.evidence
    assert evidence.findings == ("demo-thesis-2022-f01",) == evidence.not_assessed  # a thesis's finding: no confidence
    assert evidence.by_confidence == []
    # delta-2019, a study of the topic's intervention: positive on one outcome, no effect on another
    assert evidence.effect_studies == ("delta-2019",)
    assert evidence.by_direction == [Tally("mixed", 1, ("delta-2019",))]
    assert evidence.sources == ("demo-thesis-2022",)
    [group] = home.interventions
    assert (group.title, group.status, [link.label for link in group.interventions]) == (None, "promising", ["The demo team"])
    assert group.evidence.findings is None  # findings do not apply to interventions
    assert group.evidence.by_direction == evidence.by_direction and group.evidence.sources == ("demo-thesis-2022",)
    by_audience = counts.implications_by_audience(index)
    assert [(role.link.label, role.implications) for role in home.roles] == [
        (label, sum(len(ids) for ids in by_audience[a].values()))
        for a, label in [("teachers", "Teachers"), ("school-leaders", "School leaders"),
                         ("municipal-services", "Municipal services (educational-psychological, health, child welfare, Nav)"),
                         ("researchers", "Researchers")]
    ]  # fmt: skip
    view = View(index, "en", page)
    assert view.findings_phrase(evidence) == "1 finding, none assessed for confidence"
    assert view.effects_phrase(evidence) == "1 effect study: 1 mixed"
    assert view.sources_phrase(evidence) == "From 1 source"
    assert home.about_href is None  # the fixture has no hand-written About page


def test_the_home_page_links_the_about_page_when_there_is_one(whole_project: Project) -> None:
    index = load_or_fail(whole_project)
    page = pages_of(index, "home.md.j2")[0]
    view = View(index, "nb", page)
    home = build_context(Scope(index, page, "nb", view, view.links, True, frozenset({urls.ABOUT})))
    assert isinstance(home, HomePage) and home.about_href == "om/"


def test_an_intervention_without_effect_studies_and_a_topic_without_findings(whole_project: Project) -> None:
    write(
        whole_project.data_dir / "topics" / "tom.yaml",
        'id: tom\nname: {nb: "Tomt emne", en: "Empty topic", nb_origin: editorial}\n'
        'description: {nb: "Bare et tiltak.", en: "Only an intervention.", nb_origin: editorial}\n',
    )
    write(
        whole_project.data_dir / "interventions" / "demo-ny.yaml",
        'id: demo-ny\nname: {nb: "Det nye tiltaket", en: "The new intervention"}\ntopics: [tom]\n',
    )
    publication = whole_project.data_dir / "publications" / "demo-thesis-2022.yaml"
    text = publication.read_text(encoding="utf-8")
    publication.write_text(text.replace("interventions: [demo-team]", "interventions: [demo-team, demo-ny]"), encoding="utf-8")
    index = load_or_fail(whole_project)

    topic_page = next(p for p in pages_of(index, "topic.md.j2") if p.params["topic"] == "tom")
    topic = context_of(index, topic_page)
    assert isinstance(topic, TopicPage)
    assert topic.evidence.findings == () and topic.evidence.effect_studies == ()
    assert (topic.certain, topic.effects) == ([], [])
    assert [part.counts for part in topic.parts] == [[("intervention", 1)]]
    expected = {
        "nb": "Ingen funn. Ingen effektstudier i kunnskapsbasen. Fra 1 kilde.",
        "en": "No findings. No effect studies in the knowledge base. From 1 source.",
    }
    for lang, sentence in expected.items():
        assert View(index, lang, topic_page).evidence_summary(topic.evidence) == sentence

    intervention_page = next(p for p in pages_of(index, "intervention.md.j2") if p.params["intervention"] == "demo-ny")
    intervention = context_of(index, intervention_page)
    assert isinstance(intervention, InterventionPage)
    assert intervention.studies == [] and intervention.evidence.effect_studies == ()
    summary = View(index, "en", intervention_page).evidence_summary(intervention.evidence)
    assert summary == "No effect studies in the knowledge base. From 1 source."  # no findings sentence: none apply

    home = context_of(index, pages_of(index, "home.md.j2")[0])
    assert isinstance(home, HomePage)
    assert [card.title.label for card in home.topics if card.title] == [
        "Early intervention",
        "Empty topic",
    ]  # in the order of their ids
    # An intervention whose source states no evidence status is a group of its own, last.
    assert [(card.status, [i.label for i in card.interventions]) for card in home.interventions] == [
        ("promising", ["The demo team"]),
        (None, ["The new intervention"]),
    ]


def test_a_topic_page_leads_with_the_most_certain_findings_and_the_effects_found(whole_project: Project) -> None:
    for finding_id in ("demo-2025-f01", "demo-2025-f02", "demo-2025-f03"):  # moderate, very low, high
        _tag(whole_project, finding_id, "tidlig")
    index = load_or_fail(whole_project)
    page = next(p for p in pages_of(index, "topic.md.j2") if p.params["topic"] == "tidlig")
    topic = context_of(index, page)
    assert isinstance(topic, TopicPage)
    assert [ref.finding.id for ref in topic.certain] == ["demo-2025-f03", "demo-2025-f01"]  # high, then moderate
    assert [(t.key, t.count) for t in topic.evidence.by_confidence] == [("high", 1), ("moderate", 1), ("very-low", 1)]
    assert topic.evidence.not_assessed == ("demo-thesis-2022-f01",)
    assert [(e.study.label, [i.label for i in e.interventions], e.effect.outcome, e.effect.direction) for e in topic.effects] == [
        ("Delta et al. 2019", ["The demo team"], "work-participation", "positive")
    ]
    assert [p.publication.id for p in topic.parts] == ["demo-2025", "demo-thesis-2022"]
    assert topic.parts[0].counts == [("finding", 3)]
    assert topic.evidence.sources == ("demo-2025", "demo-thesis-2022")
    assert View(index, "nb", page).evidence_summary(topic.evidence) == (
        "4 funn: 1 høy, 1 moderat og 1 svært lav tillit; 1 uten tillitsvurdering. 1 effektstudie: 1 blandet. Fra 2 kilder."
    )
    assert View(index, "en", page).evidence_summary(topic.evidence) == (
        "4 findings: 1 high, 1 moderate and 1 very low confidence; 1 not assessed for confidence. "
        "1 effect study: 1 mixed. From 2 sources."
    )


def test_a_study_s_overall_direction_of_effect(whole_project: Project) -> None:
    """One direction when its results agree, 'mixed' when they differ, none when it evaluates no effect."""
    study = whole_project.data_dir / "studies" / "delta-2019.yaml"
    original = study.read_text(encoding="utf-8")
    assert counts.study_direction(load_or_fail(whole_project), "delta-2019") == "mixed"  # positive and no effect
    for before, after, direction in [
        ("direction: no-effect", "direction: positive", "positive"),
        ("direction: positive", "direction: descriptive", "no-effect"),  # a described result is no effect either way
    ]:
        study.write_text(original.replace(before, after), encoding="utf-8")
        assert counts.study_direction(load_or_fail(whole_project), "delta-2019") == direction
    study.write_text(original.replace("direction: positive", "direction: descriptive").replace(
        "direction: no-effect", "direction: descriptive"), encoding="utf-8")  # fmt: skip
    index = load_or_fail(whole_project)
    assert counts.study_direction(index, "delta-2019") is None
    assert counts.by_direction(index, ["delta-2019"]) == []


def _evidence(by_confidence: list[Tally], not_assessed: int, by_direction: list[Tally], sources: int) -> Evidence:
    findings = tuple(f"f{n}" for n in range(sum(t.count for t in by_confidence) + not_assessed))
    studies = tuple(s for t in by_direction for s in t.ids)
    return Evidence(findings, by_confidence, findings[len(findings) - not_assessed :], studies, by_direction,
                    tuple(f"p{n}" for n in range(sources)))  # fmt: skip


def _tally(key: str, n: int) -> Tally:
    return Tally(key, n, tuple(f"{key}-{i}" for i in range(n)))


@pytest.mark.parametrize(
    ("evidence", "nb", "en"),
    [
        (
            _evidence([_tally("moderate", 1)], 0, [_tally("positive", 1)], 1),
            "1 funn: 1 moderat tillit. 1 effektstudie: 1 positiv. Fra 1 kilde.",
            "1 finding: 1 moderate confidence. 1 effect study: 1 positive. From 1 source.",
        ),
        (
            _evidence([_tally("moderate", 1), _tally("low", 4)], 0, [_tally("positive", 2), _tally("no-effect", 2)], 3),
            "5 funn: 1 moderat og 4 lav tillit. 4 effektstudier: 2 positive og 2 uten påvist effekt. Fra 3 kilder.",
            "5 findings: 1 moderate and 4 low confidence. 4 effect studies: 2 positive and 2 with no effect shown. "
            "From 3 sources.",
        ),
        (
            _evidence([], 2, [_tally("mixed", 1), _tally("negative", 2)], 2),
            "2 funn, ingen med tillitsvurdering. 3 effektstudier: 1 blandet og 2 negative. Fra 2 kilder.",
            "2 findings, none assessed for confidence. 3 effect studies: 1 mixed and 2 negative. From 2 sources.",
        ),
        (
            _evidence([_tally("high", 2)], 1, [_tally("mixed", 2), _tally("positive-uncontrolled", 1)], 1),
            "3 funn: 2 høy tillit; 1 uten tillitsvurdering. 3 effektstudier: 2 blandede og 1 positiv uten kontrollgruppe. "
            "Fra 1 kilde.",
            "3 findings: 2 high confidence; 1 not assessed for confidence. 3 effect studies: 2 mixed and 1 positive "
            "without a control group. From 1 source.",
        ),
    ],
)
def test_counts_are_said_in_the_right_number_in_both_languages(
    whole_project: Project, evidence: Evidence, nb: str, en: str
) -> None:
    index = load_or_fail(whole_project)
    page = pages_of(index, "home.md.j2")[0]
    assert View(index, "nb", page).evidence_summary(evidence) == nb
    assert View(index, "en", page).evidence_summary(evidence) == en
    for lang, one, two in [("nb", "1 studie", "2 studier"), ("en", "1 study", "2 studies")]:
        view = View(index, lang, page)
        assert (view.counted("study", 1), view.counted("study", 2)) == (one, two)
    assert [View(index, "nb", page).counted("finding", n) for n in (1, 2)] == ["1 funn", "2 funn"]
    assert [View(index, "en", page).counted("finding", n) for n in (1, 2)] == ["1 finding", "2 findings"]
