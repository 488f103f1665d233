"""generator/model/collect.py: the collector runs less often inside a block, and as before after it."""

from __future__ import annotations

import gc

import pytest

from generator.model import collect
from generator.model.settings import LANGUAGES, Project
from generator.pipeline import build

from .conftest import FIXTURE


def test_the_threshold_holds_inside_the_block_and_is_put_back_even_on_failure() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), collect.fewer_collections(123_456):
        assert gc.get_threshold() == (123_456, *before[1:])
        raise RuntimeError("a stage that fails")
    assert gc.get_threshold() == before


def test_everything_is_collected_after_the_block_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    collected: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *args: collected.append(1) or 0)
    with collect.fewer_collections(10_000):
        pass
    assert collected == []
    with collect.fewer_collections(10_000, collect_after=True):
        assert collected == []
    assert collected == [1]


def test_check_loads_and_indexes_with_fewer_collections(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, int] = {}
    load, index = build.load_data, build.build_index

    def loading(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen["load"] = gc.get_threshold()[0]
        return load(*args, **kwargs)

    def indexing(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen["index"] = gc.get_threshold()[0]
        return index(*args, **kwargs)

    monkeypatch.setattr(build, "load_data", loading)
    monkeypatch.setattr(build, "build_index", indexing)
    before = gc.get_threshold()
    checked, _ = build.check(Project(FIXTURE))
    assert checked is not None
    assert seen == {"load": collect.LOADING_GC_THRESHOLD, "index": collect.LOADING_GC_THRESHOLD}
    assert gc.get_threshold() == before


def test_a_preview_refresh_passes_over_everything_once_after_its_pages(
    fixture_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a refresh renders and writes pages no pass over every object runs (young collections
    go on); one runs when the refresh ends, after its downloads, and the thresholds are as before."""
    from generator.pipeline import incremental

    seen: list[tuple[int, ...]] = []
    collected: list[tuple[int, ...]] = []
    monkeypatch.setattr(gc, "collect", lambda *args: collected.append(gc.get_threshold()) or 0)
    builder = incremental.IncrementalBuilder(fixture_project)
    before = gc.get_threshold()
    result = builder.refresh(lambda lang, changed, more: seen.append(gc.get_threshold()))
    assert result.ok and len(seen) == len(LANGUAGES)
    assert all(threshold[2] == collect.FULL_COLLECTIONS_DEFERRED for threshold in seen)
    assert collected == [before], "one pass over everything, once the thresholds are put back"
    assert gc.get_threshold() == before


def test_the_full_collection_comes_even_when_the_block_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    collected: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *args: collected.append(1) or 0)
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), collect.one_full_collection_after():
        raise RuntimeError("a refresh that fails")
    assert collected == [1] and gc.get_threshold() == before


def test_a_full_generate_renders_with_the_index_out_of_the_collector_s_passes(
    fixture_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each language renders with the loaded index frozen (`gc.freeze`), in its own process or
    here; once the pages and the cache are written, and when a language fails, nothing is frozen."""
    frozen: list[int] = []
    render = build._generate_language

    def rendering(*args, **kwargs):  # type: ignore[no-untyped-def]
        frozen.append(gc.get_freeze_count())
        return render(*args, **kwargs)

    monkeypatch.setattr(build, "_generate_language", rendering)
    index = build.load_or_fail(fixture_project)
    assert gc.get_freeze_count() == 0
    build.generate(fixture_project, index, processes=1)
    assert len(frozen) == len(LANGUAGES) and all(count > 0 for count in frozen)
    assert gc.get_freeze_count() == 0

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("a language that fails")

    monkeypatch.setattr(build, "_generate_language", failing)
    with pytest.raises(RuntimeError):
        build.generate(fixture_project, index, processes=1)
    assert gc.get_freeze_count() == 0


def test_frozen_objects_are_put_back_even_when_the_block_fails() -> None:
    with pytest.raises(RuntimeError), collect.left_out_of_collections():
        assert gc.get_freeze_count() > 0
        raise RuntimeError("a stage that fails")
    assert gc.get_freeze_count() == 0
