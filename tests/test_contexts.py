"""Page contexts (generator/web/contexts.py): what a site page shows is computed in Python, once, into
a typed context; the site templates only format it."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

from generator.model import counts
from generator.model.index import Index
from generator.model.settings import Project
from generator.pipeline.build import generate, load_or_fail
from generator.present.pagespec import PageSpec
from generator.web import contexts
from generator.web.contexts import CONTEXTS, FindingsListPage, FindingsPage, Scope, TopicPage, TopicsPage, build_context
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
    generate(two_topics, index)
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
