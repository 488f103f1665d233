"""Which search bundles a language's site is indexed into (generator/pipeline/pagefind_run.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline import pagefind_run


def docs(**pages: int) -> list[str]:
    return [f"{folder}/page-{i}.md" for folder, count in pages.items() for i in range(count)] + ["index.md"]


def test_a_site_under_the_threshold_keeps_one_bundle() -> None:
    assert pagefind_run.own_bundle_folders(docs(studies=3000, findings=2000)) == []


def test_a_large_site_indexes_each_large_folder_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pagefind_run, "SHARDED_FROM_PAGES", 5_000)
    monkeypatch.setattr(pagefind_run, "OWN_BUNDLE_FROM_PAGES", 1_000)
    assert pagefind_run.own_bundle_folders(docs(studies=3000, findings=2000, topics=14, matrices=999)) == ["findings", "studies"]
    assert pagefind_run.indexed_in_bundles(["findings", "studies"]) == ["pagefind-findings/", "pagefind-studies/"]


def test_the_main_bundle_takes_every_page_the_others_do_not(tmp_path: Path) -> None:
    for folder in ("studies", "findings", "topics", "assets", "pagefind", "pagefind-studies"):
        (tmp_path / folder).mkdir()
    (one,) = pagefind_run.commands(tmp_path, [])
    assert "--glob" not in one and one[-1] != "--output-subdir"
    main, studies = pagefind_run.commands(tmp_path, ["studies"])
    assert main[main.index("--glob") + 1] == "{*.html,assets/**/*.html,findings/**/*.html,topics/**/*.html}"
    assert "--output-subdir" not in main
    assert studies[studies.index("--glob") + 1] == "studies/**/*.html"
    assert studies[studies.index("--output-subdir") + 1] == "pagefind-studies"
    for command in (main, studies):
        assert command[command.index("--site") + 1] == str(tmp_path)
        assert "--exclude-selectors" in command
