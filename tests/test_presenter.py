"""One presenter under two thin views: the site's (`render.View`) and the print's (`pdf.PrintView`)
say the same things with the same methods; the print templates only format the typed contexts of
`print_contexts` and never query the index, the counts or the URLs themselves."""

from __future__ import annotations

import html
import re
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes
from markupsafe import Markup

from generator.model.counts import findings_by_confidence
from generator.model.index import Index
from generator.model.models import Publication
from generator.model.settings import LANGUAGES, Project
from generator.pipeline.build import load_or_fail
from generator.present.pagespec import PageSpec
from generator.present.presenter import BADGE_VOCABULARIES, Presenter
from generator.print import pdf, print_contexts
from generator.print.print_contexts import PrintedReport
from generator.web.render import View

from .conftest import FIXTURE, WHOLE

# --- the views ---------------------------------------------------------------------------------------


def _defined_on(cls: type) -> set[str]:
    """The methods and properties a class body defines itself (not inherited, not dunders)."""
    return {
        name
        for name, value in vars(cls).items()
        if not (name.startswith("__") and name.endswith("__"))
        and (callable(value) or isinstance(value, property | staticmethod | classmethod))
    }


def test_no_method_is_defined_on_both_views() -> None:
    assert issubclass(View, Presenter) and issubclass(pdf.PrintView, Presenter)
    both = _defined_on(View) & _defined_on(pdf.PrintView)
    assert not both, f"defined on both views (move them to the presenter): {sorted(both)}"


TWINS = {"t": "text", "badge": "confidence_badge", "cell": "matrix_cell", "target": "entity_link"}
"""The print view's old names for what the site called otherwise -> the one name both use."""


@pytest.mark.parametrize(("old", "name"), TWINS.items())
def test_the_print_view_asks_with_the_sites_names(old: str, name: str) -> None:
    assert not hasattr(pdf.PrintView, old) and not hasattr(Presenter, old)
    assert getattr(pdf.PrintView, name) is getattr(View, name) is getattr(Presenter, name)


# --- the print templates only format ----------------------------------------------------------------

PRINT_TEMPLATE_FILES = sorted(pdf.PRINT_TEMPLATES.rglob("*.j2"))
QUERIED = ("index", "counts", "urls")
LONGEST_LINE = 160


def _queries(source: str) -> list[tuple[int, str]]:
    """(line, what) for every access to the index, the counts or the URLs in a template's source:
    as text (`p.index.study(...)`) and as the parser sees it (`p.index` handed to a macro, `p['urls']`)."""
    found = [
        (number, match.group(0))
        for number, line in enumerate(source.splitlines(), start=1)
        for match in re.finditer(r"\b(?:index|counts|urls)\s*\.", line)
    ]
    for node in jinja2.Environment().parse(source).find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem):
            name = node.arg.value if isinstance(node.arg, nodes.Const) else None
        else:
            name = node.name
        loop_counter = isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name == "loop"
        if name in QUERIED and not loop_counter:
            found.append((node.lineno, str(name)))
    return found


@pytest.mark.parametrize("path", PRINT_TEMPLATE_FILES, ids=lambda path: path.relative_to(pdf.PRINT_TEMPLATES).as_posix())
def test_print_templates_do_not_query_the_data(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    where = path.relative_to(pdf.PRINT_TEMPLATES).as_posix()
    assert not _queries(source), f"{where}: build it in print_contexts.py instead: {_queries(source)}"
    for number, line in enumerate(source.splitlines(), start=1):
        assert "selectattr" not in line and "groupby" not in line, f"{where}:{number}: group in print_contexts.py"
        assert len(line) <= LONGEST_LINE, f"{where}:{number}: {len(line)} characters (at most {LONGEST_LINE})"


@pytest.mark.parametrize(
    "source",
    [
        "{{ p.index.study(s).citation }}",
        "{% for t in p.counts.studies_by_design(x, pub) %}{% endfor %}",
        "{{ p.urls.pdf_path(pub.id) }}",
        "{{ macro(p.index) }}",
        "{{ p['counts'] }}",
        "{% set i = index %}",
    ],
)
def test_the_scan_finds_every_way_of_asking(source: str) -> None:
    assert _queries(source)


def test_the_scan_leaves_formatting_alone() -> None:
    assert not _queries("{% for c in table.columns %}{{ loop.index }}{{ p.text(c.name) }}{% endfor %}")


# --- the same words on the site and in print -----------------------------------------------------------


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Index:
    import shutil

    root = tmp_path_factory.mktemp("whole") / "kb"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("build", "site"))
    shutil.copytree(WHOLE, root, dirs_exist_ok=True)
    return load_or_fail(Project(root))


def _words(html: Markup) -> str:
    return re.sub(r"<[^>]+>", "", str(html))


