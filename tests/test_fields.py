"""What a field refers to is declared once, on the field (fields.py), and the kinds once, in the
registry (kinds.py): `check`, the schemas and `new` all follow from there."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field

from generator.model import fields
from generator.model.errors import Report
from generator.model.fields import Ref, Vocab
from generator.model.index import iter_texts
from generator.model.kinds import KINDS, kind_of_folder, slots
from generator.model.models import Intervention, Text
from generator.model.settings import Project
from generator.model.validate import load_data
from generator.pipeline.build import check
from generator.tools import scaffold as sc
from generator.tools import schema

from .conftest import REPO, WHOLE, write


class FundedIntervention(Intervention):
    """An intervention with two fields no other module knows about: only their markers say what they take."""

    funders: list[Annotated[str, Vocab("sector")]] = Field(default_factory=list, description="Sectors that fund it.")
    evaluated_in: Annotated[str, Ref("study")] | None = Field(None, description="The study that evaluated it.")


@pytest.fixture
def funded(whole_project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    """The whole fixture, with interventions registered as `FundedIntervention` (the one edit)."""
    monkeypatch.setitem(KINDS, "intervention", replace(KINDS["intervention"], model=FundedIntervention))
    return whole_project


def _line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith(start))


def test_the_descriptions_end_with_what_the_markers_say() -> None:
    info = FundedIntervention.model_fields
    assert info["funders"].description == "Sectors that fund it. Each item: a term of vocabulary 'sector'."
    assert info["evaluated_in"].description == "The study that evaluated it. The id of a study."
    # inherited fields keep one generated sentence, not one per class
    assert info["sectors"].description == Intervention.model_fields["sectors"].description
    assert info["sectors"].description.count("vocabulary 'sector'") == 1  # type: ignore[union-attr]


def test_check_locates_an_unknown_term_and_an_unknown_id_in_a_new_field(funded: Project) -> None:
    path = funded.data_dir / "interventions" / "demo-team.yaml"
    text = path.read_text(encoding="utf-8") + "funders: [health, helth]\nevaluated_in: alpha-2021\n"
    write(path, text)
    _, report = check(funded)
    mine = [str(p) for p in report.problems if p.location.path == "data/interventions/demo-team.yaml"]
    sectors = ", ".join(t.id for t in _catalogue(funded).vocabularies["sector"])
    funders, evaluated = _line_of(text, "funders:"), _line_of(text, "evaluated_in:")
    assert mine == [
        f"data/interventions/demo-team.yaml:{funders}:19: funders[1]: unknown sector 'helth' (allowed: {sectors})",
        f"data/interventions/demo-team.yaml:{evaluated}:1: evaluated_in: unknown study 'alpha-2021' (did you mean 'alpha-2020'?)",
    ]


def test_a_new_reference_to_a_file_that_failed_to_load_is_held_back(funded: Project) -> None:
    write(funded.data_dir / "interventions" / "demo-team.yaml", _with(funded, "evaluated_in: beta-2021\n"))
    _, before = check(funded)
    study = funded.data_dir / "studies" / "beta-2021.yaml"
    write(study, study.read_text(encoding="utf-8").replace("year: 2021", "year: 2021.5"))
    _, report = check(funded)
    assert not [p for p in report.problems if p.location.path == "data/interventions/demo-team.yaml"]
    assert report.held_back > before.held_back


def test_the_schema_offers_the_terms_and_the_ids_of_a_new_field(funded: Project) -> None:
    catalogue = _catalogue(funded)
    document = schema.schema_for("intervention", catalogue)
    funders = document["properties"]["funders"]
    assert funders["items"]["enum"] == [t.id for t in catalogue.vocabularies["sector"]]
    assert funders["description"] == FundedIntervention.model_fields["funders"].description
    evaluated = document["properties"]["evaluated_in"]
    [reference] = evaluated["allOf"]
    offered = [s["label"] for s in document["$defs"][reference["$ref"].removeprefix("#/$defs/")]["defaultSnippets"]]
    assert offered == catalogue.entity_ids["study"] == ["alpha-2020", "beta-2021", "delta-2019", "gamma-2022"]


def test_new_scaffolds_a_new_field_with_its_allowed_values(funded: Project) -> None:
    created = sc.scaffold(funded, "intervention", publication="demo-thesis-2022", entity_id="new-team")
    text = created.path.read_text(encoding="utf-8")
    sectors = ", ".join(t.id for t in _catalogue(funded).vocabularies["sector"])
    assert f"# funders: []  # one of: {sectors}\n" in text
    assert "# evaluated_in: ~  # study ids (file names in data/studies/), e.g. alpha-2020, beta-2021, delta-2019\n" in text


# --- the registry agrees with the models ---------------------------------------------------------


def test_every_reference_names_a_registered_kind() -> None:
    for kind, slot in slots():
        if isinstance(slot.marker, Ref):
            assert slot.marker.kind in KINDS, (kind, slot)
        if isinstance(slot.marker, fields.KindAndId):
            assert set(slot.marker.excluding) <= set(KINDS), (kind, slot)


def test_a_kinds_list_refers_to_that_kind() -> None:
    """`listed_in` names the field that lists a kind's members; that field must take its ids."""
    for name, kind in KINDS.items():
        if kind.listed_in is None:
            continue
        listing, field = kind.listed_in
        slot = fields.slot(KINDS[listing].model, field)
        assert slot is not None and slot.shape == "list", (name, kind.listed_in)
        assert slot.marker == Ref(name, once=slot.marker.once), (name, slot.marker)  # type: ignore[union-attr]


