"""Re-measure the facts the design rests on (docs/decisions.md), on this machine.

    .venv/bin/python scripts/measure_decisions.py yaml --files 2000
    .venv/bin/python scripts/measure_decisions.py nav --pages 500 1000

Each prints what it measured; figures depend on the machine, the direction is what matters.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def measure_yaml(files: int) -> None:
    """libyaml's composer (line/column marks kept) against the pure-Python loader, on synthetic studies."""
    from generator.model.settings import Project
    from generator.tools.synthetic import generate

    with tempfile.TemporaryDirectory(prefix="kb-yaml-") as tmp:
        project = generate(Project(REPO), Path(tmp) / "kb", studies=files)
        texts = [p.read_text(encoding="utf-8") for p in sorted(project.data_dir.rglob("*.yaml"))]
        megabytes = sum(len(t.encode()) for t in texts) / 1e6
        for name, run in (
            ("yaml.compose, CSafeLoader (marks kept)", lambda t: yaml.compose(t, Loader=yaml.CSafeLoader)),
            ("yaml.load, CSafeLoader", lambda t: yaml.load(t, Loader=yaml.CSafeLoader)),
            ("yaml.safe_load (pure Python)", yaml.safe_load),
        ):
            started = time.perf_counter()
            for text in texts:
                run(text)
            print(f"{name:<42} {len(texts):>6} files, {megabytes:5.1f} MB: {time.perf_counter() - started:6.2f} s")


def measure_nav(sizes: list[int]) -> None:
    """One MkDocs Material build of N pages, with every page in the sidebar and with none of them."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    text = "Foresatte og skolen samarbeider om elever med høyt fravær. " * 40
    for pages in sizes:
        for in_nav in (True, False):
            with tempfile.TemporaryDirectory(prefix="kb-nav-") as tmp:
                docs = Path(tmp) / "docs"
                (docs / "p").mkdir(parents=True)
                (docs / "index.md").write_text("# Hjem\n", encoding="utf-8")
                for i in range(pages):
                    (docs / "p" / f"{i}.md").write_text(f"# Side {i}\n\n{text}\n", encoding="utf-8")
                nav = [{"Hjem": "index.md"}] + ([{f"Side {i}": f"p/{i}.md"} for i in range(pages)] if in_nav else [])
                config = load_config(
                    config_file=None,
                    docs_dir=str(docs),
                    site_dir=str(Path(tmp) / "site"),
                    site_name="nav",
                    theme={"name": "material", "font": False},
                    nav=nav,
                    not_in_nav="/p/*.md" if not in_nav else "",
                    plugins=[],
                )
                started = time.perf_counter()
                build(config)
                seconds = time.perf_counter() - started
                size = sum(f.stat().st_size for f in (Path(tmp) / "site").rglob("*.html")) / 1e6
                where = "all in the sidebar" if in_nav else "none in the sidebar"
                print(f"{pages:>6} pages, {where:<20}: {seconds:6.1f} s, {size:7.1f} MB of HTML")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("yaml", help="YAML loaders on synthetic study files")
    p.add_argument("--files", type=int, default=2000, help="number of synthetic studies (default 2000)")
    p = sub.add_parser("nav", help="MkDocs build time with pages in and out of the sidebar")
    p.add_argument("--pages", type=int, nargs="+", default=[500, 1000])
    args = parser.parse_args(argv)
    if args.what == "yaml":
        measure_yaml(args.files)
    else:
        measure_nav(args.pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
