"""`python -m generator new`: the next free id, a file check can point into, nothing publishable
by accident."""

from __future__ import annotations

import re

import pytest
import yaml

from generator.cli import main
from generator.model.errors import Report
from generator.model.kinds import KINDS, publication_lists
from generator.model.settings import Project
from generator.pipeline.build import check
from generator.tools import scaffold as sc
from generator.tools import schema

from .conftest import write

FINDING_PLACEHOLDERS = [
    "theme",
    "title.nb",
    "title.en",
    "statement.nb",
    "statement.en",
    "components.methodological_limitations.level",
    "components.coherence.level",
    "components.adequacy.level",
    "components.relevance.level",
    "confidence",
    "studies",
]


def _problems_in(project: Project, relative: str) -> list[tuple[int, int, str, str]]:
    _, report = check(project)
    return [(p.location.line, p.location.column, p.field_path, p.message) for p in report.problems if p.location.path == relative]


def test_new_finding_gets_the_next_number_and_its_file_name_is_the_id(
    fixture_project: Project,
) -> None:
    created = sc.scaffold(fixture_project, "finding")
    assert created.entity_id == "demo-2025-f04"
    assert created.path == fixture_project.data_dir / "findings" / "demo-2025-f04.yaml"
    lines = created.path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "# yaml-language-server: $schema=../../schemas/finding.schema.json"
    value = yaml.safe_load("\n".join(lines))
    assert (value["id"], value["number"], value["kind"]) == (
        "demo-2025-f04",
        4,
        "finding",
    )
    publication = yaml.safe_load((fixture_project.data_dir / "publications" / "demo-2025.yaml").read_text(encoding="utf-8"))
    assert publication["findings"][-1] == "demo-2025-f04"


def test_next_number_follows_the_highest_in_use(fixture_project: Project) -> None:
    findings = fixture_project.data_dir / "findings"
    (findings / "demo-2025-f03.yaml").rename(findings / "demo-2025-f12.yaml")
    assert sc._next_finding(fixture_project, "demo-2025") == ("demo-2025-f13", 13)
    assert sc._next_finding(fixture_project, "other-2030") == ("other-2030-f01", 1)


def test_check_points_at_every_placeholder_of_a_new_finding(
    fixture_project: Project,
) -> None:
    created = sc.scaffold(fixture_project, "finding")
    lines = created.path.read_text(encoding="utf-8").splitlines()
    problems = _problems_in(fixture_project, "data/findings/demo-2025-f04.yaml")
    assert [field for _, _, field, _ in problems] == FINDING_PLACEHOLDERS
    for line, column, field, _ in problems:
        key = field.rsplit(".", 1)[-1]
        assert lines[line - 1][column - 1 :].startswith(f"{key}:"), (
            line,
            column,
            field,
            lines[line - 1],
        )
    messages = {field: message for _, _, field, message in problems}
    assert messages["statement.nb"] == "text is empty"
    assert messages["confidence"] == "fill this in, or remove the line"
    assert messages["studies"] == "list should have at least 1 item after validation, not 0"


def test_comments_name_the_allowed_terms(fixture_project: Project) -> None:
    text = sc.scaffold(fixture_project, "finding").path.read_text(encoding="utf-8")
    assert "confidence: ~  # one of: high, moderate, low, very-low\n" in text
    assert "theme: ~  # one of: tema-a, tema-b\n" in text
    assert '    # explanation: {nb: "", en: ""}  # Why this level was given' in text


def test_a_new_findings_title_is_written_as_editorial(fixture_project: Project) -> None:
    """Its field's example says what a title usually is: written by the editors (CONTRIBUTING.md)."""
    value = yaml.safe_load(sc.scaffold(fixture_project, "finding").path.read_text(encoding="utf-8"))
    assert value["title"] == {"nb": "", "en": "", "nb_origin": "editorial"}
    assert value["statement"] == {"nb": "", "en": ""}


def test_filled_in_finding_passes_check(fixture_project: Project) -> None:
    path = sc.scaffold(fixture_project, "finding").path
    text = path.read_text(encoding="utf-8")
    title = '\n  nb: "Foresatte ønsket faste møter"\n  en: "Parents wanted regular meetings"'
    text = text.replace('\n  nb: ""\n  en: ""', title, 1)  # the first text is the title: 3 to 12 words
    for old, new in (
        ("theme: ~", "theme: tema-a"),
        ("level: ~", "level: minor"),
        ("# explanation:", "explanation:"),  # required above none-or-very-minor
        ("confidence: ~", "confidence: high"),
        ("studies: []", "studies: [beta-2021]"),
        ('""', '"Tekst"'),
    ):
        text = text.replace(old, new)
    write(path, text)
    index, report = check(fixture_project)
    assert index is not None, report.problems
    assert "demo-2025-f04" in index.publication("demo-2025").findings
    assert [p for p in report.problems if "demo-2025-f04" in p.location.path] == []