def test_each_kind_has_its_own_folder_and_model() -> None:
    assert len(kind_of_folder()) == len(KINDS)
    for name, kind in KINDS.items():
        assert kind.model.model_fields["kind"].default == name


def test_a_marker_on_a_list_of_lists_is_no_slot() -> None:
    """What fields.py reads, and nothing else: test_schema checks no model puts a marker elsewhere."""

    class Nested(Intervention):
        groups: list[list[Annotated[str, Vocab("sector")]]] = Field(default_factory=list, description="Groups.")

    assert fields.slot(Nested, "groups") is None


def _catalogue(project: Project) -> schema.Catalogue:
    return schema.read_catalogue(project, Report())


def _with(project: Project, extra: str) -> str:
    return (project.data_dir / "interventions" / "demo-team.yaml").read_text(encoding="utf-8") + extra


# --- the walks look only into fields that may hold what they look for ----------------------------


def _every_occurrence(model: BaseModel, path: tuple[str | int, ...] = ()) -> Iterator[fields.Occurrence]:
    """`fields.occurrences` as it was before it skipped fields: every field of every model looked into."""
    marked = {(s.field, s.part): s for s in fields.slots(type(model))}
    for name in type(model).model_fields:
        value, here = getattr(model, name), (*path, name)
        key_slot, value_slot = marked.get((name, "key")), marked.get((name, "value"))
        if isinstance(value, str) and value_slot is not None:
            yield fields.Occurrence(here, "value", value_slot.marker, value, model)
        elif isinstance(value, list | tuple):
            for i, item in enumerate(value):
                if isinstance(item, str) and value_slot is not None:
                    yield fields.Occurrence((*here, i), "value", value_slot.marker, item, model)
                elif isinstance(item, BaseModel):
                    yield from _every_occurrence(item, (*here, i))
        elif isinstance(value, dict):
            for key, item in value.items():
                if key_slot is not None:
                    yield fields.Occurrence((*here, key), "key", key_slot.marker, key, model)
                if isinstance(item, str) and value_slot is not None:
                    yield fields.Occurrence((*here, key), "value", value_slot.marker, item, model)
                elif isinstance(item, BaseModel):
                    yield from _every_occurrence(item, (*here, key))
        elif isinstance(value, BaseModel):
            yield from _every_occurrence(value, here)


def _every_text(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Text]]:
    """`index.iter_texts` looking into every field."""
    if isinstance(value, Text):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _every_text(getattr(value, name), (*path, name))
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from _every_text(item, (*path, i))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _every_text(item, (*path, key))


@pytest.mark.parametrize("root", [REPO, WHOLE], ids=["real", "fixture-second-publication"])
def test_the_walks_find_what_walking_every_field_finds(root: Path) -> None:
    report = Report()
    data = load_data(root / "data", root, report)
    models = [loaded.model for entities in data.entities.values() for loaded in entities.values()]
    assert len(models) > 10
    found_texts = found_marks = 0
    for model in models:
        marks, texts = list(fields.occurrences(model)), list(iter_texts(model))
        assert marks == list(_every_occurrence(model)), model
        assert texts == list(_every_text(model)), model
        found_texts, found_marks = found_texts + len(texts), found_marks + len(marks)
    assert found_texts > len(models) and found_marks > len(models)


def test_what_a_field_may_hold_is_read_from_its_type() -> None:
    def is_text(cls: type) -> bool:
        return issubclass(cls, Text)

    assert fields.may_hold(Text | None, is_text)
    assert fields.may_hold(list[Annotated[str, Vocab("sector")]] | dict[str, list[Text]], is_text)
    assert fields.may_hold(Intervention, is_text)  # at depth: its texts
    assert fields.may_hold(Any, is_text) and fields.may_hold(list, is_text) and fields.may_hold("Text", is_text)
    assert not fields.may_hold(list[Annotated[str, Vocab("sector")]] | int | None, is_text)
    assert not fields.may_hold(Literal["a", "b"], is_text)
