"""`make bench`: the pipeline measured stage by stage on synthetic knowledge bases.

For each size it reports wall time and peak memory of load, validate, index, render, write,
MkDocs per language, Pagefind and the PDF, and the floor: parsing the same YAML with
PyYAML's C loader and writing the same number of bytes. Beside them, on the same staged pages:
MkDocs alone (the plain Material theme, none of our overrides: the engine's own limit) and
Zensical (requirements-bench.txt; its failure is recorded, never fatal). Then one finding is
edited: a full generate in a fresh index with the page cache the one before left
(warm_site_generate_s, the path of `make site`), the preview's incremental regeneration
(warm_generate_s) and, with `make serve` running
on the knowledge base, the time from the file write to the changed page being served
(edit_to_screen_s). Results go to bench-results.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml

from generator.model.collect import LOADING_GC_THRESHOLD, fewer_collections
from generator.model.errors import Report
from generator.model.index import build_index
from generator.model.kinds import kind_of_folder
from generator.model.settings import LANGUAGES, Project
from generator.model.sources import discover, load_file
from generator.model.validate import DataSet, Loaded, id_of, validate_source
from generator.pipeline import pagefind_run
from generator.pipeline.build import build_languages, mkdocs_overrides, search_folders
from generator.pipeline.build import generate as generate_staging
from generator.present import urls
from generator.tools.synthetic import generate
from generator.web.pages import plan


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


def _cpu_s() -> float:
    """CPU time of this process and of the children it waited for, user and system."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Measured:
    """One command run in a process of its own: wall time, its own peak memory and CPU time."""

    seconds: float
    peak_mb: float
    cpu_s: float
    returncode: int
    output: str

    def figures(self) -> dict[str, float]:
        return {"seconds": round(self.seconds, 3), "peak_mb": round(self.peak_mb, 1), "cpu_s": round(self.cpu_s, 3)}

    def error(self) -> str:
        """The end of what the command printed: why it failed."""
        return f"exit code {self.returncode}: " + self.output.strip()[-2000:]


LAUNCHER = """
import os, sys
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
code = os.waitstatus_to_exitcode(status)
sys.exit(code if code >= 0 else 128 - code)
"""
"""Runs a command and writes its rusage. Linux carries the peak memory of the process that started
a command into the command's own ru_maxrss (exec keeps the larger of the two), so the command is
started from this small interpreter (python -S, about 8 MB) rather than from the bench (hundreds of MB)."""


def run_measured(command: list[str], cwd: Path, timeout: float | None = None) -> Measured:
    """Run `command` (an absolute executable first): wall time, and its own peak memory and CPU time."""
    with tempfile.TemporaryDirectory(prefix="kb-measured-") as tmp:
        usage_file = Path(tmp) / "usage"
        with (Path(tmp) / "output").open("w+b") as out:
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-S", "-c", LAUNCHER, str(usage_file), *command],
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # a timeout stops the command with its launcher
            )
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()
                out.write(f"\nstopped after {timeout:.0f} s".encode())
            seconds = time.perf_counter() - started
            out.seek(0)
            output = out.read().decode("utf-8", "replace")
        peak_kb, cpu_s = usage_file.read_text().split() if usage_file.is_file() else ("0", "0")
    return Measured(seconds, int(peak_kb) / 1024, float(cpu_s), process.returncode, output)


ZENSICAL_TIMEOUT_S = 3600.0