def test_study_without_id_gets_a_placeholder_check_rejects(
    fixture_project: Project,
) -> None:
    created = sc.scaffold(fixture_project, "study")
    assert created.path.name == "TODO-study.yaml"
    problems = _problems_in(fixture_project, "data/studies/TODO-study.yaml")
    assert problems[0][2:] == (
        "id",
        "id 'TODO-study' must be lower-case letters, digits and single hyphens",
    )
    assert sc.scaffold(fixture_project, "study").path.name == "TODO-study-2.yaml"


def test_study_with_id_joins_the_publication(fixture_project: Project) -> None:
    created = sc.scaffold(fixture_project, "study", publication="demo-2025", entity_id="delta-2024")
    assert created.path.name == "delta-2024.yaml"
    publication = yaml.safe_load((fixture_project.data_dir / "publications" / "demo-2025.yaml").read_text(encoding="utf-8"))
    assert publication["studies"] == [
        "alpha-2020",
        "beta-2021",
        "gamma-2022",
        "delta-2024",
    ]
    assert any("added 'delta-2024' to studies" in step for step in created.next_steps)


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        (
            "finding",
            {"entity_id": "demo-2025-f01"},
            "a finding with id 'demo-2025-f01' already exists in data/findings/",
        ),
        (
            "study",
            {"entity_id": "Delta 2024"},
            "id 'Delta 2024' must be lower-case letters, digits and single hyphens",
        ),
        (
            "finding",
            {"publication": "nope"},
            "unknown publication 'nope' (known: demo-2025)",
        ),
    ],
)
def test_refusals_say_why(fixture_project: Project, kind: str, options: dict[str, str], message: str) -> None:
    with pytest.raises(sc.ScaffoldError, match=re.escape(message)):
        sc.scaffold(fixture_project, kind, **options)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_scaffolds_a_file_whose_problems_are_all_located_in_it(fixture_project: Project, kind: str) -> None:
    created = sc.scaffold(fixture_project, kind, entity_id=f"new-{kind}")
    relative = created.path.relative_to(fixture_project.root).as_posix()
    lines = created.path.read_text(encoding="utf-8").splitlines()
    assert isinstance(yaml.safe_load("\n".join(lines)), dict)
    problems = _problems_in(fixture_project, relative)
    assert problems, "an empty scaffold must not pass check"
    for line, column, field, _ in problems:
        key = str(field).rsplit(".", 1)[-1].split("[")[0]
        assert lines[line - 1][column - 1 :].startswith(f"{key}:") or lines[line - 1][column - 1 :].startswith("- "), (
            field,
            lines[line - 1],
        )


