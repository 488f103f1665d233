"""The generator type-checks: mypy in strict mode (mypy.ini) finds no error, so every annotation
and every remaining `# type: ignore` is checked on each `make test`."""

import subprocess
import sys
from pathlib import Path

from generator.model.kinds import KINDS

REPO = Path(__file__).resolve().parent.parent


def test_mypy_strict_finds_no_error() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "--config-file", "mypy.ini"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found"), result.stdout


def test_the_configuration_is_strict_and_reports_needless_ignores(tmp_path: Path) -> None:
    """What the first test's 'no error' means: a relaxed configuration would pass it too."""
    snippet = tmp_path / "snippet.py"
    snippet.write_text("def f(x):\n    return x\n\n\nn: int = 1  # type: ignore\n")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", str(snippet)], cwd=REPO, capture_output=True, text=True
    )
    assert "Function is missing a type annotation" in result.stdout
    assert 'Unused "type: ignore" comment' in result.stdout


def test_every_kind_has_an_id_field() -> None:
    """validate reads `model.id` of any kind's model through a cast (their base class has no id)."""
    assert [name for name, kind in KINDS.items() if "id" not in kind.model.model_fields] == []
