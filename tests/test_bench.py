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
    project = generate(Project(REPO), tmp_path / "kb", 40)
    index, report = check(project, strict=True)
    assert index is not None, report.problems[:5]
    assert len(index.ids("study")) == 40 and len(index.ids("finding")) == 20


def test_bench_reports_every_stage(tmp_path: Path) -> None:
    run = run_size(Project(REPO), tmp_path, 30, with_site=False, with_pdf=False)
    assert [row["stage"] for row in run["stages"]] == ["load", "validate", "index", "render"]
    assert run["studies"] == 30 and run["findings"] == 15
    assert run["floor_s"] > 0 and run["generate_s"] > 0 and run["peak_rss_mb"] > 0


def test_make_bench_entry_point_writes_results(tmp_path: Path, monkeypatch) -> None:
    import json

    from generator.tools.bench import main

    monkeypatch.chdir(REPO)
    output = tmp_path / "bench-results.json"
    assert main(["--sizes", "30,60", "--no-site", "--no-pdf", "--no-warm", "--output", str(output)]) == 0
    runs = json.loads(output.read_text())["runs"]
    assert [(r["studies"], r["findings"]) for r in runs] == [(30, 15), (60, 30)]
    assert all({"floor_s", "generate_s", "peak_rss_mb"} <= set(r) for r in runs)


def test_make_bench_measures_the_engines_the_warm_rebuild_and_the_preview(tmp_path: Path, monkeypatch) -> None:
    """The whole site at a tiny size: MkDocs alone beside our build, Zensical (installed by make bench
    only: here its absence is recorded, never a crash), one finding edited warm and in the preview."""
    import json
    import os

    from generator.tools.bench import main

    monkeypatch.chdir(REPO)
    output = tmp_path / "bench-results.json"
    assert main(["--sizes", "30", "--no-pdf", "--output", str(output)]) == 0
    (run,) = json.loads(output.read_text())["runs"]
    assert {"studies", "findings", "floor_s", "generate_s", "site_s", "peak_rss_mb"} <= set(run)
    assert run["mkdocs_alone_s"] > 0 and run["mkdocs_alone_peak_mb"] > 0
    assert set(run["mkdocs_alone"]) == {"nb", "en"}
    assert "seconds" in run["zensical"] or run["zensical"]["error"]
    assert 0 < run["warm_generate_s"] and 0 < run["warm"]["pages_rendered"] < run["warm"]["pages_rendered_cold"]
    assert any(doc.startswith("nb/findings/") for doc in run["warm"]["written"])
    warm_site = run["warm_site"]
    assert 0 < run["warm_site_generate_s"] and 0 < warm_site["pages_rendered"] < warm_site["pages_rendered_cold"]
    ratio = run["warm_site_generate_s"] / run["warm_site_floor_s"]
    assert run["warm_site_floor_s"] > 0 and run["warm_site_over_floor"] == pytest.approx(ratio, rel=0.05)
    assert warm_site["pages_rendered"] + warm_site["pages_kept"] == warm_site["pages_rendered_cold"]
    from generator.tools.bench import EDITS_ON_SCREEN

    edits = run["edits_to_screen_s"]
    assert len(edits) == EDITS_ON_SCREEN and all(seconds > 0 for seconds in edits)
    assert run["edit_to_screen_s"] == sorted(edits)[len(edits) // 2], "the median"
    assert len(run["preview_said"]) >= 1 + EDITS_ON_SCREEN, "the start, then a refresh for each edit"
    assert run["cores"] == os.cpu_count() and run["cores_busy"] > 0


def test_a_measured_command_has_its_own_peak_memory_not_the_bench_s() -> None:
    """Linux carries a parent's peak into the ru_maxrss of a command it starts: run_measured starts
    it from a small launcher, so a 200 MB bench does not make MkDocs look 200 MB."""
    import sys

    from generator.tools.bench import run_measured

    held = bytearray(200 * 1024 * 1024)
    small = run_measured(["/bin/true"], REPO)
    large = run_measured([sys.executable, "-c", "x = bytearray(150 * 1024 * 1024)"], REPO)
    assert small.returncode == 0 and small.peak_mb < 50
    assert large.returncode == 0 and 150 < large.peak_mb < 250
    stopped = run_measured(["/bin/sleep", "30"], REPO, timeout=0.5)
    assert stopped.returncode != 0 and "stopped after" in stopped.output
    del held


def test_a_measurement_that_fails_is_recorded_and_the_rest_kept(tmp_path: Path, monkeypatch, capsys) -> None:
    """A run of an hour must not lose what it measured because its last step failed or was stopped:
    the results file is written after each measurement, the failure is recorded in its run, and
    the bench exits non-zero."""
    import json

    from generator.tools import bench

    asked = []

    def child(what: str, args: object) -> dict[str, object]:
        asked.append(what)
        kind, size = what.split(":")
        if kind == "warm" and size == "20":
            raise bench.ChildFailed("bench warm:20 failed (exit code -9):\nKilled")
        if kind == "size" and size == "30":
            raise bench.ChildFailed("bench size:30 failed (exit code 1):\nMemoryError")
        if kind == "size":
            return {"studies": int(size), "findings": int(size) // 2, "pages_per_language": 9, "stages": [], "generate_s": 1.5}
        return {"warm_generate_s": 0.25}

    monkeypatch.setattr(bench, "_child", child)
    monkeypatch.chdir(REPO)
    output = tmp_path / "bench-results.json"
    assert bench.main(["--sizes", "10,20,30", "--no-pdf", "--output", str(output)]) == 1
    ten, twenty, thirty = json.loads(output.read_text())["runs"]
    assert ten["generate_s"] == twenty["generate_s"] == 1.5 and ten["warm_generate_s"] == 0.25
    assert "warm_generate_s" not in twenty and "Killed" in twenty["warm_error"]
    assert thirty == {"studies": 30, "size_error": "bench size:30 failed (exit code 1):\nMemoryError"}
    assert "warm:30" not in asked  # a knowledge base that did not build is not edited warm
    assert "failed: size:30, warm:20" in capsys.readouterr().err
