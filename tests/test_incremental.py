"""Incremental regeneration must re-render only affected pages and give the same bytes as a full build."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.model.settings import LANGUAGES, Project
from generator.pipeline.build import generate, load_or_fail
from generator.pipeline.incremental import IncrementalBuilder
from generator.present import urls
from generator.web import contexts


@pytest.fixture(autouse=True)
def _the_test_process_left_out_of_collections() -> Iterator[None]:
    """Every refresh ends with a pass of the collector over everything (`collect.one_full_collection_after`,
    the preview's design): in a test process that is also the modules, the collected tests and the
    session's fixtures, 0.1-0.2 s a pass, 9 s of this module's 11 s in `make test-fast`. What is alive
    when a test starts is left out of those passes (`gc.freeze`), so a refresh's pass goes over what
    the test made, as the preview's goes over what the preview holds. (A full build puts it back
    early; the test's garbage is collected by the next pass after it ends.)"""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _full_build_of(project: Project, tmp: Path) -> dict[str, bytes]:
    copy = Project(tmp / "full")
    shutil.copytree(project.root, copy.root, ignore=shutil.ignore_patterns("build", "site"))
    generate(copy, load_or_fail(copy))
    return _tree(copy.build_dir / "docs")


def test_nothing_changed_renders_nothing(fixture_project: Project) -> None:
    builder = IncrementalBuilder(fixture_project)
    first = builder.refresh()
    assert first.ok and first.rendered > 0
    second = builder.refresh()
    assert second.ok and second.rendered == 0 and second.written == []


def test_editing_a_finding_rerenders_only_its_dependants(fixture_project: Project, tmp_path: Path) -> None:
    builder = IncrementalBuilder(fixture_project)
    total = builder.refresh().rendered
    path = fixture_project.data_dir / "findings" / "demo-2025-f03.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Tillit ble bygget", "Tillit ble særlig bygget"), encoding="utf-8")
    result = builder.refresh()
    assert result.ok
    assert 0 < result.rendered < total
    written = set(result.written)
    assert "nb/findings/demo-2025-f03.md" in written
    assert "nb/publications/demo-2025/findings.md" in written
    assert "nb/studies/gamma-2022.md" in written  # lists the finding among its back-links
    assert "nb/studies/alpha-2020.md" not in written  # not related
    assert _tree(fixture_project.build_dir / "docs") == _full_build_of(fixture_project, tmp_path)