def test_cli_new(fixture_project: Project, capsys) -> None:
    assert main(["--root", str(fixture_project.root), "new", "finding"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("created data/findings/demo-2025-f04.yaml\n")
    assert "added 'demo-2025-f04' to findings in data/publications/demo-2025.yaml" in out
    assert (
        main(
            [
                "--root",
                str(fixture_project.root),
                "new",
                "finding",
                "--publication",
                "nope",
            ]
        )
        == 1
    )
    assert "error: unknown publication 'nope'" in capsys.readouterr().err


def test_append_to_block_and_flow_lists(tmp_path) -> None:
    path = write(
        tmp_path / "p.yaml",
        "id: p\nstudies:\n  - a\n  # a comment\n  - b\nthemes: [x]\nfindings: []\nhistory: ~\n",
    )
    assert sc._append_to_list(path, "studies", "c")
    assert sc._append_to_list(path, "themes", "no")
    assert sc._append_to_list(path, "findings", "f")
    assert not sc._append_to_list(path, "history", "h")
    assert path.read_text(encoding="utf-8") == (
        'id: p\nstudies:\n  - a\n  # a comment\n  - b\n  - c\nthemes: [x, "no"]\nfindings: [f]\nhistory: ~\n'
    )


# --- schemas stay fresh ------------------------------------------------------------------------


def _schemas_fresh(project: Project, capsys: pytest.CaptureFixture[str]) -> bool:
    status = main(["--root", str(project.root), "schema", "--check"])
    capsys.readouterr()
    return status == 0


def _schema_texts(project: Project) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted((project.root / "schemas").glob("*.schema.json"))}


@pytest.mark.parametrize("kind", sorted(set(KINDS) - {"vocabulary"}))
def test_new_leaves_no_schema_stale(whole_project: Project, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    """The schemas complete the ids that exist: the documented way to add an entity regenerates them,
    so the schema check (pre-commit, tests) passes right after, and the output says what changed."""
    assert main(["--root", str(whole_project.root), "schema"]) == 0
    capsys.readouterr()
    before = _schema_texts(whole_project)
    publication = ["--publication", "demo-2025"] if kind in {k for _, k in publication_lists()} else []
    assert main(["--root", str(whole_project.root), "new", kind, "--id", f"new-{kind}", *publication]) == 0
    out = capsys.readouterr().out
    assert _schemas_fresh(whole_project, capsys)
    changed = [name for name, text in _schema_texts(whole_project).items() if text != before[name]]
    offered = [name for name, text in _schema_texts(whole_project).items() if re.search(f'[":]new-{kind}"', text)]
    assert changed == offered  # exactly the schemas that now complete the new id
    if changed:
        assert f"  - regenerated {', '.join(f'schemas/{name}' for name in changed)} " in out
    else:
        assert "  - schemas already up to date\n" in out
    assert "make schema" not in out


def test_new_finding_in_a_project_without_schemas_writes_them(fixture_project: Project, capsys) -> None:
    """The data file's first line names its schema: `new` makes sure it is there, with the new id."""
    assert main(["--root", str(fixture_project.root), "new", "finding"]) == 0
    assert "demo-2025-f04" in (fixture_project.root / "schemas" / "publication.schema.json").read_text(encoding="utf-8")
    assert _schemas_fresh(fixture_project, capsys)


def test_a_placeholder_id_is_not_offered_and_the_rename_step_says_make_schema(
    fixture_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    created = sc.scaffold(fixture_project, "study")
    assert _schemas_fresh(fixture_project, capsys)
    assert "TODO-study" not in "".join(_schema_texts(fixture_project).values())
    rename = next(step for step in created.next_steps if step.startswith("rename:"))
    assert "then run `make schema`" in rename


def test_a_new_vocabulary_says_when_the_schemas_can_be_regenerated(
    fixture_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty vocabulary does not validate, and the schemas are made from the vocabularies: they
    are left as they were, and the output says what to do."""
    assert main(["--root", str(fixture_project.root), "schema"]) == 0
    before = _schema_texts(fixture_project)
    created = sc.scaffold(fixture_project, "vocabulary", entity_id="new-vocabulary")
    assert created.next_steps[-1] == (
        "schemas not regenerated: a vocabulary has errors (`make check` lists them); fix it, then run `make schema`"
    )
    assert _schema_texts(fixture_project) == before


@pytest.mark.parametrize("kind", [kind for _, kind in publication_lists()])
def test_new_with_a_publication_lists_the_new_id_in_it(fixture_project: Project, kind: str) -> None:
    """Every kind a publication lists, as CONTRIBUTING promises (`new implication --publication ...`)."""
    list_name = KINDS[kind].listed_in[1]  # type: ignore[index]
    created = sc.scaffold(fixture_project, kind, publication="demo-2025", entity_id=f"new-{kind}")
    publication = yaml.safe_load((fixture_project.data_dir / "publications" / "demo-2025.yaml").read_text(encoding="utf-8"))
    assert publication[list_name][-1] == created.entity_id
    assert f"added '{created.entity_id}' to {list_name} in data/publications/demo-2025.yaml" in created.next_steps


@pytest.mark.parametrize("kind", ["implication", "intervention", "case"])
def test_new_without_an_id_says_where_to_list_it(fixture_project: Project, kind: str) -> None:
    """A placeholder id cannot be listed yet: the next steps say where it goes once chosen."""
    created = sc.scaffold(fixture_project, kind, publication="demo-2025")
    assert created.entity_id == f"TODO-{kind}"
    assert f"then add the id to {KINDS[kind].listed_in[1]} in data/publications/demo-2025.yaml" in created.next_steps  # type: ignore[index]


def test_cli_new_implication_joins_the_publication(fixture_project: Project, capsys) -> None:
    root = str(fixture_project.root)
    assert main(["--root", root, "new", "implication", "--publication", "demo-2025", "--id", "demo-2025-i01"]) == 0
    assert "added 'demo-2025-i01' to implications in data/publications/demo-2025.yaml" in capsys.readouterr().out
    index, report = check(fixture_project)
    assert [p.field_path for p in report.problems if "demo-2025-i01" in p.location.path], "the scaffold is still to fill in"
    assert not [p for p in report.problems if "is not listed in any publication" in p.message]


def test_an_appraisals_overall_names_the_scale_of_each_tool(fixture_project: Project) -> None:
    """`overall` takes a term of the vocabulary its tool names as `scale`: the comment says which."""
    text = sc.scaffold(fixture_project, "study", entity_id="delta-2024").path.read_text(encoding="utf-8")
    tools = schema.read_catalogue(fixture_project, Report()).vocabularies["appraisal-tool"]
    by_scale = {scale: [t.id for t in tools if t.scale == scale] for scale in sorted({t.scale for t in tools if t.scale})}
    assert len(by_scale) > 1
    scales = ", ".join(f"'{scale}' for {', '.join(ids)}" for scale, ids in by_scale.items())
    assert f"#   overall: ~  # a term of the scale of its tool: {scales}\n" in text
