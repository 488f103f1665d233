"""The published data against the sources' own tables.

Each expected number below is what the source document prints (table and place named in the
comment), so a test fails when an edit drops a row, moves a study or changes a count. Where
the source contradicts itself, the test pins the value the data stores and the data note
that records the contradiction.

The knowledge base is living: editors add findings, studies, implications... after a source is
entered. So these tests read the data as each source published it (`index`: the live data
without what no source's edition records, tests/source_edition.py), and three more tests read
the live data (`live`): nothing a source published has changed or gone, every addition says so (a
raised version, a history entry), and every publication has its edition recorded. The last tests
prove it on a copy of the data: additions made as CONTRIBUTING.md shows pass, changes to what a
source published fail.
"""

from __future__ import annotations

import inspect
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.model import counts
from generator.model.index import Index
from generator.model.settings import Project
from generator.pipeline.build import check
from generator.tools.scaffold import scaffold

from . import source_edition
from .conftest import write

ROOT = Path(__file__).resolve().parents[1]
RECORD = source_edition.load()


def load_live(root: Path) -> Index:
    """The data under `root` as it is, checked as strictly as `make check` does."""
    found, report = check(Project(root), strict=True)
    assert found is not None, [str(p) for p in report.errors(strict=True)]
    return found


@pytest.fixture(scope="module")
def live(repo_index: Index) -> Index:
    return repo_index


@pytest.fixture(scope="module")
def index(live: Index) -> Index:
    """The knowledge base as the sources published it."""
    return source_edition.as_published(live, RECORD)


def notes_on(index: Index, kind: str, entity_id: str) -> list[str]:
    return [n.id for n in index.notes_about(kind, entity_id)]


# --- every source: what it published stays; what was added says so -------------------------------


def test_what_the_sources_published_is_unchanged(live: Index) -> None:
    changes = source_edition.changes_to_the_source(live, RECORD)
    assert not changes, "\n".join(changes)


def test_additions_say_when_they_were_made(live: Index) -> None:
    unrecorded = source_edition.unrecorded_additions(live, RECORD)
    assert not unrecorded, "\n".join(unrecorded)


def test_every_publication_is_a_recorded_source(live: Index) -> None:
    """A source entering the knowledge base is recorded with it, so that its tables are protected."""
    new = [p for p in live.ids("publication") if p not in RECORD]
    assert not new, (
        f"record the edition of each new source: python -m tests.source_edition --new-source {' --new-source '.join(new)}"
    )


# --- seed 001: FHI/KSU mixed-methods review ---------------------------------------------------


def test_001_tables_3_to_11(index: Index) -> None:
    pub = index.publication("skole-hjem-2025")
    designs = Counter(index.term("design", index.study(s).design).group for s in pub.studies)
    assert len(pub.studies) == 38  # "Vi inkluderte 38 primærstudier"
    assert designs == {"qualitative": 23, "quantitative": 13, "mixed-methods": 2}  # hovedbudskap
    assert len(pub.findings) == 33 and len(pub.themes) == 7  # Tabell 9
    assert len(pub.characteristics) == 6  # Tabell 10
    assert len(index.matrix(pub.matrices[0]).rows) == 15  # Tabell 11
    by_confidence = {t.key: t.count for t in counts.findings_by_confidence(index, pub)}
    assert by_confidence["low"] == 11  # Tabell 9 rows; the text says 10 ...
    assert "note-finding-low-confidence-count" in [n.id for n, _ in index.notes_in_publication(pub)]  # ... and a note says so


# --- seed 000: FHI/KSU scoping review -----------------------------------------------------------

REVIEW_RATINGS = {  # Tabell 2 "metodisk kvalitet" = Vedlegg 6 "Samlet vurdering"
    "armstrong-2023": "moderate",
    "asamoah-2021": "low",
    "avery-2021": "moderate",
    "bird-2025": "high",
    "boaler-bond-2023": "low",
    "brown-2024": "low",
    "johnson-2020": "low",
    "perkins-2021": "high",
    "tyldesley-marshall-2025": "moderate",
    "ufermann-2025": "moderate",
    "vlcek-2024": "moderate",
    "warmoes-2025": "moderate",
    "white-bond-2022": "moderate",
}


