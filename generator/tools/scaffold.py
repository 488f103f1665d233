"""Scaffold a new data file: `python -m generator new <kind>`.

The file gets the schema line, the next free id and every required field of the model.
What the tool can know is filled in (kind, id, a finding's number). Everything only the
editor knows is left empty -- `~` (nothing), `""` (empty text) or `[]` (empty list) --
so that `python -m generator check` reports each one at its own line until it is filled
in. Nothing half-written can be published by accident. A comment beside each empty value
says what goes there (the allowed terms for vocabulary fields); optional fields are
listed commented out, ready to be switched on.

The schemas list the ids that exist for completion, so the new file makes them stale: they are
regenerated right after it is written, and the output says which changed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator.model import fields, sources
from generator.model.errors import Report
from generator.model.fields import Ref, ScaleOf, Vocab
from generator.model.kinds import KINDS, folder_of
from generator.model.models import Finding, Quote, Text
from generator.model.settings import Project
from generator.model.sources import discover, load_file
from generator.tools import schema

MAX_CHOICES = 12
"""Comments list at most this many allowed values; the schema completes the rest."""


class ScaffoldError(Exception):
    """The file cannot be created; the message says why and what to do."""


@dataclass(frozen=True)
class Created:
    path: Path
    entity_id: str
    next_steps: list[str]


def scaffold(
    project: Project,
    kind: str,
    *,
    publication: str | None = None,
    entity_id: str | None = None,
) -> Created:
    """Write a new data file for `kind`, bring the schemas up to date, and return where, with what
    was done and what the editor does next."""
    if kind not in KINDS:
        raise ScaffoldError(f"unknown kind '{kind}' (one of: {', '.join(sorted(KINDS))})")
    folder = project.data_dir / folder_of(kind)
    publications = _stems(project, "publication")
    if publication is not None and publication not in publications:
        raise ScaffoldError(f"unknown publication '{publication}' (known: {', '.join(publications) or 'none'})")
    if kind == "finding" and publication is None:
        if len(publications) != 1:
            raise ScaffoldError(
                f"a finding belongs to a publication: give --publication (one of: {', '.join(publications) or 'none'})"
            )
        publication = publications[0]

    number: int | None = None
    placeholder = entity_id is None and kind != "finding"
    if entity_id is not None:
        if not schema.ID_PATTERN.match(entity_id):
            raise ScaffoldError(f"id '{entity_id}' must be lower-case letters, digits and single hyphens")
        if kind == "finding":
            match = re.search(r"-f(\d+)$", entity_id)
            number = int(match.group(1)) if match else _next_finding(project, publication or "")[1]
    elif kind == "finding":
        entity_id, number = _next_finding(project, publication or "")
    else:
        entity_id = _placeholder_id(project, kind)
    if entity_id in _stems(project, kind):
        raise ScaffoldError(f"a {kind} with id '{entity_id}' already exists in {folder.relative_to(project.root).as_posix()}/")

    path = folder / f"{entity_id}.yaml"
    context = _Context.read(project, publication)
    lines = [
        schema.schema_line(kind, path, project),
        *_header(kind, publication),
        *_Renderer(context).entity(kind, entity_id, number, placeholder),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shown = path.relative_to(project.root).as_posix()

    steps = [f'fill in every ~, "" and [] in {shown}; `make check` lists each one still empty, at its line']
    if placeholder:
        steps.append(
            f"rename: choose the id, write it on the id line and rename the file to <id>.yaml, then run `make schema`"
            f" (`new {kind} --id ...` does all three)"
        )
    listing_kind, listing_field = KINDS[kind].listed_in or (None, None)
    list_name = listing_field if listing_kind == "publication" else None
    if publication and list_name:
        pub_path = project.data_dir / folder_of("publication") / f"{publication}.yaml"
        pub_shown = pub_path.relative_to(project.root).as_posix()
        if placeholder:
            steps.append(f"then add the id to {list_name} in {pub_shown}")
        elif _append_to_list(pub_path, list_name, entity_id):
            steps.append(f"added '{entity_id}' to {list_name} in {pub_shown}")
        else:
            steps.append(f"add '{entity_id}' to {list_name} in {pub_shown} (the list could not be extended automatically)")
        if kind in ("finding", "study"):
            steps.append(
                f"if the publication is already out: raise `version` and add a `history` entry in {pub_shown} (CONTRIBUTING.md)"
            )
    elif list_name:
        steps.append(f"add the id to {list_name} in its publication in data/publications/ (or use --publication)")
    if listing_kind is not None and listing_kind != "publication":
        steps.append(f"add the id to the {listing_field} of its {listing_kind} in data/{folder_of(listing_kind)}/")
    steps.append(refresh_schemas(project))
    return Created(path, entity_id, steps)


def refresh_schemas(project: Project) -> str:
    """Regenerate schemas/ as `make schema` does, and say what happened. Never raises: the data
    file is written by now, and the editor can always run `make schema` by hand."""
    report = Report()
    expected = schema.generate(project, report)
    if report.failed():  # a vocabulary (the new one, perhaps) that does not validate yet
        return "schemas not regenerated: a vocabulary has errors (`make check` lists them); fix it, then run `make schema`"
    try:
        changed = schema.write(project, expected)
    except OSError as exc:
        return f"schemas not regenerated ({exc.strerror}): run `make schema`"
    if not changed:
        return "schemas already up to date"
    names = ", ".join(path.relative_to(project.root).as_posix() for path in changed)
    return f"regenerated {names} (editors are offered the new ids)"


# --- ids ---------------------------------------------------------------------------------------


def _stems(project: Project, kind: str) -> list[str]:
    return sorted({p.stem for p in discover(project.data_dir / folder_of(kind))})


def _next_finding(project: Project, publication: str) -> tuple[str, int]:
    """`<publication>-fNN` with the next number after the highest in use, and that number."""
    pattern = re.compile(rf"^{re.escape(publication)}-f(\d+)$")
    matches = [m for m in (pattern.match(s) for s in _stems(project, "finding")) if m]
    number = max((int(m.group(1)) for m in matches), default=0) + 1
    width = max([2, *(len(m.group(1)) for m in matches)])
    return f"{publication}-f{number:0{width}d}", number


def _placeholder_id(project: Project, kind: str) -> str:
    """An id that breaks the id rule on purpose, so that check insists on a real one."""
    taken = set(_stems(project, kind))
    base = f"TODO-{kind}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# --- what the comments can tell --------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    catalogue: schema.Catalogue
    publication: dict[str, Any]

    @classmethod
    def read(cls, project: Project, publication: str | None) -> _Context:
        catalogue = schema.read_catalogue(project, Report())
        value: dict[str, Any] = {}
        if publication:
            source = load_file(
                project.data_dir / folder_of("publication") / f"{publication}.yaml",
                project.root,
                Report(),
            )
            if source is not None and isinstance(source.value, dict):
                value = source.value
        return cls(catalogue, value)

    def members(self, kind: str) -> list[str]:
        """The publication's members of a kind, or every id of that kind."""
        listed_in = KINDS[kind].listed_in
        listed = self.publication.get(listed_in[1]) if listed_in and listed_in[0] == "publication" else None
        if isinstance(listed, list) and listed:
            return [str(item) for item in listed]
        return self.catalogue.entity_ids.get(kind, [])


