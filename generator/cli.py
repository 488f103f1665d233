"""Thin command line: check, build, generate, serve."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import DataError, Report
from .settings import Project


def _print_report(report: Report, strict: bool, github: bool) -> None:
    for problem in report.problems:
        print(problem, file=sys.stderr)
        if github:
            print(problem.github_annotation())
    errors = len(report.errors(strict))
    warnings = len(report.problems) - len(report.errors(False))
    if report.problems:
        print(f"{errors} error(s), {warnings} warning(s){' (strict: warnings count as errors)' if strict and warnings else ''}", file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    from .build import check

    project = Project.find(args.root)
    index, report = check(project, args.strict)
    _print_report(report, args.strict, args.github)
    if index is None:
        return 1
    print(f"data ok: {sum(len(v) for v in index.data.entities.values())} files checked")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_site

    project = Project.find(args.root)
    try:
        timings = build_site(project, strict=args.strict, with_pdf=not args.no_pdf)
    except DataError as exc:
        _print_report(exc.report, args.strict, args.github)
        print("build refused: fix the data problems above; site/ was left as it was", file=sys.stderr)
        return 1
    for stage, seconds in timings.stages.items():
        print(f"{stage:>22}: {seconds:6.2f} s")
    print(f"site built in {project.site_dir}")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from .build import generate, load_or_fail

    project = Project.find(args.root)
    try:
        index = load_or_fail(project, args.strict)
    except DataError as exc:
        _print_report(exc.report, args.strict, args.github)
        return 1
    changed = generate(project, index)
    for lang, files in changed.items():
        print(f"{lang}: {len(files)} file(s) changed")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(Project.find(args.root), args.lang, args.port)


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
    p = sub.add_parser("serve", help="live preview while editing data/ or content/")
    p.add_argument("--lang", default="nb", choices=["nb", "en"])
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)
    args = parser.parse_args(argv)
    return int(args.func(args))
