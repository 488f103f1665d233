"""CI and pre-commit configuration: valid against GitHub's workflow schema (offline, the schema
vendored in check-jsonschema), and doing what CONTRIBUTING.md promises."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.model.settings import Project
from generator.tools.diff import MARKER

from .conftest import REPO, write
from .gitrepo import F01, fixture_repo

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
    assert build["steps"][0]["with"]["fetch-depth"] == 0  # the base branch too, for `check --base`
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


def _step(job: dict[str, Any], run: str) -> dict[str, Any]:
    return next(step for step in job["steps"] if step.get("run", "").strip() == run)


def test_pull_requests_check_against_the_base_branch() -> None:
    """On a pull request the check step gets BASE (the history rule); on main it gets none."""
    build = _load(REPO / ".github" / "workflows" / "ci.yml")["jobs"]["build"]
    check = _step(build, "make check")
    assert check["env"] == {"BASE": "${{ github.event_name == 'pull_request' && format('origin/{0}', github.base_ref) || '' }}"}


def _make_line(target: str, marker: str, **variables: str) -> str:
    """The command a make target runs (dry run), with the test's own Python for the project's .venv."""
    assignments = [f"{name}={value}" for name, value in {"PY": sys.executable, **variables}.items()]
    result = subprocess.run(["make", "-n", target, *assignments], cwd=REPO, capture_output=True, text=True, check=True)
    return next(line for line in result.stdout.splitlines() if marker in line)


def _run_line(line: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env}
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=environment, capture_output=True, text=True, timeout=300)


@pytest.mark.tool  # the CI line end to end, in a git repository of its own: not in make test-fast
def test_the_ci_check_fails_on_what_strict_fails_on(tmp_path: Path) -> None:
    """The command `make check` runs, as CI runs it (GITHUB_ACTIONS=true, BASE on pull requests):
    a warning fails it, a missing translation as much as a finding changed without history."""
    line = _make_line("check", "-m generator check")
    assert "--strict" in line
    repo = fixture_repo(tmp_path)
    assert _run_line(line, repo.root, GITHUB_ACTIONS="true").returncode == 0
    repo.replace(F01, ', en: "Parents wanted early contact."', "")
    result = _run_line(line, repo.root, GITHUB_ACTIONS="true")
    assert result.returncode == 1
    annotation = next(line for line in result.stdout.splitlines() if f" file={F01},line=4," in line)
    assert annotation.startswith("::") and annotation.endswith("statement: missing English (en) text")
    repo.git("checkout", "--", F01)
    repo.replace(F01, "confidence: moderate", "confidence: low")
    assert _run_line(line, repo.root, GITHUB_ACTIONS="true", BASE="").returncode == 0  # a push to main: no base
    result = _run_line(line, repo.root, GITHUB_ACTIONS="true", BASE="main")
    assert result.returncode == 1
    assert "confidence changed since main but no history entry was added" in result.stderr


@pytest.mark.tool  # the CI line end to end, in a git repository of its own: not in make test-fast
def test_make_diff_runs_the_review(tmp_path: Path) -> None:
    line = _make_line("diff", "-m generator.tools.diff")
    repo = fixture_repo(tmp_path)
    repo.replace(F01, "confidence: moderate", "confidence: low")
    result = _run_line(line, repo.root, BASE="main", FORMAT="markdown")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(MARKER) and "| `confidence` | moderate | low |" in result.stdout
    result = _run_line(line, repo.root, BASE="no-such-branch")
    assert (result.returncode, result.stderr.split(":")[0]) == (1, "error")


def test_pull_requests_get_the_review_as_a_comment() -> None:
    """Computed with read-only rights; posted by a job that may write to pull requests and runs none
    of the pull request's code (no checkout, only the report from the first job)."""
    jobs = _load(REPO / ".github" / "workflows" / "ci.yml")["jobs"]
    review, comment = jobs["review"], jobs["comment"]
    assert review["if"] == "github.event_name == 'pull_request'"
    assert "permissions" not in review  # the workflow's contents: read
    assert review["steps"][0]["uses"].startswith("actions/checkout") and review["steps"][0]["with"]["fetch-depth"] == 0
    compare = next(step for step in review["steps"] if "generator.tools.diff" in step.get("run", ""))
    assert compare["env"] == {"BASE": "origin/${{ github.base_ref }}"}
    assert compare["run"].strip() == 'python -m generator.tools.diff --base "$BASE" --format markdown > review.md'
    upload = next(step for step in review["steps"] if step.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "${{ !cancelled() }}" and upload["with"]["path"] == "review.md"
    assert comment["needs"] == "review"
    assert comment["permissions"] == {"pull-requests": "write"}
    assert _uses(comment) == ["actions/download-artifact"]
    assert comment["steps"][0]["with"]["name"] == upload["with"]["name"]
    assert f"marker='{MARKER}'" in _runs(comment)[0]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in comment["if"]


def test_only_deploying_and_commenting_may_write() -> None:
    workflow = _load(REPO / ".github" / "workflows" / "ci.yml")
    writers = {
        name
        for name, job in workflow["jobs"].items()
        if any(level == "write" for level in (job.get("permissions") or {}).values())
    }
    assert writers == {"deploy", "comment"}
    assert workflow["permissions"] == {"contents": "read"}


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


def _files_read(monkeypatch: pytest.MonkeyPatch, root: Path, action: Callable[[], object]) -> set[str]:
    """Every file and folder under `root` that `action` opens or lists, relative to root."""
    seen: set[str] = set()
    real_open, real_scandir = io.open, os.scandir

    def note(path: Any, folder: bool) -> None:
        resolved = Path(os.fsdecode(path)).absolute()
        if resolved.is_relative_to(root) and resolved != root:
            seen.add(resolved.relative_to(root).as_posix() + ("/" if folder else ""))

    def recording_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, bytes, os.PathLike)):
            note(file, False)
        return real_open(file, *args, **kwargs)

    def recording_scandir(path: Any = ".") -> Any:
        note(path, True)
        return real_scandir(path)

    monkeypatch.setattr(io, "open", recording_open)
    monkeypatch.setattr(os, "scandir", recording_scandir)
    action()
    monkeypatch.undo()
    return seen


