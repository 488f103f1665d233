"""`make bench` itself works: a tiny synthetic knowledge base through the measured stages.
(The figures are reported by the benchmark, never asserted: timing belongs in benchmarks.)"""

from pathlib import Path

import pytest

from generator.model.settings import Project
from generator.pipeline.build import check
from generator.tools.bench import run_size
from generator.tools.synthetic import generate

pytestmark = pytest.mark.tool  # runs a tool end to end: not in make test-fast

REPO = Path(__file__).resolve().parent.parent


def test_synthetic_knowledge_base_is_valid(tmp_path: Path) -> None:
    project = generate(Project(REPO), tmp_path / "kb", 120)
    index, report = check(project, strict=True)
    assert index is not None, report.problems[:5]
    assert len(index.ids("study")) == 120 and len(index.ids("finding")) == 60


def test_bench_reports_every_stage(tmp_path: Path) -> None:
    run = run_size(Project(REPO), tmp_path, 100, with_site=False, with_pdf=False)
    assert [row["stage"] for row in run["stages"]] == ["load", "validate", "index", "render", "write"]
    assert run["studies"] == 100 and run["findings"] == 50
    assert run["floor_s"] > 0 and run["generate_s"] > 0 and run["peak_rss_mb"] > 0


def test_make_bench_entry_point_writes_results(tmp_path: Path, monkeypatch) -> None:
    import json

    from generator.tools.bench import main

    monkeypatch.chdir(REPO)
    output = tmp_path / "bench-results.json"
    assert main(["--sizes", "60,120", "--no-site", "--no-pdf", "--output", str(output)]) == 0
    runs = json.loads(output.read_text())["runs"]
    assert [(r["studies"], r["findings"]) for r in runs] == [(60, 30), (120, 60)]
    assert all({"floor_s", "generate_s", "peak_rss_mb"} <= set(r) for r in runs)
