from __future__ import annotations

import json

from generator.model.settings import Project
from generator.pipeline.build import check
from generator.present.references import ReferenceCache, csl_json, ris

from .conftest import write


def test_exports_hold_every_study(fixture_project: Project) -> None:
    index, _ = check(fixture_project)
    assert index is not None
    pub = index.publication("demo-2025")
    items = json.loads(csl_json(pub, index))
    assert [i["id"] for i in items] == pub.studies
    alpha = items[0]
    assert alpha["author"] == [{"family": "Alpha", "given": "A."}, {"family": "Omega", "given": "O."}]
    assert alpha["issued"] == {"date-parts": [[2020]]} and alpha["type"] == "article-journal"
    records = ris(pub, index).strip().split("\n\n")
    assert len(records) == 3
    assert records[1].splitlines()[0] == "TY  - THES" and "ER  - " in records[1]


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


def test_macro_memo_gives_the_same_references() -> None:
    from citeproc import model

    from generator.present.references import _format

    items = [
        {
            "id": "a",
            "type": "thesis",
            "genre": "Masteroppgave",
            "author": [{"family": "Levik", "given": "E."}],
            "issued": {"date-parts": [[2023]]},
            "title": "T",
        },
        {
            "id": "b",
            "type": "article-journal",
            "author": [{"family": "Bergman"}, {"family": "Chan"}],
            "issued": {"date-parts": [[2019]]},
        },
    ]
    memoized = [_format(i, lang) for i in items for lang in ("nb", "en")]
    patched = model.CitationStylesElement.get_macro
    model.CitationStylesElement.get_macro = patched.original
    try:
        plain = [_format(i, lang) for i in items for lang in ("nb", "en")]
    finally:
        model.CitationStylesElement.get_macro = patched
    assert memoized == plain
