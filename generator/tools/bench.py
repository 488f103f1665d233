"""`make bench`: the pipeline measured stage by stage on synthetic knowledge bases.

For each size it reports wall time and peak memory of load, validate, index, render, write,
MkDocs per language, Pagefind and the PDF, and the floor: parsing the same YAML with
PyYAML's C loader and writing the same number of bytes. Results go to bench-results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

import yaml

from generator.model.errors import Report
from generator.model.index import build_index
from generator.model.kinds import kind_of_folder
from generator.model.settings import LANGUAGES, Project
from generator.model.sources import discover, load_file
from generator.model.validate import DataSet, Loaded, id_of, validate_source
from generator.pipeline.build import build_mkdocs, run_pagefind
from generator.pipeline.write import StagingWriter
from generator.tools.synthetic import generate
from generator.web.pages import plan
from generator.web.render import environment, render_page


def _rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return own / 1024


def _children_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


class Stages:
    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []

    def time(self, name: str, func: Any, *args: Any) -> Any:
        started = time.perf_counter()
        result = func(*args)
        self.rows.append((name, time.perf_counter() - started, _rss_mb()))
        return result

    def seconds(self, *names: str) -> float:
        return sum(s for n, s, _ in self.rows if n in names or any(n.startswith(x + "-") for x in names))


def _files(project: Project) -> list[tuple[str, Path]]:
    return [(kind, path) for folder, kind in kind_of_folder().items() for path in discover(project.data_dir / folder)]


def floor(project: Project, output_sizes: list[int], scratch: Path) -> float:
    """The least any generator could do: parse the YAML (libyaml) and write the same bytes."""
    started = time.perf_counter()
    for _, path in _files(project):
        yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
    scratch.mkdir(parents=True, exist_ok=True)
    for i, size in enumerate(output_sizes):
        (scratch / f"{i}.md").write_bytes(b"x" * size)
    return time.perf_counter() - started


def run_size(source: Project, workdir: Path, studies: int, with_site: bool, with_pdf: bool) -> dict[str, Any]:
    project = generate(source, workdir / f"kb-{studies}", studies)
    findings = studies // 2
    stages = Stages()
    report = Report()
    files = _files(project)
    loaded = stages.time("load", lambda: [(k, load_file(p, project.root, report)) for k, p in files])

    def validate() -> DataSet:
        data = DataSet()
        for kind, source_file in loaded:
            model = validate_source(kind, source_file, report) if source_file else None
            if model is not None:
                data.entities[kind][id_of(model)] = Loaded(model, source_file)
        return data

    data = stages.time("validate", validate)
    index = stages.time("index", build_index, data, report)
    if report.failed(strict=True):
        raise SystemExit("synthetic data did not validate:\n" + "\n".join(map(str, report.problems[:20])))
    env = environment()
    pages = plan(index)
    sizes: list[int] = []
    render_s = write_s = 0.0
    for lang in LANGUAGES:  # one language at a time, so the rendered text is never all in memory
        started = time.perf_counter()
        rendered = [(p.doc, render_page(env, index, lang, p)) for p in pages]
        middle = time.perf_counter()
        writer = StagingWriter(project.staging_docs(lang))
        for doc, text in rendered:
            writer.write(doc, text)
        write_s += time.perf_counter() - middle
        render_s += middle - started
        sizes += [len(text.encode("utf-8")) for _, text in rendered]
        del rendered
    stages.rows += [("render", render_s, _rss_mb()), ("write", write_s, _rss_mb())]
    floor_s = floor(project, sizes, workdir / f"floor-{studies}")
    result: dict[str, Any] = {
        "studies": studies,
        "findings": findings,
        "pages_per_language": len(pages),
        "floor_s": round(floor_s, 3),
        "generate_s": round(stages.seconds("load", "validate", "index", "render", "write"), 3),
    }
    if with_site:
        from generator.pipeline.build import generate as generate_staging

        generate_staging(project, index)  # also copies content/ assets into the staging docs
        site = workdir / f"site-{studies}"
        index_sizes = {}
        for lang in LANGUAGES:
            lang_site = site / lang
            stages.time(f"mkdocs-{lang}", build_mkdocs, project, index, lang, lang_site)
            stages.time(f"pagefind-{lang}", run_pagefind, lang_site)
            bundle = [f for f in (lang_site / "pagefind").rglob("*") if f.is_file()]
            index_sizes[lang] = {"mb": round(sum(f.stat().st_size for f in bundle) / 1e6, 2), "files": len(bundle)}
        result["site_s"] = round(result["generate_s"] + stages.seconds("mkdocs", "pagefind"), 3)
        result["search_index"] = index_sizes
    if with_pdf:
        result.update(pdf_run(source, workdir, stages))
    result["peak_rss_mb"] = round(max(_rss_mb(), _children_rss_mb()), 1)
    result["stages"] = [{"stage": n, "seconds": round(s, 3), "rss_mb": round(m, 1)} for n, s, m in stages.rows]
    shutil.rmtree(project.root, ignore_errors=True)
    return result


def pdf_run(source: Project, workdir: Path, stages: Stages) -> dict[str, Any]:
    """A full report of one publication with 1,000 findings."""
    from generator.print.pdf import environment as print_environment
    from generator.print.pdf import render_pdf

    project = generate(source, workdir / "kb-pdf", 2000, publications=1)
    report = Report()
    from generator.model.validate import load_data

    index = build_index(load_data(project.data_dir, project.root, report), report)
    pub = index.publications()[0]
    result = stages.time("pdf", render_pdf, print_environment(), index, pub, "full", "nb", workdir / "full-1000.pdf")
    return {
        "pdf_s": round(result.seconds, 3),
        "pdf_pages": result.pages,
        "pdf_pages_per_s": round(result.pages / result.seconds, 2),
        "pdf_peak_mb": round(result.peak_mb, 1),
    }


def incremental_run(source: Project, workdir: Path, studies: int) -> dict[str, Any]:
    """What `make serve` does after an editor saves one finding: incremental regeneration,
    then MkDocs' dirty rebuild (only changed pages) of one language."""
    from mkdocs.commands.build import build

    from generator.pipeline.build import mkdocs_config
    from generator.pipeline.incremental import IncrementalBuilder

    project = generate(source, workdir / f"kb-incremental-{studies}", studies)
    builder = IncrementalBuilder(project)
    started = time.perf_counter()
    first = builder.refresh()
    cold_s = time.perf_counter() - started
    assert builder.index is not None
    site = workdir / f"site-incremental-{studies}"
    build(mkdocs_config(project, builder.index, "nb", site, strict=False))
    finding = sorted((project.data_dir / "findings").glob("*.yaml"))[
        len(list((project.data_dir / "findings").glob("*.yaml"))) // 2
    ]
    text = finding.read_text(encoding="utf-8")
    finding.write_text(text.replace("nb: ", "nb: Redigert. ", 1), encoding="utf-8")
    started = time.perf_counter()
    result = builder.refresh()
    regenerate_s = time.perf_counter() - started
    started = time.perf_counter()
    build(mkdocs_config(project, builder.index, "nb", site, strict=False), dirty=True)
    mkdocs_dirty_s = time.perf_counter() - started
    shutil.rmtree(project.root, ignore_errors=True)
    return {
        "studies": studies,
        "cold_generate_s": round(cold_s, 3),
        "pages_rendered_cold": first.rendered,
        "edit_pages_rendered": result.rendered,
        "edit_files_written": len(result.written),
        "edit_regenerate_s": round(regenerate_s, 3),
        "edit_mkdocs_dirty_s": round(mkdocs_dirty_s, 3),
        "edit_total_s": round(regenerate_s + mkdocs_dirty_s, 3),
    }