def engine_config(project: Project, index: Any, lang: str, engine: str) -> Path:
    """The configuration file our build gives MkDocs for one language (`build.mkdocs_overrides` over
    mkdocs.yml), written into the project's root with paths relative to it (Zensical wants its
    folders inside the folder of its configuration file). `engine`:
    - "mkdocs-alone": the plain Material theme, no overrides, hooks or plugins; same pages and sidebar.
    - "zensical": as our build has it, overrides included; its own search off (ours is Pagefind)."""
    raw = yaml.safe_load(project.mkdocs_config.read_text(encoding="utf-8"))
    config = {**raw, **mkdocs_overrides(project, index, lang)}
    config["docs_dir"] = os.path.relpath(config["docs_dir"], project.root)
    config["site_dir"] = f"build/{engine}-{lang}"
    theme = dict(config["theme"])
    if engine == "mkdocs-alone":
        theme.pop("custom_dir", None)
        config["plugins"] = []
        config.pop("hooks", None)
    else:
        if "custom_dir" in theme:
            theme["custom_dir"] = os.path.relpath(theme["custom_dir"], project.root)
        config["plugins"] = [{"search": {"enabled": False}}]
    config["theme"] = theme
    path = project.root / f"{engine}-{lang}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def engines(project: Project, index: Any, with_zensical: bool) -> dict[str, Any]:
    """MkDocs alone and Zensical on the staged pages of both languages, one process per language each.
    Run after the pipeline's own peak memory was taken: their memory is reported apart."""
    alone = []
    for lang in LANGUAGES:
        config = engine_config(project, index, lang, "mkdocs-alone")
        measured = run_measured([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config)], project.root)
        if measured.returncode != 0:
            raise RuntimeError(f"MkDocs alone failed for {lang}: {measured.error()}")
        alone.append(measured)
    result: dict[str, Any] = {
        "mkdocs_alone_s": round(sum(m.seconds for m in alone), 3),
        "mkdocs_alone_peak_mb": round(max(m.peak_mb for m in alone), 1),
        "mkdocs_alone": {lang: m.figures() for lang, m in zip(LANGUAGES, alone, strict=True)},
    }
    result["zensical"] = zensical_run(project, index) if with_zensical else {"error": "not run (--no-zensical)"}
    return result


def zensical_run(project: Project, index: Any) -> dict[str, Any]:
    """Zensical on the same staging folder and overrides: time and memory, or why it failed."""
    import importlib.metadata

    try:
        version = importlib.metadata.version("zensical")
    except importlib.metadata.PackageNotFoundError:
        return {"error": "zensical is not installed (make bench installs requirements-bench.txt)"}
    result: dict[str, Any] = {"version": version, "search": "off (the site's search is Pagefind)"}
    runs: dict[str, dict[str, float]] = {}
    for lang in LANGUAGES:
        try:
            config = engine_config(project, index, lang, "zensical")
            command = [sys.executable, "-m", "zensical", "build", "--clean", "-f", str(config)]
            measured = run_measured(command, project.root, ZENSICAL_TIMEOUT_S)
        except Exception as exc:  # the bench goes on: the failure is the result
            return {**result, "error": f"{lang}: {type(exc).__name__}: {exc}"}
        # Zensical reports a template error after "Build started" and may still exit 0: the site must be there.
        if measured.returncode != 0 or not (project.root / f"build/zensical-{lang}/index.html").is_file():
            return {**result, "error": f"{lang}: {measured.error()}", **({"done": runs} if runs else {})}
        runs[lang] = measured.figures()
    return {
        **result,
        "seconds": round(sum(r["seconds"] for r in runs.values()), 3),
        "peak_mb": max(r["peak_mb"] for r in runs.values()),
        "per_language": runs,
    }


