"""Thin command line: check, build, generate, serve, schema, new."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from generator.model.errors import DataError, Report, workflow_command
from generator.model.kinds import KINDS
from generator.model.settings import Project


def _print_report(report: Report, strict: bool, github: bool) -> None:
    """Errors first, then warnings (`Report.problems`), then a count. With `github`, each problem is
    also an annotation: an `::error` when it fails the job, which in strict mode a warning does."""
    for problem in report.problems:
        print(problem, file=sys.stderr)
        if github:
            print(problem.github_annotation(as_error=strict))
    errors = len(report.errors(strict))
    warnings = len(report.problems) - len(report.errors(False))
    if report.held_back:
        print(
            f"{report.held_back} more problem(s) held back: they may only follow from the files that failed to load; "
            "fix those first",
            file=sys.stderr,
        )
    if report.problems:
        print(
            f"{errors} error(s), {warnings} warning(s){' (strict: warnings count as errors)' if strict and warnings else ''}",
            file=sys.stderr,
        )


def cmd_check(args: argparse.Namespace) -> int:
    from generator.pipeline.build import check

    project = Project.find(args.root)
    index, report = check(project, args.strict, cached=True)
    if args.base is not None:
        from generator.tools.baseline import CompareError
        from generator.tools.history import check_history

        try:
            check_history(project, args.base, report)
        except CompareError as exc:
            _print_report(report, args.strict, args.github)
            print(f"error: {exc}", file=sys.stderr)
            return 1
        index = None if report.failed(args.strict) else index
    _print_report(report, args.strict, args.github)
    if index is None:
        return 1
    print(f"data ok: {sum(len(v) for v in index.data.entities.values())} files checked")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from generator.pipeline.build import build_site

    project = Project.find(args.root)
    try:
        timings = build_site(project, strict=args.strict, with_pdf=not args.no_pdf)
    except DataError as exc:
        _print_report(exc.report, args.strict, args.github)
        print("build refused: fix the data problems above; site/ was left as it was", file=sys.stderr)
        return 1
    for stage, seconds in timings.stages.items():
        print(f"{stage:>22}: {seconds:6.2f} s")
        if stage == "render+write" and timings.pages is not None:
            print(f"{'pages':>22}: {timings.pages.summary()}")
        if stage == "theme css" and timings.stylesheet is not None and timings.stylesheet.files:
            kept = timings.stylesheet
            print(
                f"{'kept':>22}: {kept.bytes_after / 1024:.0f} of {kept.bytes_before / 1024:.0f} KB (the rules the pages can use)"
            )
    print(f"{'wall':>22}: {timings.wall:6.2f} s")
    if timings.pdfs:
        rendering = sum(result.seconds for result in timings.pdfs if not result.reused)
        checking = sum(result.seconds for result in timings.pdfs if result.reused)
        rendered = len(timings.pdfs) - timings.pdf_reused
        print(
            f"{'pdf, beside the site':>22}: {timings.pdf_wall:6.2f} s for {len(timings.pdfs)} reports:"
            f" {rendered} rendered ({rendering:.2f} s), {timings.pdf_reused} reused unchanged ({checking:.2f} s),"
            f" on {timings.pdf_processes} processes: {timings.pdf_speedup:.1f}x"
        )
    for result in timings.pdfs:
        print(f"{'':>22}  {result}")
    for notice in timings.notices:
        print(f"note: {notice}")
    print(f"site built in {project.site_dir}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from generator.pipeline.build import generate, load_or_fail
    from generator.pipeline.pagecache import PageCache

    project = Project.find(args.root)
    try:
        index = load_or_fail(project, args.strict, cached=True)
    except DataError as exc:
        _print_report(exc.report, args.strict, args.github)
        return 1
    cache = PageCache.open(project.build_dir, index)
    changed = generate(project, index, cache=cache)
    print(f"pages: {cache.summary()}")
    for lang, files in changed.items():
        print(f"{lang}: {len(files)} file(s) changed")
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    """`make pdf`: load and check the data, then write only the PDFs into site/, with what each cost."""
    from generator.pipeline.build import load_or_fail
    from generator.print.pdf import build_pdfs

    project = Project.find(args.root)
    try:
        index = load_or_fail(project, cached=True)
    except DataError as exc:
        for problem in exc.report.problems:
            print(problem, file=sys.stderr)
        return 1
    for result in build_pdfs(project, index, project.site_dir, cached=True):
        print(result)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from generator.tools.serve import serve

    return serve(Project.find(args.root), args.lang, args.port)


def cmd_schema(args: argparse.Namespace) -> int:
    from generator.tools import schema

    project = Project.find(args.root)
    report = Report()
    expected = schema.generate(project, report)
    if report.failed():
        _print_report(report, False, args.github)
        print("schemas not written: fix the vocabularies above first", file=sys.stderr)
        return 1
    if args.check:
        outdated = schema.stale(project, expected)
        for path in outdated:
            print(f"{path.relative_to(project.root).as_posix()}: stale; run `make schema`", file=sys.stderr)
        return 1 if outdated else 0
    for path in schema.write(project, expected):
        print(f"{'wrote' if path.exists() else 'removed'} {path.relative_to(project.root).as_posix()}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from generator.tools.scaffold import ScaffoldError, scaffold

    project = Project.find(args.root)
    try:
        created = scaffold(project, args.kind, publication=args.publication, entity_id=args.id)
    except ScaffoldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"created {created.path.relative_to(project.root).as_posix()}")
    for step in created.next_steps:
        print(f"  - {step}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    parser.add_argument("--root", type=Path, default=None, help="project folder (default: found from the current folder)")
    sub = parser.add_subparsers(dest="command", required=True)
    github_default = os.environ.get("GITHUB_ACTIONS") == "true"
    for name, func, help_text in (
        ("check", cmd_check, "validate all data and report every problem"),
        ("build", cmd_build, "build the site (and PDFs) into site/"),
        ("generate", cmd_generate, "write the generated Markdown into build/docs/ only"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--strict", action="store_true", help="warnings (e.g. missing translations) fail too")
        p.add_argument("--github", action="store_true", default=github_default, help="also print GitHub Actions annotations")
        p.set_defaults(func=func)
        if name == "build":
            p.add_argument("--no-pdf", action="store_true", help="skip the PDF reports")
        if name == "check":
            p.add_argument(
                "--base", metavar="REF", help="also warn about findings changed since this commit without a history entry"
            )
    p = sub.add_parser("pdf", help="only the PDF reports, into site/ (with pages, seconds and memory of each)")
    p.set_defaults(func=cmd_pdf)
    p = sub.add_parser("serve", help="live preview while editing data/ or content/")
    p.add_argument("--lang", default="nb", choices=["nb", "en"])
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("schema", help="write schemas/<kind>.schema.json from the models and vocabularies")
    p.add_argument("--check", action="store_true", help="write nothing; fail if a schema file is stale")
    p.add_argument("--github", action="store_true", default=github_default, help="also print GitHub Actions annotations")
    p.set_defaults(func=cmd_schema)
    p = sub.add_parser("new", help="scaffold a new data file (next free id, every required field to fill in)")
    p.add_argument("kind", choices=sorted(KINDS), help="what to create")
    p.add_argument(
        "--publication", help="the publication it belongs to (findings: the id prefix; it is added to the publication's list)"
    )
    p.add_argument("--id", help="the new id (default for findings: the next number; otherwise a placeholder to rename)")
    p.set_defaults(func=cmd_new)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except Exception as exc:  # noqa: BLE001 - any failure must reach CI as an annotation, not only a traceback
        traceback.print_exc()
        print(f"error: {args.command} failed unexpectedly: {_short(exc)}", file=sys.stderr)
        if getattr(args, "github", github_default):
            print(workflow_command("error", f"python -m generator {args.command} failed unexpectedly: {_short(exc)}"))
        return 1


def _short(exc: BaseException, limit: int = 300) -> str:
    """The exception's type and the first line of its message, short enough for an annotation."""
    lines = str(exc).strip().splitlines()
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"
