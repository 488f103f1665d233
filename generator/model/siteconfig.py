"""The site's own configuration (`site.yaml`): where the site is published, its repository, who
publishes it and how to reach them. Read once by `check`, validated and located like a data file,
and given to everything that needs it through the index (`Index.site`): the site (canonical and
hreflang addresses, the sitemap, "edit this page", the repository link, the citations), the PDFs
(the colophon) and the exports (BibTeX, RIS, JSON-LD).

A deployment overrides the file with environment variables (`ENVIRONMENT`): the Pages workflow sets
`KB_SITE_URL` and `KB_REPO_URL` from the repository it runs in. An empty variable overrides nothing.
Without an address, nothing that needs one is built (`missing`): no page ever points at a
placeholder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, ValidationError

from generator.model.errors import Location, Report
from generator.model.models import Strict, Text
from generator.model.sources import format_field_path, load_file
from generator.model.validate import validate_model

SITE_FILE = "site.yaml"
"""The configuration's file, in the project root."""

ENVIRONMENT: dict[str, str] = {"KB_SITE_URL": "url", "KB_REPO_URL": "repository", "KB_REPO_BRANCH": "branch"}
"""Environment variable -> the field it overrides, for a deployment."""

PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net", "example.invalid", "localhost")
"""Hosts that are never a public address (RFC 2606): a page must not point at them."""

ISSUES = "issues"
"""`contact: issues`: the repository's issue tracker."""


def _web_address(value: str, what: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc or re.search(r"\s", value):
        raise ValueError(f"{what} must be a web address starting with https://, got {value!r}")
    host = (parts.hostname or "").lower()
    if any(host == placeholder or host.endswith("." + placeholder) for placeholder in PLACEHOLDER_HOSTS):
        raise ValueError(f"{host} is a placeholder, not a public address: leave the field out until there is one")
    if parts.query or parts.fragment:
        raise ValueError(f"{what} has no query or fragment (? or #), got {value!r}")
    return value


def _site_url(value: str) -> str:
    return _web_address(value, "the site's address")


def _repository(value: str) -> str:
    _web_address(value, "the repository's address")
    if value.rstrip("/").endswith(".git"):
        raise ValueError(f"give the repository's web page, without '.git': {value.rstrip('/')[: -len('.git')]!r}")
    return value


def _contact(value: str) -> str:
    if value == ISSUES:
        return value
    if value.startswith("mailto:"):
        if not re.fullmatch(r"mailto:[^@\s/]+@[^@\s/]+\.[a-z]{2,}", value, re.IGNORECASE):
            raise ValueError(f"an e-mail contact is written 'mailto:post@organisation.no', got {value!r}")
        return value
    if value.startswith("https://"):
        return _web_address(value, "the contact")
    raise ValueError(f"write 'issues', a web address (https://...) or a role e-mail address (mailto:...), got {value!r}")


def _branch(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._/-]+", value) or ".." in value or value.startswith(("/", "-")):
        raise ValueError(f"a branch name is letters, digits, '.', '_', '-' and '/', got {value!r}")
    return value


class SiteConfig(Strict):
    """Where the knowledge base is published and who publishes it (`site.yaml`)."""

    url: Annotated[str, AfterValidator(_site_url)] | None = Field(
        None,
        description="The public address of the site, e.g. 'https://owner.github.io/repository/'. Leave it out until "
        "the site has one: canonical and hreflang links, the sitemap and the absolute addresses in citations are "
        "then left out. KB_SITE_URL overrides it.",
    )
    repository: Annotated[str, AfterValidator(_repository)] | None = Field(
        None,
        description="The web address of the repository, e.g. 'https://github.com/owner/repository': the header's "
        "link and every 'edit this page' (<repository>/edit/<branch>/<file>). KB_REPO_URL overrides it.",
    )
    branch: Annotated[str, AfterValidator(_branch)] = Field(
        "main", description="The branch 'edit this page' opens. KB_REPO_BRANCH overrides it."
    )
    version: str = Field(
        "1.0",
        pattern=r"^\d+(\.\d+)*$",
        description="The knowledge base's version, cited on its own pages (a topic); CITATION.cff and .zenodo.json "
        "give the same.",
    )
    publisher: Text | None = Field(
        None,
        description="Who publishes the knowledge base, in both languages: the author of a citation of one of its "
        "own pages (a topic) and the publisher in the PDFs' colophon. Without it, the site's name.",
    )
    contact: Annotated[str, AfterValidator(_contact)] = Field(
        ISSUES,
        description="Where readers send questions and corrections: 'issues' (the repository's issue tracker), a web "
        "address (https://...) or a role e-mail address (mailto:post@...), never a person's own.",
    )

    @property
    def base_url(self) -> str | None:
        """The site's address, ending in '/', or None."""
        return self.url.rstrip("/") + "/" if self.url else None

    @property
    def repository_url(self) -> str | None:
        return self.repository.rstrip("/") if self.repository else None

    @property
    def edit_base(self) -> str | None:
        """'<repository>/edit/<branch>/': a project path appended opens the file in the editor."""
        return f"{self.repository_url}/edit/{self.branch}/" if self.repository_url else None

    @property
    def contact_url(self) -> str | None:
        """Where to write: the issue tracker (when the repository is known), the page or the mailbox."""
        if self.contact == ISSUES:
            return f"{self.repository_url}/issues" if self.repository_url else None
        return self.contact

    def missing(self) -> list[str]:
        """What this build leaves out for want of an address, in one sentence each (the build says it once)."""
        notes = []
        if self.base_url is None:
            notes.append(
                "no public address (site.yaml 'url', or KB_SITE_URL): canonical and hreflang links, the sitemap and "
                "absolute addresses in citations (citation_pdf_url) are left out"
            )
        if self.repository_url is None:
            notes.append(
                "no repository (site.yaml 'repository', or KB_REPO_URL): the repository link and 'edit this page' are left out"
            )
        return notes


def load_site_config(root: Path, report: Report, environ: Mapping[str, str] | None = None) -> SiteConfig:
    """`site.yaml` of the project at `root` with the environment's overrides; problems go to `report`
    (located in the file, or naming the variable). Absent, every field has its default; broken, too
    (the report says why, and `check` fails)."""
    environ = os.environ if environ is None else environ
    path = root / SITE_FILE
    config = SiteConfig()
    if path.exists() or path.is_symlink():
        source = load_file(path, root, report)
        loaded = validate_model(SiteConfig, "site configuration", source, report) if source is not None else None
        if loaded is None:
            return config
        config = loaded
    overrides = {name: environ[variable] for variable, name in ENVIRONMENT.items() if environ.get(variable)}
    if not overrides:
        return config
    try:
        return SiteConfig.model_validate({**config.model_dump(exclude_defaults=True), **overrides})
    except ValidationError as exc:
        by_field = {name: variable for variable, name in ENVIRONMENT.items()}
        for error in exc.errors():
            loc = tuple(error["loc"])
            variable = by_field.get(str(loc[0])) if loc else None
            message = error["msg"]
            message = message[0].lower() + message[1:]
            report.add(Location(f"${variable} (environment)" if variable else SITE_FILE), format_field_path(loc), message)
        return config
