from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import rispy
from markupsafe import Markup

from generator.model.index import Index
from generator.model.settings import Project
from generator.pipeline.build import check, generate, load_or_fail
from generator.present.references import (
    STYLE_LOOKUPS,
    ReferenceCache,
    _format,
    csl_json,
    list_records,
    ris,
    study_records,
)

from .conftest import write


def test_exports_hold_every_study(fixture_project: Project) -> None:
    index, _ = check(fixture_project)
    assert index is not None
    pub = index.publication("demo-2025")
    items = json.loads(csl_json(study_records(pub, index, "en")))
    assert [i["id"] for i in items] == pub.studies
    alpha = items[0]
    assert alpha["author"] == [{"family": "Alpha", "given": "A."}, {"family": "Omega", "given": "O."}]
    assert alpha["issued"] == {"date-parts": [[2020]]} and alpha["type"] == "article-journal"
    records = ris(study_records(pub, index, "en")).strip().split("\n\n")
    assert len(records) == 3
    assert records[1].splitlines()[0] == "TY  - THES" and "ER  - " in records[1]


def test_a_study_the_source_gives_only_by_author_and_year_says_so(fixture_project: Project) -> None:
    """Beta and Gamma have neither a title nor an entry in a reference list: their records say they
    are incomplete, in the site's language; Alpha's comes from the reference list, whole."""
    index, _ = check(fixture_project)
    assert index is not None
    pub = index.publication("demo-2025")
    for lang, incomplete in (("en", "Incomplete reference: the source gives only author and year."), ("nb", "Ufullstendig")):
        parsed = {entry["id"]: entry for entry in rispy.loads(ris(study_records(pub, index, lang)))}
        items = {item["id"]: item for item in json.loads(csl_json(study_records(pub, index, lang)))}
        for study_id in ("beta-2021", "gamma-2022"):
            assert parsed[study_id]["notes"][0].startswith(incomplete)
            assert str(items[study_id]["note"]).startswith(incomplete)
        assert not any(note.startswith(incomplete) for note in parsed["alpha-2020"]["notes"])
    alpha = {entry["id"]: entry for entry in rispy.loads(ris(study_records(pub, index, "en")))}["alpha-2020"]
    assert alpha["title"] == "Text messages to parents cut absence"
    assert alpha["journal_name"] == "Journal of Demo Studies"
    assert (alpha["volume"], alpha["number"], alpha["start_page"], alpha["doi"]) == ("12", "3", "45-67", "10.1234/demo.2020.1")
    item = next(i for i in json.loads(csl_json(study_records(pub, index, "en"))) if i["id"] == "alpha-2020")
    assert item["container-title"] == "Journal of Demo Studies" and item["DOI"] == "10.1234/demo.2020.1"


def test_the_reference_list_exports_every_entry_in_order(fixture_project: Project) -> None:
    index, _ = check(fixture_project)
    assert index is not None
    pub = index.publication("demo-2025")
    entries = rispy.loads(ris(list_records(pub, index)))
    assert [e["id"] for e in entries] == pub.references
    assert entries[1]["type_of_reference"] == "RPRT" and entries[1]["urls"] == ["https://demoinstituttet.no/rapport"]
    assert entries[1]["tertiary_title"] == "Demorapport 2019:1"


def test_every_field_of_an_entry_is_in_its_text(repo_index: Index) -> None:
    """A reference list entry's fields are parts of the entry as the source prints it (`text`),
    never added: what the tool tests/source_references.py found in the source holds them all."""
    index = repo_index
    assert index.ids("reference")
    for reference_id in index.ids("reference"):
        entry = index.reference_entry(reference_id)
        parts = [entry.title, entry.container, entry.volume, entry.issue, entry.pages, entry.series, entry.publisher]
        parts += [entry.doi, entry.url, entry.note, *entry.authors, str(entry.year) if entry.year else None]
        for part in parts:
            assert part is None or part in entry.text, (reference_id, part)
        if entry.study:
            study = index.study(entry.study)
            assert study.year == entry.year and (study.title is None or study.title == entry.title), reference_id


