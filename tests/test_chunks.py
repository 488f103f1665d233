"""A report's print HTML cut into chunks (generator/print/chunks.py): nothing lost or doubled, every
container opened again as it was, no cut where print.css keeps things together."""

from __future__ import annotations

import re

import lxml.html
import pytest

from generator.print import chunks

ROWS = "".join(f'<tr id="row-{i}"><td>Row {i} {"x" * 40}</td></tr>' for i in range(30))
QUOTED = "".join(
    f'<tr class="group"><th>Group {i}</th></tr><tr id="f-{i}"><td>Finding {i} {"y" * 60}</td></tr><tr class="quote-row"><td>Quote {i}</td></tr>'
    for i in range(12)
)
ITEMS = "".join(f"<li>Item {i} {'z' * 50}</li>" for i in range(20))
TERMS = "".join(f"<dt>Term {i}</dt><dd>Meaning {i} {'w' * 60}</dd>" for i in range(15))
REPORT = f"""<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>T</title><style>p {{ color: black }}</style></head>
<body class="full">
<!-- full.html.j2 -->
<section class="cover"><h1>Title</h1></section>
<nav class="toc"><ol><li><a href="#one">One</a></li><li><a href="#two">Two</a></li></ol></nav>
<section class="chapter" id="one"><h2>Chapter <em>one</em></h2>
<h3>Rows</h3>
<table class="findings" id="table-one"><caption>The rows</caption><thead><tr><th>Head</th></tr></thead><tbody>{ROWS}</tbody></table>
<ol class="numbered" id="list">{ITEMS}</ol>
</section>
<section class="chapter" id="two"><h2>Two</h2>
<table class="quoted"><thead><tr><th>Quoted head</th></tr></thead><tbody>{QUOTED}</tbody></table>
<dl class="glossary">{TERMS}</dl>
<p>Text with <a href="#one">a link back</a> and <a href="#row-3">a row</a>.</p>
</section>
</body></html>"""


def texts(html: str) -> list[str]:
    """Every text of the body, in order, each once: a continued table's repeated head counted once."""
    body = lxml.html.document_fromstring(html).find("body")
    assert body is not None
    for head in body.xpath(".//thead"):
        head.getparent().remove(head)
    return [text for text in (" ".join(t.split()) for t in body.xpath(".//text()")) if text]


@pytest.fixture(scope="module")
def cut() -> list[chunks.Chunk]:
    return chunks.split(REPORT, 700)


def test_a_small_report_is_one_chunk_with_everything_in_it() -> None:
    (whole,) = chunks.split(REPORT, len(REPORT))
    assert texts(whole.html()) == texts(REPORT)
    assert "one" in whole.ids and "row-29" in whole.ids
    assert whole.anchors_out == ()


def test_nothing_lost_or_doubled_and_each_anchor_in_one_chunk(cut: list[chunks.Chunk]) -> None:
    assert len(cut) > 6
    assert [text for chunk in cut for text in texts(chunk.html())] == texts(REPORT)
    ids = re.findall(r' id="([^"]+)"', REPORT)
    assert sorted(i for chunk in cut for i in chunk.ids) == sorted(ids), "each id in exactly one chunk"
    assert sum(len(chunk.html()) for chunk in cut) < 2.5 * len(REPORT)


def test_each_chunk_is_a_document_with_the_report_head(cut: list[chunks.Chunk]) -> None:
    for chunk in cut:
        document = lxml.html.document_fromstring(chunk.html())
        assert document.get("lang") == "nb"
        assert document.findtext("head/title") == "T"
        assert document.find("head/style") is not None
        body = document.find("body")
        assert body is not None and body.get("class") == "full"


def test_chunks_are_about_the_size_asked_for(cut: list[chunks.Chunk]) -> None:
    sizes = [len(lxml.html.tostring(chunk.document.find("body"), encoding="unicode")) for chunk in cut]
    assert max(sizes) < 2 * 700 + 300, sizes


def test_a_continued_table_opens_with_its_head_and_without_its_id_or_caption(cut: list[chunks.Chunk]) -> None:
    parts = [chunk for chunk in cut if chunk.document.xpath("//table[contains(@class, 'findings')]")]
    assert len(parts) > 1, "the rows' table is cut"
    first, *rest = (chunk.document.xpath("//table[contains(@class, 'findings')]")[0] for chunk in parts)
    assert first.get("id") == "table-one" and first.findtext("caption") == "The rows"
    assert [child.tag for child in first][:3] == ["caption", "thead", "tbody"]
    for table in rest:
        assert table.get("id") is None and table.find("caption") is None
        assert [child.tag for child in table][:2] == ["thead", "tbody"]
        assert table.findtext("thead/tr/th") == "Head"


def test_a_continued_numbered_list_goes_on_from_its_number(cut: list[chunks.Chunk]) -> None:
    numbered = [list_ for chunk in cut for list_ in chunk.document.xpath("//ol[contains(@class, 'numbered')]")]
    assert len(numbered) > 1, "the list is cut"
    seen = 0
    for list_ in numbered:
        assert int(list_.get("start", "1")) == seen + 1
        seen += len(list_.findall("li"))
    assert seen == 20


def test_a_continued_chapter_carries_its_running_header(cut: list[chunks.Chunk]) -> None:
    sections = [s for chunk in cut for s in chunk.document.xpath("//section[contains(@class, 'chapter')]")]
    ones = [s for s in sections if s.find("h2") is not None and "one" in s.findtext("h2/em", "")] + [
        s for s in sections if s.get(chunks.RUNNING_HEADER_ATTRIBUTE) == "Chapter one"
    ]
    assert len(ones) > 1, "chapter one goes on in a later chunk"
    assert ones[0].get("id") == "one" and ones[0].get(chunks.RUNNING_HEADER_ATTRIBUTE) is None
    for continued in ones[1:]:
        assert continued.get("id") is None and continued.find("h2") is None


def test_no_cut_after_a_heading_or_group_row_nor_before_a_quotation(cut: list[chunks.Chunk]) -> None:
    for before, after in zip(cut[:-1], cut[1:], strict=True):
        last = before.document.find("body")
        while last is not None and len(last) and last[-1].tag in chunks.CONTAINERS:
            last = last[-1]
        assert last is not None
        last_piece = last[-1] if len(last) else last
        assert last_piece.tag not in chunks.KEEP_WITH_NEXT, lxml.html.tostring(last_piece)
        assert "group" not in (last_piece.get("class") or "")
        assert not after.document.xpath("//tr[contains(@class, 'quote-row')][not(preceding-sibling::tr)]"), (
            "a chunk opens with a quotation's row"
        )


def test_links_to_another_chunk_are_known(cut: list[chunks.Chunk]) -> None:
    last = next(chunk for chunk in cut if "Text with" in chunk.html())
    assert set(last.anchors_out) >= {"one", "row-3"}
    assert all(anchor not in last.ids for anchor in last.anchors_out)
    toc = cut[0]
    assert "two" in toc.anchors_out or "two" in toc.ids
