"""The layers of the generator, lowest first: a module imports only from its own layer or the ones
below it, and no two modules import each other, directly or through others (`tests/test_layers.py`
parses every import, those inside functions and under `TYPE_CHECKING` included).

Declared here once; ARCHITECTURE.md says what each layer is for. A new module is added to one layer.
"""

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "loading and models",
        (
            "__init__",  # imported before every module of the package: it must import nothing of ours
            "settings",
            "errors",
            "fields",
            "models",
            "kinds",
            "sources",
            "validate",
            "i18n",  # below cerqual and index: the computed justification sentence is bilingual
            "cerqual",
            "privacy",  # what a quotation must not carry: index.py reports it
            "glossary",
            "index",
            "counts",
            "related",  # the evidence around a finding: what relates to it, ranked
        ),
    ),
    (
        "presentation",
        (
            "urls",
            "search",
            "svg",
            "citations",
            "pagespec",
            "sections",
            "pages",
            "references",
            "links",
            "contexts",
            "presenter",  # under both views: the site's (render) and the print's (pdf)
            "render",
            "print_contexts",
            "pdf",
        ),
    ),
    (
        "orchestration",
        ("write", "build", "incremental"),
    ),
    (
        "tools",
        (
            "baseline",
            "changes",
            "pagediff",
            "history",
            "diff",
            "schema",
            "scaffold",
            "serve",
            "synthetic",
            "bench",
            "cli",
            "__main__",
            "layers",
        ),
    ),
)
"""(layer name, its modules) from the bottom up."""