def _header(kind: str, publication: str | None) -> list[str]:
    where = f" in publication '{publication}'" if publication else ""
    return [
        f"# New {kind}{where}.",
        '# Fill in every ~, "" and [] below: `make check` reports each one still empty, at its line.',
        "# Fields commented out (# name: ...) are optional: remove the '# ' to use one.",
        "# Your editor shows each field's description on hover, and completes allowed values.",
    ]


def _choices(values: list[str]) -> str:
    shown = ", ".join(values[:MAX_CHOICES])
    return shown + (f", ... ({len(values)} in all)" if len(values) > MAX_CHOICES else "")


def _scalar(value: str) -> str:
    """A YAML scalar that reads back as the same string ('no' and '1.0' get quotes)."""
    try:
        plain = sources.read_scalar(value) == value
    except yaml.YAMLError:
        plain = False
    return value if plain and value.strip() == value and ":" not in value and "#" not in value else f'"{value}"'


# --- rendering ---------------------------------------------------------------------------------


class _Renderer:
    def __init__(self, context: _Context) -> None:
        self.context = context

    def entity(self, kind: str, entity_id: str, number: int | None, placeholder: bool) -> list[str]:
        model = KINDS[kind].model
        fixed = {"kind": kind, "id": _scalar(entity_id)}
        if number is not None:
            fixed["number"] = str(number)
        notes = {}
        if placeholder:
            notes["id"] = "rename: the real id (lower-case, hyphens), and the file to match"
        # A new finding is a CERQual-assessed review finding unless the editor says otherwise:
        # its components and confidence are written out to be filled in, not left as optional. A
        # quote illustrates findings or themes (at least one of the two lists): both are written out.
        promoted = {Finding: {"components", "confidence"}, Quote: {"findings", "themes"}}.get(model, set())
        return self.model(model, "", fixed=fixed, notes=notes, promoted=promoted)

    def model(
        self,
        model: type[BaseModel],
        indent: str,
        *,
        fixed: dict[str, str] | None = None,
        notes: dict[str, str] | None = None,
        optional_fields: bool = True,
        promoted: set[str] | None = None,
    ) -> list[str]:
        lines: list[str] = []
        for name, info in model.model_fields.items():
            if fixed and name in fixed:
                note = (notes or {}).get(name)
                lines.append(f"{indent}{name}: {fixed[name]}" + (f"  # {note}" if note else ""))
            elif info.is_required() or name in (promoted or ()):
                lines += self.field(model, name, info, indent)
            elif optional_fields:
                lines += [f"{indent}# {line[len(indent) :]}" for line in self.field(model, name, info, indent, optional=True)]
        return lines

    def field(
        self,
        model: type[BaseModel],
        name: str,
        info: FieldInfo,
        indent: str,
        optional: bool = False,
    ) -> list[str]:
        annotation = _without_none(info.annotation)
        hint = self.hint(model, name, info)
        comment = f"  # {hint}" if hint else ""
        inner = indent + "  "
        if annotation is Text:
            if optional:
                return [f'{indent}{name}: {{nb: "", en: ""}}{comment}']
            return [f"{indent}{name}:{comment}", f'{inner}nb: ""', f'{inner}en: ""', *_example_origins(info, inner)]
        if _is_model(annotation):
            return [
                f"{indent}{name}:{comment}",
                *self.model(annotation, inner, optional_fields=not optional),
            ]
        origin = get_origin(annotation)
        if origin is list:
            (item,) = get_args(annotation)
            if _is_model(item) and not optional and _min_length(info):
                item_lines = [f'{inner}  nb: ""', f'{inner}  en: ""'] if item is Text else self.model(item, inner + "  ")
                return [f"{indent}{name}:{comment}", *_list_item(item_lines, inner)]
            return [f"{indent}{name}: []{comment}"]
        if origin is dict:
            keys = self.dict_keys(model, name)
            if not keys or optional:
                return [f"{indent}{name}: {{}}{comment}"]
            value_hint = self.value_hint(model, name)
            return [
                f"{indent}{name}:{comment}",
                *(f"{inner}{_scalar(k)}: ~{value_hint}" for k in keys),
            ]
        if origin is Literal:
            return [f"{indent}{name}: {_scalar(str(get_args(annotation)[0]))}{comment}"]
        return [f"{indent}{name}: ~{comment}"]

    def hint(self, model: type[BaseModel], name: str, info: FieldInfo) -> str:
        """The comment beside an empty field: its allowed values, or its description."""
        slot = fields.slot(model, name)
        if slot is None or slot.shape == "mapping":
            return _one_line(info.description or "")  # a mapping's values get their own hints
        marker = slot.marker
        if isinstance(marker, Vocab):
            terms = [t.id for t in self.context.catalogue.vocabularies.get(marker.vocabulary, [])]
            return f"one of: {_choices(terms)}" if terms else f"a term of vocabulary '{marker.vocabulary}'"
        if isinstance(marker, Ref):
            if slot.shape == "one" and KINDS[marker.kind].one_publication:
                # one entity of a kind that belongs to one publication: of the new entity's publication
                return f"one of: {_choices(self.context.members(marker.kind))}"
            ids = self.context.catalogue.entity_ids.get(marker.kind, [])
            example = f", e.g. {', '.join(ids[:3])}" if ids else ""
            return f"{marker.kind} ids (file names in data/{folder_of(marker.kind)}/){example}"
        if isinstance(marker, ScaleOf):
            return self.scale_hint(model, marker) or _one_line(info.description or "")
        return _one_line(info.description or "")

    def scale_hint(self, model: type[BaseModel], marker: ScaleOf) -> str:
        """Which vocabulary each choice beside the field names as its scale: "a term of the scale of
        its tool: 'limitations' for casp, 'risk-of-bias' for rob2, jbi"."""
        chooser = fields.slot(model, marker.field)
        vocabulary = chooser.marker.vocabulary if chooser and isinstance(chooser.marker, Vocab) else ""
        by_scale: dict[str, list[str]] = {}
        for term in self.context.catalogue.vocabularies.get(vocabulary, []):
            if term.scale:
                by_scale.setdefault(term.scale, []).append(term.id)
        scales = ", ".join(f"'{scale}' for {', '.join(choices)}" for scale, choices in sorted(by_scale.items()))
        return f"a term of the scale of its {marker.field}: {scales}" if scales else ""

    def dict_keys(self, model: type[BaseModel], name: str) -> list[str]:
        """A mapping keyed by ids gets a line per member (an assessment's value per characteristic)."""
        key = fields.slot(model, name, "key")
        return self.context.members(key.marker.kind) if key and isinstance(key.marker, Ref) else []

    def value_hint(self, model: type[BaseModel], name: str) -> str:
        value = fields.slot(model, name)
        vocabulary = value.marker.vocabulary if value and isinstance(value.marker, Vocab) else ""
        terms = [t.id for t in self.context.catalogue.vocabularies.get(vocabulary, [])]
        return f"  # one of: {_choices(terms)}" if terms else ""


