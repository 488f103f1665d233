"""The model cache of a full build (pipeline/modelcache.py): a load from the cache gives the same
models, locations and problems as a load that parses every file, and reads every file through the
same checks."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.model.errors import Report, relative
from generator.model.settings import Project
from generator.model.validate import DataSet, load_data
from generator.pipeline import modelcache
from generator.pipeline.build import check
from generator.pipeline.modelcache import CACHE_FILE, ModelCache

from .conftest import write

# What is compared is the generator's own loading: none of the session's loads kept for the tests.
pytestmark = pytest.mark.usefixtures("files_parsed_each_time")


def _load(project: Project, cache: ModelCache | None) -> tuple[DataSet, Report]:
    report = Report()
    if cache is None:
        return load_data(project.data_dir, project.root, report), report
    data = load_data(project.data_dir, project.root, report, cache.loader())
    cache.save()
    return data, report


def _what_loaded(data: DataSet, like: DataSet) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Every entity as its model's JSON, its file as shown, its source's marks and raw scalars as
    read straight from it (before any location is asked for), and where each of its values is (each
    value that `like`, loaded by parsing, has a mark for; and one it has none for)."""
    return {
        (kind, entity_id): (
            loaded.model.model_dump_json(),
            loaded.source.display_path,
            dict(loaded.source.raw_scalars),
            dict(loaded.source.marks),
            [str(loaded.location(*path)) for path in [*like.entities[kind][entity_id].source.marks, ("no", "such", 0)]],
        )
        for kind, entities in data.entities.items()
        for entity_id, loaded in entities.items()
    }


@pytest.fixture
def broken_project(whole_project: Project) -> Project:
    """The whole fixture with problems a file reports on its own (a syntax error, a wrong type, an
    empty value, a boolean trap, a rule that only repeats an empty value and is held back) and one
    the index reports (an unknown reference)."""
    data = whole_project.data_dir
    write(data / "themes" / "tema-x.yaml", "id: tema-x\nname: {nb: X, en: X\n")
    write(data / "themes" / "tema-y.yaml", "id: tema-y\nname: {nb: ~}\n")  # a name in no language: held back
    finding = data / "findings" / "demo-2025-f01.yaml"
    text = finding.read_text(encoding="utf-8")
    write(finding, text.replace("confidence: ", "confidence: no\nunknown_field: 1\nold_confidence: ", 1))
    theme = data / "themes" / "tema-b.yaml"
    write(theme, theme.read_text(encoding="utf-8") + "colour:\n")
    study = data / "studies" / "beta-2021.yaml"
    write(study, study.read_text(encoding="utf-8").replace("country: nor", "country: xx", 1))
    return whole_project


def test_a_load_from_the_cache_is_the_load_that_parses(broken_project: Project) -> None:
    cold, cold_report = _load(broken_project, None)
    first = ModelCache.open(broken_project.build_dir)
    _, first_report = _load(broken_project, first)
    assert (first.reused, first.loaded) == (0, first.loaded) and first.loaded > 30
    warm = ModelCache.open(broken_project.build_dir)
    warm_data, warm_report = _load(broken_project, warm)
    assert (warm.reused, warm.loaded) == (first.loaded, 0)
    assert _what_loaded(warm_data, cold) == _what_loaded(cold, cold)
    assert warm_data.invalid == cold.invalid and cold.invalid["theme"] == {"tema-x", "tema-b", "tema-y"}
    assert warm_report.problems == first_report.problems == cold_report.problems
    assert warm_report.held_back == first_report.held_back == cold_report.held_back > 0
    assert len(cold_report.problems) >= 5


def test_the_check_from_the_cache_says_what_the_check_that_parses_says(broken_project: Project) -> None:
    cold_index, cold = check(broken_project)
    assert not (broken_project.build_dir / CACHE_FILE).exists()  # only asked for: `make check`, `make site`
    check(broken_project, cached=True)
    warm_index, warm = check(broken_project, cached=True)
    assert cold_index is None and warm_index is None
    assert [str(p) for p in warm.problems] == [str(p) for p in cold.problems]
    assert any("unknown country" in str(p) or "'xx'" in str(p) for p in warm.problems)


