"""One rule finds Chromium (scripts/chromium.py): for the browser tests, `make screenshots` and the
check in scripts/system-deps.sh. Missing, it is a failure that says what to do, never a skip."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from scripts import chromium

from .conftest import REPO, launch_chromium

SYSTEM_DEPS = REPO / "scripts" / "system-deps.sh"


def _executable(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def bare_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH holding only an empty folder, and no CHROMIUM: a machine without a browser."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    monkeypatch.delenv("CHROMIUM", raising=False)
    return folder


def test_chromium_on_path_is_found(bare_path: Path) -> None:
    browser = _executable(bare_path, "chromium")
    assert chromium.find_chromium() == str(browser)


def test_the_environment_variable_wins(bare_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _executable(bare_path, "chromium")
    chrome = _executable(tmp_path / "opt", "google-chrome")
    monkeypatch.setenv("CHROMIUM", str(chrome))
    assert chromium.find_chromium() == str(chrome)
    monkeypatch.setenv("CHROMIUM", "google-chrome")  # a command name is looked up on PATH
    monkeypatch.setenv("PATH", f"{bare_path}{os.pathsep}{chrome.parent}")
    assert chromium.find_chromium() == str(chrome)


def test_missing_chromium_says_what_to_do(bare_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(chromium.ChromiumNotFound, match=r"no `chromium` on PATH.*system-deps\.sh.*CHROMIUM"):
        chromium.find_chromium()
    monkeypatch.setenv("CHROMIUM", str(bare_path / "nowhere"))
    with pytest.raises(chromium.ChromiumNotFound, match=r"CHROMIUM='.*nowhere' is not an executable"):
        chromium.find_chromium()
    (bare_path / "not-executable").write_text("", encoding="utf-8")
    monkeypatch.setenv("CHROMIUM", str(bare_path / "not-executable"))
    with pytest.raises(chromium.ChromiumNotFound):
        chromium.find_chromium()


def test_browser_tests_fail_not_skip_without_chromium(bare_path: Path) -> None:
    class Playwright:  # launch() is never reached: finding the browser comes first
        chromium = None

    with pytest.raises(pytest.fail.Exception, match="Chromium not found"):  # Failed, not Skipped
        launch_chromium(Playwright())


def _system_deps_check(path: Path, chromium_variable: str | None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": f"{path}{os.pathsep}/usr/bin{os.pathsep}/bin", "HOME": os.environ.get("HOME", "/")}
    if chromium_variable is not None:
        env["CHROMIUM"] = chromium_variable
    return subprocess.run(["bash", str(SYSTEM_DEPS), "--check"], capture_output=True, text=True, env=env, check=False, timeout=60)


def test_the_install_script_checks_by_the_same_rule(tmp_path: Path) -> None:
    tools = tmp_path / "tools"
    for name in ("pdftoppm", "java", "npm"):
        _executable(tools, name)
    chrome = _executable(tmp_path / "opt", "google-chrome")
    # /usr/bin may hold a real chromium on this machine: point CHROMIUM away from it to see the
    # script ask for the package, and at another browser to see it accept that one.
    missing = _system_deps_check(tools, str(tmp_path / "nowhere"))
    assert missing.returncode == 1 and missing.stdout.split(":")[1].split() == ["chromium"], missing.stdout
    found = _system_deps_check(tools, str(chrome))
    assert found.returncode == 0, found.stdout + found.stderr
    _executable(tools, "chromium")
    on_path = _system_deps_check(tools, None)
    assert on_path.returncode == 0, on_path.stdout + on_path.stderr


def _playwrights_disabled_features() -> set[str]:
    """The list Playwright passes as --disable-features, read from the driver it ships."""
    import re

    import playwright

    bundle = Path(playwright.__file__).parent / "driver" / "package" / "lib" / "coreBundle.js"
    listed = re.search(r"disabledFeatures = \[(.*?)\]", bundle.read_text(encoding="utf-8"), re.DOTALL)
    assert listed is not None, f"Playwright's feature list is no longer where this test reads it: {bundle}"
    code = "\n".join(line.split("//")[0] for line in listed.group(1).splitlines())
    return set(re.findall(r'"([A-Za-z0-9]+)"', code))


def test_our_feature_switch_keeps_every_feature_playwright_disables() -> None:
    playwrights = _playwrights_disabled_features()
    assert "PaintHolding" in playwrights  # the reading found the list
    assert playwrights <= set(chromium.PLAYWRIGHT_DISABLED_FEATURES)
    switches = [a for a in chromium.PLAYWRIGHT_ARGS if a.startswith("--disable-features=")]
    assert len(switches) == 1 and playwrights <= set(switches[0].split("=", 1)[1].split(","))


def test_a_new_context_opens_no_page_but_ours(browser) -> None:  # type: ignore[no-untyped-def]
    """The browser's own pages (the address bar's popup, preloaded per context) cost more CPU than
    ours: the tests open a context per test."""
    context = browser.new_context()
    try:
        context.new_page().goto("about:blank")
        session = browser.new_browser_cdp_session()
        targets = session.send("Target.getTargets")["targetInfos"]
    finally:
        context.close()
    assert [(t["type"], t["url"]) for t in targets] == [("page", "about:blank")]
