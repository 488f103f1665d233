"""The cache of rendered reports (generator/print/pdfcache.py): a report is rendered again exactly
when something that decides its bytes has changed, and a damaged cache file is never used."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from generator.model.index import Index
from generator.model.settings import Project
from generator.pipeline.build import load_or_fail
from generator.print import pdf, pdfcache, process

from .conftest import whole_copy

# --- the key, without rendering ----------------------------------------------------------------


def assets(tmp_path: Path) -> tuple[Path, Path]:
    """A print templates folder (a template and print.css) and a fonts folder of two files."""
    stylesheets, fonts = tmp_path / "print", tmp_path / "fonts"
    stylesheets.mkdir()
    fonts.mkdir()
    (stylesheets / "full.html.j2").write_text("{{ p }}")
    (stylesheets / "print.css").write_text("body { color: black; }")
    (fonts / "A.ttf").write_bytes(b"\x00\x01font-a")
    (fonts / "B.ttf").write_bytes(b"\x00\x01font-b")
    return stylesheets, fonts


def test_the_key_changes_with_every_input_and_only_with_them() -> None:
    html, options, digest, versions = (
        "<p>x</p>",
        {"pdf_variant": "pdf/ua-1", "pdf_identifier": b"a/1/full/nb"},
        "d" * 64,
        "weasyprint 70.0",
    )
    key = pdfcache.report_key(html, options, digest, versions)
    assert key == pdfcache.report_key(html, dict(reversed(options.items())), digest, versions)  # order of options
    changed = [
        pdfcache.report_key("<p>y</p>", options, digest, versions),
        pdfcache.report_key(html, {**options, "pdf_identifier": b"a/2/full/nb"}, digest, versions),
        pdfcache.report_key(html, {**options, "pdf_variant": None}, digest, versions),
        pdfcache.report_key(html, {**options, "full_fonts": True}, digest, versions),
        pdfcache.report_key(html, options, "e" * 64, versions),
        pdfcache.report_key(html, options, digest, "weasyprint 71.0"),
        # Inputs are length-prefixed: moving text from one input to the next is another key.
        pdfcache.report_key(html + "weasyprint", options, digest, " 70.0"),
    ]
    assert len({key, *changed}) == len(changed) + 1


def test_the_software_versions_are_those_weasyprint_renders_with() -> None:
    versions = pdfcache.software().splitlines()
    import weasyprint
    from weasyprint.text.ffi import pango

    assert f"weasyprint {weasyprint.__version__}" in versions
    assert f"pango {pango.pango_version()}" in versions
    assert any(line.startswith("harfbuzz ") and line != "harfbuzz ?" for line in versions)


def test_our_rendering_code_is_part_of_the_key(tmp_path: Path) -> None:
    """An edit to the code that calls WeasyPrint (or changes its layout) can change a report's bytes
    and not its HTML: such a report is never reused."""
    package = Path(pdfcache.__file__).parent
    for name in pdfcache.RENDERING_CODE:
        shutil.copy(package / name, tmp_path / name)
    before = pdfcache.rendering_code(tmp_path)
    assert before == pdfcache.rendering_code() and before.startswith("code ")
    seen = {before}
    for name in pdfcache.RENDERING_CODE:
        with (tmp_path / name).open("a", encoding="utf-8") as module:
            module.write("\n# another line\n")
        seen.add(pdfcache.rendering_code(tmp_path))
    assert len(seen) == 1 + len(pdfcache.RENDERING_CODE)
    cache = pdfcache.PdfCache.open(tmp_path / "cache", *assets(tmp_path))
    assert cache.versions.splitlines()[-1] == before  # and the cache keys by it


def test_the_assets_digest_reads_bytes_not_times_and_not_templates(tmp_path: Path) -> None:
    stylesheets, fonts = assets(tmp_path)
    digest = pdfcache.assets_digest(stylesheets, fonts)
    os.utime(fonts / "A.ttf", (1, 1))
    (stylesheets / "full.html.j2").write_text("{{ q }}")  # a template reaches a report through its HTML
    assert pdfcache.assets_digest(stylesheets, fonts) == digest
    (stylesheets / "print.css").write_text("body { color: black; } ")
    after_css = pdfcache.assets_digest(stylesheets, fonts)
    (fonts / "B.ttf").write_bytes(b"\x00\x01font-c")
    after_font = pdfcache.assets_digest(stylesheets, fonts)
    (fonts / "C.ttf").write_bytes(b"")
    after_new_font = pdfcache.assets_digest(stylesheets, fonts)
    assert len({digest, after_css, after_font, after_new_font}) == 4


def stored(tmp_path: Path) -> tuple[pdfcache.PdfCache, str, bytes]:
    """A cache holding one 'report' (bytes that are not rendered: no WeasyPrint here)."""
    stylesheets, fonts = assets(tmp_path)
    cache = pdfcache.PdfCache.open(tmp_path / "cache", stylesheets, fonts)
    key = cache.key("<p>x</p>", {"pdf_identifier": b"x"})
    rendered = tmp_path / "site" / "x.pdf"
    rendered.parent.mkdir()
    content = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
    rendered.write_bytes(content)
    cache.store(key, rendered, pages=3)
    return cache, key, content


def test_a_stored_report_is_fetched_whole_with_its_pages(tmp_path: Path) -> None:
    cache, key, content = stored(tmp_path)
    target = tmp_path / "next" / "downloads" / "x.pdf"
    assert cache.fetch(key, target) == 3
    assert target.read_bytes() == content
    assert cache.fetch("0" * 64, tmp_path / "other.pdf") is None
    assert not (tmp_path / "other.pdf").exists()
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.pdf"], "a partial file was left behind"


@pytest.mark.parametrize(
    "damage",
    [
        lambda pdf, meta: pdf.write_bytes(pdf.read_bytes()[:-100]),  # truncated
        lambda pdf, meta: pdf.write_bytes(pdf.read_bytes()[:100] + b"X" + pdf.read_bytes()[101:]),  # same size, one byte changed
        lambda pdf, meta: pdf.unlink(),
        lambda pdf, meta: meta.unlink(),  # the record is written last: without it the file may be half-written
        lambda pdf, meta: meta.write_text(meta.read_text()[:20]),
        lambda pdf, meta: meta.write_text(json.dumps({"sha256": "0" * 64})),
    ],
    ids=["truncated", "changed", "no-file", "no-record", "broken-record", "record-without-size"],
)
def test_a_damaged_cache_entry_is_not_used_and_is_dropped(tmp_path: Path, damage: object) -> None:
    cache, key, content = stored(tmp_path)
    pdf_file, meta = cache.folder / f"{key}.pdf", cache.folder / f"{key}.json"
    damage(pdf_file, meta)  # type: ignore[operator]
    target = tmp_path / "next" / "x.pdf"
    assert cache.fetch(key, target) is None
    assert not target.exists()
    assert not pdf_file.exists() and not meta.exists()


def test_a_site_file_changed_in_place_does_not_change_the_cache_unseen(tmp_path: Path) -> None:
    """A hit may be a hard link to the cached file: writing into the site's file shows as damage."""
    cache, key, content = stored(tmp_path)
    target = tmp_path / "next" / "x.pdf"
    assert cache.fetch(key, target) == 3
    with target.open("r+b") as file:
        file.write(b"%PDF-9.9")
    assert cache.fetch(key, tmp_path / "again.pdf") in (None, 3)
    again = tmp_path / "again.pdf"
    assert not again.exists() or again.read_bytes() == content


