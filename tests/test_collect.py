"""generator/model/collect.py: the collector runs less often inside a block, and as before after it."""

from __future__ import annotations

import gc

import pytest

from generator.model import collect
from generator.model.settings import Project
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