def test_named_changes_are_read_without_listing_or_looking_at_the_rest(
    fixture_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview's watcher says which files changed: an edit of a file the last refresh listed
    is read alone; a file that came or went, or a link, has data/ listed and judged again."""
    from generator.pipeline import incremental

    listings: list[int] = []
    real_listing = incremental.data_files
    monkeypatch.setattr(incremental, "data_files", lambda *args: listings.append(1) or real_listing(*args))
    builder = IncrementalBuilder(fixture_project)
    assert builder.refresh().ok and len(listings) == 1
    findings = fixture_project.data_dir / "findings"
    edited, unnamed = findings / "demo-2025-f03.yaml", findings / "demo-2025-f01.yaml"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("Tillit ble bygget", "Tillit ble særlig bygget"), encoding="utf-8"
    )
    unnamed_text, unnamed_stamp = unnamed.read_text(encoding="utf-8"), builder.cache[unnamed].stamp
    unnamed.write_text(unnamed_text + "# an edit the caller did not name\n", encoding="utf-8")
    content = fixture_project.content_dir / "om.md"  # a change outside data/ lists nothing anew either
    result = builder.refresh(changed_files=[str(edited), str(content)])
    assert result.ok and len(listings) == 1, "data/ was listed again"
    assert "nb/findings/demo-2025-f03.md" in set(result.written)
    assert builder.cache[unnamed].stamp == unnamed_stamp, "a file not named was looked at"
    unnamed.write_text(unnamed_text, encoding="utf-8")  # as it was: the full build below is of the same data
    assert _tree(fixture_project.build_dir / "docs") == _full_build_of(fixture_project, tmp_path)

    added = findings / "demo-2025-f09.yaml"
    shutil.copy(edited, added)  # a new file: listed anew, and its duplicate id found
    result = builder.refresh(changed_files=[str(added)])
    assert len(listings) == 2 and not result.ok
    assert any("demo-2025-f09.yaml" in str(p.location) for p in result.report.errors()), result.report.errors()
    added.unlink()
    assert builder.refresh(changed_files=[str(added)]).ok and len(listings) == 3

    outside = tmp_path / "outside.yaml"
    outside.write_text(edited.read_text(encoding="utf-8"), encoding="utf-8")
    edited.unlink()
    edited.symlink_to(outside)  # the same name, now a link out of the project: judged by the listing
    result = builder.refresh(changed_files=[str(edited)])
    assert len(listings) == 4 and not result.ok
    assert any("demo-2025-f03.yaml" in str(p.location) for p in result.report.errors())


def test_values_found_before_are_looked_up_again_only_when_what_they_name_may_have_gone(
    fixture_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an edit that adds, removes or renames nothing, only the edited file's references and
    terms are looked up; an unchanged file's are looked up again once an id or a term may be gone."""
    from generator.model import index as indexing

    looked_up: list[str] = []
    resolve = indexing._Checker.resolve

    def counting(checker: indexing._Checker, entity: object, occurrence: indexing.Occurrence, listed: object) -> bool:
        looked_up.append(occurrence.value)
        return resolve(checker, entity, occurrence, listed)  # type: ignore[arg-type]

    monkeypatch.setattr(indexing._Checker, "resolve", counting)
    builder = IncrementalBuilder(fixture_project)
    assert builder.refresh().ok
    everything = len(looked_up)
    findings = fixture_project.data_dir / "findings"
    edited = findings / "demo-2025-f03.yaml"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("Tillit ble bygget", "Tillit ble særlig bygget"), encoding="utf-8"
    )
    looked_up.clear()
    assert builder.refresh().ok
    assert 0 < len(looked_up) < everything / 10 and "gamma-2022" in looked_up  # the edited finding's own

    (fixture_project.data_dir / "studies" / "gamma-2022.yaml").unlink()  # the finding, unchanged, names it
    looked_up.clear()
    result = builder.refresh()
    assert len(looked_up) > everything / 2 and not result.ok
    assert any("unknown study 'gamma-2022'" in p.message and "demo-2025-f0" in str(p.location) for p in result.report.errors())


def test_a_term_taken_out_of_a_vocabulary_is_found_missing_in_files_that_did_not_change(fixture_project: Project) -> None:
    builder = IncrementalBuilder(fixture_project)
    assert builder.refresh().ok
    vocabulary = fixture_project.data_dir / "vocabularies" / "confidence.yaml"
    vocabulary.write_text(vocabulary.read_text(encoding="utf-8").replace("- id: high", "- id: hoy"), encoding="utf-8")
    result = builder.refresh()
    assert not result.ok
    assert any(
        "unknown confidence 'high'" in p.message and "demo-2025-f03.yaml" in str(p.location) for p in result.report.errors()
    )