def _plain(words: str) -> str:
    """Words without the print's typographic quotes, unescaped."""
    return html.unescape(words).translate(str.maketrans("‘’«»“”", '\'\'""""'))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_badge_says_the_same_on_the_site_and_in_print(whole: Index, lang: str) -> None:
    pub = whole.publications()[0]
    site, printed = View(whole, lang, PageSpec("index.md", "")), pdf.PrintView(whole, pub, lang)
    for vocabulary in BADGE_VOCABULARIES:
        for term in whole.terms(vocabulary):
            badge = site.badge_of(vocabulary, term.id)
            assert badge == printed.badge_of(vocabulary, term.id)
            marked_up = (site.badge_markup(badge), printed.badge_markup(badge))
            assert _words(marked_up[0]) == _words(marked_up[1]) == (f"{term.symbol} " if term.symbol else "") + badge.words
            assert "kb-" in marked_up[0] and "kb-" not in marked_up[1]  # each with its own classes


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_finding_badge_says_the_same_on_the_site_and_in_print(whole: Index, lang: str) -> None:
    """Its confidence where the source assessed it (what a reader weighs a finding by), else its
    kind and direction: the print once showed the kind of an assessed finding instead."""
    site = View(whole, lang, PageSpec("index.md", ""))
    for pub in whole.publications():
        printed = pdf.PrintView(whole, pub, lang)
        for finding in whole.findings_of(pub):
            words = _words(site.finding_badge(finding))
            assert _words(printed.finding_badge(finding)) == words
            if finding.confidence:
                assert words == _words(site.confidence_badge(finding.confidence))
            else:
                assert site.label("finding-type", finding.finding_type, "short") in words


# --- print contexts ------------------------------------------------------------------------------------


def _reports(index: Index) -> list[tuple[Publication, PrintedReport]]:
    return [(pub, PrintedReport(index, pub)) for pub in index.publications()]


def test_findings_table_groups_by_theme_in_the_publications_order(whole: Index) -> None:
    for pub, report in _reports(whole):
        groups = report.findings_table(full=True)
        assert [g.theme.id for g in groups] == [t for t in pub.themes if any(whole.finding(f).theme == t for f in pub.findings)]
        for group in groups:
            numbers = [row.finding.number for row in group.rows]
            assert numbers == sorted(numbers) and all(row.finding.theme == group.theme.id for row in group.rows)
            assert all([s.id for s in row.studies] == row.finding.studies for row in group.rows)
        assert sorted(row.finding.id for g in groups for row in g.rows) == sorted(pub.findings)


def test_a_context_reads_only_what_its_part_shows(whole: Index) -> None:
    """The summary's findings table has no studies column: it reads no study (its provenance says so)."""
    for _, report in _reports(whole):
        with whole.recording() as reads:
            rows = [row for group in report.findings_table(full=False) for row in group.rows]
        assert rows and all(not row.studies for row in rows)
        assert not {kind for kind, _ in reads} & {"study", "note", "implication"}
    for pub in whole.publications():
        summary = pdf.render_html(pdf.environment(), whole, pub, "summary", "nb")
        assert "data/studies/" not in summary


def test_confidence_table_adds_up(whole: Index) -> None:
    for pub, report in _reports(whole):
        table = report.confidence_by_theme()
        assert table.totals == [t.count for t in findings_by_confidence(whole, pub)]
        assert [sum(column) for column in zip(*(row.per_level for row in table.rows), strict=True)] == table.totals
        assert all(row.total == sum(row.per_level) for row in table.rows) and table.findings == len(pub.findings)


def test_appraisal_tables_split_at_the_page_width(whole: Index, monkeypatch: pytest.MonkeyPatch) -> None:
    assert any(report.appraisal() for _, report in _reports(whole))
    for _, report in _reports(whole):
        whole_tables = report.appraisal()
        monkeypatch.setattr(print_contexts, "STUDIES_PER_APPRAISAL_TABLE", 1)
        split = report.appraisal()
        monkeypatch.undo()
        assert all(len(t.studies) <= print_contexts.STUDIES_PER_APPRAISAL_TABLE for t in whole_tables)
        assert all(len(t.studies) == 1 for t in split)
        columns = [(t.tool, s.study.id) for t in whole_tables for s in t.studies]
        assert [(t.tool, t.studies[0].study.id) for t in split] == columns
        for table in split:
            appraisal = table.studies[0].study.appraisal
            assert appraisal is not None
            assert {r.criterion: r.answers[0] for r in table.rows if r.answers[0]} == appraisal.items


def test_every_study_of_the_publication_is_printed_once(whole: Index) -> None:
    for pub, report in _reports(whole):
        entries = [entry for group in report.studies().groups for entry in group.studies]
        assert sorted(e.study.id for e in entries) == sorted(pub.studies)
        for entry in entries:
            assert [f.id for f in entry.findings] == [f.id for f in whole.findings_of(pub) if entry.study.id in f.studies]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_print_links_lead_to_what_the_report_prints(whole: Index, lang: str) -> None:
    """Every entity of a publication, linked from its report, leads to an id in that report, under the site's label."""
    env = pdf.environment()
    for pub in whole.publications():
        printed = pdf.render_html(env, whole, pub, "full", lang)
        view, site = pdf.PrintView(whole, pub, lang), View(whole, lang, PageSpec("index.md", ""))
        for kind, entity_id in sorted(whole.entities_of(pub)):
            if kind == "reference":  # a source's reference list is a page of the site; no report prints it yet
                continue
            link = view.entity_link(kind, entity_id)
            if kind == "publication":
                assert link == view.ui("whole_report")
                continue
            target = re.match(r'<a href="#([^"]+)">', link)
            assert target, link
            assert f'id="{target.group(1)}"' in printed, (
                f"{kind}:{entity_id} links to #{target.group(1)}, which the report does not print"
            )
            assert _plain(_words(link)).startswith(_plain(_words(site.entity_link(kind, entity_id))))
