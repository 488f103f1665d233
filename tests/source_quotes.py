"""Every quote word for word in its source document, then recorded as what the source published.

A quote that the source does not contain is not something `check` can see: the source documents
are not part of the repository, so neither `check` nor the tests can read them. This tool reads a
source's text (plain text, as extracted from the PDF or Word file) given on the command line, and
finds the source-language text of each of the publication's quotes in it, whitespace normalised
(line and page breaks are where the extraction put them). Words the quote leaves out are marked
'[...]' in the quote: the parts between the marks are found in order.

    python -m tests.source_quotes levik-2023-masteroppgave path/to/the/thesis.txt --record

With `--record`, and only when every quote was found, the quotes are recorded in the source's
edition (tests/source_editions.yaml): from then on the seed tests fail when a recorded quote's
wording, informant, place or links change (tests/source_edition.py), so what was found stays found.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from generator.model.index import Index
from generator.model.models import Quote

from . import source_edition

ELISION = "[...]"
"""Marks the words of the source a quotation leaves out."""


def normalised(text: str) -> str:
    """Every run of whitespace (line breaks, non-breaking spaces) as one space."""
    return re.sub(r"\s+", " ", text).strip()


def parts(text: str) -> list[str]:
    """The quoted passages of a text: what stands between the elision marks."""
    return [part for part in (normalised(p) for p in text.split(ELISION)) if part]


def missing_part(document: str, text: str) -> str | None:
    """The first part of `text` that `document` does not hold after the parts before it, or None."""
    haystack, start = normalised(document), 0
    for part in parts(text):
        found = haystack.find(part, start)
        if found < 0:
            return part
        start = found + len(part)
    return None


def source_texts(quote: Quote) -> list[tuple[str, str]]:
    """(language, text) of each language the quote has in the source's own words."""
    return [
        (lang, value)
        for lang in ("nb", "en")
        if (value := quote.text.get(lang)) is not None and getattr(quote.text, f"{lang}_origin") == "source"
    ]


def unfound(quotes: Iterable[Quote], document: str) -> list[str]:
    """A line for each quote that is not in the document word for word (or has no source-language text)."""
    problems = []
    for quote in quotes:
        texts = source_texts(quote)
        if not texts:
            problems.append(f"quote '{quote.id}': no text in the source's own words (nb_origin or en_origin 'source')")
        for lang, text in texts:
            part = missing_part(document, text)
            if part is not None:
                problems.append(f"quote '{quote.id}' ({quote.source_location}): text.{lang} not found in the source: {part!r}")
    return problems


def quotes_of(index: Index, pub_id: str) -> list[Quote]:
    return [index.quote(q) for q in index.publication(pub_id).quotes]


def main(argv: list[str] | None = None) -> int:
    from generator.model.settings import Project
    from generator.pipeline.build import load_or_fail

    parser = argparse.ArgumentParser(prog="python -m tests.source_quotes", description=__doc__.split("\n\n")[0])
    parser.add_argument("publication", help="the publication whose quotes are checked")
    parser.add_argument("document", type=Path, help="the source's text, as plain text")
    parser.add_argument("--record", action="store_true", help="record the quotes in the source's edition when all are found")
    args = parser.parse_args(argv)
    index = load_or_fail(Project(source_edition.REPO), strict=True)
    if args.publication not in index.ids("publication"):
        parser.error(f"unknown publication '{args.publication}'")
    quotes = quotes_of(index, args.publication)
    document = args.document.read_text(encoding="utf-8")
    problems = unfound(quotes, document)
    for problem in problems:
        print(problem)
    found = sum(1 for quote in quotes if not unfound([quote], document))
    print(f"{found} of {len(quotes)} quote(s) of '{args.publication}' found in the source")
    if problems:
        return 1
    if args.record:
        record = source_edition.load()
        source_edition.record_members(record, index, args.publication, "quote", [q.id for q in quotes])
        source_edition.save(record)
        print(f"recorded in {source_edition.RECORD.relative_to(source_edition.REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
