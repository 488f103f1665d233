"""The generator's layers (generator/tools/layers.py) hold: every import of every module, those inside
functions and under `TYPE_CHECKING` included, goes to the same layer or a lower one, and no
modules import each other in a cycle."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.model.index import find_cycles
from generator.tools import layers

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
PACKAGE_NAME = "generator"


def module_name(path: Path, package_dir: Path) -> str:
    """'build' for generator/pipeline/build.py, 'sub.x' for generator/sub/x.py, 'sub' for generator/sub/__init__.py."""
    parts = list(path.relative_to(package_dir).with_suffix("").parts)
    if len(parts) > 1 and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, known: set[str], is_package: bool = False) -> set[str]:
    """The package's modules that `source` (the text of `module`) imports anywhere in its body.

    `from . import x` names module x when x is one; otherwise, like `from .x import y`, the module
    the names come from. Imports of other packages are not ours to judge."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()

    def add(dotted: str) -> None:
        parts = dotted.split(".")
        # `from .sub.x import y`: the deepest known module; `import generator`: the package itself.
        for end in range(len(parts), 0, -1):
            if ".".join(parts[:end]) in known:
                found.add(".".join(parts[:end]))
                return
        found.add("__init__")

    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == PACKAGE_NAME or alias.name.startswith(PACKAGE_NAME + "."):
                    add(alias.name.removeprefix(PACKAGE_NAME).removeprefix("."))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                rest = node.module or ""
            elif node.module and (node.module == PACKAGE_NAME or node.module.startswith(PACKAGE_NAME + ".")):
                base = []
                rest = node.module.removeprefix(PACKAGE_NAME).removeprefix(".")
            else:
                continue
            prefix = ".".join(base + ([rest] if rest else []))
            for alias in node.names:
                candidate = f"{prefix}.{alias.name}" if prefix else alias.name
                add(candidate if candidate in known else prefix)
    found.discard(module)
    return found


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    """Module -> the package's modules it imports."""
    paths = {module_name(p, package_dir): p for p in sorted(package_dir.rglob("*.py"))}
    known = set(paths)
    return {
        name: imported_modules(path.read_text(encoding="utf-8"), name, known, is_package=path.name == "__init__.py")
        for name, path in paths.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that import each other, as one path around it: ['build', 'pdf', 'build'].
    The same finder that names a loop of theme parents in the data."""
    return find_cycles({module: sorted(imported) for module, imported in graph.items()})


def layer_violations(graph: dict[str, set[str]], layer_of: Callable[[str], int | None] = layers.layer_of) -> list[str]:
    """Every import of a module from a higher layer, and every module in no layer."""
    problems = [
        f"{module}: in no layer (move it into a layer's subpackage, generator/tools/layers.py)"
        for module in sorted(graph)
        if layer_of(module) is None
    ]
    for module in sorted(graph):
        for target in sorted(graph[module]):
            low, high = layer_of(module), layer_of(target)
            if low is not None and high is not None and high > low:
                problems.append(
                    f"{module} ({layers.layer_name(low)}) imports {target} ({layers.layer_name(high)}), a higher layer"
                )
    return problems


# --- the generator itself ---------------------------------------------------------------------


def test_no_module_imports_another_in_a_cycle() -> None:
    found = cycles(import_graph(PACKAGE))
    assert not found, "import cycles: " + "; ".join(" -> ".join(c) for c in found)


def test_every_import_goes_to_the_same_layer_or_a_lower_one() -> None:
    problems = layer_violations(import_graph(PACKAGE))
    assert not problems, "\n".join(problems)


# --- the checks find what they are for ----------------------------------------------------------

KNOWN = {"__init__", "a", "b", "c", "sub", "sub.d"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from .b import thing", {"b"}),
        ("from . import b, c", {"b", "c"}),
        ("from . import not_a_module", {"__init__"}),
        ("def late():\n    from .b import thing\n", {"b"}),
        ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .c import Thing\n", {"c"}),
        ("import generator.b\nfrom generator import c\n", {"b", "c"}),
        ("from generator.sub.d import thing", {"sub.d"}),
        ("from .sub import d", {"sub.d"}),
        ("import os\nfrom pathlib import Path\nimport generatorx\n", set()),
        ("from .a import itself", set()),
    ],
)
def test_every_form_of_import_is_found(source: str, expected: set[str]) -> None:
    assert imported_modules(source, "a", KNOWN) == expected


def test_a_relative_import_in_a_subpackage_counts_from_that_subpackage() -> None:
    assert imported_modules("from . import x\nfrom .. import b\n", "sub.d", KNOWN | {"sub.x"}) == {"sub.x", "b"}


def test_a_cycle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "a.py").write_text("from .b import f\n")
    (tmp_path / "b.py").write_text("def f():\n    from .c import g\n    return g\n")
    (tmp_path / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .a import A\n")
    (tmp_path / "d.py").write_text("from . import a\n")
    assert cycles(import_graph(tmp_path)) == [["a", "b", "c", "a"]]


def test_an_upward_import_and_an_undeclared_module_are_reported() -> None:
    graph = {"model.low": {"web.high"}, "web.high": {"model.low"}, "stray": set(), "cli": {"web.high"}}
    assert layer_violations(graph) == [
        "stray: in no layer (move it into a layer's subpackage, generator/tools/layers.py)",
        "model.low (model) imports web.high (web), a higher layer",
    ]


def test_the_package_root_is_below_every_layer_and_the_command_line_above() -> None:
    assert layer_violations({"__init__": {"model.x"}, "model.x": set()}) == [
        "__init__ (package root) imports model.x (model), a higher layer"
    ]
    assert layer_violations({"tools.x": {"cli"}, "cli": {"tools.x"}}) == [
        "tools.x (tools) imports cli (command line), a higher layer"
    ]


def test_every_layer_is_a_subpackage_and_every_subpackage_a_layer() -> None:
    subpackages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert subpackages == {layer.package for layer in layers.LAYERS}