def test_each_refresh_reports_what_a_fresh_check_of_the_same_files_reports(fixture_project: Project) -> None:
    """What the checks derive from one model (a text without English, a title's length, a
    confidence its components cannot explain) is kept per model between refreshes: the edited
    file's is derived anew, and every unchanged file's is reported again as before."""
    from generator.model.errors import Report
    from generator.model.index import build_index
    from generator.model.validate import load_data

    def fresh_check() -> list[str]:
        report = Report()
        build_index(load_data(fixture_project.data_dir, fixture_project.root, report), report)
        return sorted(map(str, report.problems))

    builder = IncrementalBuilder(fixture_project)
    first = builder.refresh()
    assert sorted(map(str, first.report.problems)) == fresh_check()
    assert any("demo-2025-f02.yaml" in p and "missing English" in p for p in fresh_check())  # one kept from the start
    finding = fixture_project.data_dir / "findings" / "demo-2025-f03.yaml"
    original = finding.read_text(encoding="utf-8")
    edits = [
        original.replace(', en: "Trust was built by listening"', ""),  # a text without English
        original.replace('nb: "Tillit ble bygget gjennom lytting"', 'nb: "Tillit"'),  # a title too short
        original.replace("confidence: high", "confidence: very-low"),  # components that do not explain it
        original,
    ]
    seen: set[str] = set()
    for text in edits:
        finding.write_text(text, encoding="utf-8")
        result = builder.refresh(changed_files=[str(finding)])
        problems = sorted(map(str, result.report.problems))
        assert problems == fresh_check()
        seen.update(p for p in problems if "demo-2025-f03.yaml" in p)
    for words in ("missing English", "title has 1 word", "record it in a data note"):
        assert any(words in p for p in seen), words
    assert not any("demo-2025-f03.yaml" in p for p in problems), "the file as it was: its warnings gone again"


def test_adding_a_study_to_a_finding_updates_the_new_backlink(fixture_project: Project, tmp_path: Path) -> None:
    builder = IncrementalBuilder(fixture_project)
    builder.refresh()
    path = fixture_project.data_dir / "findings" / "demo-2025-f02.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("studies: [gamma-2022]", "studies: [gamma-2022, alpha-2020]"), encoding="utf-8"
    )
    result = builder.refresh()
    assert "nb/studies/alpha-2020.md" in set(result.written)
    assert _tree(fixture_project.build_dir / "docs") == _full_build_of(fixture_project, tmp_path)


def test_bad_edit_keeps_the_last_good_pages(fixture_project: Project) -> None:
    builder = IncrementalBuilder(fixture_project)
    builder.refresh()
    before = _tree(fixture_project.build_dir / "docs")
    (fixture_project.data_dir / "themes" / "tema-a.yaml").write_text("id: tema-a\n", encoding="utf-8")
    result = builder.refresh()
    assert not result.ok
    assert [str(p) for p in result.report.errors()] == ["data/themes/tema-a.yaml:1:1: name: required field is missing"]
    assert _tree(fixture_project.build_dir / "docs") == before


def test_deleting_a_note_updates_its_pages(fixture_project: Project, tmp_path: Path) -> None:
    builder = IncrementalBuilder(fixture_project)
    builder.refresh()
    (fixture_project.data_dir / "notes" / "note-demo-count.yaml").unlink()
    result = builder.refresh()
    assert "nb/findings/demo-2025-f02.md" in set(result.written)
    assert _tree(fixture_project.build_dir / "docs") == _full_build_of(fixture_project, tmp_path)


def test_a_note_renamed_to_a_name_never_read_is_gone_from_its_pages(fixture_project: Project, tmp_path: Path) -> None:
    """Saved as a backup name (`x.yaml~`) the file still exists, but is no data any more."""
    builder = IncrementalBuilder(fixture_project)
    builder.refresh()
    note = fixture_project.data_dir / "notes" / "note-demo-count.yaml"
    note.rename(note.with_name(note.name + "~"))
    result = builder.refresh()
    assert "nb/findings/demo-2025-f02.md" in set(result.written)
    assert _tree(fixture_project.build_dir / "docs") == _full_build_of(fixture_project, tmp_path)


def test_hand_written_pages_follow_edits(fixture_project: Project) -> None:
    page = fixture_project.content_dir / "nb" / "om.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("# Om\n\nFørste tekst.\n", encoding="utf-8")
    builder = IncrementalBuilder(fixture_project)
    builder.refresh()
    staged = fixture_project.staging_docs("nb") / "om.md"
    assert "Første tekst." in staged.read_text(encoding="utf-8")
    page.write_text("# Om\n\nAndre tekst.\n", encoding="utf-8")
    assert "nb/om.md" in builder.refresh().written
    assert "Andre tekst." in staged.read_text(encoding="utf-8")
    page.unlink()
    builder.refresh()
    assert not staged.exists()


