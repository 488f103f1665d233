"""Every entry of a publication's reference list word for word in its source, then recorded as
what the source published.

Like the quotes (tests/source_quotes.py), a reference list entry is something `check` cannot hold
against its source: the source documents are not in the repository. This tool reads a source's
text (plain text or the Markdown an extraction gives, as a file named on the command line) and
finds each entry's `text` in it, whitespace normalised, after taking away the list's typography:
italics and bold (`*`), the asterisk that marks an included work, link markup (`[label](address)`
and `<address>` are the address) and backslash escapes, and joining a word hyphenated across a
page break. It also says which entries the source marks with an asterisk (`included`).

    python -m tests.source_references norce-utenforskap-2025 path/to/the/note.txt --record

With `--record`, and only when every entry was found and the asterisks agree, the entries are
recorded in the source's edition (tests/source_editions.yaml): from then on the seed tests fail
when a recorded entry's text or fields change.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from generator.model.index import Index
from generator.model.models import Reference

from . import source_edition
from .source_quotes import normalised

_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]*)\)")
_ANGLE = re.compile(r"<(https?://[^>]*)>")
_BROKEN_WORD = re.compile(r"(\w-)\s*\n\s*\n-\s+(?=\w)")
"""A word hyphenated at a page foot, continued as a new list item on the next page."""
_STAR = "\\*"


def plain(document: str) -> str:
    """The document without list typography, whitespace normalised."""
    text = _BROKEN_WORD.sub(r"\1", document)
    text = _LINK.sub(r"\1", text)
    text = _ANGLE.sub(r"\1", text)
    return normalised(text.replace(_STAR, "").replace("*", "").replace("\\", ""))


def starred(document: str) -> str:
    """The items of the document's lists that begin with an asterisk, as one plain text."""
    items = [
        line[len("- " + _STAR) :] for line in _BROKEN_WORD.sub(r"\1", document).splitlines() if line.startswith("- " + _STAR)
    ]
    return plain("\n".join(items))


def unfound(entries: list[Reference], document: str) -> list[str]:
    """A line for each entry that is not in the document word for word, or whose asterisk differs."""
    haystack, marked = plain(document), starred(document)
    problems = []
    for entry in entries:
        text = normalised(entry.text)
        if text not in haystack:
            problems.append(f"reference '{entry.id}': text not found in the source: {text[:80]!r}")
        elif (text in marked) != entry.included:
            problems.append(
                f"reference '{entry.id}': the source {'marks' if text in marked else 'does not mark'} it with an asterisk"
            )
    return problems


def entries_of(index: Index, pub_id: str) -> list[Reference]:
    return [index.reference_entry(r) for r in index.publication(pub_id).references]


def main(argv: list[str] | None = None) -> int:
    from generator.model.settings import Project
    from generator.pipeline.build import load_or_fail

    parser = argparse.ArgumentParser(prog="python -m tests.source_references", description=__doc__.split("\n\n")[0])
    parser.add_argument("publication", help="the publication whose reference list is checked")
    parser.add_argument("document", type=Path, help="the source's text")
    parser.add_argument("--record", action="store_true", help="record the entries in the source's edition when all are found")
    args = parser.parse_args(argv)
    index = load_or_fail(Project(source_edition.REPO), strict=True)
    if args.publication not in index.ids("publication"):
        parser.error(f"unknown publication '{args.publication}'")
    entries = entries_of(index, args.publication)
    problems = unfound(entries, args.document.read_text(encoding="utf-8"))
    for problem in problems:
        print(problem)
    print(f"{len(entries) - len(problems)} of {len(entries)} reference list entries of '{args.publication}' found in the source")
    if problems:
        return 1
    if args.record:
        record = source_edition.load()
        source_edition.record_members(record, index, args.publication, "reference", [e.id for e in entries])
        source_edition.save(record)
        print(f"recorded in {source_edition.RECORD.relative_to(source_edition.REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