def _hook(hook_id: str) -> dict[str, Any]:
    config = _load(REPO / ".pre-commit-config.yaml")
    return next(hook for repo in config["repos"] for hook in repo["hooks"] if hook["id"] == hook_id)


def test_the_check_hook_runs_on_everything_check_reads(whole_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """A commit that changes only content/ (which cites data), or adds a link to overrides/ or fonts/
    (whose links check judges), runs the check too: the hook's files cover whatever check opens or
    lists, found by watching it run, and the code that checks."""
    from generator.pipeline.build import check

    write(whole_project.content_dir / "nb" / "om.md", "# Om\n\n[[finding:demo-2025-f01]]\n")
    write(whole_project.content_dir / "en" / "about.md", "# About\n\n[[count:findings]]\n")
    write(whole_project.overrides_dir / "partials" / "footer.html", "<footer></footer>\n")
    write(whole_project.fonts_dir / "README.md", "fonts\n")
    read = _files_read(monkeypatch, whole_project.root, lambda: check(whole_project))
    assert {"content/nb/om.md", "content/en/about.md", "data/findings/demo-2025-f01.yaml"} <= read
    assert {"overrides/", "overrides/partials/", "fonts/"} <= read
    pattern = re.compile(_hook("generator-check")["files"])
    assert sorted(path for path in read if not pattern.search(path)) == []
    assert pattern.search("generator/present/citations.py") and pattern.search("generator/templates/finding.md.j2")


def test_the_schema_hook_runs_on_everything_the_schemas_come_from(
    whole_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.cli import main

    read = _files_read(monkeypatch, whole_project.root, lambda: main(["--root", str(whole_project.root), "schema", "--check"]))
    assert any(path.startswith("data/vocabularies/") for path in read)
    pattern = re.compile(_hook("generator-schema")["files"])
    assert sorted(path for path in read if not pattern.search(path)) == []
    # The code the schemas are generated with: schema.py and every generator module it imports.
    listing = "import sys, generator.tools.schema; print('\\n'.join(m.__file__ for n, m in sys.modules.items() if n.startswith('generator')))"
    imported = subprocess.run([sys.executable, "-c", listing], cwd=REPO, capture_output=True, text=True, check=True).stdout
    modules = [Path(line).relative_to(REPO).as_posix() for line in imported.splitlines()]
    assert "generator/tools/schema.py" in modules and "generator/model/models.py" in modules and len(modules) > 3
    assert sorted(path for path in modules if not pattern.search(path)) == []


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


# --- publishing on GitHub Pages --------------------------------------------------------------------


def _pages_step(build: dict[str, Any]) -> dict[str, Any]:
    return next(step for step in build["steps"] if "KB_SITE_URL" in step.get("run", ""))


def test_main_builds_with_the_pages_address_of_its_repository() -> None:
    """On main, the step before `make site` gives the build the repository's Pages address and the
    repository itself (site.yaml's overrides); the pages artifact is site/, deployed by deploy-pages."""
    workflow = _load(REPO / ".github" / "workflows" / "ci.yml")
    build = workflow["jobs"]["build"]
    step = _pages_step(build)
    assert step["if"] == MAIN_ONLY
    steps = build["steps"]
    assert steps.index(step) == steps.index(_step(build, "make site")) - 1
    assert steps.index(_step(build, "make test")) < steps.index(step)  # the tests never see it
    assert step["env"]["OWNER"] == "${{ github.repository_owner }}"
    assert step["env"]["REPOSITORY"] == "${{ github.event.repository.name }}"
    assert "actions/upload-pages-artifact" in _uses(build) and "actions/deploy-pages" in _uses(workflow["jobs"]["deploy"])


@pytest.mark.parametrize(
    ("owner", "repository", "custom", "expected"),
    [
        ("Kunnskap-Org", "kb", "", "https://kunnskap-org.github.io/kb/"),
        ("Kunnskap-Org", "kunnskap-org.github.io", "", "https://kunnskap-org.github.io/"),
        ("Kunnskap-Org", "kb", "https://kunnskap.no/", "https://kunnskap.no/"),
    ],
)
def test_the_pages_step_sets_the_address(tmp_path: Path, owner: str, repository: str, custom: str, expected: str) -> None:
    step = _pages_step(_load(REPO / ".github" / "workflows" / "ci.yml")["jobs"]["build"])
    github_env = tmp_path / "github_env"
    env = {
        "PATH": os.environ["PATH"],
        "GITHUB_ENV": str(github_env),
        "OWNER": owner,
        "REPOSITORY": repository,
        "SERVER": "https://github.com",
        "FULL_NAME": f"{owner}/{repository}",
        "BRANCH": "main",
        "CUSTOM_URL": custom,
    }
    subprocess.run(["bash", "-e", "-c", step["run"]], env=env, check=True, capture_output=True, text=True)
    assert github_env.read_text(encoding="utf-8").splitlines() == [
        f"KB_SITE_URL={expected}",
        f"KB_REPO_URL=https://github.com/{owner}/{repository}",
        "KB_REPO_BRANCH=main",
    ]
    # What it sets is what the site configuration accepts.
    from generator.model.errors import Report
    from generator.model.siteconfig import load_site_config

    report = Report()
    variables = dict(line.split("=", 1) for line in github_env.read_text(encoding="utf-8").splitlines())
    config = load_site_config(tmp_path, report, variables)
    assert report.problems == [] and config.base_url == expected
    assert config.edit_base == f"https://github.com/{owner}/{repository}/edit/main/"