def test_a_changed_file_is_loaded_anew_a_new_one_loaded_and_a_removed_one_forgotten(whole_project: Project) -> None:
    _load(whole_project, ModelCache.open(whole_project.build_dir))
    data = whole_project.data_dir
    theme = data / "themes" / "tema-a.yaml"
    theme.write_text(theme.read_text(encoding="utf-8").replace("id: tema-a", "id: tema-a  # a comment"), encoding="utf-8")
    (data / "themes" / "tema-b.yaml").unlink()
    write(data / "themes" / "tema-c.yml", "id: tema-c\nname: {nb: C, en: C}\n")
    cache = ModelCache.open(whole_project.build_dir)
    loaded, _ = _load(whole_project, cache)
    assert cache.loaded == 2  # tema-a (its bytes changed) and tema-c
    assert set(loaded.entities["theme"]) >= {"tema-a", "tema-c"} and "tema-b" not in loaded.entities["theme"]
    with (whole_project.build_dir / CACHE_FILE).open("rb") as file:
        _, entries = pickle.load(file)
    assert "data/themes/tema-b.yaml" not in entries and "data/themes/tema-c.yml" in entries


def test_a_file_that_became_a_link_out_of_the_project_is_refused_though_its_bytes_are_the_same(
    whole_project: Project, tmp_path: Path
) -> None:
    _load(whole_project, ModelCache.open(whole_project.build_dir))
    theme = whole_project.data_dir / "themes" / "tema-a.yaml"
    outside = tmp_path / "outside.yaml"
    outside.write_bytes(theme.read_bytes())
    theme.unlink()
    theme.symlink_to(outside)
    cache = ModelCache.open(whole_project.build_dir)
    data, report = _load(whole_project, cache)
    assert "tema-a" not in data.entities["theme"]
    assert [str(p) for p in report.problems if "tema-a" in str(p)] == [
        f"data/themes/tema-a.yaml:1:1: (file): symbolic link points outside the project: {outside.resolve()}"
    ]


def test_a_cache_of_other_code_or_unreadable_is_ignored(whole_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    _load(whole_project, ModelCache.open(whole_project.build_dir))
    monkeypatch.setattr(modelcache, "loader_digest", lambda: "other code")
    other = ModelCache.open(whole_project.build_dir)
    _load(whole_project, other)
    assert other.reused == 0 and other.loaded > 30
    monkeypatch.undo()
    (whole_project.build_dir / CACHE_FILE).write_bytes(b"not a pickle")
    broken = ModelCache.open(whole_project.build_dir)
    data, report = _load(whole_project, broken)
    assert broken.reused == 0 and not report.failed() and data.entities["finding"]
    # One entry that cannot be read back: that file is parsed again, the others are taken.
    path = whole_project.build_dir / CACHE_FILE
    digest, entries = pickle.loads(path.read_bytes())
    entries["data/themes/tema-a.yaml"] = (entries["data/themes/tema-a.yaml"][0], b"not a pickle")
    path.write_bytes(pickle.dumps((digest, entries)))
    one_broken = ModelCache.open(whole_project.build_dir)
    data, report = _load(whole_project, one_broken)
    assert one_broken.loaded == 1 and one_broken.reused == len(entries) - 1
    assert not report.failed() and "tema-a" in data.entities["theme"]


def test_nothing_is_written_when_nothing_changed(whole_project: Project) -> None:
    _load(whole_project, ModelCache.open(whole_project.build_dir))
    path = whole_project.build_dir / CACHE_FILE
    os.utime(path, ns=(1, 1))
    cache = ModelCache.open(whole_project.build_dir)
    _load(whole_project, cache)
    assert cache.reused > 30 and not cache.changed
    assert path.stat().st_mtime_ns == 1


def test_the_loader_digest_follows_the_model_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layer = tmp_path / "model"
    write(layer / "models.py", "A = 1\n")
    monkeypatch.setattr(modelcache, "MODEL_LAYER", layer)
    modelcache.loader_digest.cache_clear()
    try:
        before = modelcache.loader_digest()
        modelcache.loader_digest.cache_clear()
        write(layer / "models.py", "A = 2\n")
        assert modelcache.loader_digest() != before
    finally:
        modelcache.loader_digest.cache_clear()


_PART = st.sampled_from(["data", "kb", "a b", "x.yaml", "..", ".", "å", "studies"])


@given(st.lists(_PART, max_size=4), st.lists(_PART, max_size=4), st.booleans(), st.booleans())
def test_a_path_as_a_message_shows_it_is_what_pathlib_gives(
    root_parts: list[str], path_parts: list[str], absolute_root: bool, absolute_path: bool
) -> None:
    root = Path("/" if absolute_root else ".", *root_parts)
    path = Path("/" if absolute_path else ".", *path_parts)
    for inside in (path, root / path):
        try:
            expected = inside.relative_to(root).as_posix()
        except ValueError:
            expected = inside.as_posix()
        assert relative(inside, root) == expected