def test_000_tabell_2_has_the_13_reviews_with_their_ratings(index: Index) -> None:
    pub = index.publication("samarbeid-skole-2025")
    assert sorted(pub.studies) == sorted(REVIEW_RATINGS)  # "13 systematiske oversikter"
    for study_id, rating in REVIEW_RATINGS.items():
        study = index.study(study_id)
        assert study.design == "systematic-review"
        assert study.appraisal is not None and study.appraisal.tool == "jbi-sbu-review"
        assert study.appraisal.overall == rating, study_id
        assert study.aim and study.participants and study.target_group and study.main_findings, study_id
        assert study.primary_studies is not None and study.all_countries


def test_000_primary_studies_add_up_to_the_texts_total(index: Index) -> None:
    pub = index.publication("samarbeid-skole-2025")
    # "443 primærstudier" in the text; Tabell 2 prints 13 for Tyldesley-Marshall where the text and
    # Vedlegg 7 give 137: only 137 makes the total, and a note records the contradiction.
    assert sum(index.study(s).primary_studies or 0 for s in pub.studies) == 443
    assert index.study("tyldesley-marshall-2025").primary_studies == 137
    assert notes_on(index, "study", "tyldesley-marshall-2025")


def test_000_vedlegg_6_grid_is_11_questions_by_13_reviews(index: Index) -> None:
    pub = index.publication("samarbeid-skole-2025")
    [(tool, study_ids)] = counts.appraisal_by_tool(index, pub)
    assert tool == "jbi-sbu-review" and len(study_ids) == 13
    assert counts.appraisal_criteria(index, study_ids) == [f"review-q{i}" for i in range(1, 12)]
    answered = sum(len(index.study(s).appraisal.items) for s in study_ids)  # type: ignore[union-attr]
    assert answered == 11 * 13 - 1  # Armstrong's Q10 cell is blank in the source ...
    assert notes_on(index, "study", "armstrong-2023")  # ... and a note says so


def test_000_categories_forms_facilitators_barriers_implications(index: Index) -> None:
    pub = index.publication("samarbeid-skole-2025")
    top = [t for t in pub.themes if not index.theme(t).parent]
    collaboration = [t for t in top if not any(index.finding(f).theme in [t, *index.subthemes.get(t, [])] for f in pub.findings)]
    assert len(collaboration) == 3  # the three categories of collaboration (kapittel 6.2.1)
    types = Counter(index.finding(f).finding_type for f in pub.findings)
    assert set(types) == {"facilitator", "barrier"}  # Figur 3
    assert all(index.finding(f).studies for f in pub.findings)
    for f in pub.findings:
        assert set(index.finding(f).studies) <= set(pub.studies)
    kinds = Counter(index.implication(i).implication_type for i in pub.implications)
    assert kinds["implication-for-practice"] > 0 and kinds["knowledge-gap"] > 0
    assert pub.key_messages is not None
    assert all(b.en_origin == "source" for g in pub.key_messages.groups for b in g.bullets)


# --- seed 003: NTNU master thesis -----------------------------------------------------------------


def test_003_tabell_2_code_counts(index: Index) -> None:
    pub = index.publication("levik-2023-masteroppgave")
    main = [t for t in pub.themes if not index.theme(t).parent]
    assert len(main) == 4  # four main themes
    assert [index.theme(t).code_counts.get("parents") for t in main] == [67, 24, 26, 7]
    assert [index.theme(t).code_counts.get("teachers") for t in main] == [25, 25, 10, None]
    totals = counts.code_totals(index, pub)
    assert totals["parents"] == 124  # "Totalt koder 124" for parents, as printed
    # Teachers: the source prints 99 but leaves one cell blank; the data keeps the blank (no
    # invented 39), the site marks the total as incomplete, and a note explains.
    assert totals["teachers"] == 60
    assert counts.code_totals_complete(index, pub) == {"parents": True, "teachers": False}
    assert any("laererkoder" in note.id for note, _ in index.notes_in_publication(pub))
    assert sum(len(index.subthemes.get(t, [])) for t in main) == 9