def run_size(
    source: Project, workdir: Path, studies: int, with_site: bool, with_pdf: bool, with_zensical: bool = True
) -> dict[str, Any]:
    project = generate(source, workdir / f"kb-{studies}", studies)
    started_cpu, started_wall = _cpu_s(), time.perf_counter()
    findings = studies // 2
    stages = Stages()
    report = Report()
    files = _files(project)
    with fewer_collections(LOADING_GC_THRESHOLD):  # as check() loads
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
    pages = plan(index)
    # As the build does it: both languages side by side, a forked process each, every page rendered
    # and written to the staging folders with the downloads and the hand-written pages.
    stages.time("render", generate_staging, project, index)
    sizes = [(project.staging_docs(lang) / page.doc).stat().st_size for lang in LANGUAGES for page in pages]
    floor_s = floor(project, sizes, workdir / f"floor-{studies}")
    result: dict[str, Any] = {
        "studies": studies,
        "findings": findings,
        "pages_per_language": len(pages),
        "floor_s": round(floor_s, 3),
        "generate_s": round(stages.seconds("load", "validate", "index", "render"), 3),
    }
    if with_site:
        site = workdir / f"site-{studies}"
        index_sizes = {}
        sites = {lang: site / lang for lang in LANGUAGES}
        # As the build does it: the languages side by side, MkDocs each in a process of its own.
        stages.time("mkdocs", build_languages, project, index, sites)
        folders = search_folders(index)
        stages.time("pagefind", pagefind_run.run_pagefind, sites, {lang: folders for lang in sites})
        for lang, lang_site in sites.items():
            bundles = [lang_site / pagefind_run.MAIN_BUNDLE, *(lang_site / pagefind_run.bundle(f) for f in folders)]
            bundle = [f for folder in bundles for f in folder.rglob("*") if f.is_file()]
            index_sizes[lang] = {"mb": round(sum(f.stat().st_size for f in bundle) / 1e6, 2), "files": len(bundle)}
        result["site_s"] = round(result["generate_s"] + stages.seconds("mkdocs", "pagefind"), 3)
        result["search_index"] = index_sizes
    if with_pdf:
        result.update(pdf_run(source, workdir, stages))
    # The pipeline's own peak (Pagefind included), taken before the engines compared below run.
    result["peak_rss_mb"] = round(max(_rss_mb(), _children_rss_mb()), 1)
    result["stages"] = [{"stage": n, "seconds": round(s, 3), "rss_mb": round(m, 1)} for n, s, m in stages.rows]
    # What the run used: CPU seconds over wall seconds (1.0: one core busy throughout).
    result["cores"] = os.cpu_count()
    result["cores_busy"] = round((_cpu_s() - started_cpu) / (time.perf_counter() - started_wall), 2)
    if with_site:
        result.update(engines(project, index, with_zensical))
        result["site_over_mkdocs_alone"] = round(result["site_s"] / result["mkdocs_alone_s"], 2)
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
        "pdf_chunks": result.chunks,
    }


CODE = Path(__file__).resolve().parent.parent.parent
"""Where `python -m generator` runs from."""
PREVIEW_START_S = 3600.0
"""How long the preview may take to build the site before it serves (10,000 studies: minutes)."""
PREVIEW_EDIT_S = 300.0


