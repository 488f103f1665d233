"""Properties of loading and validation, checked on generated input (hypothesis).

(a) No text or bytes, written as a data file, makes loading raise: every problem is reported.
(b) No nested structure of dicts, lists, strings, numbers, booleans and nulls makes validation
    (or indexing) raise, for any entity kind; every problem is located on a line >= 1.
(c) A valid bilingual text comes back from the file exactly as it was written.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model.errors import Report
from generator.model.index import build_index
from generator.model.kinds import KINDS, folder_of
from generator.model.sources import load_file
from generator.model.validate import load_data, validate_source

from .conftest import FIXTURE, WHOLE

SETTINGS = settings()
"""The active profile's (tests/conftest.py): 200 examples in `make test`, fewer in `make test-fast`."""


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One scratch project, rewritten by every example (hypothesis reuses fixtures across examples)."""
    return tmp_path_factory.mktemp("properties")


def _fresh_data(root: Path) -> Path:
    data = root / "data"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    return data


def _assert_located(report: Report) -> None:
    for problem in report.problems:
        assert problem.location.line >= 1 and problem.location.column >= 1, problem
        assert problem.message and len(str(problem).splitlines()) == 1, problem
        assert len(problem.github_annotation().splitlines()) == 1, problem


# --- (a) arbitrary file contents ---------------------------------------------------------

YAML_PIECES = list("{}[]:-?,&*!|>'\"#%@`~\\ \t\n\r\ufeff\x85aeknoy0123456789.") + [
    "yes",
    "no",
    "<<",
    "!!python/object:os.system",
    "!!set",
    "&a ",
    "*a",
    "- ",
    ": ",
    "\n  ",
    "\n- ",
    "id: ",
    "nb: ",
    "---\n",
]
YAMLISH = st.lists(st.sampled_from(YAML_PIECES), max_size=60).map("".join)
"""Text made of YAML's special characters and words: finds the syntax corners quickly."""

CONTENTS = st.one_of(st.text(max_size=200), YAMLISH, st.binary(max_size=200), YAMLISH.map(lambda t: t.encode("utf-8") + b"\xff"))


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


@SETTINGS
@given(content=CONTENTS)
def test_load_file_never_raises(workdir: Path, content: str | bytes) -> None:
    path = workdir / "data" / "themes" / "x.yaml"
    _write(path, content)
    report = Report()
    source = load_file(path, workdir, report)
    _assert_located(report)
    if source is None:
        assert report.problems, "a file that could not be read must say why"


@SETTINGS
@given(content=CONTENTS, kind=st.sampled_from(sorted(KINDS)))
def test_load_data_never_raises(workdir: Path, content: str | bytes, kind: str) -> None:
    data = _fresh_data(workdir)
    _write(data / folder_of(kind) / "x.yaml", content)
    report = Report()
    dataset = load_data(data, workdir, report)
    build_index(dataset, report)
    _assert_located(report)
    assert report.failed(), "a lone file without vocabularies cannot be valid data"


# --- (b) arbitrary structures, validated as every kind ---------------------------------------

FIELD_NAMES = sorted(
    {name for kind in KINDS.values() for name in kind.model.model_fields}
    | {"nb", "en", "nb_origin", "en_origin", "level", "explanation", "label", "terms"}
)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["tema-a", "yes", "no", "2025-06-15", "high", "nor", "", " "]),
    st.dates(),
)
KEYS = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=12))
STRUCTURES = st.recursive(
    SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=5)),
    max_leaves=25,
)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, (*path, i))


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, *rest = path
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[head] = _replace(value[head], tuple(rest), new)
    return copy


def _fixture_files(kind: str) -> list[Path]:
    """The kind's files in the fixture and in its second publication (kb-whole/): every kind has some."""
    return sorted(p for root in (FIXTURE, WHOLE) for p in (root / "data" / folder_of(kind)).glob("*.yaml"))


FIXTURE_VALUES: dict[str, list[Any]] = {
    kind: [yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) for p in _fixture_files(kind)] for kind in KINDS
}


@st.composite
def documents(draw: st.DrawFn, kind: str) -> Any:
    """Either a random structure, or a real fixture entity with one part replaced by one."""
    if draw(st.booleans()):
        return draw(st.one_of(STRUCTURES, st.dictionaries(KEYS, STRUCTURES, max_size=8)))
    original = draw(st.sampled_from(FIXTURE_VALUES[kind]))
    path = draw(st.sampled_from(list(_paths(original))))
    return _replace(original, path, draw(STRUCTURES))


def _dump(value: Any, style: str | None) -> str:
    return yaml.dump(
        value,
        Dumper=yaml.CSafeDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=style == "flow",
        default_style='"' if style == "quoted" else None,
    )


@SETTINGS
@given(data=st.data(), kind=st.sampled_from(sorted(KINDS)), style=st.sampled_from([None, "flow", "quoted"]))
def test_any_structure_validates_without_raising(workdir: Path, data: st.DataObject, kind: str, style: str | None) -> None:
    value = data.draw(documents(kind))
    path = workdir / "data" / folder_of(kind) / "x.yaml"
    _write(path, _dump(value, style))
    report = Report()
    source = load_file(path, workdir, report)
    if source is not None:
        validate_source(kind, source, report)
    _assert_located(report)
    for problem in report.problems:
        assert problem.location.path == "data/" + folder_of(kind) + "/x.yaml"


@pytest.fixture(scope="module")
def knowledge_base(workdir: Path) -> Path:
    """The fixture with its second publication, copied once: each example replaces one file and
    puts it back, so every example starts from the same data."""
    root = workdir / "kb"
    shutil.copytree(FIXTURE / "data", root / "data")
    shutil.copytree(WHOLE / "data", root / "data", dirs_exist_ok=True)
    return root


@SETTINGS
@given(data=st.data(), kind=st.sampled_from(sorted(KINDS)))
def test_a_broken_entity_among_valid_ones_never_makes_indexing_raise(
    knowledge_base: Path, data: st.DataObject, kind: str
) -> None:
    """The whole pipeline up to the index, with one fixture file replaced by a generated one."""
    root = knowledge_base
    target = root / "data" / folder_of(kind) / data.draw(st.sampled_from(_fixture_files(kind))).name
    original = target.read_bytes()
    value = data.draw(documents(kind))
    _write(target, _dump(value, None))
    try:
        report = Report()
        build_index(load_data(root / "data", root, report), report)
        _assert_located(report)
    finally:
        target.write_bytes(original)


# --- (c) valid texts round-trip ------------------------------------------------------------

VALID_TEXT = st.text(min_size=1, max_size=200).map(str.strip).filter(bool)
"""A value the Text model keeps as it is: not empty, no surrounding whitespace (it strips that)."""


@SETTINGS
@given(nb=VALID_TEXT, en=st.none() | VALID_TEXT, style=st.sampled_from([None, "flow", "quoted"]))
def test_valid_text_survives_load_and_validate_unchanged(workdir: Path, nb: str, en: str | None, style: str | None) -> None:
    name = {"nb": nb} if en is None else {"nb": nb, "en": en}
    path = workdir / "data" / "themes" / "tema-x.yaml"
    _write(path, _dump({"id": "tema-x", "name": name}, style))
    report = Report()
    source = load_file(path, workdir, report)
    assert source is not None, [str(p) for p in report.problems]
    theme = validate_source("theme", source, report)
    assert report.problems == []
    assert theme is not None
    assert (theme.name.nb, theme.name.en) == (nb, en)  # type: ignore[attr-defined]