def test_003_is_seed_001s_study_linked_both_ways(index: Index) -> None:
    pub = index.publication("levik-2023-masteroppgave")
    assert pub.same_as_study == "levik-2023"
    assert index.publication_as_study["levik-2023"] == pub.id
    assert "skole-hjem-2025" in index.publications_by_study["levik-2023"]
    cited_in_001 = [index.finding(f).number for f in index.findings_by_study["levik-2023"] if f.startswith("skole-hjem-2025")]
    assert sorted(cited_in_001) == [2, 16, 17, 21, 26, 31]  # Tabell 9
    implications = index.implications_of(pub)
    assert [i.implication_type for i in implications] == ["implication-for-practice"] * 5  # kapittel 6.1


def test_no_personal_contact_details_in_the_data() -> None:
    """The thesis's appendices hold names, e-mail addresses and phone numbers: none is published."""
    import re

    email = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
    phone = re.compile(r"(?<!\d)(?:\+47[ ]?)?(?:\d{2}[ ]?){4}(?!\d)|(?<!\d)\d{3} ?\d{2} ?\d{3}(?!\d)")
    for path in (ROOT / "data").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert not email.search(text), f"{path}: e-mail address"
        for match in phone.finditer(text):
            context = text[max(0, match.start() - 40) : match.end() + 10].lower()
            assert not any(w in context for w in ("tlf", "telefon", "mobil", "phone")), f"{path}: phone number {match.group(0)}"


# --- seed 002: OsloMet AFI report 2022:09 -----------------------------------------------------------


def _chart(index: Index, pub_id: str, chart_id: str):  # type: ignore[no-untyped-def]
    return next(c for c in index.publication(pub_id).charts if c.id == chart_id)


def test_002_studies_and_model(index: Index) -> None:
    pub = index.publication("log-oppfolging-2022")
    assert pub.studies == ["log-hovedstudie-2020", "log-oppfolging-2022"]
    assert index.study("log-hovedstudie-2020").design == "cluster-rct"  # 2017-2020
    assert index.study("log-oppfolging-2022").follow_up_of == "log-hovedstudie-2020"  # 2020-2022
    model = index.intervention("log-modellen")
    assert model.components and model.arenas and model.programme_theory
    assert index.studies_by_intervention["log-modellen"] == ["log-hovedstudie-2020", "log-oppfolging-2022"]


def test_002_charts_are_the_numbers_the_text_gives(index: Index) -> None:
    figur_3 = _chart(index, "log-oppfolging-2022", "log-oppfolging-2022-figur-3")
    assert figur_3.series[0].values == [1.8, 1.6, 2.1, 3.5]  # Figur 3, LOG-model knowledge 2022
    tabell_2 = _chart(index, "log-oppfolging-2022", "log-oppfolging-2022-tabell-2")
    assert tabell_2.series[0].values == [21, 67, 59]  # Tabell 2, response rates 2022
    tabell_8 = _chart(index, "log-oppfolging-2022", "log-oppfolging-2022-tabell-8")
    total = next(s for s in tabell_8.series if s.name.nb == "Total")
    assert total.values == [69, 75, 52, 21]  # Tabell 8: the falling teacher response rate


def test_002_results_traits_cases_recommendations(index: Index) -> None:
    pub = index.publication("log-oppfolging-2022")
    results = [index.finding(f) for f in pub.findings if index.finding(f).finding_type == "result"]
    assert results and all(r.direction and r.strength for r in results)  # a direction and the source's qualification
    traits = next(c for c in pub.chapters if c.heading.nb == "Kjennetegn ved samarbeidsformer som er videreført")
    assert len(traits.bullets) == 5  # the five common traits a)-e)
    assert len(pub.cases) == 8
    audiences = {a for i in pub.implications for a in index.implication(i).audiences}
    assert {"policy-makers", "school-owners", "school-leaders", "researchers"} <= audiences
    assert all(
        index.implication(i).findings for i in pub.implications if index.implication(i).implication_type == "recommendation"
    )
    assert notes_on(index, "publication", pub.id)  # Tabell 5 total, 35 vs 37 schools, ...


# --- seed 004: NORCE note 14-2025 -------------------------------------------------------------------


