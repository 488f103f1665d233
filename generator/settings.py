"""Project layout and languages: the one place that knows where things live on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("nb", "en")
DEFAULT_LANGUAGE = "nb"

DATA_FOLDERS: dict[str, str] = {
    "vocabularies": "vocabulary",
    "publications": "publication",
    "themes": "theme",
    "findings": "finding",
    "studies": "study",
    "characteristics": "characteristic",
    "assessments": "assessment",
    "matrices": "matrix",
    "interventions": "intervention",
    "implications": "implication",
    "cases": "case",
    "topics": "topic",
    "notes": "note",
}
"""Folder under data/ -> entity kind. A file's folder decides what it is."""

DATA_DIR = "data"
"""The folder of the data files, in the project root."""


def kind_folder(kind: str) -> str:
    """The project path of the folder that holds every file of a kind, e.g. `data/studies/`."""
    folder = next(name for name, folder_kind in DATA_FOLDERS.items() if folder_kind == kind)
    return f"{DATA_DIR}/{folder}/"


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