def test_the_home_page_links_the_about_page_once_there_is_one(fixture_project: Project) -> None:
    """The About page is hand-written (content/<lang>/om.md): no data the home page reads changes
    when it is added or removed, yet the home page's link to it follows."""
    builder = IncrementalBuilder(fixture_project)
    builder.refresh()
    home = {lang: fixture_project.staging_docs(lang) / "index.md" for lang in ("nb", "en")}
    assert 'href="om/"' not in home["nb"].read_text(encoding="utf-8")
    page = fixture_project.content_dir / "nb" / "om.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("# Om\n\nHva dette er.\n", encoding="utf-8")
    assert "nb/index.md" in builder.refresh().written
    assert 'href="om/"' in home["nb"].read_text(encoding="utf-8")
    assert 'href="om/"' not in home["en"].read_text(encoding="utf-8")  # no English About page
    page.unlink()
    assert "nb/index.md" in builder.refresh().written
    assert 'href="om/"' not in home["nb"].read_text(encoding="utf-8")


def test_a_bad_citation_is_a_located_problem_not_a_crash(fixture_project: Project) -> None:
    """An unknown [[study:...]] raised KeyError halfway through writing; a malformed one reached the
    page as text. Both are problems with their place, and the last good pages stay."""
    page = fixture_project.content_dir / "nb" / "om.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("# Om\n\n[[study:gamma-2022]]\n", encoding="utf-8")
    builder = IncrementalBuilder(fixture_project)
    assert builder.refresh().ok
    before = _tree(fixture_project.build_dir / "docs")
    page.write_text("# Om\n\n[[study:gama-2022]] og [[Finding:demo-2025-f01]]\n", encoding="utf-8")
    result = builder.refresh()
    assert not result.ok
    assert [str(p) for p in result.report.errors()] == [
        "content/nb/om.md:3:1: [[study:gama-2022]]: unknown study 'gama-2022' (did you mean 'gamma-2022'?)",
        "content/nb/om.md:3:24: [[Finding:demo-2025-f01]]: the kind is lower case: write [[finding:demo-2025-f01]]",
    ]
    assert _tree(fixture_project.build_dir / "docs") == before


def test_good_edits_read_by_a_failed_refresh_are_not_lost(fixture_project: Project, tmp_path: Path) -> None:
    """A refresh that stops at bad data has already read the good edits; once the data is fixed,
    their pages must be re-rendered too (they stayed stale)."""
    builder = IncrementalBuilder(fixture_project)
    builder.refresh()
    finding = fixture_project.data_dir / "findings" / "demo-2025-f03.yaml"
    finding.write_text(
        finding.read_text(encoding="utf-8").replace("Tillit ble bygget", "Tillit ble særlig bygget"), encoding="utf-8"
    )
    theme = fixture_project.data_dir / "themes" / "tema-b.yaml"
    good = theme.read_text(encoding="utf-8")
    theme.write_text("id: tema-b\n", encoding="utf-8")
    assert not builder.refresh().ok
    theme.write_text(good, encoding="utf-8")
    result = builder.refresh()
    assert result.ok
    assert "nb/studies/gamma-2022.md" in set(result.written)
    assert _tree(fixture_project.build_dir / "docs") == _full_build_of(fixture_project, tmp_path)


