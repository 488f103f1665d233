"""`make bench` itself works: a tiny synthetic knowledge base through the measured stages.
(The figures are reported by the benchmark, never asserted: timing belongs in benchmarks.)"""

from pathlib import Path

from generator.bench import run_size
from generator.build import check
from generator.settings import Project
from generator.synthetic import generate

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
