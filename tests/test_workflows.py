"""CI and pre-commit configuration: valid against GitHub's workflow schema (offline, the schema
vendored in check-jsonschema), and doing what CONTRIBUTING.md promises."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.y*ml"))
BIN = Path(sys.executable).parent
MAIN_ONLY = "github.event_name == 'push' && github.ref == 'refs/heads/main'"


def _load(path: Path) -> dict[Any, Any]:
    value = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(value, dict), path
    return value


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean true.
    return workflow.get("on", workflow.get(True))  # type: ignore[no-any-return]


def _runs(job: dict[str, Any]) -> list[str]:
    return [step["run"].strip() for step in job["steps"] if "run" in step]


def _uses(job: dict[str, Any]) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def test_there_are_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yml"]


def _check_workflow(path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with its vendored GitHub workflow schema: works offline."""
    command = [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_matches_the_github_schema(path: Path) -> None:
    result = _check_workflow(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    runz-on: ubuntu-latest\n", encoding="utf-8")
    result = _check_workflow(broken)
    assert result.returncode == 1
    assert "'runs-on' is a required property" in result.stdout


def test_pull_requests_check_test_build_and_upload_a_preview() -> None:
    workflow = _load(REPO / ".github" / "workflows" / "ci.yml")
    triggers = _triggers(workflow)
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]
    build = workflow["jobs"]["build"]
    assert "if" not in build
    runs = _runs(build)
    assert runs.index("make check") < runs.index("make test") < runs.index("make site")
    assert _uses(build)[:2] == ["actions/checkout", "actions/setup-python"]
    setup = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["python-version"] == "3.11"
    preview = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert preview["with"]["path"] == "site/"
    assert preview["if"] == "github.event_name == 'pull_request'"


def test_only_main_deploys() -> None:
    workflow = _load(REPO / ".github" / "workflows" / "ci.yml")
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    deploying = [name for name, job in jobs.items() if "actions/deploy-pages" in _uses(job)]
    assert deploying == ["deploy"]
    deploy = jobs["deploy"]
    assert deploy["if"] == MAIN_ONLY
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    pages = next(s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert pages["if"] == MAIN_ONLY
    assert pages["with"]["path"] == "site/"


def test_the_cli_annotates_github_runs() -> None:
    """CI relies on this: `make check` under GitHub Actions prints ::error annotations."""
    source = (REPO / "generator" / "cli.py").read_text(encoding="utf-8")
    assert 'os.environ.get("GITHUB_ACTIONS") == "true"' in source


# --- pre-commit -----------------------------------------------------------------------------------


def test_pre_commit_config_names_the_hooks() -> None:
    config = _load(REPO / ".pre-commit-config.yaml")
    hooks = {hook["id"]: (repo["repo"], hook) for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["ruff-check"][0] == "https://github.com/astral-sh/ruff-pre-commit"
    assert hooks["ruff-format"][1]["args"] == ["--check"]
    assert hooks["check-yaml"][0] == "https://github.com/pre-commit/pre-commit-hooks"
    repo, check = hooks["generator-check"]
    assert repo == "local"
    assert check["entry"].endswith("python -m generator check --strict")
    assert check["pass_filenames"] is False


def test_pre_commit_ruff_matches_the_pinned_ruff() -> None:
    config = _load(REPO / ".pre-commit-config.yaml")
    rev = next(r["rev"] for r in config["repos"] if r["repo"].endswith("ruff-pre-commit"))
    pins = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert f"ruff=={rev.removeprefix('v')}" in pins


def test_pre_commit_accepts_the_config() -> None:
    result = subprocess.run(
        [
            str(BIN / "pre-commit"),
            "validate-config",
            str(REPO / ".pre-commit-config.yaml"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