def test_citeproc_formats_and_nothing_else_survives(fixture_project: Project, tmp_path) -> None:
    path = fixture_project.data_dir / "studies" / "gamma-2022.yaml"
    write(
        path,
        path.read_text(encoding="utf-8").replace('authors: ["Gamma, G."]', 'authors: ["<img src=x onerror=alert(1)>Gamma, G."]'),
    )
    index, _ = check(fixture_project)
    cache = ReferenceCache(tmp_path / "refs.json")
    html = str(cache.get(index.study("gamma-2022"), index, "nb"))
    assert "(2022)" in html and "<img" not in html and "onerror" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    cache.save()
    again = ReferenceCache(tmp_path / "refs.json")
    assert str(again.get(index.study("gamma-2022"), index, "nb")) == html and not again.dirty


@contextmanager
def _citeproc_as_published() -> Iterator[None]:
    """citeproc-py's own methods in place of the remembered ones (`references.STYLE_LOOKUPS`)."""
    from citeproc import model, source

    patched = [(getattr(model, cls), name) for cls, name in STYLE_LOOKUPS] + [(source.CitationItem, "reference")]
    with pytest.MonkeyPatch.context() as patch:
        for owner, name in patched:
            remembered = owner.__dict__[name]
            original = remembered.fget.original if isinstance(remembered, property) else remembered.original
            patch.setattr(owner, name, original)
        yield


def test_remembered_style_lookups_give_citeproc_s_own_references(whole_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every reference and page citation a generate of the fixture formats (theses, articles,
    reports, pages; both languages), and a reference with every kind of field, are the same HTML
    with citeproc-py's own lookups as with the remembered ones."""
    formatted: list[tuple[dict[str, object], str]] = []
    format_ = ReferenceCache.format  # as the session has it (conftest: each reference formatted once)

    def recorded(cache: ReferenceCache, item: dict[str, object], lang: str) -> Markup:
        formatted.append((item, lang))
        return format_(cache, item, lang)

    monkeypatch.setattr(ReferenceCache, "format", recorded)
    index = load_or_fail(whole_project)
    generate(whole_project, index, pdfs=False, processes=1)
    monkeypatch.undo()
    full = {
        "id": "z",
        "type": "article-journal",
        "author": [{"family": "Bergman", "given": "A."}, {"family": "Chan"}, {"family": "Dahl", "given": "K. L."}],
        "issued": {"date-parts": [[2019, 5]]},
        "title": "Tittel: en <b>undertittel</b>",
        "container-title": "Tidsskrift",
        "volume": "12",
        "issue": "3",
        "page": "45-67",
        "DOI": "10.1000/xyz",
        "URL": "https://example.org/a",
    }
    formatted += [(full, lang) for lang in ("nb", "en")]
    kinds = {str(item.get("type")) for item, _ in formatted}
    assert {"article-journal", "thesis", "report", "webpage"} <= kinds, kinds  # the test sees every kind it claims
    remembered = [_format(item, lang) for item, lang in formatted]
    with _citeproc_as_published():
        own = [_format(item, lang) for item, lang in formatted]
    assert remembered == own


@pytest.mark.parametrize(
    ("field", "value"),
    [("url", "javascript:alert(1)"), ("url", "data:text/html,x"), ("doi", "javascript:alert(1)"), ("url", "https://a b")],
)
def test_an_entry_links_only_to_the_web(fixture_project: Project, field: str, value: str) -> None:
    """The reference list links an entry's address and DOI: nothing but http(s) and a DOI gets in."""
    path = fixture_project.data_dir / "references" / "demo-2025-r02.yaml"
    write(path, path.read_text(encoding="utf-8") + f"{field}: {json.dumps(value)}\n".replace("url: ", "url: ", 1))
    text = path.read_text(encoding="utf-8")
    if field == "url":
        text = text.replace('url: "https://demoinstituttet.no/rapport"\n', "", 1)
    write(path, text)
    index, report = check(fixture_project)
    assert index is None and any(f"{field}: string should match pattern" in str(p) for p in report.errors())
