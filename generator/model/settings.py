"""Project layout and languages: where things live on disk (the folder of each kind under data/ is `kinds.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("nb", "en")
DEFAULT_LANGUAGE = "nb"

DATA_DIR = "data"
"""The folder of the data files, in the project root."""


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / DATA_DIR

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def overrides_dir(self) -> Path:
        return self.root / "overrides"

    @property
    def fonts_dir(self) -> Path:
        return self.root / "fonts"

    @property
    def mkdocs_config(self) -> Path:
        return self.root / "mkdocs.yml"

    @property
    def build_dir(self) -> Path:
        """Scratch space: staging Markdown and half-built sites. Never committed."""
        return self.root / "build"

    @property
    def compiled_templates_dir(self) -> Path:
        """Jinja's compiled templates, kept between builds (`render.CompiledTemplates`)."""
        return self.build_dir / "cache" / "templates"

    def staging_docs(self, lang: str) -> Path:
        return self.build_dir / "docs" / lang

    @property
    def site_dir(self) -> Path:
        return self.root / "site"

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        here = (start or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / "mkdocs.yml").is_file() and (candidate / "data").is_dir():
                return cls(candidate)
        return cls(here)
