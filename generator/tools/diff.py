"""`make diff BASE=ref`: what a change does, compared with another commit, as a reviewer needs it.

First the files the change touches, and for each data file what changed in its entity, field by
field (both sides read as models by this branch's loader: old and new text in each language,
confidence before and after, studies added and removed). Then the published pages it affects: each
side generated with its own code (the base in a temporary git worktree, always removed), and each
distinct edit reported once with the pages it appears on, so a version stamped on every page is one
line, not hundreds. Text for the terminal, or Markdown for a pull-request comment.
"""

from __future__ import annotations

import argparse
import re
import string
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.model.errors import one_line
from generator.model.index import Index
from generator.model.settings import LANGUAGES, Project
from generator.model.sources import format_field_path
from generator.tools.baseline import HEAD_LABEL, CompareError, checkout, generate_pages, load, touched_files
from generator.tools.changes import EntityChange, FieldChange, compare_data
from generator.tools.pagediff import Edit, Page, PageChanges, compare_docs, word_edits

MARKER = "<!-- kb-diff -->"
"""First line of the Markdown report: the workflow finds its earlier comment by it, to update it."""

COMMENT_LIMIT = 60_000
"""GitHub refuses comments over 65,536 characters; the report is cut to fit, and says so."""

EDITS_SHOWN = 60
PAGES_SHOWN = 6
EDIT_CHARS = 160
"""Page edits are fragments of generated Markdown and HTML: enough to recognise, not whole tables."""

SHORT_VALUE = 40
"""Longer values (texts) that changed also get what differs in them: one word in a paragraph is hard to spot."""
DIFFERS_SHOWN = 5


@dataclass(frozen=True)
class Review:
    ref: str
    commit: str
    files: list[str]
    entities: list[EntityChange]
    pages: PageChanges

    def files_in_order(self) -> list[tuple[str, list[EntityChange]]]:
        """Every touched file (and every file with an entity change), each with its entity changes."""
        by_file: dict[str, list[EntityChange]] = {name: [] for name in self.files}
        for change in self.entities:
            by_file.setdefault(change.file, []).append(change)
        return sorted(by_file.items())


def compare(project: Project, ref: str) -> Review:
    """Both sides loaded, generated and compared; a CompareError (with every reason) if either fails."""
    with checkout(project, ref) as base:
        reasons: list[str] = []
        head_index, base_index = _load(project, HEAD_LABEL, reasons), _load(base.project, base.label, reasons)
        if head_index is None or base_index is None:
            raise CompareError("\n".join(reasons))
        files = touched_files(project, base.commit)
        base_docs = generate_pages(base.project, base.label)
        pages = compare_docs(base_docs, generate_pages(project, HEAD_LABEL))
    return Review(ref, base.commit, files, compare_data(base_index.data, head_index.data), pages)


def _load(project: Project, label: str, reasons: list[str]) -> Index | None:
    try:
        return load(project, label)
    except CompareError as exc:
        reasons.append(str(exc))
        return None


# --- text, for the terminal -----------------------------------------------------------------


def _quoted(value: str) -> str:
    return f'"{one_line(value)}"'


def _field_text(change: FieldChange) -> str:
    name = format_field_path(change.path)
    if change.before is None:
        return f"{name}: added {_quoted(change.after or '')}"
    if change.after is None:
        return f"{name}: removed {_quoted(change.before)}"
    return f"{name}: {_quoted(change.before)} -> {_quoted(change.after)}"


def _differs(change: FieldChange) -> list[Edit]:
    if change.before is None or change.after is None or max(len(change.before), len(change.after)) <= SHORT_VALUE:
        return []
    return word_edits(change.before, change.after)


def _differs_text(edits: list[Edit]) -> str:
    shown = "; ".join(_edit_text(edit) for edit in edits[:DIFFERS_SHOWN])
    return shown + (f"; and {len(edits) - DIFFERS_SHOWN} more" if len(edits) > DIFFERS_SHOWN else "")


def _entity_title(change: EntityChange) -> str:
    return f"{change.kind} {change.entity_id} {change.status}"


def _shorten(text: str) -> str:
    return text if len(text) <= EDIT_CHARS else text[: EDIT_CHARS - 1] + "…"


def _page_list(pages: list[Page], show: Callable[[str], str]) -> str:
    shown = ", ".join(show(page.url) for page in pages[:PAGES_SHOWN])
    more = len(pages) - PAGES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _pages_summary(pages: PageChanges) -> str:
    per_lang = ", ".join(f"{lang} {sum(p.lang == lang for p in pages.pages)}" for lang in LANGUAGES)
    return (
        f"{len(pages.pages)} ({per_lang}): {len(pages.added)} added, {len(pages.removed)} removed, {len(pages.changed)} changed"
    )


def render_text(review: Review) -> str:
    lines = [f"Compared with {one_line(review.ref)} ({review.commit[:7]})."]
    files = review.files_in_order()
    if not files and not review.pages.pages:
        return "\n".join([*lines, "No changes to the data or the published pages."])
    lines += ["", f"Files changed: {len(files)}"]
    for name, entities in files:
        lines.append(f"  {one_line(name)}" + ("" if entities else _note_for_file(name, ": ")))
        for change in entities:
            lines.append(f"    {_entity_title(change)}")
            for field in change.fields:
                lines.append(f"      {_field_text(field)}")
                if differs := _differs(field):
                    lines.append(f"        differs: {_differs_text(differs)}")
    pages = review.pages
    lines += ["", f"Pages affected: {_pages_summary(pages)}"]
    for label, group in (("Added", pages.added), ("Removed", pages.removed)):
        if group:
            lines.append(f"  {label}: {_page_list(group, one_line)}")
    if pages.edits:
        lines.append("  Each edit once, with the pages it appears on:")
    for edit, on_pages in pages.edits[:EDITS_SHOWN]:
        lines.append(f"    {_edit_text(edit)}")
        lines.append(f"      {len(on_pages)} page(s): {_page_list(on_pages, one_line)}")
    if len(pages.edits) > EDITS_SHOWN:
        lines.append(f"    ... and {len(pages.edits) - EDITS_SHOWN} more edits")
    return "\n".join(lines)