def test_004_tabell_1_and_2_are_15_and_7_studies(index: Index) -> None:
    pub = index.publication("norce-utenforskap-2025")
    peer = [s for s in pub.studies if index.study(s).publication_type == "journal-article"]
    grey = [s for s in pub.studies if index.study(s).publication_type != "journal-article"]
    assert len(peer) == 15 and len(grey) == 7
    # the country each Tabell 1 row names at the end of its actors cell: 9 Danmark, 4 Norge, 2 Sverige
    assert Counter(index.study(s).country for s in peer) == {"dnk": 9, "nor": 4, "swe": 2}
    assert all(index.study(s).country == "nor" for s in grey)  # all grey literature is Norwegian
    for study_id in pub.studies:
        study = index.study(study_id)
        assert study.interventions and study.target_group and study.sectors, study_id
        assert study.has_control_group is not None or study_id in grey, study_id


def test_004_the_authors_four_studies_with_effect(index: Index) -> None:
    """The note counts four studies as showing effect: JUMP, CCT-SE, the headache team and FACT."""
    pub = index.publication("norce-utenforskap-2025")
    with_effect = {
        s
        for s in pub.studies
        if any(e.reading == "authors" and e.direction in ("positive", "positive-uncontrolled") for e in index.study(s).effects)
    }
    assert with_effect == {"falkum-2017", "howe-2020", "lunder-2025", "svensson-2018"}
    controlled = {s for s in with_effect if index.study(s).has_control_group}
    assert controlled == {"falkum-2017", "howe-2020"}  # "Kun to benyttet kontrollgrupper" (of the four)
    assert all(e.reading in ("authors", "editorial") for s in pub.studies for e in index.study(s).effects)


def test_004_gap_maps(index: Index) -> None:
    pub = index.publication("norce-utenforskap-2025")
    sectors = counts.sector_matrix(index, pub)
    peer_rows = dict(counts.gap_row_groups(index, pub, sectors))["journal-article"]
    by_sector = counts.group_column_studies(index, pub, sectors, peer_rows)
    assert (
        by_sector.get("education", 0) == 0 and by_sector.get("voluntary", 0) == 0
    )  # "no study involved education or voluntary actors"
    assert by_sector["health"] == 15
    effect_map = counts.effect_map(index, pub)
    assert sum(len(ids) for ids in effect_map.cells.values()) >= 22 - 1  # every study but the survey (Hansen) has an effect
    documented = [i for i in pub.interventions if index.intervention(i).evidence == "documented-effect"]
    assert sorted(documented) == ["norce-helsearbeid", "norce-ips", "norce-rask-psykisk-helsehjelp"]  # kapittel 4.3
    kinds = Counter(index.implication(i).implication_type for i in pub.implications)
    assert kinds["development-area"] == 4 and kinds["principle"] > 0


# --- a living knowledge base: additions pass, changes to what a source published fail ---------------

NEW_STUDY = """\
kind: study
id: {id}
citation: "{citation}"
authors:
  - "{author}"
year: 2026
publication_type: journal-article
design: {design}
country: dnk
history:
  - date: 2026-03-01
    version: "1.1"
    change: {{nb: "Studien lagt til.", en: "Study added.", nb_origin: editorial}}
"""

NEW_FINDING = """\
kind: finding
id: skole-hjem-2025-f34
number: 34
theme: kommunikasjon
title:
  nb: "Foresatte ønsket faste kontaktpunkter med skolen"
  en: "Parents wanted fixed points of contact with the school"
  nb_origin: editorial
statement:
  nb: "Foresatte ønsket faste kontaktpunkter med skolen."
  en: "Parents wanted fixed points of contact with the school."
  nb_origin: editorial
components:
  methodological_limitations:
    level: none-or-very-minor
  coherence:
    level: none-or-very-minor
  adequacy:
    level: moderate
    explanation: {nb: "Data fra to studier.", en: "Data from two studies.", nb_origin: editorial}
  relevance:
    level: none-or-very-minor
confidence: low
studies:
  - nordmann-2026
  - levik-2023
history:
  - date: 2026-03-01
    version: "1.1"
    change: {nb: "Funn 34 lagt til.", en: "Finding 34 added.", nb_origin: editorial}
    reason: {nb: "Ny studie inkludert.", en: "New study included.", nb_origin: editorial}
"""

NEW_IMPLICATION = """\
kind: implication
id: norce-utenforskap-2025-i16
number: 16
implication_type: development-area
audiences: [researchers]
text: {nb: "Følg opp den nye studien.", en: "Follow up the new study.", nb_origin: editorial}
"""