def test_keep_only_drops_the_rest_and_partial_files(tmp_path: Path) -> None:
    cache, key, _ = stored(tmp_path)
    (cache.folder / ("1" * 64 + ".pdf")).write_bytes(b"old")
    (cache.folder / ("1" * 64 + ".json")).write_text("{}")
    (cache.folder / f"{key}.pdf.123.part").write_bytes(b"half")
    assert cache.keep_only([key]) == 3
    assert sorted(p.name for p in cache.folder.iterdir()) == [f"{key}.json", f"{key}.pdf"]


# --- rendering through the cache ----------------------------------------------------------------


Run = tuple[Project, Index, Path, list[pdf.PdfResult]]


@pytest.fixture(scope="module")
def cold(tmp_path_factory: pytest.TempPathFactory, pdf_rendering: None) -> Run:
    """The fixture and its second publication, every report rendered once through an empty cache."""
    project = whole_copy(tmp_path_factory.mktemp("cached"))
    index = load_or_fail(project)
    out = project.root / "out-cold"
    return project, index, out, pdf.build_pdfs(project, index, out, processes=2, cached=True)


def copy_cache(run: Run, folder: Path) -> Path:
    shutil.copytree(pdf.cache_dir(run[0]), folder)
    return folder


def rendered(results: list[pdf.PdfResult]) -> list[str]:
    return sorted(r.path.name for r in results if not r.reused)