def print_table(runs: list[dict[str, Any]]) -> None:
    for run in runs:
        print(f"\n{run['studies']:,} studies, {run['findings']:,} findings, {run['pages_per_language']:,} pages per language")
        print(f"{'stage':>12} {'seconds':>9} {'peak MB':>9}")
        for row in run["stages"]:
            print(f"{row['stage']:>12} {row['seconds']:>9.2f} {row['rss_mb']:>9.0f}")
        for key in ("floor_s", "generate_s", "site_s", "pdf_s", "pdf_pages", "pdf_pages_per_s", "peak_rss_mb", "search_index"):
            if key in run:
                print(f"{key:>16}: {run[key]}")


def _child(what: str, args: argparse.Namespace) -> dict[str, Any]:
    import subprocess

    command = [sys.executable, "-m", "generator.tools.bench", "--one", what] + (["--no-site"] if args.no_site else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    # The child's last line is the one `json.dumps(result)` of a dict that --one prints.
    return cast(dict[str, Any], json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.tools.bench")
    parser.add_argument("--sizes", default="1000,10000", help="numbers of studies, comma separated")
    parser.add_argument("--no-site", action="store_true", help="skip MkDocs and Pagefind")
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--output", type=Path, default=Path("bench-results.json"))
    parser.add_argument(
        "--incremental", action="store_true", help="also measure one edit in the live preview at the largest size"
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import logging

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    source = Project.find()
    if args.one:
        # Child mode: one measurement in a fresh process, so ru_maxrss is this run's own peak.
        kind, size = args.one.split(":")
        with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
            if kind == "size":
                result = run_size(source, Path(tmp), int(size), not args.no_site, False)
            elif kind == "pdf":
                result = pdf_run(source, Path(tmp), Stages())
                result["pdf_process_peak_mb"] = round(max(_rss_mb(), _children_rss_mb()), 1)
            else:
                result = incremental_run(source, Path(tmp), int(size))
        print(json.dumps(result))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = [_child(f"size:{size}", args) for size in sizes]
    if not args.no_pdf:
        runs[0].update(_child("pdf:1000", args))
    incremental = _child(f"incremental:{max(sizes)}", args) if args.incremental else None
    machine = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "system": platform.platform(),
    }
    results: dict[str, Any] = {"machine": machine, "runs": runs}
    if incremental:
        results["incremental"] = incremental
        print("\nincremental (one finding edited):", json.dumps(incremental))
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table(runs)
    print(f"\nwritten {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
