"""How the knowledge base as a whole is cited: CITATION.cff (valid Citation File Format, checked
offline against the schema check-jsonschema vendors) and .zenodo.json (Zenodo's release metadata),
saying the same as each other and as the site's configuration (site.yaml) and UI strings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from generator.model.errors import Report
from generator.model.i18n import ui
from generator.model.siteconfig import load_site_config

from .conftest import REPO

BIN = Path(sys.executable).parent
CFF = REPO / "CITATION.cff"
ZENODO = REPO / ".zenodo.json"


def _cff() -> dict[str, Any]:
    value = yaml.safe_load(CFF.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def _zenodo() -> dict[str, Any]:
    value = json.loads(ZENODO.read_text(encoding="utf-8"))
    assert isinstance(value, dict)
    return value


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    command = [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.citation-file-format", str(path)]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def test_citation_cff_is_valid() -> None:
    result = _validate(CFF)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_cff_check_catches_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "CITATION.cff"
    broken.write_text("cff-version: 1.2.0\ntitle: x\nauthors: []\n", encoding="utf-8")  # no message, no author
    assert _validate(broken).returncode == 1


def test_zenodo_json_has_what_a_release_needs() -> None:
    zenodo = _zenodo()
    assert {"title", "upload_type", "description", "creators", "version", "license", "access_right"} <= set(zenodo)
    assert zenodo["upload_type"] == "dataset" and zenodo["access_right"] == "open"
    assert all(creator.get("name") for creator in zenodo["creators"])


def test_cff_and_zenodo_say_the_same() -> None:
    cff, zenodo = _cff(), _zenodo()
    assert cff["title"] == zenodo["title"]
    assert [author["name"] for author in cff["authors"]] == [creator["name"] for creator in zenodo["creators"]]
    assert cff["license"].lower() == zenodo["license"]  # SPDX 'CC-BY-4.0', Zenodo's 'cc-by-4.0'
    assert cff["version"] == zenodo["version"]
    assert cff["keywords"] == zenodo["keywords"]
    assert " ".join(cff["abstract"].split()) == zenodo["description"]


def test_they_agree_with_the_site() -> None:
    """The title is the site's name, the author its publisher and the version the one its pages cite."""
    report = Report()
    site = load_site_config(REPO, report, {})
    assert report.problems == [] and site.publisher is not None
    cff = _cff()
    assert cff["title"] == ui("site_name", "nb")
    assert [author["name"] for author in cff["authors"]] == [site.publisher.nb]
    assert cff["version"] == site.version
