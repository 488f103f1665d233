"""`make serve` as an editor uses it: edit a YAML file, the served page changes."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from generator.settings import Project

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, text: str, seconds: float) -> float | None:
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        page = _get(url)
        if page and text in page:
            return time.perf_counter() - started
        time.sleep(0.1)
    return None


def test_edit_shows_in_the_live_preview(fixture_project: Project) -> None:
    port = _free_port()
    env = {"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "--root", str(fixture_project.root), "serve", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/publications/demo-2025/findings/"
        assert _wait_for(url, "Forebygging", 60) is not None, "preview did not start"
        path = fixture_project.data_dir / "themes" / "tema-a.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("Forebygging", "Forebygging i skolen"), encoding="utf-8")
        assert _wait_for(url, "Forebygging i skolen", 30) is not None, "edit did not show"
    finally:
        server.terminate()
        server.wait(timeout=10)