def _edit_text(edit: Edit) -> str:
    if not edit.before:
        return f"added {_quoted(_shorten(edit.after))}"
    if not edit.after:
        return f"removed {_quoted(_shorten(edit.before))}"
    return f"{_quoted(_shorten(edit.before))} -> {_quoted(_shorten(edit.after))}"


def _note_for_file(name: str, separator: str) -> str:
    """What a touched file without an entity change is: data rewritten to the same values, or not data."""
    return f"{separator}no change to the data (comments or formatting only)" if name.startswith("data/") else ""


# --- Markdown, for a pull-request comment -------------------------------------------------------

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_NO_LINK = "\u200b"
"""A zero-width space after '@' and '#': data can name people and issues without pinging them."""


def md_text(value: str) -> str:
    """Text from the data, shown as itself: every Markdown and HTML character escaped, one line."""
    lines = [_PUNCTUATION.sub(r"\\\1", one_line(line)) for line in value.splitlines() or [""]]
    text = "<br>".join(lines)
    return text.replace("@", "@" + _NO_LINK).replace("#", "#" + _NO_LINK)


def md_code(value: str) -> str:
    """A name (path, id, commit) in code style, or escaped text when it could break out of it."""
    if re.fullmatch(r"[^`\s\x00-\x1f\x7f]+( [^`\s\x00-\x1f\x7f]+)*", value):
        return f"`{value}`"
    return md_text(value)


def md_block(text: str) -> str:
    """Preformatted text in a fence longer than any run of backticks in it."""
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _md_cell(value: str | None) -> str:
    return "" if value is None else md_text(value)


def _md_differs(change: FieldChange) -> str:
    edits = _differs(change)
    shown = "<br>".join(f"{_md_cell(_shorten(e.before))} → {_md_cell(_shorten(e.after))}" for e in edits[:DIFFERS_SHOWN])
    return shown + (f"<br>… and {len(edits) - DIFFERS_SHOWN} more" if len(edits) > DIFFERS_SHOWN else "")


def render_markdown(review: Review) -> str:
    lines = [MARKER, f"### Compared with {md_code(review.ref)} ({md_code(review.commit[:7])})", ""]
    files = review.files_in_order()
    if not files and not review.pages.pages:
        return _fit([*lines, "No changes to the data or the published pages."])
    lines += [f"**{len(files)} file(s) changed. Pages affected: {_pages_summary(review.pages)}.**", ""]
    lines += ["#### Files", ""]
    for name, entities in files:
        lines += [f"**{md_code(name)}**" + ("" if entities else _note_for_file(name, ": ")), ""]
        for change in entities:
            lines += [f"{change.kind} {md_code(change.entity_id)} {change.status}", ""]
            if change.fields:
                lines += ["| field | before | after | differs |", "| --- | --- | --- | --- |"]
                lines += [
                    f"| {md_code(format_field_path(f.path))} | {_md_cell(f.before)} | {_md_cell(f.after)} | {_md_differs(f)} |"
                    for f in change.fields
                ]
                lines.append("")
    pages = review.pages
    lines += ["#### Pages", ""]
    for label, group in (("Added", pages.added), ("Removed", pages.removed)):
        if group:
            lines += [f"{label} ({len(group)}): {_page_list(group, md_code)}", ""]
    if pages.edits:
        lines += ["Each edit once, with the pages it appears on:", "", "| before | after | pages |", "| --- | --- | --- |"]
        for edit, on_pages in pages.edits[:EDITS_SHOWN]:
            before, after = _md_cell(_shorten(edit.before)), _md_cell(_shorten(edit.after))
            lines.append(f"| {before} | {after} | {len(on_pages)}: {_page_list(on_pages, md_code)} |")
        if len(pages.edits) > EDITS_SHOWN:
            lines += ["", f"… and {len(pages.edits) - EDITS_SHOWN} more edits: run `make diff` for all of them."]
    return _fit(lines)


def render_markdown_failure(ref: str, reason: str) -> str:
    lines = [MARKER, f"### Compared with {md_code(ref)}: the comparison failed", "", md_block(reason)]
    return _fit(lines)


def _fit(lines: list[str]) -> str:
    """The report within GitHub's comment limit, cut at a line, saying that it was cut."""
    text = "\n".join(lines)
    if len(text) <= COMMENT_LIMIT:
        return text
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > COMMENT_LIMIT - 200:
            break
        kept.append(line)
        size += len(line) + 1
    note = f"**Cut here: the report is longer than a comment may be ({len(text):,} characters). Run `make diff` for all of it.**"
    return "\n".join([*kept, "", note])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.tools.diff", description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="origin/main", help="commit to compare with (default: origin/main)")
    parser.add_argument("--format", choices=["text", "markdown"], default="text", help="markdown: for a pull-request comment")
    parser.add_argument("--root", type=Path, default=None, help="project folder (default: found from the current folder)")
    args = parser.parse_args(argv)
    project = Project.find(args.root)
    try:
        review = compare(project, args.base)
    except CompareError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if args.format == "markdown":
            print(render_markdown_failure(args.base, str(exc)))
        return 1
    print(render_markdown(review) if args.format == "markdown" else render_text(review))
    return 0


if __name__ == "__main__":
    sys.exit(main())
