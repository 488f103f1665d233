import ast
import datetime as dt
import typing
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

from generator.model import i18n
from generator.model.errors import DataError
from generator.model.i18n import load_ui_strings, month_year, number, resolve, ui, ui_problems, ui_strings
from generator.model.models import Effect, Prisma, Text
from generator.model.settings import LANGUAGES, Project
from generator.pipeline.build import check
from generator.present.presenter import prisma_rows, reading_label

from .conftest import write

GENERATOR = Path(i18n.__file__).parent.parent


def test_ui_strings_exist_in_both_languages() -> None:
    assert all(set(texts) == set(LANGUAGES) for texts in ui_strings().values())
    assert all(value.strip() for texts in ui_strings().values() for value in texts.values())


def test_the_shipped_ui_strings_have_no_problems() -> None:
    assert [str(p) for p in ui_problems().problems] == []


def test_locale_formatting_through_babel() -> None:
    assert month_year(dt.date(2025, 6, 1), "nb") == "juni 2025"
    assert month_year(dt.date(2025, 6, 1), "en") == "June 2025"
    assert number(2.2, "nb") == "2,2"
    assert number(14903, "nb") == "14\xa0903"
    assert number(14903, "en") == "14,903"


def test_fallback_is_marked_never_silent() -> None:
    shown = resolve(Text(nb="Bare norsk"), "en")
    assert (shown.text, shown.lang, shown.fallback) == ("Bare norsk", "nb", True)
    assert resolve(Text(nb="a", en="b"), "en").fallback is False


def test_origin_of_english() -> None:
    assert resolve(Text(nb="a", en="b"), "en").editorial is True
    assert resolve(Text(nb="a", en="b", en_origin="source"), "en").editorial is False


# --- the strings file is validated like a data file ------------------------------------------


def _problems(tmp_path: Path, text: str) -> tuple[i18n.UiStrings, list[str]]:
    path = write(tmp_path / "generator" / "model" / "ui.yaml", text)
    strings, report = load_ui_strings(path, tmp_path)
    return strings, [str(p) for p in report.problems]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("home:\n  nb: Hjem\n", "1:1: home.en: required field is missing: every UI string is written in every language"),
        ('home:\n  nb: Hjem\n  en: ""\n', "3:3: home.en: text is empty: write the string in this language"),
        ('home:\n  nb: "  "\n  en: Home\n', "2:3: home.nb: text is empty: write the string in this language"),
        ("home:\n  nb: Hjem\n  en:\n", "3:3: home.en: text is empty: write the string in this language"),
        (
            'count:\n  nb: "{n} funn"\n  en: "{count} findings"\n',
            "1:1: count: the languages must have the same placeholders: nb has {n}; en has {count}",
        ),
        (
            'count:\n  nb: "{n} av {total}"\n  en: "{n} findings"\n',
            "1:1: count: the languages must have the same placeholders: nb has {n}, {total}; en has {n}",
        ),
        (
            'count:\n  nb: "funn"\n  en: "{n} findings"\n',
            "1:1: count: the languages must have the same placeholders: nb has none; en has {n}",
        ),
        (
            'brace:\n  nb: "a } b"\n  en: "a b"\n',
            "2:3: brace.nb: a brace that is not a placeholder such as {n} (Single '}' encountered in format string): "
            "UI strings use braces only for placeholders",
        ),
        (
            '"no":\n  nb: Nei\n  en: No\n',
            '3:3: no.en: YAML reads an unquoted No as the boolean false; write it in quotes ("No")',
        ),
        ("version:\n  nb: Versjon\n  en: 2\n", '3:3: version.en: write text in quotes, e.g. "2" (got int 2)'),
        ("list:\n  nb: [a]\n  en: b\n", "2:3: list.nb: write the text as one string, got list"),
        ("home:\n  nb: Hjem\n  en: Home\n  de: Heim\n", "4:3: home.de: unknown language 'de' (allowed: nb, en)"),
        ("Home:\n  nb: Hjem\n  en: Home\n", "1:1: Home: key 'Home' must be lower-case letters, digits and underscores"),
        ("home-page:\n  nb: Hjem\n  en: Home\n", "1:1: home-page: key 'home-page' must be lower-case letters"),
        ("home: Hjem\n", "1:1: home: write the text in each language beneath the key (nb, en), got str 'Hjem'"),
        ("home:\n", "1:1: home: write the text in each language beneath the key (nb, en), got nothing"),
        ("- home\n", "1:1: (file): write one key per UI string, with its text in each language beneath it"),
        ("home:\n\tnb: Hjem\n", "2:1: (file): tab used for indentation; indent with spaces"),
    ],
)
def test_a_broken_strings_file_is_a_located_problem(tmp_path: Path, text: str, problem: str) -> None:
    strings, problems = _problems(tmp_path, text)
    assert any(p.startswith(f"generator/model/ui.yaml:{problem}") for p in problems), problems
    assert len(problems) == 1, problems
    assert strings == {}


