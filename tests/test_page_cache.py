"""The page cache of a full build (pipeline/pagecache.py): a warm generate renders only the pages
whose reads changed, and its staged tree is byte-identical to a cold generate of the same data."""

from __future__ import annotations

import pickle
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.model.settings import Project
from generator.pipeline import pagecache
from generator.pipeline.build import generate, load_or_fail
from generator.pipeline.pagecache import CACHE_FILE, PageCache
from generator.web import contexts

from .conftest import whole_copy


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _generate(project: Project) -> PageCache:
    index = load_or_fail(project)
    cache = PageCache.open(project.build_dir, index)
    generate(project, index, cache=cache)
    return cache


def _cold_tree(project: Project, tmp: Path) -> dict[str, bytes]:
    """The staged pages a generate without any cache writes for the same data."""
    copy = Project(tmp / "cold")
    shutil.copytree(project.root, copy.root, ignore=shutil.ignore_patterns("build", "site"))
    generate(copy, load_or_fail(copy))
    return _tree(copy.build_dir / "docs")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The fixture with the second publication, generated once with the cache: each test copies it
    (mtimes kept, so the cache's stamps hold in the copy)."""
    project = whole_copy(tmp_path_factory.mktemp("built"))
    first = _generate(project)
    assert first.kept == 0 and first.rendered > 0 and first.reason == "no page cache yet"
    return project


@pytest.fixture
def warm(built: Project, tmp_path: Path) -> Project:
    root = tmp_path / "warm"
    shutil.copytree(built.root, root)
    return Project(root)


def _replace(project: Project, relative: str, old: str, new: str) -> None:
    path = project.data_dir / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _add(project: Project, relative: str, text: str) -> None:
    (project.data_dir / relative).write_text(text, encoding="utf-8")


def _rendered_docs(project: Project, before: dict[str, float]) -> set[str]:
    """Staged pages whose file was touched since `before` (a kept page is never touched)."""
    docs = project.build_dir / "docs"
    return {
        p.relative_to(docs).as_posix()
        for p in docs.rglob("*.md")
        if p.stat().st_mtime_ns != before.get(p.relative_to(docs).as_posix())
    }


def _stamps(project: Project) -> dict[str, float]:
    docs = project.build_dir / "docs"
    return {p.relative_to(docs).as_posix(): p.stat().st_mtime_ns for p in docs.rglob("*.md")}


def test_a_warm_generate_with_nothing_changed_renders_nothing(warm: Project) -> None:
    before = _tree(warm.build_dir / "docs")
    cache = _generate(warm)
    assert (cache.rendered, cache.summary()) == (0, f"0 rendered, {cache.kept:,} kept (page cache)")
    assert cache.kept > 100
    assert _tree(warm.build_dir / "docs") == before


def test_a_comment_only_edit_renders_nothing(warm: Project) -> None:
    path = warm.data_dir / "findings" / "demo-2025-f03.yaml"
    path.write_text("# a comment only\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert _generate(warm).rendered == 0


def test_an_edited_finding_renders_its_readers_only_and_equals_a_cold_generate(warm: Project, tmp_path: Path) -> None:
    planned = _generate(warm).kept  # every page, kept
    _replace(warm, "findings/demo-2025-f03.yaml", "Tillit ble bygget", "Tillit ble særlig bygget")
    cache = _generate(warm)
    assert 0 < cache.rendered < planned and cache.rendered + cache.kept == planned
    assert _tree(warm.build_dir / "docs") == _cold_tree(warm, tmp_path)


def test_the_pages_rendered_are_those_that_read_the_finding(warm: Project) -> None:
    stamps = _stamps(warm)
    _replace(warm, "findings/demo-2025-f03.yaml", "Tillit ble bygget", "Tillit ble særlig bygget")
    cache = _generate(warm)
    touched = _rendered_docs(warm, stamps)
    # A page whose bytes changed was rendered; a page that does not read the finding was not.
    assert "nb/findings/demo-2025-f03.md" in touched
    assert "nb/studies/gamma-2022.md" in touched  # lists the finding among its back-links
    assert cache.rendered >= len(touched)
    assert cache.rendered < cache.kept


def test_a_template_change_renders_everything(warm: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagecache, "code_digest", lambda: "another generator")
    cache = _generate(warm)
    assert cache.kept == 0 and "changed" in cache.reason


def test_the_code_digest_covers_the_templates() -> None:
    templates = sorted((pagecache.GENERATOR / "templates").rglob("*.j2"))
    assert templates and all(t.suffix in pagecache.CODE_SUFFIXES for t in templates)
    assert (pagecache.GENERATOR / "model" / "ui.yaml").suffix in pagecache.CODE_SUFFIXES


@pytest.mark.parametrize("content", [b"not a pickle", b"\x80\x05K\x01."])
def test_a_corrupt_cache_renders_everything(warm: Project, content: bytes) -> None:
    (warm.build_dir / CACHE_FILE).write_bytes(content)
    cache = _generate(warm)
    assert cache.kept == 0 and cache.reason.startswith("page cache unreadable")
    assert _generate(warm).rendered == 0  # and the cache is whole again


def test_a_staged_page_changed_by_hand_is_rendered_again(warm: Project) -> None:
    page = warm.build_dir / "docs" / "nb" / "studies" / "alpha-2020.md"
    original = page.read_bytes()
    page.write_bytes(b"edited by hand\n")
    cache = _generate(warm)
    assert cache.rendered == 1 and page.read_bytes() == original


def test_the_site_address_renders_everything(warm: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KB_SITE_URL", "https://kunnskap-org.github.io/kb/")  # the site configuration, as a deployment sets it
    cache = _generate(warm)
    assert cache.kept == 0 and "settings changed" in cache.reason


EDITS: dict[str, Callable[[Project], None]] = {
    "a finding's text": lambda p: _replace(p, "findings/demo-2025-f01.yaml", "nb: ", "nb: Redigert. "),
    "a finding gains a study": lambda p: _replace(
        p, "findings/demo-2025-f02.yaml", "studies: [gamma-2022]", "studies: [gamma-2022, alpha-2020]"
    ),
    "a finding leaves its topic": lambda p: _replace(p, "findings/demo-thesis-2022-f01.yaml", "topics: [tidlig]\n", ""),
    "a theme leaves its topic": lambda p: _replace(p, "themes/oppgave-hoved.yaml", "topics: [tidlig]", "topics: []"),
    "a topic renamed": lambda p: _replace(p, "topics/tidlig.yaml", "Tidlig innsats", "Tidlig hjelp"),
    "a study's country": lambda p: _replace(p, "studies/alpha-2020.yaml", "country: usa", "country: nor"),
    "a glossary definition": lambda p: _replace(p, "glossary/tabell.yaml", "En nummerert tabell", "En tabell"),
    "a vocabulary term's label": lambda p: _replace(p, "vocabularies/confidence.yaml", "nb: ", "nb: Svært "),
    "a note deleted": lambda p: (p.data_dir / "notes" / "note-demo-count.yaml").unlink(),
    "a note added about a study": lambda p: _add(
        p,
        "notes/note-new.yaml",
        'id: note-new\napplies_to: ["study:beta-2021"]\ncategory: discrepancy\n'
        'text: {nb: "Ny merknad.", en: "A new note.", nb_origin: editorial}\n',
    ),
    "a study deleted from a thesis": lambda p: _replace(
        p, "publications/demo-thesis-2022.yaml", "studies: [gamma-2022, delta-2019]", "studies: [delta-2019, gamma-2022]"
    ),
    "a quote's words": lambda p: _replace(p, "quotes/demo-thesis-2022-q01.yaml", 'nb: "Da vi', 'nb: "Ja. Da vi'),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_after_one_edit_warm_equals_cold(warm: Project, tmp_path: Path, edit: str) -> None:
    EDITS[edit](warm)
    cache = _generate(warm)
    assert cache.kept > 0 or edit in ("a vocabulary term's label", "a glossary definition")
    assert _tree(warm.build_dir / "docs") == _cold_tree(warm, tmp_path)


_TEXT = re.compile(r'(\b(?:nb|en): ")([^"\n]+)')


def _text_edits(root: Path) -> list[tuple[str, int]]:
    """Every quoted nb/en text in the data: (file, its place), each a valid single-file edit."""
    found = []
    for path in sorted((root / "data").rglob("*.yaml")):
        if "vocabularies" in path.parts:
            continue
        for i, _ in enumerate(_TEXT.finditer(path.read_text(encoding="utf-8"))):
            found.append((path.relative_to(root / "data").as_posix(), i))
    return found


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_text_edits_warm_equals_cold(
    built: Project, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    relative, place = data.draw(st.sampled_from(_text_edits(built.root)))
    tmp = tmp_path_factory.mktemp("edit")
    project = Project(tmp / "warm")
    shutil.copytree(built.root, project.root)
    path = project.data_dir / relative
    text = path.read_text(encoding="utf-8")
    match = list(_TEXT.finditer(text))[place]
    path.write_text(text[: match.end(1)] + "Endret " + text[match.end(1) :], encoding="utf-8")
    _generate(project)
    assert _tree(project.build_dir / "docs") == _cold_tree(project, tmp)


def _on_one_topic(project: Project) -> None:
    """Every finding on the topic 'tidlig': each finding page ranks all the others through it."""
    for path in (project.data_dir / "findings").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if "topics:" not in text:
            path.write_text(text + "topics: [tidlig]\n", encoding="utf-8")


RANK_EDITS: dict[str, Callable[[Project], None]] = {
    "the listed related finding leaves the topic": lambda p: _replace(p, "findings/demo-2025-f03.yaml", "topics: [tidlig]\n", ""),
    "an unlisted finding leaves the topic": lambda p: _replace(p, "findings/demo-2025-f01.yaml", "topics: [tidlig]\n", ""),
    "an implication rests on another finding": lambda p: _replace(
        p, "implications/demo-thesis-2022-i01.yaml", "demo-thesis-2022-f01", "demo-2025-f01"
    ),
    "an unlisted finding becomes the most certain": lambda p: _replace(
        p, "findings/demo-2025-f01.yaml", "confidence: moderate", "confidence: high"
    ),
}


@pytest.fixture
def one_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The fixture with every finding on one topic, generated with the cache, and a finding page
    listing one related finding: the rest are ranked, counted and not read."""
    monkeypatch.setattr(contexts, "RELATED_LISTED", 1)
    project = whole_copy(tmp_path / "ranked")
    _on_one_topic(project)
    _generate(project)
    return project


@pytest.mark.parametrize("edit", sorted(RANK_EDITS))
def test_a_related_finding_ranked_anew_renders_the_pages_that_rank_it(one_listed: Project, tmp_path: Path, edit: str) -> None:
    """How a topic's findings rank is a read of the pages ranking them (`related.RANKED`): an edit
    that changes which finding is listed first, or how many there are, renders those pages."""
    before = _tree(one_listed.build_dir / "docs")
    RANK_EDITS[edit](one_listed)
    cache = _generate(one_listed)
    after = _tree(one_listed.build_dir / "docs")
    assert cache.kept > 0
    assert after == _cold_tree(one_listed, tmp_path)
    assert any(after.get(doc) != text for doc, text in before.items() if doc.startswith("nb/findings/"))


def test_an_unlisted_related_finding_edited_leaves_the_page_kept(one_listed: Project) -> None:
    """Finding 2 is ranked on the thesis's second finding's page but not listed there (finding 3 is
    more certain): its words are no read of that page."""
    page = (one_listed.build_dir / "docs" / "nb" / "findings" / "demo-thesis-2022-f02.md").read_text(encoding="utf-8")
    assert "demo-2025-f03" in page and "demo-2025-f02" not in page
    stamps = _stamps(one_listed)
    _replace(one_listed, "findings/demo-2025-f02.yaml", "Lærere opplevde", "Lærere fortalte at de opplevde")
    _generate(one_listed)
    touched = _rendered_docs(one_listed, stamps)
    assert "nb/findings/demo-2025-f02.md" in touched
    assert "nb/findings/demo-thesis-2022-f02.md" not in touched


def _cache_contents(project: Project) -> dict[str, dict[str, tuple[bytes, frozenset[object]]]]:
    """The page cache written back, per language: each page's spec digest and the keys it read."""
    state = pickle.loads((project.build_dir / CACHE_FILE).read_bytes())
    keys = state["keys"]
    return {
        lang: {doc: (page.spec, frozenset(keys[i] for i in page.reads)) for doc, page in pages.items()}
        for lang, pages in state["pages"].items()
    }


def test_languages_generated_side_by_side_leave_the_cache_one_process_leaves(warm: Project, tmp_path: Path) -> None:
    """Each language in a forked process, its part merged back (kept pages as they are, rendered
    pages' reads translated into this process's keys): the pages kept and rendered, and the cache
    written back, are those of a generate in one process; and so after a second edit."""
    twin = Project(tmp_path / "twin")
    shutil.copytree(warm.root, twin.root)
    runs: dict[int, list[tuple[int, int, int]]] = {}
    study = (warm.data_dir / "studies" / "alpha-2020.yaml").read_text(encoding="utf-8")
    for project, processes in ((warm, 1), (twin, 2)):
        runs[processes] = []
        for step in ("edited", "new study"):
            if step == "edited":
                _replace(project, "findings/demo-2025-f03.yaml", "Tillit ble bygget", "Tillit ble særlig bygget")
            else:  # the pages that read it read keys no table had: translated from each process's table
                new_study = (
                    study.replace("alpha-2020", "epsilon-2023")
                    .replace("Alpha & Omega 2020", "Epsilon 2023")
                    .replace("Alpha og Omega (2020)", "Epsilon (2023)")
                    .replace("reference_number: 1\n", "reference_number: 99\n")
                )
                _add(project, "studies/epsilon-2023.yaml", new_study)
                _replace(project, "findings/demo-2025-f03.yaml", "studies: [beta-2021", "studies: [epsilon-2023, beta-2021")
                _replace(project, "publications/demo-2025.yaml", "studies: [alpha-2020", "studies: [alpha-2020, epsilon-2023")
            index = load_or_fail(project)
            cache = PageCache.open(project.build_dir, index)
            generate(project, index, cache=cache, processes=processes)
            runs[processes].append((cache.rendered, cache.kept, cache.entity_json_made))
    assert runs[1] == runs[2] and all(rendered > 0 and kept > 0 for rendered, kept, _ in runs[1]), runs
    # The knowledge base's JSON made anew: the edited finding's; then the new study's, the finding's
    # and the publication's. Every other entity's was kept from the generate before.
    assert [made for _, _, made in runs[1]] == [1, 3]
    assert _cache_contents(twin) == _cache_contents(warm)
    kept_json = [pickle.loads((project.build_dir / CACHE_FILE).read_bytes())["entity_json"] for project in (warm, twin)]
    every_entity = sum(len(entities) for entities in load_or_fail(warm).data.entities.values())
    assert kept_json[0] == kept_json[1] and len(kept_json[0][1]) == every_entity
    assert _tree(twin.build_dir / "docs") == _tree(warm.build_dir / "docs")


def test_merging_a_language_translates_only_the_reads_of_the_pages_it_rendered(tmp_path: Path) -> None:
    """A forked language's table begins with the table it shares with this process: the pages it
    kept index into that part and are taken as they are; a rendered page's reads are translated,
    its new keys interned here (where another language's new keys may already sit)."""
    from array import array

    from generator.pipeline.pagecache import LanguagePart, _Page

    cache = PageCache(tmp_path / CACHE_FILE, index=None)  # type: ignore[arg-type]  # merging reads no data
    for key in (("finding", "a"), ("study", "b"), ("study", "from-the-other-language")):
        cache._intern([key])
    kept = _Page(b"spec", (1, 1), array("I", [0, 1]))
    part = LanguagePart(
        keys=[("finding", "a"), ("study", "b"), ("study", "new")],
        pages={"kept.md": kept, "rendered.md": _Page(b"spec", (2, 2), array("I", [1, 2]))},
        global_digest="g",
        rendered=1,
        kept=1,
        reason="",
        shared_keys=2,
        rendered_docs=["rendered.md"],
        entity_json={},
    )
    cache.merge("en", part)
    table = list(cache._keys)
    assert cache._pages["en"]["kept.md"] is kept
    assert [table[i] for i in cache._pages["en"]["rendered.md"].reads] == [("study", "b"), ("study", "new")]
    # A table that does not begin as the part's did (never expected): every page is translated.
    other = PageCache(tmp_path / CACHE_FILE, index=None)  # type: ignore[arg-type]
    other._intern([("study", "b"), ("finding", "a")])
    other.merge("en", part)
    assert [list(other._keys)[i] for i in other._pages["en"]["kept.md"].reads] == [("finding", "a"), ("study", "b")]