def test_an_unlisted_related_finding_that_comes_first_is_shown(
    whole_project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A finding page lists the first of the findings it ranks and reads only those: when an unlisted
    one becomes the most certain (its confidence, not its words), the page follows
    (`related.ranked_changes`)."""
    monkeypatch.setattr(contexts, "RELATED_LISTED", 1)
    for path in (whole_project.data_dir / "findings").glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if "topics:" not in text:
            path.write_text(text + "topics: [tidlig]\n", encoding="utf-8")
    builder = IncrementalBuilder(whole_project)
    assert builder.refresh().ok
    page = whole_project.build_dir / "docs" / "nb" / "findings" / "demo-thesis-2022-f02.md"
    assert "demo-2025-f03" in page.read_text(encoding="utf-8")
    path = whole_project.data_dir / "findings" / "demo-2025-f01.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("confidence: moderate", "confidence: high"), encoding="utf-8")
    result = builder.refresh()
    assert result.ok and "nb/findings/demo-thesis-2022-f02.md" in result.written
    assert "demo-2025-f01" in page.read_text(encoding="utf-8")
    assert _tree(whole_project.build_dir / "docs") == _full_build_of(whole_project, tmp_path)


def test_an_edited_finding_s_pages_are_written_in_every_language_before_the_downloads(
    fixture_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview's MkDocs rebuilds a page as soon as it is written: the downloads, which at scale
    take longer than the pages (the open data of the whole knowledge base), come after."""
    from generator.pipeline import incremental

    builder = IncrementalBuilder(fixture_project)
    builder.refresh()
    path = fixture_project.data_dir / "findings" / "demo-2025-f03.yaml"
    edited = path.read_text(encoding="utf-8").replace("Tillit ble bygget", "Tillit ble særlig bygget")
    path.write_text(edited.replace("Trust was built", "Trust was above all built"), encoding="utf-8")
    seen: list[tuple[str, bool]] = []
    exports = incremental.write_exports
    pages = {lang: fixture_project.staging_docs(lang) / "findings" / "demo-2025-f03.md" for lang in ("nb", "en")}
    words = {"nb": "særlig", "en": "above all"}

    def looking(index: object, writer: object, lang: str, *args: object) -> None:
        seen.append((lang, all(words[other] in page.read_text(encoding="utf-8") for other, page in pages.items())))
        exports(index, writer, lang, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(incremental, "write_exports", looking)
    result = builder.refresh()
    assert result.ok and [lang for lang, _ in seen] == ["nb", "en"]
    assert all(written for _, written in seen), "a download was written before the pages of every language"
    assert 0 < result.pages_seconds < result.seconds


def test_after_each_languages_pages_the_caller_is_told_how_many_changed(
    fixture_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview waits there for MkDocs, after the pages of the language it serves, which are
    written first: the edited finding's own page, then the pages that show it among others. An
    edit of the English text alone changes English pages only, and nothing changed changes no page."""
    from generator.pipeline import incremental

    builder = IncrementalBuilder(fixture_project)
    builder.refresh()
    calls: list[tuple[str, int, bool]] = []
    exports = incremental.write_exports
    finding_page = fixture_project.staging_docs("en") / urls.finding("demo-2025-f03")
    listing = fixture_project.staging_docs("en") / urls.findings_table("demo-2025")  # every finding's statement

    def counted_first(*args: object) -> None:
        reported = {lang for lang, _, _ in calls}
        assert reported == set(LANGUAGES), "a download was made before the pages of every language were reported written"
        exports(*args)  # type: ignore[arg-type]

    def told(lang: str, changed: int, more: bool) -> None:
        calls.append((lang, changed, more))
        if len(calls) == 1:  # the edited finding's page is written, the pages listing it not yet
            assert "above all" in finding_page.read_text(encoding="utf-8")
            assert "above all" not in listing.read_text(encoding="utf-8")

    monkeypatch.setattr(incremental, "write_exports", counted_first)
    path = fixture_project.data_dir / "findings" / "demo-2025-f03.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Trust was built", "Trust was above all built"), encoding="utf-8")
    assert builder.refresh(told, first="en").ok
    (own, one, more), (others, rest, last), (second, norwegian, done) = calls
    assert (own, others, second) == ("en", "en", "nb"), "the language asked for first is written first"
    assert (one, more) == (1, True), "the edited finding's own page first, and more to come"
    assert rest >= 1 and not last, "then the pages that show the finding among others"
    assert norwegian == 0 and not done, calls
    assert "above all" in listing.read_text(encoding="utf-8")
    calls.clear()
    assert builder.refresh(lambda lang, n, more: calls.append((lang, n, more))).ok
    assert calls == [(lang, 0, False) for lang in LANGUAGES]