def _example_origins(info: FieldInfo, indent: str) -> list[str]:
    """The origins a text field's example gives (a finding's title: `nb_origin: editorial`): what
    such a text usually is, written out so that the editor changes it only where it differs."""
    example = info.examples[0] if info.examples else {}
    if not isinstance(example, dict):
        return []
    return [f"{indent}{key}: {_scalar(str(value))}" for key, value in example.items() if key.endswith("_origin")]


def _list_item(lines: list[str], indent: str) -> list[str]:
    """Turn a mapping's lines (indented by `indent` + 2) into one block-list item."""
    first = lines[0]
    if first.lstrip().startswith("#"):
        return [f"{indent}-", *lines]
    return [f"{indent}- {first[len(indent) + 2 :]}", *lines[1:]]


def _without_none(annotation: Any) -> Any:
    args = [a for a in get_args(annotation) if a is not type(None)]
    if get_origin(annotation) is not None and type(None) in get_args(annotation) and len(args) == 1:
        return args[0]
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _min_length(info: FieldInfo) -> int:
    return max((getattr(m, "min_length", None) or 0 for m in info.metadata), default=0)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- publication membership ----------------------------------------------------------------


def _append_to_list(path: Path, key: str, item: str) -> bool:
    """Add `item` to the top-level list `key` of a YAML file, keeping every other line.

    Handles a block list (`key:` then `  - id` lines) and a one-line flow list
    (`key: [a, b]`). The result is parsed back and must differ only by the new item;
    otherwise nothing is written and False is returned.
    """
    try:
        text = path.read_text(encoding="utf-8")
        before = sources.read_yaml(text)
    except (OSError, yaml.YAMLError):
        return False
    if not isinstance(before, dict) or not isinstance(before.get(key, []), list):
        return False
    lines = text.splitlines(keepends=True)
    new_lines = _with_item(lines, key, item)
    if new_lines is None:
        return False
    new_text = "".join(new_lines)
    try:
        after = sources.read_yaml(new_text)
    except yaml.YAMLError:
        return False
    expected = {**before, key: [*(before.get(key) or []), item]}
    if after != expected:
        return False
    path.write_text(new_text, encoding="utf-8")
    return True


def _with_item(lines: list[str], key: str, item: str) -> list[str] | None:
    start = next(
        (i for i, line in enumerate(lines) if re.match(rf"^{re.escape(key)}:(\s|$)", line)),
        None,
    )
    if start is None:  # no such list yet: start one at the end
        if lines and not lines[-1].endswith("\n"):
            lines = [*lines[:-1], lines[-1] + "\n"]
        return [*lines, f"{key}:\n", f"  - {_scalar(item)}\n"]
    rest = lines[start][len(key) + 1 :].strip()
    if rest.startswith("[") and rest.endswith("]"):
        inside = rest[1:-1].strip()
        items = f"{inside}, {_scalar(item)}" if inside else _scalar(item)
        return [*lines[:start], f"{key}: [{items}]\n", *lines[start + 1 :]]
    if rest and not rest.startswith("#"):
        return None
    last = None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.strip() == "" or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            break
        if line.lstrip().startswith("- "):
            last = i
        else:
            return None  # items spanning several lines: leave it to the editor
    if last is None:
        return None
    prefix = lines[last][: len(lines[last]) - len(lines[last].lstrip())]
    return [*lines[: last + 1], f"{prefix}- {_scalar(item)}\n", *lines[last + 1 :]]