def same_bytes(one: list[pdf.PdfResult], two: list[pdf.PdfResult]) -> bool:
    return [r.path.read_bytes() for r in one] == [r.path.read_bytes() for r in two]


def test_a_cold_run_renders_every_report_and_keeps_each(cold: Run) -> None:
    project, index, _, results = cold
    assert len(results) == 4 * len(index.publications()) == 8
    assert not any(r.reused for r in results)
    assert all(len(r.key) == 64 for r in results)
    cached = sorted(p.name for p in pdf.cache_dir(project).iterdir())
    assert cached == sorted(f"{r.key}.{ext}" for r in results for ext in ("pdf", "json"))
    for result in results:
        assert (pdf.cache_dir(project) / f"{result.key}.pdf").read_bytes() == result.path.read_bytes()


def test_a_second_run_reuses_every_report_byte_for_byte(cold: Run, tmp_path: Path, pdf_rendering: None) -> None:
    project, index, _, first = cold
    again = pdf.build_pdfs(project, index, tmp_path / "warm", processes=2, cached=True)
    assert all(r.reused for r in again), rendered(again)
    assert [r.pages for r in again] == [r.pages for r in first]
    assert [r.path.relative_to(tmp_path / "warm") for r in again] == [r.path.relative_to(cold[2]) for r in first]
    assert same_bytes(again, first)
    assert all(r.reused and "reused" in str(r) for r in again)


def test_a_change_to_one_publication_renders_only_its_reports(cold: Run, tmp_path: Path, pdf_rendering: None) -> None:
    project, _, _, first = cold
    changed = Project(tmp_path / "kb")
    shutil.copytree(project.root, changed.root, ignore=shutil.ignore_patterns("out-*", "build"))
    copy_cache(cold, pdf.cache_dir(changed))
    publication = changed.data_dir / "publications" / "demo-2025.yaml"
    text = publication.read_text(encoding="utf-8")
    assert "Mer forskning trengs." in text and "More research is needed." in text
    publication.write_text(
        text.replace("Mer forskning trengs.", "Mer forskning trengs nå.").replace(
            "More research is needed.", "More research is needed now."
        ),
        encoding="utf-8",
    )
    results = pdf.build_pdfs(changed, load_or_fail(changed), tmp_path / "out", processes=2, cached=True)
    assert rendered(results) == sorted(r.path.name for r in first if r.publication == "demo-2025")
    for before, after in zip(first, results, strict=True):
        assert (before.path.read_bytes() == after.path.read_bytes()) == (after.publication != "demo-2025"), after.path.name
    # The cache holds this run's reports only: the four it no longer needs are dropped.
    assert sorted(p.name for p in pdf.cache_dir(changed).glob("*.pdf")) == sorted(f"{r.key}.pdf" for r in results)


@pytest.fixture
def own_assets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The print templates and the fonts copied where print.css finds the fonts (../../../fonts),
    and used by the reports instead of the repository's."""
    templates = tmp_path / "generator" / "templates"
    shutil.copytree(pdf.PRINT_TEMPLATES, templates / "print")
    shutil.copytree(pdf.FONTS_DIR, tmp_path / "fonts")
    monkeypatch.setattr(pdf, "TEMPLATES", templates)
    monkeypatch.setattr(pdf, "PRINT_TEMPLATES", templates / "print")
    monkeypatch.setattr(pdf, "FONTS_DIR", tmp_path / "fonts")  # forked rendering processes inherit these
    return templates / "print", tmp_path / "fonts"