def test_a_key_is_declared_once(tmp_path: Path) -> None:
    strings, problems = _problems(tmp_path, "home:\n  nb: a\n  en: b\nhome:\n  nb: c\n  en: d\n")
    assert problems == ["generator/model/ui.yaml:4:1: home: duplicate key 'home' (first defined on line 1)"]
    assert strings == {"home": {"nb": "a", "en": "b"}}


def test_every_problem_of_the_strings_file_in_one_pass(tmp_path: Path) -> None:
    strings, problems = _problems(
        tmp_path,
        'home:\n  nb: Hjem\n  en: Home\nbad:\n  nb: ""\n  en: Bad\nworse:\n  nb: "{n} funn"\n  en: findings\n',
    )
    assert [p.split(":")[1] for p in problems] == ["5", "7"]
    assert strings == {"home": {"nb": "Hjem", "en": "Home"}}


@pytest.fixture
def shipped_strings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Callable[[str], None]]:
    """Replace the generator's strings file for one test (both caches are emptied before and after)."""

    def use(text: str) -> None:
        monkeypatch.setattr(i18n, "UI_FILE", write(tmp_path / "generator" / "model" / "ui.yaml", text))
        i18n._shipped_ui_strings.cache_clear()
        i18n.ui_strings.cache_clear()

    yield use
    i18n._shipped_ui_strings.cache_clear()
    i18n.ui_strings.cache_clear()


def test_check_reports_a_broken_strings_file_and_nothing_renders(
    fixture_project: Project, shipped_strings: Callable[[str], None]
) -> None:
    shipped_strings('home:\n  nb: Hjem\n  en: ""\n')
    index, report = check(fixture_project)
    assert index is None
    assert "generator/model/ui.yaml:3:3: home.en: text is empty: write the string in this language" in [
        str(p) for p in report.problems
    ]
    with pytest.raises(DataError):
        ui("home", "nb")


def test_an_undeclared_key_names_the_strings_file() -> None:
    with pytest.raises(KeyError, match="no UI string 'no_such_key' in nb: declare it in ui.yaml"):
        ui("no_such_key", "nb")


# --- every key is used, and every key used is declared ----------------------------------------


def _template_uses() -> tuple[set[str], list[str]]:
    """Keys named by `v.ui('key')` / `p.ui('key')` in the templates, and the calls that name no literal key."""
    env = jinja2.Environment()
    used: set[str] = set()
    dynamic: list[str] = []
    for path in sorted((GENERATOR / "templates").rglob("*.j2")):
        for call in env.parse(path.read_text(encoding="utf-8")).find_all(nodes.Call):
            callee = call.node
            name = callee.attr if isinstance(callee, nodes.Getattr) else getattr(callee, "name", None)
            if name != "ui":
                continue
            key = call.args[0] if call.args else None
            if isinstance(key, nodes.Const) and isinstance(key.value, str):
                used.add(key.value)
            else:
                dynamic.append(f"{path.relative_to(GENERATOR)}:{call.lineno}")
    return used, dynamic


def _literal_keys(expression: ast.expr) -> list[str] | None:
    """The keys an expression can be: a string literal, or either branch of `a if c else b`."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return [expression.value]
    if isinstance(expression, ast.IfExp):
        body, orelse = _literal_keys(expression.body), _literal_keys(expression.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


SECTION_DECLARATIONS = {"Section": 2, "OwnChapters": 2, "_page": 2}
"""Calls in sections.py that declare a section's title or sidebar key, and the position of the key."""


def _section_keys(tree: ast.Module) -> tuple[set[str], list[str]]:
    """The title and sidebar keys sections.py declares: string literals, or a function of its own
    (`findings_title_key`) whose every return is a literal."""
    returns = {
        f.name: [_literal_keys(r.value) if r.value else None for r in ast.walk(f) if isinstance(r, ast.Return)]
        for f in tree.body
        if isinstance(f, ast.FunctionDef)
    }
    used: set[str] = set()
    dynamic: list[str] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        position = SECTION_DECLARATIONS.get(node.func.id)
        if position is None or len(node.args) <= position:
            continue
        key = node.args[position]
        keys = _literal_keys(key)
        if keys is None and isinstance(key, ast.Name) and returns.get(key.id):
            found = returns[key.id]
            keys = None if any(k is None for k in found) else [k for ks in found for k in ks or []]
        if keys is None:
            dynamic.append(f"sections.py:{node.lineno}: {ast.unparse(key)}")
        else:
            used.update(keys)
    return used, dynamic