def edit_finding(project: Project, finding: str, words: str) -> Path:
    """Put `words` in front of one finding's Norwegian statement: one YAML file rewritten."""
    path = project.data_dir / "findings" / f"{finding}.yaml"
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    data["statement"]["nb"] = f"{words} {data['statement']['nb']}"
    path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _get(url: str) -> tuple[int, str] | None:
    """(status, body) of a page; None while nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return None


def _wait_for(url: str, wanted: str, seconds: float, server: subprocess.Popen[bytes], pause: float) -> float:
    """Poll `url` until its page contains `wanted`; the seconds it took. Fails when the preview stops."""
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if server.poll() is not None:
            raise RuntimeError(f"the preview stopped (exit code {server.returncode})")
        answer = _get(url)
        if answer is not None and answer[0] == 200 and wanted in answer[1]:
            return time.perf_counter() - started
        time.sleep(pause)
    raise RuntimeError(f"{url} did not show {wanted!r} within {seconds:.0f} s")


def _said(log: Any) -> list[str]:
    """The preview's "regenerated: ..." lines so far. Read with pread: the preview writes through the
    same open file, and moving its offset would make it write over what it wrote."""
    text = os.pread(log.fileno(), os.fstat(log.fileno()).st_size, 0).decode("utf-8", "replace")
    return [line for line in text.splitlines() if line.startswith("regenerated:")]


def _wait_for_lines(log: Any, lines: int, seconds: float, server: subprocess.Popen[bytes]) -> None:
    """Until the preview has said `lines` "regenerated: ..." lines (or `seconds` passed, or it stopped)."""
    deadline = time.perf_counter() + seconds
    while len(_said(log)) < lines and time.perf_counter() < deadline and server.poll() is None:
        time.sleep(0.1)


EDITS_ON_SCREEN = 5
"""Findings edited one after another in one preview session: the first edit is not the typical one
(which pages it reaches depends on the finding), so the bench reports the median and each."""


def edit_to_screen(project: Project, findings: list[str]) -> dict[str, Any]:
    """`make serve` on the knowledge base (nb), then each finding's statement edited in turn: the
    time from the file write to the finding's page being served with the new words, polled over
    HTTP. `edit_to_screen_s` is the median."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    command = [sys.executable, "-m", "generator", "--root", str(project.root), "serve", "--port", str(port), "--lang", "nb"]
    seconds: list[float] = []
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        server = subprocess.Popen(command, cwd=CODE, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            for finding in findings:
                url = f"http://127.0.0.1:{port}/{urls.finding(finding).removesuffix('.md')}/"
                if not seconds:
                    _wait_for(url, "<html", PREVIEW_START_S, server, 0.5)
                    start_s = time.perf_counter() - started
                    # The start's own report line too: read before it was written, the count below
                    # would take it for the first edit's, and every edit after would wait for the
                    # line of the one before (the last edit's never waited for).
                    _wait_for_lines(log, 1, PREVIEW_START_S, server)
                reported = len(_said(log))
                words = f"Redigert{time.time_ns()}"
                edit_finding(project, finding, words)  # the clock starts when the file is written
                seconds.append(_wait_for(url, words, PREVIEW_EDIT_S, server, 0.02))
                # The page is served before the regeneration has finished (the other language, the
                # downloads): its report line is waited for, so that the result says what it
                # re-rendered, and the next edit does not fall into this one's refresh.
                _wait_for_lines(log, reported + 1, PREVIEW_EDIT_S, server)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        said = _said(log)
    return {
        "edit_to_screen_s": round(statistics.median(seconds), 3),
        "edits_to_screen_s": [round(value, 3) for value in seconds],
        "preview_start_s": round(start_s, 3),
        "preview_said": said,  # the start, then each edit: what the preview re-rendered
    }


FLOOR_RUNS = 3
"""How often the warm run measures the floor; the least counts."""


def warm_site_generate(project: Project, finding: str) -> dict[str, Any]:
    """A full generate in a fresh index (what `make site` and `python -m generator generate` do)
    after one finding's statement changed, its page cache left by the generate before
    (pipeline/pagecache.py): load, validate, index, the cache's digests, the pages whose reads
    changed, and the downloads and hand-written pages."""
    from generator.pipeline.build import load_or_fail
    from generator.pipeline.pagecache import PageCache

    def full_generate() -> tuple[float, tuple[int, int]]:
        """One full generate, as a fresh process makes it: what the generates before left (their
        index, a gigabyte at 10,000 studies) is freed first, and only the counts are kept."""
        gc.collect()
        started = time.perf_counter()
        index = load_or_fail(project, cached=True)
        cache = PageCache.open(project.build_dir, index)
        generate_staging(project, index, pdfs=False, cache=cache)
        return time.perf_counter() - started, (cache.rendered, cache.kept)

    cold_s, (cold_rendered, _) = full_generate()
    unchanged_s, _ = full_generate()
    edit_finding(project, finding, "Redigert.")
    warm_s, (warm_rendered, warm_kept) = full_generate()
    # The target is a multiple of the floor of the same knowledge base, measured here, on the same
    # machine at the same time: the least of three runs (it is a fixed amount of work, and noise only
    # adds to it: 4.1, 6.0 and 9.4 s in three runs one after the other at 10,000 studies).
    sizes = [(project.staging_docs(lang) / page.doc).stat().st_size for lang in LANGUAGES for page in plan(load_or_fail(project))]
    floor_s = min(floor(project, sizes, project.root.parent / "floor-warm") for _ in range(FLOOR_RUNS))
    return {
        "warm_site_generate_s": round(warm_s, 3),
        "warm_site_floor_s": round(floor_s, 3),
        "warm_site_over_floor": round(warm_s / floor_s, 2),
        "warm_site": {
            "what": (
                "a full generate in a fresh index after one finding's statement changed, with the page cache "
                "the generate before left in build/ (pipeline/pagecache.py): pages whose recorded reads hash as before kept"
            ),
            "cold_generate_s": round(cold_s, 3),
            "unchanged_generate_s": round(unchanged_s, 3),
            "pages_rendered_cold": cold_rendered,
            "pages_rendered": warm_rendered,
            "pages_kept": warm_kept,
        },
    }


def warm_run(source: Project, workdir: Path, studies: int, with_site: bool) -> dict[str, Any]:
    """One finding edited after a cold generation: the incremental path of the preview
    (`IncrementalBuilder`, held warm in this process) regenerates; then, with a site, the same
    kind of edit in a running `make serve`, from the write to the page served."""
    from generator.pipeline.incremental import IncrementalBuilder

    project = generate(source, workdir / f"kb-warm-{studies}", studies)
    findings = sorted(path.stem for path in (project.data_dir / "findings").glob("*.yaml"))
    site_result = warm_site_generate(project, findings[len(findings) // 2 - 1])
    builder = IncrementalBuilder(project)
    started = time.perf_counter()
    first = builder.refresh()
    cold_s = time.perf_counter() - started
    assert first.ok, first.report.problems[:5]
    edit_finding(project, findings[len(findings) // 2], "Redigert.")
    started = time.perf_counter()
    warm = builder.refresh()
    warm_s = time.perf_counter() - started
    assert warm.ok, warm.report.problems[:5]
    result: dict[str, Any] = {
        **site_result,
        "warm_generate_s": round(warm_s, 3),
        "warm": {
            "what": (
                "IncrementalBuilder.refresh() (the preview's path, in a warm process) after one finding's statement "
                "changed: every data file's stamp checked, the changed one reparsed, the index rebuilt (its walks over the "
                "unchanged models reused), the pages whose "
                "recorded reads include the finding (or what it refers to) re-rendered in both languages (written after "
                "pages_written_s), then the downloads and hand-written pages regenerated, and only files whose bytes "
                "changed rewritten"
            ),
            "cold_generate_s": round(cold_s, 3),
            "pages_written_s": round(warm.pages_seconds, 3),
            "pages_rendered_cold": first.rendered,
            "pages_rendered": warm.rendered,
            "files_written": len(warm.written),
            "written": warm.written[:20],
        },
    }
    if with_site:
        middle = len(findings) // 2 + 1
        result.update(edit_to_screen(project, findings[middle : middle + EDITS_ON_SCREEN]))
    shutil.rmtree(project.root, ignore_errors=True)
    return result


SUMMARY = (
    "floor_s", "generate_s", "warm_generate_s", "warm_site_generate_s", "warm_site_floor_s", "warm_site_over_floor", "site_s", "mkdocs_alone_s", "mkdocs_alone_peak_mb",
    "site_over_mkdocs_alone", "edit_to_screen_s", "pdf_s", "pdf_pages", "pdf_pages_per_s", "pdf_chunks",
    "pdf_peak_mb", "pdf_process_peak_mb", "peak_rss_mb",
    "cores", "cores_busy", "search_index",
)  # fmt: skip


def print_table(runs: list[dict[str, Any]]) -> None:
    for run in runs:
        if "stages" not in run:
            print(f"\n{run['studies']:,} studies: {run.get('size_error', 'not measured')[:300]}")
            continue
        print(f"\n{run['studies']:,} studies, {run['findings']:,} findings, {run['pages_per_language']:,} pages per language")
        print(f"{'stage':>12} {'seconds':>9} {'peak MB':>9}")
        for row in run["stages"]:
            print(f"{row['stage']:>12} {row['seconds']:>9.2f} {row['rss_mb']:>9.0f}")
        for key in SUMMARY:
            if key in run:
                print(f"{key:>22}: {run[key]}")
        if "warm" in run:
            print(
                f"{'warm re-rendered':>22}: {run['warm']['pages_rendered']} pages, {run['warm']['files_written']} files written"
            )
        if "warm_site" in run:
            warm_site = run["warm_site"]
            print(f"{'warm site re-rendered':>22}: {warm_site['pages_rendered']} pages, {warm_site['pages_kept']} kept")
        if "zensical" in run:
            print(f"{'zensical':>22}: {json.dumps(run['zensical'])[:300]}")


class ChildFailed(RuntimeError):
    """A measurement's process ended badly (or was stopped): what it said is the message."""


def _child(what: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, "-m", "generator.tools.bench", "--one", what]
    command += (["--no-site"] if args.no_site else []) + (["--no-zensical"] if args.no_zensical else [])
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise ChildFailed(f"bench {what} failed (exit code {done.returncode}):\n{done.stderr[-4000:]}")
    # The child's last line is the one `json.dumps(result)` of a dict that --one prints.
    return cast(dict[str, Any], json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.tools.bench")
    parser.add_argument("--sizes", default="1000,10000", help="numbers of studies, comma separated")
    parser.add_argument("--no-site", action="store_true", help="skip MkDocs, Pagefind, the engines compared and the preview")
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--no-zensical", action="store_true", help="skip the Zensical build")
    parser.add_argument("--no-warm", action="store_true", help="skip the edited finding (warm_generate_s, edit_to_screen_s)")
    parser.add_argument(
        "--lighthouse",
        type=Path,
        metavar="SITE",
        help="also score a built site on a phone (generator.tools.lighthouse), served compressed and not (make bench: site/)",
    )
    parser.add_argument("--output", type=Path, default=Path("bench-results.json"))
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
                result = run_size(source, Path(tmp), int(size), not args.no_site, False, not args.no_zensical)
            elif kind == "pdf":
                result = pdf_run(source, Path(tmp), Stages())
                result["pdf_process_peak_mb"] = round(max(_rss_mb(), _children_rss_mb()), 1)
            else:
                result = warm_run(source, Path(tmp), int(size), not args.no_site)
        print(json.dumps(result))
        return 0
    if args.lighthouse and not (args.lighthouse / "index.html").is_file():
        print(f"{args.lighthouse}/index.html is missing: build the site first (make site)", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.sizes.split(",")]
    machine = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "available_cpus": len(os.sched_getaffinity(0)),
        "machine": platform.machine(),
        "system": platform.platform(),
    }
    runs: list[dict[str, Any]] = []
    results: dict[str, Any] = {"machine": machine, "runs": runs}
    failed: list[str] = []

    def measure(run: dict[str, Any], what: str) -> None:
        """One measurement into `run`; the results file is written after each, so a run of an hour
        that fails or is stopped late keeps what it measured (a failure is recorded in its run)."""
        try:
            run.update(_child(what, args))
        except ChildFailed as failure:
            run[what.split(":")[0] + "_error"] = str(failure)
            failed.append(what)
        args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

    for size in sizes:
        runs.append({"studies": size})
        measure(runs[-1], f"size:{size}")
    for run in runs if not args.no_warm else []:
        if "size_error" not in run:  # its knowledge base did not build: nothing to edit warm
            measure(run, f"warm:{run['studies']}")
    if not args.no_pdf:
        measure(runs[0], "pdf:1000")
    if args.lighthouse:
        from generator.tools import lighthouse

        # As the public host serves it (gzip), and as a host that does not compress serves it.
        results["lighthouse"] = {
            "gzip": lighthouse.measure(args.lighthouse),
            "uncompressed": lighthouse.measure(args.lighthouse, compress=False),
        }
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table(runs)
    for served, measured in results.get("lighthouse", {}).items():
        from generator.tools import lighthouse

        print(f"\nLighthouse, mobile, served {served}:\n{lighthouse.table(measured)}")
    print(f"\nwritten {args.output}")
    if failed:
        print(f"failed: {', '.join(failed)} (their errors are in {args.output})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