NEW_VERSION = """\
  - date: 2026-03-01
    version: "1.1"
    change: {nb: "Nytt innhold.", en: "New content.", nb_origin: editorial}
"""


@pytest.fixture
def copy(tmp_path: Path) -> Project:
    """A copy of the real data (and the pages that cite it), to edit."""
    root = tmp_path / "kb"
    for name in ("data", "content"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return Project(root)


def edit(project: Project, rel: str, old: str, new: str) -> None:
    path = project.data_dir / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{rel}: {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def raise_version(project: Project, pub_id: str, old_date: str) -> None:
    """CONTRIBUTING.md, "Cut a new version": version and date raised, a history entry added."""
    rel = f"publications/{pub_id}.yaml"
    edit(project, rel, '\nversion: "1.0"\n', '\nversion: "1.1"\n')
    edit(project, rel, f"\ndate: {old_date}\n", "\ndate: 2026-03-01\n")
    path = project.data_dir / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("" if "\nhistory:\n" in text else "history:\n") + NEW_VERSION, encoding="utf-8")


def grow(project: Project, *, new_versions: bool = True) -> None:
    """What CONTRIBUTING.md shows: `new study` and `new finding` in the mixed-methods review, a new
    study and a development area in the NORCE note, each filled in, the publications at version 1.1.
    The additions are of the kinds, countries, designs and confidence the seed tests count."""
    created = scaffold(project, "study", publication="skole-hjem-2025", entity_id="nordmann-2026")
    write(created.path, NEW_STUDY.format(id="nordmann-2026", citation="Nordmann 2026", author="Nordmann, K.", design="rct"))
    created = scaffold(project, "finding", publication="skole-hjem-2025")
    assert created.entity_id == "skole-hjem-2025-f34"
    write(created.path, NEW_FINDING)
    created = scaffold(project, "study", publication="norce-utenforskap-2025", entity_id="hansen-2026")
    write(created.path, NEW_STUDY.format(id="hansen-2026", citation="Hansen 2026", author="Hansen, L.", design="rct"))
    write(project.data_dir / "implications" / "norce-utenforskap-2025-i16.yaml", NEW_IMPLICATION)
    edit(
        project,
        "publications/norce-utenforskap-2025.yaml",
        "implications:\n",
        'implications:\n  - "norce-utenforskap-2025-i16"\n',
    )
    if new_versions:
        raise_version(project, "skole-hjem-2025", "2025-11-01")
        raise_version(project, "norce-utenforskap-2025", "2025-06-01")


def seed_failures(root: Path) -> list[str]:
    """Every test of this file that reads the data (`index`, `live`), run on the data under `root`."""
    live = load_live(root)
    try:
        fixtures = {"live": live, "index": source_edition.as_published(live, RECORD)}
    except AssertionError as exc:
        return [f"as_published: {exc}"]
    failures = []
    for name, test in sorted(globals().items()):
        parameters = list(inspect.signature(test).parameters) if name.startswith("test_") and callable(test) else []
        if not parameters or not set(parameters) <= set(fixtures):
            continue
        try:
            test(**{p: fixtures[p] for p in parameters})
        except Exception as exc:  # noqa: BLE001  any exception is that test failing
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
    return failures


def test_the_knowledge_base_grows_without_failing_these_tests(copy: Project) -> None:
    grow(copy)
    live = load_live(copy.root)
    assert len(live.publication("skole-hjem-2025").findings) == 34  # the additions are really there
    assert "hansen-2026" in live.publication("norce-utenforskap-2025").studies
    assert seed_failures(copy.root) == []


def test_editorial_changes_to_a_source_entity_pass(copy: Project) -> None:
    """Our translation, title, topics and history of a finding the source published are ours to change."""
    rel = "findings/skole-hjem-2025-f05.yaml"
    text = (copy.data_dir / rel).read_text(encoding="utf-8")
    english = next(line for line in text.partition("\nstatement:")[2].splitlines() if line.startswith("  en: "))
    edit(copy, rel, english, '  en: "A better translation."')
    edit(copy, rel, '\ntitle:\n  nb: "', '\ntitle:\n  nb: "Kort sagt: ')
    edit(copy, rel, "topics:\n", "topics:\n  - overganger\n")
    write(
        copy.data_dir / rel, (copy.data_dir / rel).read_text(encoding="utf-8") + NEW_VERSION.replace("  - ", "history:\n  - ", 1)
    )
    raise_version(copy, "skole-hjem-2025", "2025-11-01")
    assert seed_failures(copy.root) == []


def _statement(project: Project) -> None:
    """The source's wording of a finding, edited."""
    edit(project, "findings/skole-hjem-2025-f05.yaml", '\nstatement:\n  nb: "', '\nstatement:\n  nb: "Ifølge oss: ')


def _relabelled(project: Project) -> None:
    """The source's wording claimed as ours, then edited."""
    edit(
        project,
        "findings/skole-hjem-2025-f05.yaml",
        '\nstatement:\n  nb: "',
        '\nstatement:\n  nb_origin: editorial\n  nb: "Ifølge oss: ',
    )


def _source_title(project: Project) -> None:
    """A title in the source's words (its heading for this one finding), edited."""
    edit(project, "findings/log-oppfolging-2022-f41.yaml", '\ntitle:\n  nb: "', '\ntitle:\n  nb: "Om ')


def _confidence(project: Project) -> None:
    edit(project, "findings/skole-hjem-2025-f05.yaml", "confidence: low", "confidence: moderate")


def _swapped(project: Project) -> None:
    """Two confidences swapped: every count stays the same."""
    edit(project, "findings/skole-hjem-2025-f05.yaml", "confidence: low", "confidence: moderate")
    edit(project, "findings/skole-hjem-2025-f01.yaml", "confidence: moderate", "confidence: low")


def _count(project: Project) -> None:
    """Tabell 2's misprint (13 primary studies) taken over from the text's 137."""
    edit(project, "studies/tyldesley-marshall-2025.yaml", "primary_studies: 137", "primary_studies: 13")


def _country(project: Project) -> None:
    edit(project, "studies/falkum-2017.yaml", 'country: "nor"', 'country: "dnk"')


def _dropped_finding(project: Project) -> None:
    """A finding of Tabell 9 left out of the publication, as if it were an addition."""
    edit(project, "publications/skole-hjem-2025.yaml", "  - skole-hjem-2025-f29\n", "")
    (project.data_dir / "findings" / "skole-hjem-2025-f29.yaml").unlink()


def _unversioned(project: Project) -> None:
    """Additions to a publication still at the source's version."""
    for pub_id in ("skole-hjem-2025", "norce-utenforskap-2025"):
        edit(project, f"publications/{pub_id}.yaml", '\nversion: "1.1"\n', '\nversion: "1.0"\n')


CHANGES: dict[str, tuple[Callable[[Project], None], str]] = {
    "statement": (_statement, "finding 'skole-hjem-2025-f05' of publication 'skole-hjem-2025': what the source published"),
    "relabelled": (_relabelled, "finding 'skole-hjem-2025-f05' of publication 'skole-hjem-2025': what the source published"),
    "source title": (
        _source_title,
        "finding 'log-oppfolging-2022-f41' of publication 'log-oppfolging-2022': what the source published",
    ),
    "confidence": (_confidence, "test_001_tables_3_to_11"),
    "swapped": (_swapped, "finding 'skole-hjem-2025-f01' of publication 'skole-hjem-2025': what the source published"),
    "count": (_count, "test_000_primary_studies_add_up_to_the_texts_total"),
    "country": (_country, "test_004_tabell_1_and_2_are_15_and_7_studies"),
    "dropped finding": (
        _dropped_finding,
        "finding 'skole-hjem-2025-f29' of publication 'skole-hjem-2025': the source published it",
    ),
    "unversioned": (_unversioned, "publication 'skole-hjem-2025' has entities the source did not publish"),
}


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data grown as CONTRIBUTING.md shows (`grow`), once for the changes below to copy."""
    root = tmp_path_factory.mktemp("grown") / "kb"
    for name in ("data", "content"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    grow(Project(root))
    return root


@pytest.mark.parametrize("name", CHANGES)
def test_a_change_to_what_a_source_published_fails(grown: Path, tmp_path: Path, name: str) -> None:
    """Made among legitimate additions, each change still fails, and names what changed."""
    change, expected = CHANGES[name]
    copy = Project(tmp_path / "kb")
    shutil.copytree(grown, copy.root)
    change(copy)
    failures = seed_failures(copy.root)
    assert any(expected in failure for failure in failures), failures
