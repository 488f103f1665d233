"""The cross-source views on the fixture: counts computed from the data, both-way links,
gap maps with drill-downs, themes with code counts, and charts that never invent values."""

from __future__ import annotations

import re

import pytest

from generator.model import counts
from generator.model.index import Index
from generator.model.settings import Project
from generator.pipeline.build import check, generate

from .conftest import whole_copy


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Index]:
    """Generated once: the tests read it."""
    whole_project = whole_copy(tmp_path_factory.mktemp("whole"))
    index, report = check(whole_project)
    assert index is not None, [str(p) for p in report.problems]
    generate(whole_project, index)
    return whole_project, index


def page(project: Project, doc: str, lang: str = "nb") -> str:
    return (project.staging_docs(lang) / doc).read_text(encoding="utf-8")


def test_code_counts_sum_sub_themes_into_their_main_theme(built: tuple[Project, Index]) -> None:
    _, index = built
    pub = index.publication("demo-thesis-2022")
    assert counts.theme_codes(index, "oppgave-hoved", "parents") == 12 + 3
    assert counts.theme_codes(index, "oppgave-hoved") == 12 + 5 + 3 + 9
    assert counts.code_totals(index, pub) == {"parents": 15, "teachers": 14}


def test_themes_page_shows_the_computed_totals(built: tuple[Project, Index]) -> None:
    project, _ = built
    text = page(project, "publications/demo-thesis-2022/themes.md")
    footer = re.search(r"<tfoot>.*?</tfoot>", text, re.S).group(0)  # type: ignore[union-attr]
    assert re.findall(r'kb-num">(\d+)<', footer) == ["15", "14", "29"]


def test_thesis_and_study_link_both_ways(built: tuple[Project, Index]) -> None:
    project, index = built
    assert index.publication_as_study == {"gamma-2022": "demo-thesis-2022"}
    thesis = page(project, "publications/demo-thesis-2022/index.md")
    assert 'href="../../studies/gamma-2022/"' in thesis
    # the findings of the other publication the study contributes to are listed on the thesis page
    assert "demo-2025-f01" in thesis
    study = page(project, "studies/gamma-2022.md")
    assert 'href="../../publications/demo-thesis-2022/"' in study


def test_effect_map_cells_and_drill_down(built: tuple[Project, Index]) -> None:
    project, index = built
    pub = index.publication("demo-thesis-2022")
    effect_map = counts.effect_map(index, pub)
    assert effect_map.rows == ("demo-team",)
    assert effect_map.columns == ("work-participation", "sick-leave")
    assert effect_map.cells[("demo-team", "work-participation")] == ("delta-2019",)
    drill = page(project, "publications/demo-thesis-2022/effect-map/demo-team-work-participation.md")
    assert "Delta et al. 2019" in drill and "Forfatternes" in drill and "Økt deltakelse." in drill


def test_sector_matrix_shows_every_sector_and_counts_studies(built: tuple[Project, Index]) -> None:
    project, index = built
    matrix = counts.sector_matrix(index, index.publication("demo-thesis-2022"))
    assert matrix.column_studies == {"health": ("delta-2019",), "education": ("delta-2019",)}
    text = page(project, "publications/demo-thesis-2022/sectors.md")
    # sectors no study involved are shown too: an empty column is a gap worth seeing
    assert "Frivillig og ideell sektor" in text
    assert (project.staging_docs("nb") / "publications/demo-thesis-2022/sectors/health.md").exists()


def test_practice_page_groups_implications_by_audience_with_supporting_findings(built: tuple[Project, Index]) -> None:
    project, index = built
    table = counts.implications_by_audience(index)
    assert table["teachers"]["implication-for-practice"] == ["demo-thesis-2022-i01"]
    assert table["researchers"]["knowledge-gap"] == ["demo-thesis-2022-i02"]
    text = page(project, "practice/teachers.md")
    assert "Bygg tillit tidlig." in text
    # a supporting finding from another publication is named by its title, with its number,
    # its publication and its confidence
    assert ">Foresatte ønsket tidlig kontakt</a>" in text and "(Funn 1, Demo-oversikt)" in text and "Moderat tillit" in text


def test_topic_page_gathers_every_kind_from_every_publication(built: tuple[Project, Index]) -> None:
    project, index = built
    kinds = {kind for kind, _ in index.topic_members["tidlig"]}
    assert kinds == {"finding", "implication", "intervention", "case", "theme"}
    text = page(project, "topics/tidlig.md")
    for expected in ("Foresatte ønsket tillit.", "Bygg tillit tidlig.", "Demoteamet", "Drop-in hos helsesykepleier"):
        assert expected in text


def test_overview_counts_each_study_once(built: tuple[Project, Index]) -> None:
    project, index = built
    rows = {row["publication"]: row for row in counts.kb_publication_rows(index)}
    assert rows["demo-2025"]["findings"] == 3 and rows["demo-2025"]["assessed"] == 3
    assert rows["demo-thesis-2022"]["assessed"] == 0
    text = page(project, "overview.md")
    footer = re.search(r"<tfoot>.*?</tfoot>", text, re.S).group(0)  # type: ignore[union-attr]
    # gamma-2022 is in both publications: 3 + 2 listings, 4 distinct studies
    assert re.findall(r'kb-num"[^>]*>(\d+)<', footer)[2] == "4"


def test_chart_draws_no_bar_for_a_value_the_source_does_not_give(built: tuple[Project, Index]) -> None:
    project, _ = built
    text = page(project, "publications/demo-thesis-2022/index.md")
    svg = re.search(r"<svg.*?</svg>", text, re.S).group(0)  # type: ignore[union-attr]
    assert svg.count("<rect") == 3 + 2  # three bars and two legend keys; the missing value has none
    assert "ikke oppgitt" in svg
    assert '<td class="kb-num" data-label="Ressursteam">ikke oppgitt</td>' in text


def test_findings_without_cerqual_show_kind_and_qualification(built: tuple[Project, Index]) -> None:
    project, _ = built
    text = page(project, "findings/demo-thesis-2022-f02.md")
    assert text.startswith("---") and "# Ingen forskjell i samarbeidsklima {" in text
    assert "Funn 2 · " in text and "Resultat" in text
    assert "Ingen effekt" in text and "Ikke signifikant (p=,567)" in text
    assert "Evidensprofil" not in text
    assert not (project.staging_docs("nb") / "publications/demo-thesis-2022/evidence-profiles.md").exists()