def _forwards(function: ast.FunctionDef | None, key: ast.expr) -> bool:
    """A call that only passes a key on: the `ui` method of a view (its own parameter), a page's
    `nav_key` (every `nav_key=` is checked to be literal where the page is declared), or a section's
    title (`Section.title`, `Chapter.title_key`: declared literally in sections.py, see `_section_keys`)."""
    if isinstance(key, ast.Attribute) and key.attr in ("nav_key", "title_key"):
        return True
    if isinstance(key, ast.BoolOp) and isinstance(key.values[0], ast.Attribute) and key.values[0].attr == "title_key":
        return True
    if isinstance(key, ast.Call) and isinstance(key.func, ast.Attribute) and key.func.attr == "title":
        return True
    if function is not None and function.name == "pages" and isinstance(key, ast.Name):
        return True  # sections._page's inner function: its nav_key is checked where _page is called
    return (
        function is not None
        and function.name == "ui"
        and isinstance(key, ast.Name)
        and key.id in {a.arg for a in function.args.args}
    )


def _python_uses() -> tuple[set[str], list[str]]:
    """Keys named by `ui("key", lang)` calls and `nav_key="key"` in the generator's modules, and the
    uses that name no literal key."""
    used: set[str] = set()
    dynamic: list[str] = []
    for path in sorted(GENERATOR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.name == "sections.py":
            section_used, section_dynamic = _section_keys(tree)
            used |= section_used
            dynamic += section_dynamic
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        enclosing = {id(child): f for f in functions for child in ast.walk(f)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                callee = node.func
                name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", None)
                if name != "ui" or not node.args:
                    continue
                key = node.args[0]
                if _forwards(enclosing.get(id(node)), key):
                    continue
            elif isinstance(node, ast.keyword) and node.arg == "nav_key":
                key = node.value
                if _forwards(enclosing.get(id(node)), key):
                    continue
            else:
                continue
            keys = _literal_keys(key)
            if keys is None:
                dynamic.append(f"{path.relative_to(GENERATOR)}:{node.lineno}: {ast.unparse(key)}")
            else:
                used.update(keys)
    return used, dynamic


Scan = tuple[set[str], list[str]]
"""The keys a scan found named literally, and the uses that name none."""


@pytest.fixture(scope="module")
def uses() -> tuple[Scan, Scan]:
    """The generator's templates and modules scanned once for the module: (templates, Python)."""
    return _template_uses(), _python_uses()


def test_every_ui_key_is_named_literally(uses: tuple[Scan, Scan]) -> None:
    """Otherwise no test could tell which keys are used: a key built from pieces ('count_' ~ kind)
    is declared once as a literal instead (a list of (value, label) pairs, or a function in Python)."""
    templates, python = uses
    assert templates[1] == []
    assert python[1] == []


def test_every_declared_ui_key_is_used_and_every_used_key_declared(uses: tuple[Scan, Scan]) -> None:
    templates, python = uses
    used = templates[0] | python[0]
    declared = set(ui_strings())
    assert sorted(used - declared) == [], "used but not declared in generator/model/ui.yaml"
    assert sorted(declared - used) == [], "declared in generator/model/ui.yaml but never used"


def test_the_scan_finds_keys_built_from_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan itself: a template or module naming a key dynamically is found, with its place."""
    write(tmp_path / "templates" / "t.md.j2", "{{ v.ui('count_' ~ key) }}\n{{ v.ui('home') }}\n")
    write(tmp_path / "m.py", "def f(kind, lang):\n    return ui(f'count_{kind}', lang), ui('overview', lang)\n")
    monkeypatch.setitem(globals(), "GENERATOR", tmp_path)
    assert _template_uses() == ({"home"}, ["templates/t.md.j2:1"])
    assert _python_uses() == ({"overview"}, ["m.py:2: f'count_{kind}'"])


# --- values mapped to UI keys -----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_prisma_count_has_its_own_label(lang: str) -> None:
    prisma = Prisma.model_validate(dict.fromkeys(Prisma.model_fields, 1))
    labels = [label for label, _ in prisma_rows(prisma, lang)]
    assert len(labels) == len(set(labels)) == len(Prisma.model_fields)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reading_of_an_effect_has_its_own_label(lang: str) -> None:
    readings = typing.get_args(Effect.model_fields["reading"].annotation)
    labels = {reading_label(reading, lang) for reading in readings}
    assert len(labels) == len(readings) >= 2
