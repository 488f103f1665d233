"""Broken data, as editors (and hostile pull requests) produce it, through the real `check` command.

Every case breaks one thing in a copy of the fixture knowledge base, runs
`python -m generator check` in-process and asserts the exit status and the exact located lines
(`path:line:col: field.path: message`) it prints. Warnings are not asserted here (the fixture
has one on purpose); every *error* line is, so a case also proves there is no cascade.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.cli import main
from generator.model.settings import Project

from .conftest import write

Breakage = Callable[[Project], None]


# --- small helpers: each returns a function that breaks a fixture copy ---------------------


def put(rel: str, content: str | bytes) -> Breakage:
    """Write `content` to data/<rel> (replacing the file, or adding a new one)."""

    def apply(project: Project) -> None:
        path = project.data_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))

    return apply


def sub(rel: str, old: str, new: str) -> Breakage:
    """Replace the first `old` in data/<rel> with `new`."""

    def apply(project: Project) -> None:
        path = project.data_dir / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        write(path, text.replace(old, new, 1))

    return apply


def both(*breakages: Breakage) -> Breakage:
    def apply(project: Project) -> None:
        for breakage in breakages:
            breakage(project)

    return apply


def whole_kb(project: Project) -> None:
    """Add the second fixture publication (kb-whole/): the kinds and fields of issue 6."""
    import shutil

    from .conftest import WHOLE

    shutil.copytree(WHOLE, project.root, dirs_exist_ok=True)


def symlink(rel: str, target: Callable[[Project], Path]) -> Breakage:
    def apply(project: Project) -> None:
        (project.data_dir / rel).symlink_to(target(project))

    return apply


def outside_file(project: Project) -> Path:
    return write(project.root.parent / "outside.yaml", "id: tema-c\nname: {nb: C, en: C}\n")


def second_publication(findings: str) -> Breakage:
    """A second, valid publication that lists `findings` (and nothing else that could clash)."""

    def apply(project: Project) -> None:
        text = (project.data_dir / PUB).read_text(encoding="utf-8")
        for old, new in (
            ("id: demo-2025", "id: demo-2026"),
            ("themes: [tema-a, tema-b]", "themes: []"),
            ("findings: [demo-2025-f01, demo-2025-f02, demo-2025-f03]", f"findings: [{findings}]"),
            ("characteristics: [komp, tidlig]", "characteristics: []"),
            ("matrices: [demo-2025-matrise]", "matrices: []"),
            ("references: [demo-2025-r01, demo-2025-r02]", "references: []"),
        ):
            assert old in text
            text = text.replace(old, new)
        write(project.data_dir / "publications" / "demo-2026.yaml", text)

    return apply


def check(project: Project, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    status = main(["--root", str(project.root), "check"])
    return status, capsys.readouterr().err.splitlines()


def errors(lines: list[str]) -> list[str]:
    """The error lines of `check` output: without warnings and without the closing counts."""
    return [line for line in lines if ": warning: " not in line and not line.endswith("warning(s)") and HELD_BACK not in line]


HELD_BACK = "more problem(s) held back"


THEME = "themes/tema-a.yaml"
F1 = "findings/demo-2025-f01.yaml"
STUDY = "studies/beta-2021.yaml"
PUB = "publications/demo-2025.yaml"
ROW = "assessments/demo-2025-tiltak-beta-2021.yaml"
NOTE = "notes/note-demo-count.yaml"
MATRIX = "matrices/demo-2025-matrise.yaml"
QUOTE = "quotes/demo-thesis-2022-q01.yaml"
GOOD_THEME = "id: tema-a\nname: {nb: Forebygging, en: Prevention}\n"


def case(case_id: str, breakage: Breakage, *expected: str) -> object:
    return pytest.param(breakage, list(expected), id=case_id)


CASES = [
    # --- YAML syntax ---------------------------------------------------------------------
    case(
        "syntax-unclosed-flow-mapping",
        put(THEME, "id: tema-a\nname: {nb: A, en: A\n"),
        "data/themes/tema-a.yaml:3:1: (file): YAML syntax error: did not find expected ',' or '}' (while parsing a flow mapping)",
    ),
    case(
        "syntax-unclosed-quote",
        put(THEME, 'id: tema-a\nname: {nb: "A, en: A}\n'),
        "data/themes/tema-a.yaml:3:1: (file): YAML syntax error: found unexpected end of stream (while scanning a quoted scalar)",
    ),
    case(
        "syntax-bad-indentation",
        put(THEME, "id: tema-a\nname:\n  nb: A\n en: A\n"),
        "data/themes/tema-a.yaml:4:2: (file): YAML syntax error: did not find expected key (while parsing a block mapping)",
    ),
    case(
        "syntax-colon-in-plain-text",
        put(THEME, GOOD_THEME + "description: Merk: viktig\n"),
        "data/themes/tema-a.yaml:3:18: (file): YAML syntax error: mapping values are not allowed in this context",
    ),
    case(
        "syntax-list-item-in-a-mapping",
        put(THEME, GOOD_THEME + "- tema-b\n"),
        "data/themes/tema-a.yaml:3:1: (file): YAML syntax error: did not find expected key (while parsing a block mapping)",
    ),
    case(
        "syntax-undefined-alias",
        put(THEME, "id: tema-a\nname: *navn\n"),
        "data/themes/tema-a.yaml:2:7: (file): YAML syntax error: found undefined alias",
    ),
    case(
        "syntax-two-documents",
        put(THEME, GOOD_THEME + "---\nid: tema-b\n"),
        "data/themes/tema-a.yaml:3:1: (file): YAML syntax error: but found another document (expected a single document in the stream)",
    ),
    case(
        "syntax-control-character",
        put(THEME, 'id: tema-a\nname: {nb: "Fore\x07bygging", en: Prevention}\n'),
        "data/themes/tema-a.yaml:2:17: (file): YAML syntax error: unacceptable character #x0007: control characters are not allowed",
    ),
    case(
        "syntax-control-character-after-non-ascii",
        put(THEME, "id: tema-a\nname: {nb: Førebyggjing\x1b, en: Prevention}\n"),
        "data/themes/tema-a.yaml:2:24: (file): YAML syntax error: unacceptable character #x001b: control characters are not allowed",
    ),
    # --- tabs ------------------------------------------------------------------------------
    case(
        "tab-indentation",
        put(THEME, "id: tema-a\nname:\n\tnb: A\n\ten: A\n"),
        "data/themes/tema-a.yaml:3:1: (file): tab used for indentation; indent with spaces",
    ),
    case(
        "tab-after-spaces",
        put(THEME, "id: tema-a\nname:\n  nb: A\n  \ten: A\n"),
        "data/themes/tema-a.yaml:4:3: (file): tab used for indentation; indent with spaces",
    ),
    # --- duplicate keys -----------------------------------------------------------------------
    case(
        "duplicate-key-top-level",
        sub(STUDY, "year: 2021", "year: 2021\nyear: 2020"),
        "data/studies/beta-2021.yaml:5:1: year: duplicate key 'year' (first defined on line 4)",
    ),
    case(
        "duplicate-key-nested-block",
        sub(STUDY, "  overall: moderate", "  overall: moderate\n  overall: serious"),
        "data/studies/beta-2021.yaml:14:3: appraisal.overall: duplicate key 'overall' (first defined on line 13)",
    ),
    case(
        "duplicate-key-nested-flow",
        sub(THEME, "{nb: Forebygging, en: Prevention}", "{nb: Forebygging, en: Prevention, nb: Tiltak}"),
        "data/themes/tema-a.yaml:2:41: name.nb: duplicate key 'nb' (first defined on line 2)",
    ),
    case(
        "merge-key",
        put(THEME, "id: tema-a\nname:\n  <<: {nb: A}\n  en: A\n"),
        "data/themes/tema-a.yaml:3:3: name: YAML merge keys ('<<') are not allowed: write each field out",
    ),
    # --- YAML 1.1 booleans ------------------------------------------------------------------
    case(
        "no-as-country",
        sub(STUDY, "country: nor", "country: no"),
        'data/studies/beta-2021.yaml:7:1: country: YAML reads an unquoted no as the boolean false; write it in quotes ("no") if you mean the text',
    ),
    case(
        "no-as-bokmal-text",
        sub(THEME, "nb: Forebygging", "nb: no"),
        'data/themes/tema-a.yaml:2:8: name.nb: YAML reads an unquoted no as the boolean false; write it in quotes ("no") if you mean the text',
    ),
    case(
        "No-as-english-text",
        sub(THEME, "en: Prevention", "en: No"),
        'data/themes/tema-a.yaml:2:25: name.en: YAML reads an unquoted No as the boolean false; write it in quotes ("No") if you mean the text',
    ),
    case(
        "no-as-matrix-value",
        sub(ROW, "komp: partly", "komp: no"),
        'data/assessments/demo-2025-tiltak-beta-2021.yaml:4:10: values.komp: YAML reads an unquoted no as the boolean false; write it in quotes ("no") if you mean the text',
    ),
    case(
        "yes-as-matrix-value",
        sub(ROW, 'tidlig: "yes"', "tidlig: yes"),
        'data/assessments/demo-2025-tiltak-beta-2021.yaml:4:24: values.tidlig: YAML reads an unquoted yes as the boolean true; write it in quotes ("yes") if you mean the text',
    ),
    case(
        "no-as-appraisal-answer",
        sub(STUDY, 'reflexivity: "no"', "reflexivity: no"),
        'data/studies/beta-2021.yaml:15:107: appraisal.items.reflexivity: YAML reads an unquoted no as the boolean false; write it in quotes ("no") if you mean the text',
    ),
    case(
        "on-as-theme",
        sub(F1, "theme: tema-a", "theme: on"),
        'data/findings/demo-2025-f01.yaml:3:1: theme: YAML reads an unquoted on as the boolean true; write it in quotes ("on") if you mean the text',
    ),
    case(
        "off-as-confidence",
        sub(F1, "confidence: moderate", "confidence: Off"),
        'data/findings/demo-2025-f01.yaml:10:1: confidence: YAML reads an unquoted Off as the boolean false; write it in quotes ("Off") if you mean the text',
    ),
    # --- wrong types ----------------------------------------------------------------------------
    case(
        "int-for-text",
        sub(STUDY, "citation: Beta 2021", "citation: 2021"),
        'data/studies/beta-2021.yaml:2:1: citation: write it in quotes: "2021" (without quotes YAML reads it as a number)',
    ),
    case(
        "int-for-a-language",
        sub(THEME, "nb: Forebygging", "nb: 42"),
        'data/themes/tema-a.yaml:2:8: name.nb: write it in quotes: "42" (without quotes YAML reads it as a number)',
    ),
    case(
        "date-for-text",
        sub(THEME, "nb: Forebygging", "nb: 2025-01-10"),
        'data/themes/tema-a.yaml:2:8: name.nb: write it in quotes: "2025-01-10" (without quotes YAML reads it as a date)',
    ),
    case(
        "list-for-mapping",
        sub(THEME, "name: {nb: Forebygging, en: Prevention}", "name: [Forebygging, Prevention]"),
        "data/themes/tema-a.yaml:2:1: name: input should be a valid dictionary or instance of Text, got list ['Forebygging', 'Prevention']",
    ),
    case(
        "mapping-for-list",
        sub(F1, "studies: [beta-2021, gamma-2022]", "studies: {beta-2021: gamma-2022}"),
        "data/findings/demo-2025-f01.yaml:11:1: studies: input should be a valid list, got dict {'beta-2021': 'gamma-2022'}",
    ),
    case(
        "string-for-int",
        sub(F1, "number: 1", "number: one"),
        "data/findings/demo-2025-f01.yaml:2:1: number: write a whole number, got str 'one'",
    ),
    case(
        "float-year",
        sub(STUDY, "year: 2021", "year: 2021.5"),
        "data/studies/beta-2021.yaml:4:1: year: write a whole number, got float 2021.5",
    ),
    case(
        "number-below-minimum",
        sub(F1, "number: 1", "number: 0"),
        "data/findings/demo-2025-f01.yaml:2:1: number: input should be greater than or equal to 1",
    ),
    case(
        "impossible-date",
        sub(PUB, "date: 2025-06-15", "date: 2025-13-15"),
        "data/publications/demo-2025.yaml:11:7: date: cannot read value: month must be in 1..12",
    ),
    case(
        "integer-too-long",
        sub(STUDY, "year: 2021", "year: " + "9" * 5000),
        "data/studies/beta-2021.yaml:4:7: year: cannot read value: Exceeds the limit (4300 digits) for integer string conversion: value has 5000 digits",
    ),
    case(
        "empty-list",
        sub(F1, "studies: [beta-2021, gamma-2022]", "studies: []"),
        "data/findings/demo-2025-f01.yaml:11:1: studies: list should have at least 1 item after validation, not 0",
    ),
    # --- unknown fields --------------------------------------------------------------------------
    case(
        "unknown-field-top-level",
        sub(F1, "confidence: moderate", "confidence: moderate\nconfidance: high"),
        "data/findings/demo-2025-f01.yaml:11:1: confidance: unknown field 'confidance' (did you mean 'confidence'?)",
    ),
    case(
        "unknown-field-in-component",
        sub(F1, "coherence: {level: none-or-very-minor}", "coherence: {level: none-or-very-minor, levle: minor}"),
        "data/findings/demo-2025-f01.yaml:7:42: components.coherence.levle: unknown field 'levle' (did you mean 'level'?)",
    ),
    case(
        "unknown-language-in-text",
        sub(THEME, "en: Prevention}", "en: Prevention, fr: Prévention}"),
        "data/themes/tema-a.yaml:2:41: name.fr: unknown field 'fr' (allowed: nb, en, nb_origin, en_origin)",
    ),
    case(
        "unknown-field-deep-in-a-list",
        sub(
            PUB,
            '- {nb: "Skolefravær er et problem.", en: "Absence is a problem.", en_origin: source}',
            '- {nb: "Skolefravær er et problem.", en: "Absence is a problem.", en_orign: source}',
        ),
        "data/publications/demo-2025.yaml:23:73: summary[0].paragraphs[0].en_orign: unknown field 'en_orign' (did you mean 'en_origin'?)",
    ),
    case(
        "newline-in-a-key-cannot-forge-output-lines",
        put(THEME, GOOD_THEME + '"x\\n::error file=data/studies/alpha-2020.yaml::forged": 1\n'),
        "data/themes/tema-a.yaml:3:1: x\\n::error file=data/studies/alpha-2020.yaml::forged: unknown field "
        "'x\\n::error file=data/studies/alpha-2020.yaml::forged' (allowed: id, name, description, parent, number, code_counts, studies, topics)",
    ),
    case(
        "control-characters-in-a-value-are-escaped",
        sub(F1, "confidence: moderate", 'confidence: "high\\r\\n\\x1b[2J"'),
        "data/findings/demo-2025-f01.yaml:10:1: confidence: unknown confidence 'high\\r\\n\\x1b[2J' (allowed: high, moderate, low, very-low)",
    ),
    # --- vocabularies ----------------------------------------------------------------------------
    case(
        "unknown-confidence",
        sub(F1, "confidence: moderate", "confidence: medium"),
        "data/findings/demo-2025-f01.yaml:10:1: confidence: unknown confidence 'medium' (allowed: high, moderate, low, very-low)",
    ),
    case(
        "unknown-concern-level",
        sub(F1, "coherence: {level: none-or-very-minor}", "coherence: {level: none}"),
        "data/findings/demo-2025-f01.yaml:7:15: components.coherence.level: unknown concern 'none' (allowed: none-or-very-minor, minor, moderate, serious)",
    ),
    case(
        "unknown-design",
        sub(STUDY, "design: qualitative", "design: qualitativ"),
        "data/studies/beta-2021.yaml:6:1: design: unknown design 'qualitativ' (allowed: rct, rdd, non-randomised-controlled, pilot-controlled, cross-sectional, mixed-methods, qualitative)",
    ),
    case(
        "unknown-country",
        sub(STUDY, "country: nor", "country: norway"),
        "data/studies/beta-2021.yaml:7:1: country: unknown country 'norway' (allowed: nor, swe, dnk, gbr, fra, nld, usa, chl)",
    ),
    case(
        "unknown-matrix-value",
        sub(ROW, "komp: partly", "komp: maybe"),
        "data/assessments/demo-2025-tiltak-beta-2021.yaml:4:10: values.komp: unknown matrix-value 'maybe' (allowed: yes, partly, no)",
    ),
    case(
        "unknown-appraisal-answer",
        sub(STUDY, "sampling: partly", "sampling: perhaps"),
        "data/studies/beta-2021.yaml:15:27: appraisal.items.sampling: unknown appraisal-answer 'perhaps' (allowed: yes, yes-partly, partly-yes, partly, partly-no, no-partly, no, cant-tell)",
    ),
    # --- references ------------------------------------------------------------------------------
    case(
        "finding-to-missing-study",
        sub(F1, "studies: [beta-2021, gamma-2022]", "studies: [beta-2021, omega-2023]"),
        "data/findings/demo-2025-f01.yaml:11:22: studies[1]: unknown study 'omega-2023'",
    ),
    case(
        "finding-to-missing-theme",
        sub(F1, "theme: tema-a", "theme: tema-c"),
        "data/findings/demo-2025-f01.yaml:3:1: theme: unknown theme 'tema-c' (did you mean 'tema-b'?)",
    ),
    case(
        "publication-to-missing-finding",
        sub(PUB, "demo-2025-f03]", "demo-2025-f04]"),
        "data/publications/demo-2025.yaml:50:42: findings[2]: unknown finding 'demo-2025-f04' (did you mean 'demo-2025-f03'?)",
    ),
    case(
        "matrix-to-missing-assessment",
        sub(MATRIX, "demo-2025-tiltak-beta-2021]", "demo-2025-tiltak-gamma-2022]"),
        "data/matrices/demo-2025-matrise.yaml:4:37: rows[1]: unknown assessment 'demo-2025-tiltak-gamma-2022' (did you mean 'demo-2025-tiltak-alpha-2020'?)",
    ),
    case(
        "assessment-to-missing-study",
        sub(ROW, "study: beta-2021", "study: beta-2012"),
        "data/assessments/demo-2025-tiltak-beta-2021.yaml:2:1: study: unknown study 'beta-2012' (did you mean 'beta-2021'?)",
    ),
    case(
        "note-to-missing-target",
        sub(NOTE, '"publication:demo-2025"', '"publication:demo-2024"'),
        "data/notes/note-demo-count.yaml:2:14: applies_to[0]: unknown publication 'demo-2024' (did you mean 'demo-2025'?)",
    ),
    case(
        "note-target-without-kind",
        sub(NOTE, '"publication:demo-2025"', '"demo-2025"'),
        "data/notes/note-demo-count.yaml:2:14: applies_to[0]: 'demo-2025' must be 'kind:id' with kind one of: publication, theme, finding, study, characteristic, assessment, matrix, intervention, implication, case, quote, topic, term",
    ),
    case(
        "note-target-of-unknown-kind",
        sub(NOTE, '"publication:demo-2025"', '"report:demo-2025"'),
        "data/notes/note-demo-count.yaml:2:14: applies_to[0]: 'report:demo-2025' must be 'kind:id' with kind one of: publication, theme, finding, study, characteristic, assessment, matrix, intervention, implication, case, quote, topic, term",
    ),
    case(
        "study-cited-by-alias",
        sub(F1, "studies: [beta-2021, gamma-2022]", "studies: [beta-2021, Gamma G et al. 2022]"),
        "data/findings/demo-2025-f01.yaml:11:22: studies[1]: unknown study 'Gamma G et al. 2022' (did you mean 'gamma-2022'? 'Gamma G et al. 2022' is one of its aliases)",
    ),
    # --- ids ----------------------------------------------------------------------------------------
    case(
        "duplicate-id-in-a-subfolder",
        put("themes/more/tema-a.yaml", GOOD_THEME),
        "data/themes/tema-a.yaml:1:1: id: duplicate theme id 'tema-a' (first defined at data/themes/more/tema-a.yaml:1:1)",
    ),
    case(
        "id-is-not-the-file-name",
        put("themes/tema-c.yaml", "id: tema-d\nname: {nb: C, en: C}\n"),
        "data/themes/tema-c.yaml:1:1: id: id 'tema-d' does not match the file name 'tema-c.yaml' (expected id 'tema-c')",
    ),
    case(
        "id-not-changed-in-a-copied-file",
        put("themes/tema-c.yaml", GOOD_THEME),
        "data/themes/tema-c.yaml:1:1: id: id 'tema-a' does not match the file name 'tema-c.yaml' (expected id 'tema-c')",
    ),
    case(
        "id-renamed-in-a-referenced-file",
        sub("themes/tema-b.yaml", "id: tema-b", "id: tema-bb"),
        "data/themes/tema-b.yaml:1:1: id: id 'tema-bb' does not match the file name 'tema-b.yaml' (expected id 'tema-b')",
    ),
    case(
        "id-with-capitals",
        put("themes/Tema-C.yaml", "id: Tema-C\nname: {nb: C, en: C}\n"),
        "data/themes/Tema-C.yaml:1:1: id: id 'Tema-C' must be lower-case letters, digits and single hyphens",
    ),
    # --- texts ---------------------------------------------------------------------------------------
    case("empty-text", sub(THEME, "nb: Forebygging", "nb: ''"), "data/themes/tema-a.yaml:2:8: name.nb: text is empty"),
    case("blank-text", sub(THEME, "nb: Forebygging", "nb: '   '"), "data/themes/tema-a.yaml:2:8: name.nb: text is empty"),
    case(
        "empty-required-string",
        sub(STUDY, "citation: Beta 2021", "citation: ''"),
        "data/studies/beta-2021.yaml:2:1: citation: text is empty",
    ),
    case(
        "text-with-no-language",
        sub(THEME, "{nb: Forebygging, en: Prevention}", "{nb_origin: editorial}"),
        "data/themes/tema-a.yaml:2:1: name: value error, text has neither 'nb' nor 'en'",
    ),
    case(
        "null-text",
        sub(THEME, "{nb: Forebygging, en: Prevention}", "~"),
        "data/themes/tema-a.yaml:2:1: name: fill this in, or remove the line",
    ),
    # --- whole files -----------------------------------------------------------------------------------
    case(
        "not-utf8",
        put(THEME, b"id: tema-a\nname: {nb: Forebygging \xff, en: Prevention}\n"),
        "data/themes/tema-a.yaml:2:24: (file): file is not valid UTF-8 (byte 0xff); save it as UTF-8",
    ),
    case(
        "utf16",
        put(THEME, GOOD_THEME.encode("utf-16")),
        "data/themes/tema-a.yaml:1:1: (file): file is not valid UTF-8 (byte 0xff); save it as UTF-8",
    ),
    case(
        "huge-file",
        put("studies/huge-2024.yaml", "id: huge-2024\ncitation: " + "x" * 1_000_000 + "\n"),
        "data/studies/huge-2024.yaml:1:1: (file): file is 1,000,025 bytes; one entity per file must stay under 1,000,000 bytes",
    ),
    case("empty-file", put(THEME, ""), "data/themes/tema-a.yaml:1:1: (file): file is empty"),
    case("only-comments", put(THEME, "# todo\n\n# later\n"), "data/themes/tema-a.yaml:1:1: (file): file is empty"),
    case(
        "a-list-not-a-mapping",
        put(THEME, "- id: tema-a\n- name: {nb: A, en: A}\n"),
        "data/themes/tema-a.yaml:1:1: (file): a theme file must be a mapping of fields, got list",
    ),
    case(
        "a-plain-string",
        put(THEME, "tema-a\n"),
        "data/themes/tema-a.yaml:1:1: (file): a theme file must be a mapping of fields, got str",
    ),
    case(
        "symlink-outside-the-project",
        symlink("themes/tema-c.yaml", outside_file),
        "data/themes/tema-c.yaml:1:1: (file): symbolic link points outside the project: {outside}",
    ),
    case(
        "symlink-loop",
        both(
            symlink("themes/tema-c.yaml", lambda p: p.data_dir / "themes" / "tema-d.yaml"),
            symlink("themes/tema-d.yaml", lambda p: p.data_dir / "themes" / "tema-c.yaml"),
        ),
        "data/themes/tema-c.yaml:1:1: (file): cannot read file: symbolic link loop",
        "data/themes/tema-d.yaml:1:1: (file): cannot read file: symbolic link loop",
    ),
    case(
        "dangling-symlink",
        symlink("themes/tema-c.yaml", lambda p: p.data_dir / "themes" / "gone.yaml"),
        "data/themes/tema-c.yaml:1:1: (file): cannot read file: No such file or directory",
    ),
    # --- YAML features we refuse ---------------------------------------------------------------------
    case(
        "alias",
        put(THEME, "id: tema-a\nname: &navn {nb: A, en: A}\ndescription: *navn\n"),
        "data/themes/tema-a.yaml:3:1: description: YAML aliases ('*name') are not allowed: write the value out",
    ),
    case(
        "recursive-alias",
        put(THEME, "id: tema-a\nname: {nb: A, en: A}\ndescription: &d {nb: *d}\n"),
        "data/themes/tema-a.yaml:3:18: description.nb: YAML aliases ('*name') are not allowed: write the value out",
    ),
    case(
        "python-tag",
        put(THEME, "id: tema-a\nname: !!python/object/apply:os.system [echo]\n"),
        "data/themes/tema-a.yaml:2:7: name: cannot read value: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    case(
        "nesting-too-deep",
        put(THEME, GOOD_THEME + "description: " + "[" * 60 + "]" * 60 + "\n"),
        "data/themes/tema-a.yaml:3:1: description: input should be a valid dictionary or instance of Text, got list "
        + "[" * 50
        + "None"
        + "]" * 50,
        "data/themes/tema-a.yaml:3:64: description" + "[0]" * 50 + ": nested more than 50 levels deep",
    ),
    case(
        "nesting-deep-enough-to-crash-libyaml",
        put(THEME, GOOD_THEME + "description: " + "[" * 300_000 + "]" * 300_000 + "\n"),
        "data/themes/tema-a.yaml:3:64: (file): nested more than 50 levels deep",
    ),
    # --- cross-file rules ---------------------------------------------------------------------------------
    case(
        "duplicate-finding-number",
        sub("findings/demo-2025-f03.yaml", "number: 3", "number: 1"),
        "data/findings/demo-2025-f03.yaml:2:1: number: number 1 is already used by finding 'demo-2025-f01' in publication 'demo-2025'",
    ),
    case(
        "finding-in-two-publications",
        second_publication("demo-2025-f01"),
        "data/publications/demo-2026.yaml:50:12: findings[0]: finding 'demo-2025-f01' already belongs to publication 'demo-2025'",
    ),
    case(
        "matrix-row-missing-a-column",
        sub(ROW, 'values: {komp: partly, tidlig: "yes"}', "values: {komp: partly}"),
        "data/assessments/demo-2025-tiltak-beta-2021.yaml:4:1: values: no value for characteristic 'tidlig' (a column of matrix 'demo-2025-matrise')",
    ),
    case(
        "study-twice-in-one-finding",
        sub(F1, "studies: [beta-2021, gamma-2022]", "studies: [beta-2021, gamma-2022, beta-2021]"),
        "data/findings/demo-2025-f01.yaml:11:34: studies[2]: study 'beta-2021' is listed twice",
    ),
    case(
        "finding-twice-in-one-publication",
        sub(PUB, "findings: [demo-2025-f01,", "findings: [demo-2025-f01, demo-2025-f01,"),
        "data/publications/demo-2025.yaml:50:27: findings[1]: finding 'demo-2025-f01' is listed twice",
    ),
    # --- issue 6: the new kinds and fields --------------------------------------------------
    case(
        "finding-components-without-confidence",
        both(whole_kb, sub(F1, "confidence: moderate", "")),
        "data/findings/demo-2025-f01.yaml:1:1: confidence: a finding with CERQual 'components' needs its overall 'confidence'",
    ),
    case(
        "study-country-and-countries",
        both(whole_kb, sub("studies/gamma-2022.yaml", "country: swe", "country: swe\ncountries: [nor]")),
        "data/studies/gamma-2022.yaml:1:1: (file): value error, give either 'country' or 'countries', not both",
    ),
    case(
        "study-without-country",
        both(whole_kb, sub("studies/gamma-2022.yaml", "country: swe", "")),
        "data/studies/gamma-2022.yaml:1:1: (file): value error, give 'country' (one) or 'countries' (several; may be ['not-reported'])",
    ),
    case(
        "study-unknown-sector",
        both(whole_kb, sub("studies/delta-2019.yaml", "sectors: [health, education]", "sectors: [health, skole]")),
        "data/studies/delta-2019.yaml:8:19: sectors[1]: unknown sector 'skole' (allowed: health, labour-welfare, employer, social-services, education, child-welfare, family, voluntary, community)",
    ),
    case(
        "effect-unknown-direction",
        both(whole_kb, sub("studies/delta-2019.yaml", "direction: positive", "direction: up")),
        "data/studies/delta-2019.yaml:13:35: effects[0].direction: unknown effect-direction 'up' (allowed: positive, positive-uncontrolled, mixed, no-effect, negative, descriptive)",
    ),
    case(
        "effect-reading-not-allowed",
        both(whole_kb, sub("studies/delta-2019.yaml", "reading: authors", "reading: mine")),
        "data/studies/delta-2019.yaml:13:56: effects[0].reading: input should be 'authors' or 'editorial', got 'mine'",
    ),
    case(
        "theme-own-parent",
        both(whole_kb, sub("themes/oppgave-under-1.yaml", "parent: oppgave-hoved", "parent: oppgave-under-1")),
        "data/themes/oppgave-under-1.yaml:3:1: parent: theme cycle: oppgave-under-1 -> oppgave-under-1 (following 'parent' must come to an end)",
    ),
    case(
        "theme-unknown-informant-group",
        both(whole_kb, sub("themes/oppgave-under-1.yaml", "parents: 12", "pupils: 12")),
        "data/themes/oppgave-under-1.yaml:4:15: code_counts.pupils: unknown informant-group 'pupils' (allowed: parents, teachers)",
    ),
    case(
        "implication-unknown-finding",
        both(whole_kb, sub("implications/demo-thesis-2022-i01.yaml", "demo-2025-f01]", "demo-2025-f99]")),
        "data/implications/demo-thesis-2022-i01.yaml:7:34: findings[1]: unknown finding 'demo-2025-f99' (did you mean 'demo-2025-f03'?)",
    ),
    case(
        "implication-without-audience",
        both(whole_kb, sub("implications/demo-thesis-2022-i02.yaml", "audiences: [researchers]", "audiences: []")),
        "data/implications/demo-thesis-2022-i02.yaml:4:1: audiences: list should have at least 1 item after validation, not 0",
    ),
    case(
        "implication-unknown-audience",
        both(whole_kb, sub("implications/demo-thesis-2022-i02.yaml", "audiences: [researchers]", "audiences: [parents]")),
        "data/implications/demo-thesis-2022-i02.yaml:4:13: audiences[0]: unknown audience 'parents' (allowed: school-leaders, teachers, municipal-services, school-owners, policy-makers, researchers)",
    ),
    case(
        "chart-values-per-category",
        both(whole_kb, sub("publications/demo-thesis-2022.yaml", "values: [69, 21]", "values: [69]")),
        "data/publications/demo-thesis-2022.yaml:26:5: charts[0]: value error, every series needs 2 values, one per category",
    ),
    case(
        "publication-same-as-unknown-study",
        both(whole_kb, sub("publications/demo-thesis-2022.yaml", "same_as_study: gamma-2022", "same_as_study: gama-2022")),
        "data/publications/demo-thesis-2022.yaml:10:1: same_as_study: unknown study 'gama-2022' (did you mean 'gamma-2022'?)",
    ),
    case(
        "topic-unknown",
        both(whole_kb, sub("cases/demo-case.yaml", "topics: [tidlig]", "topics: [tidlig-innsats]")),
        "data/cases/demo-case.yaml:8:10: topics[0]: unknown topic 'tidlig-innsats'",
    ),
    case(
        "intervention-unknown-evidence",
        both(whole_kb, sub("interventions/demo-team.yaml", "evidence: promising", "evidence: strong")),
        "data/interventions/demo-team.yaml:6:1: evidence: unknown evidence-status 'strong' (allowed: documented-effect, promising, mixed, no-effect, not-evaluated, ongoing)",
    ),
    case(
        "study-unknown-intervention",
        both(whole_kb, sub("studies/delta-2019.yaml", "interventions: [demo-team]", "interventions: [demo-teams]")),
        "data/studies/delta-2019.yaml:9:17: interventions[0]: unknown intervention 'demo-teams' (did you mean 'demo-team'?)",
    ),
    case(
        "case-in-two-publications",
        both(whole_kb, sub(PUB, "themes: [", "cases: [demo-case]\nthemes: [")),
        "data/publications/demo-thesis-2022.yaml:45:9: cases[0]: case 'demo-case' already belongs to publication 'demo-2025'",
    ),
    case(
        "finding-unknown-type",
        both(whole_kb, sub("findings/demo-thesis-2022-f01.yaml", "finding_type: qualitative-finding", "finding_type: interview")),
        "data/findings/demo-thesis-2022-f01.yaml:3:1: finding_type: unknown finding-type 'interview' (allowed: review-finding, facilitator, barrier, result, qualitative-finding, conclusion)",
    ),
    # --- issue 14: quotes ----------------------------------------------------------------------
    case(
        "quote-finding-of-another-publication",
        both(whole_kb, sub(QUOTE, "findings: [demo-thesis-2022-f01]", "findings: [demo-thesis-2022-f01, demo-2025-f01]")),
        "data/quotes/demo-thesis-2022-q01.yaml:5:34: findings[1]: finding 'demo-2025-f01' belongs to publication 'demo-2025', not 'demo-thesis-2022'",
    ),
    case(
        "quote-theme-of-another-publication",
        both(whole_kb, sub(QUOTE, "themes: [oppgave-under-1]", "themes: [tema-a]")),
        "data/quotes/demo-thesis-2022-q01.yaml:6:10: themes[0]: theme 'tema-a' belongs to publication 'demo-2025', not 'demo-thesis-2022'",
    ),
    case(
        "quote-illustrates-nothing",
        both(whole_kb, sub(QUOTE, "findings: [demo-thesis-2022-f01]\nthemes: [oppgave-under-1]\n", "")),
        "data/quotes/demo-thesis-2022-q01.yaml:1:1: (file): value error, a quote illustrates a finding or a theme: give 'findings' or 'themes' (at least one)",
    ),
    case(
        "quote-unknown-informant-group",
        both(whole_kb, sub(QUOTE, "informant: parents", "informant: pupils")),
        "data/quotes/demo-thesis-2022-q01.yaml:3:1: informant: unknown informant-group 'pupils' (allowed: parents, teachers)",
    ),
    case(
        "quote-with-a-phone-number",
        both(whole_kb, sub(QUOTE, "ble alt lettere.", "ble alt lettere. Ring meg på +47 22 33 44 55.")),
        "data/quotes/demo-thesis-2022-q01.yaml:2:8: text.nb: a quote carries no personal data: a phone number ('+47 22 33 44 55'); remove it from the quotation",
    ),
    case(
        "quote-with-an-e-mail-address-and-a-web-address",
        both(whole_kb, sub(QUOTE, "everything got easier.", "everything got easier (name@host.no, www.host.no/me).")),
        "data/quotes/demo-thesis-2022-q01.yaml:2:48: text.en: a quote carries no personal data: a web address ('www.host.no/me'); remove it from the quotation",
        "data/quotes/demo-thesis-2022-q01.yaml:2:48: text.en: a quote carries no personal data: an e-mail address ('name@host.no'); remove it from the quotation",
    ),
]


@pytest.mark.parametrize(("breakage", "expected"), CASES)
def test_broken_data_is_reported_with_its_location(
    fixture_project: Project, capsys: pytest.CaptureFixture[str], breakage: Breakage, expected: list[str]
) -> None:
    # `check` keeps what it loaded (pipeline/modelcache.py): the files the breakage leaves alone come
    # from the cache of the intact fixture, and the last check takes every file from the cache.
    assert check(fixture_project, capsys)[0] == 0
    breakage(fixture_project)
    status, lines = check(fixture_project, capsys)
    outside = (fixture_project.root.parent / "outside.yaml").resolve()
    assert status == 1
    assert errors(lines) == [line.replace("{outside}", str(outside)) for line in expected], "\n".join(lines)
    assert lines[-1].startswith(f"{len(expected)} error(s), ")
    assert check(fixture_project, capsys) == (status, lines)


def test_there_are_at_least_forty_cases() -> None:
    assert len(CASES) >= 40


def test_a_publication_listing_itself_as_a_study(fixture_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    """A publication's id where a study id belongs is an unknown study, not a loop. (The fields that
    refer to their own kind, and can loop, are `kinds.chains()`: see tests/test_index.py.)"""
    sub(PUB, "studies: [alpha-2020, beta-2021, gamma-2022]", "studies: [alpha-2020, beta-2021, gamma-2022, demo-2025]")(
        fixture_project
    )
    status, lines = check(fixture_project, capsys)
    assert status == 1
    assert errors(lines) == ["data/publications/demo-2025.yaml:51:46: studies[3]: unknown study 'demo-2025'"]


ACCEPTED = [
    pytest.param(put(THEME, "\ufeff" + GOOD_THEME), id="byte-order-mark"),
    pytest.param(put(THEME, GOOD_THEME.replace("\n", "\r\n")), id="windows-line-endings"),
    pytest.param(put("themes/tema-a.yaml~", "broken: [\n"), id="editor-backup-is-ignored"),
    pytest.param(lambda p: (p.data_dir / "themes" / "folder.yaml").mkdir(), id="folder-named-yaml-is-ignored"),
    pytest.param(put("themes/tema-c.yml", "id: tema-c\nname: {nb: C, en: C}\n"), id="yml-extension-is-read"),
    pytest.param(put(THEME, "id: tema-a\nname: {nb: 'no', en: \"No\"}\n"), id="quoted-no-is-text"),
]


@pytest.mark.parametrize("change", ACCEPTED)
def test_harmless_variations_are_accepted(fixture_project: Project, capsys: pytest.CaptureFixture[str], change: Breakage) -> None:
    change(fixture_project)
    status, lines = check(fixture_project, capsys)
    assert status == 0, "\n".join(lines)
    assert errors(lines) == []


def test_a_yml_file_is_validated_like_a_yaml_file(fixture_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    put("themes/tema-c.yml", "id: tema-c\nname: {nb: C, en: C}\ncolour: red\n")(fixture_project)
    status, lines = check(fixture_project, capsys)
    assert status == 1
    assert errors(lines) == [
        "data/themes/tema-c.yml:3:1: colour: unknown field 'colour' (allowed: id, name, description, parent, number, code_counts, studies, topics)"
    ]


def test_every_problem_of_several_files_in_one_run(fixture_project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    put(THEME, "id: tema-a\nname:\n\tnb: A\n")(fixture_project)
    sub(STUDY, "country: nor", "country: no")(fixture_project)
    sub(F1, "confidence: moderate", "confidence: medium")(fixture_project)
    status, lines = check(fixture_project, capsys)
    assert status == 1
    assert errors(lines) == [
        "data/findings/demo-2025-f01.yaml:10:1: confidence: unknown confidence 'medium' (allowed: high, moderate, low, very-low)",
        'data/studies/beta-2021.yaml:7:1: country: YAML reads an unquoted no as the boolean false; write it in quotes ("no") if you mean the text',
        "data/themes/tema-a.yaml:3:1: (file): tab used for indentation; indent with spaces",
    ]
    assert lines[-1].startswith("3 error(s), ")


@pytest.mark.skipif(os.name == "nt", reason="symbolic links need privileges on Windows")
def test_symlink_inside_data_to_another_data_file_is_a_duplicate(
    fixture_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    symlink("themes/more.yaml", lambda p: p.data_dir / "themes" / "tema-a.yaml")(fixture_project)
    status, lines = check(fixture_project, capsys)
    assert status == 1
    assert errors(lines) == [
        "data/themes/more.yaml:1:1: id: id 'tema-a' does not match the file name 'more.yaml' (expected id 'more')"
    ]


def test_a_forged_workflow_command_stays_inside_its_annotation(
    fixture_project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --github every problem is one `::error`/`::warning` command; data cannot add another."""
    put(THEME, GOOD_THEME + '"x\\n::error file=data/studies/alpha-2020.yaml::forged": 1\n')(fixture_project)
    assert main(["--root", str(fixture_project.root), "check", "--github"]) == 1
    commands = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::")]
    assert commands == [
        (
            "::error file=data/themes/tema-a.yaml,line=3,col=1::x%0A::error file=data/studies/alpha-2020.yaml::forged: "
            "unknown field 'x%0A::error file=data/studies/alpha-2020.yaml::forged' (allowed: id, name, description, parent, number, code_counts, studies, topics)"
        ),
        "::warning file=data/findings/demo-2025-f02.yaml,line=4,col=1::statement: missing English (en) text",
    ]
