"""The layers of the generator, lowest first: each is a subpackage of `generator/`, and a module
imports only from its own layer or the ones below it, and no two modules import each other,
directly or through others (`tests/test_layers.py` parses every import, those inside functions and
under `TYPE_CHECKING` included).

Declared here once; ARCHITECTURE.md shows the layout. A new module goes into the subpackage of its
layer; nothing else needs to list it.
"""

from __future__ import annotations

from typing import NamedTuple


class Layer(NamedTuple):
    package: str
    """The subpackage of `generator/` that holds the layer's modules."""
    purpose: str
    unaware_of: str
    """What its modules may not know about: everything the layers above it do."""


LAYERS: tuple[Layer, ...] = (
    Layer("model", "loading and models", "pages, templates, files written"),
    Layer("present", "what the site and the print share: words, URLs, sections, links", "which pages exist, templates"),
    Layer("web", "the site's pages, their contexts and Markdown", "the print, the build's order of steps"),
    Layer("print", "the printed reports (it renders with the site's Jinja environment)", "the build's order of steps"),
    Layer("pipeline", "the build's steps in order, staging, the preview's incremental rebuild", "the command line, the tools"),
    Layer("tools", "diff, history rule, schema, scaffolding, preview server, bench", "the command line"),
)
"""From the bottom up."""

BELOW_ALL = ("__init__",)
"""The package's own `__init__`: imported before every module, it must import nothing of ours."""

ABOVE_ALL = ("cli", "__main__")
"""The command line: it calls every layer."""


def layer_of(module: str) -> int | None:
    """The position of a module ('model.index', 'web', 'cli') from the bottom, or None if it is in
    no layer (a module at the package's top that is neither the `__init__` nor the command line)."""
    if module in BELOW_ALL:
        return -1
    if module in ABOVE_ALL:
        return len(LAYERS)
    package = module.split(".")[0]
    for number, layer in enumerate(LAYERS):
        if layer.package == package:
            return number
    return None


def layer_name(position: int) -> str:
    """A layer's name as a message shows it."""
    if position < 0:
        return "package root"
    if position >= len(LAYERS):
        return "command line"
    return LAYERS[position].package