def test_a_change_to_the_stylesheet_renders_every_report(
    cold: Run, own_assets: tuple[Path, Path], tmp_path: Path, pdf_rendering: None
) -> None:
    project, index, _, first = cold
    stylesheets, fonts = own_assets
    cache = copy_cache(cold, tmp_path / "cache")
    # The same bytes elsewhere, newer files: every report is reused (bytes are keyed, not paths or times).
    for path in [*stylesheets.iterdir(), *fonts.iterdir()]:
        os.utime(path)
    with pdf.PdfRun(index, tmp_path / "same", processes=2, cache=cache) as run:
        assert all(r.reused for r in run.results())
    with (stylesheets / "print.css").open("a", encoding="utf-8") as css:
        css.write("\n/* a comment: another stylesheet, the same print */\n")
    with pdf.PdfRun(index, tmp_path / "out", languages=("nb",), processes=2, cache=cache) as run:
        results = run.results()
    assert len(results) == len(index.publications()) * len(pdf.KINDS) and not any(r.reused for r in results)
    # rendered again, and a comment changes nothing printed
    assert same_bytes(results, [r for r in first if r.lang == "nb"])


def test_a_change_to_a_font_renders_every_report(
    cold: Run, own_assets: tuple[Path, Path], tmp_path: Path, pdf_rendering: None
) -> None:
    project, index, _, first = cold
    _, fonts = own_assets
    cache = copy_cache(cold, tmp_path / "cache")
    with (fonts / "NotoSansSymbols2-Regular.ttf").open("ab") as font:
        font.write(b"\0" * 4)  # padding after the last table: a font file with other bytes
    with pdf.PdfRun(index, tmp_path / "out", languages=("nb",), processes=2, cache=cache) as run:
        results = run.results()
    assert len(results) == len(index.publications()) * len(pdf.KINDS) and not any(r.reused for r in results)


def test_a_truncated_cache_file_is_rendered_again(cold: Run, tmp_path: Path, pdf_rendering: None) -> None:
    project, index, _, first = cold
    cache = copy_cache(cold, tmp_path / "cache")
    victim = next(r for r in first if r.kind == "summary" and r.lang == "en")
    damaged = cache / f"{victim.key}.pdf"
    damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
    with pdf.PdfRun(index, tmp_path / "out", processes=1, cache=cache) as run:
        results = run.results()
    assert rendered(results) == [victim.path.name]
    assert same_bytes(results, first)
    assert damaged.read_bytes() == victim.path.read_bytes()  # and kept whole again


def test_a_site_build_reuses_the_reports_of_the_last_one(
    fixture_project: Project, pdf_rendering: None, site_building: None
) -> None:
    """The build keeps its cache in build/pdf-cache; the swap of the site leaves the cached files whole."""
    from generator.pipeline.build import build_site

    first = build_site(fixture_project, with_pdf=True)
    assert first.pdf_reused == 0 and len(first.pdfs) == 4
    printed = {p.relative_to(fixture_project.site_dir): p.read_bytes() for p in fixture_project.site_dir.rglob("*.pdf")}
    assert len(printed) == 4
    second = build_site(fixture_project, with_pdf=True)
    assert second.pdf_reused == 4
    assert {p.relative_to(fixture_project.site_dir): p.read_bytes() for p in fixture_project.site_dir.rglob("*.pdf")} == printed
    assert len(list(pdf.cache_dir(fixture_project).glob("*.pdf"))) == 4
    build_site(fixture_project, with_pdf=False)  # a build without the reports leaves the cache as it was
    assert len(list(pdf.cache_dir(fixture_project).glob("*.pdf"))) == 4


def test_rendering_collects_less_often_and_resets_the_collector_even_on_failure() -> None:
    import gc

    before = gc.get_threshold()
    with pytest.raises(RuntimeError), process.fewer_rendering_collections():
        assert gc.get_threshold() == (process.RENDERING_GC_THRESHOLD, *before[1:])
        raise RuntimeError("layout failed")
    assert gc.get_threshold() == before
