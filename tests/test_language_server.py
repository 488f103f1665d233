"""What an editor shows, asked of the YAML language server itself: hover, completion, diagnostics.

`yaml-language-server` (npm, pinned in package.json; `npm ci` installs it) is the server behind
VS Code's YAML extension and most other editors' YAML support. It runs over stdio and is spoken
to in LSP's JSON-RPC, on the real data files and the committed `schemas/`: each file names its
schema on its first line, as an editor sees it. Every wait for the server is bounded.
"""

from __future__ import annotations

import functools
import json
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, get_args, get_origin

import pytest
import yaml
from pydantic import BaseModel

from generator.model import fields
from generator.model.fields import Ref, Slot
from generator.model.kinds import KINDS, folder_of, slots
from generator.model.models import DataNote
from generator.model.settings import Project
from generator.model.sources import discover

from .conftest import REPO

pytestmark = pytest.mark.tool  # runs a tool end to end: not in make test-fast

PROJECT = Project(REPO)
SERVER = REPO / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
ANSWER_SECONDS = 60.0
"""Longest wait for any one answer (the server answers in well under a second; CI may be busy)."""

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- a minimal LSP client ------------------------------------------------------------------------


class LanguageServer:
    """The language server as a child process, spoken to in LSP's JSON-RPC over stdio."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None or not SERVER.is_file():
            pytest.fail(f"node or {SERVER.relative_to(REPO)} is missing: run `npm ci` (package.json pins yaml-language-server)")
        self.process = subprocess.Popen(
            [node, str(SERVER), "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self.last_id = 0
        self.opened = 0
        assert self.process.stdout is not None
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()

    def _read(self, stream: IO[bytes]) -> None:
        """Frames (`Content-Length` header, blank line, JSON body) into the inbox; None at the end."""
        while True:
            length = None
            while (line := stream.readline()) not in (b"\r\n", b"\n"):
                if not line:
                    self.inbox.put(None)
                    return
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            assert length is not None, "LSP frame without Content-Length"
            self.inbox.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any) -> Any:
        self.last_id += 1
        sent = self.last_id
        self._send({"id": sent, "method": method, "params": params})
        answer = self._wait_for(lambda m: m.get("id") == sent and "method" not in m, f"an answer to {method}")
        assert "error" not in answer, answer
        return answer.get("result")

    def _wait_for(self, wanted: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        """The next message that is `wanted`, handling the others on the way; bounded in time."""
        deadline = time.monotonic() + ANSWER_SECONDS
        while True:
            try:
                message = self.inbox.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"the language server sent no {what} within {ANSWER_SECONDS:.0f} s")
            if message is None:
                pytest.fail(f"the language server exited (code {self.process.poll()}) before sending {what}")
            if "id" in message and "method" in message:
                # A request of the server's (register a capability, create progress): accept it.
                self._send({"id": message["id"], "result": None})
            if message.get("method") == "textDocument/publishDiagnostics":
                self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
            if wanted(message):
                return message

    # --- the editor's side ---------------------------------------------------------------------

    def start(self) -> None:
        self.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": REPO.as_uri(),
                "capabilities": {
                    "textDocument": {
                        "hover": {"contentFormat": ["markdown"]},
                        "completion": {"completionItem": {"documentationFormat": ["markdown", "plaintext"]}},
                    }
                },
            },
        )
        self.notify("initialized", {})
        # The schema store would be fetched from the internet; the files name their own schemas.
        settings = {"validate": True, "hover": True, "completion": True, "schemaStore": {"enable": False}}
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": settings}})

    def open(self, path: Path, text: str | None = None) -> str:
        """Open a document as an editor does: the file, or `text` in its place (never saved).

        Each opening gets a uri of its own beside the file (so the file's schema line resolves):
        the server caches documents by uri and version, and a closed document's diagnostics may
        still be on their way.
        """
        self.opened += 1
        uri = path.with_name(f"{path.stem}.opened-{self.opened}{path.suffix}").as_uri()
        content = path.read_text(encoding="utf-8") if text is None else text
        document = {"uri": uri, "languageId": "yaml", "version": 1, "text": content}
        self.notify("textDocument/didOpen", {"textDocument": document})
        return uri

    def close(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def diagnostics_of(self, uri: str) -> list[dict[str, Any]]:
        """The diagnostics the server publishes for a document it has just opened."""
        if uri not in self.diagnostics:
            self._wait_for(
                lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri,
                f"diagnostics for {uri}",
            )
        return self.diagnostics[uri]

    def hover(self, uri: str, line: int, column: int) -> str:
        at = {"textDocument": {"uri": uri}, "position": {"line": line, "character": column}}
        result = self.request("textDocument/hover", at)
        return "" if not result else result["contents"]["value"]

    def completion_labels(self, uri: str, line: int, column: int) -> list[str]:
        at = {"textDocument": {"uri": uri}, "position": {"line": line, "character": column}}
        result = self.request("textDocument/completion", at)
        items = result.get("items", []) if isinstance(result, dict) else (result or [])
        return [item["label"] for item in items]

    def stop(self) -> int:
        """LSP's clean ending: `shutdown`, then `exit`; the process's exit code."""
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            return self.process.wait(timeout=ANSWER_SECONDS)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=ANSWER_SECONDS)


@pytest.fixture(scope="module")
def server() -> Iterator[LanguageServer]:
    started = LanguageServer()
    try:
        started.start()
        yield started
    finally:
        assert started.stop() == 0, "the language server did not exit cleanly after shutdown/exit"


# --- the real data as the server sees it -----------------------------------------------------------


@dataclass(frozen=True)
class KeyAt:
    """A mapping key in a data file: the model field it sets and where it is written."""

    model: type[BaseModel]
    field: str
    line: int
    column: int


def _models_of(annotation: Any) -> list[type[BaseModel]]:
    """The models a field holds directly or in a list (`X`, `X | None`, `list[X]`); not dict values."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if get_origin(annotation) is dict:
        return []
    return [model for arg in get_args(annotation) for model in _models_of(arg)]


def _keys(node: yaml.Node, model: type[BaseModel]) -> Iterator[KeyAt]:
    """Every key that sets a field of `model`, recursively through nested models and lists of them."""
    if not isinstance(node, yaml.MappingNode):
        return
    for key, value in node.value:
        info = model.model_fields.get(key.value)
        if info is None:
            continue
        yield KeyAt(model, key.value, key.start_mark.line, key.start_mark.column)
        for inner in _models_of(info.annotation):
            items = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for item in items:
                yield from _keys(item, inner)


@functools.cache
def _files_covering_every_field(kind: str) -> tuple[tuple[Path, tuple[KeyAt, ...]], ...]:
    """Few real files of a kind that together write every field any file of that kind writes."""
    found = []
    for path in discover(PROJECT.data_dir / folder_of(kind)):
        tree = yaml.compose(path.read_text(encoding="utf-8"), Loader=LOADER)
        found.append((path, list(_keys(tree, KINDS[kind].model))))
    wanted = {(k.model, k.field) for _, keys in found for k in keys}
    chosen = []
    while wanted:
        path, keys = max(found, key=lambda f: len(wanted & {(k.model, k.field) for k in f[1]}))
        first = {}
        for key in keys:
            if (key.model, key.field) in wanted:
                first.setdefault((key.model, key.field), key)
        wanted -= set(first)
        chosen.append((path, tuple(first.values())))
    return tuple(chosen)


def _plain(markdown: str) -> str:
    """Hover text without the Markdown escapes and line breaks the server adds."""
    return " ".join(re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>])", r"\1", markdown).split())


def _ids(kind: str) -> set[str]:
    return {path.stem for path in discover(PROJECT.data_dir / folder_of(kind))}


# --- diagnostics ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_real_data_file_has_no_diagnostics(server: LanguageServer, kind: str) -> None:
    # All opened first: the server validates each after a short pause, so in parallel.
    opened = {server.open(path): path for path in discover(PROJECT.data_dir / folder_of(kind))}
    marked = {path.relative_to(REPO).as_posix(): server.diagnostics_of(uri) for uri, path in opened.items()}
    for uri in opened:
        server.close(uri)
    assert opened and not {path: found for path, found in marked.items() if found}


def _cerqual_finding() -> Path:
    """A real finding with a GRADE-CERQual assessment (it has `confidence` and `components`)."""
    return next(p for p in discover(PROJECT.data_dir / "findings") if "\nconfidence: " in p.read_text(encoding="utf-8"))


def _finding_with(replace: str, by: str) -> tuple[Path, str]:
    """That finding with one piece of text replaced."""
    real = _cerqual_finding()
    text = real.read_text(encoding="utf-8")
    assert replace in text, real
    return real, text.replace(replace, by, 1)


def test_an_unknown_vocabulary_term_is_marked(server: LanguageServer) -> None:
    path, text = _finding_with("\nconfidence: ", '\nconfidence: "zzz-no-such-term" # ')
    line = text.split("\n").index(next(t for t in text.split("\n") if t.startswith("confidence: ")))
    uri = server.open(path, text)
    found = server.diagnostics_of(uri)
    server.close(uri)
    assert [d["range"]["start"]["line"] for d in found] == [line], found
    assert "moderate" in found[0]["message"], "the message should list the allowed terms"


@pytest.mark.parametrize(
    ("replace", "by"),
    [
        ("\nstudies:\n", '\nstudies:\n  - "brand-new-2031"\n'),
        ("\ntheme: ", '\ntheme: "brand-new-theme" # '),
        ("\ntopics:\n", '\ntopics:\n  - "brand-new-topic"\n'),
    ],
    ids=["study", "theme", "topic"],
)
def test_a_new_id_the_schemas_do_not_list_yet_is_not_marked(server: LanguageServer, replace: str, by: str) -> None:
    """Completion lists the ids that exist; a new one in the same change is `check`'s to judge."""
    path, text = _finding_with(replace, by)
    uri = server.open(path, text)
    assert server.diagnostics_of(uri) == []
    server.close(uri)


# --- hover ---------------------------------------------------------------------------------------


def _hover_problems(server: LanguageServer, path: Path, keys: Iterable[KeyAt]) -> list[str]:
    uri = server.open(path)
    wrong = []
    for key in keys:
        info = key.model.model_fields[key.field]
        title = info.title or key.field.replace("_", " ").title()
        shown = server.hover(uri, key.line, key.column + 1)
        heading, _, rest = shown.partition("\n")
        where = f"{path.relative_to(REPO)}:{key.line + 1}: {key.model.__name__}.{key.field}"
        if heading != f"#### {title}":
            wrong.append(f"{where}: heading {heading!r}, expected '#### {title}'")
        if not _plain(rest).startswith(" ".join((info.description or "").split())):
            wrong.append(f"{where}: hover {_plain(rest)[:120]!r}, expected the field's own description")
    server.close(uri)
    return wrong


def test_hover_on_confidence_and_statement_shows_their_own_description(server: LanguageServer) -> None:
    real = _cerqual_finding()
    tree = yaml.compose(real.read_text(encoding="utf-8"), Loader=LOADER)
    keys = [k for k in _keys(tree, KINDS["finding"].model) if k.field in ("confidence", "statement")]
    assert {k.field for k in keys} == {"confidence", "statement"}
    wrong = _hover_problems(server, real, keys)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("kind", list(KINDS))
def test_hover_on_every_field_shows_its_own_title_and_description(server: LanguageServer, kind: str) -> None:
    """Every field any real file writes, nested ones too: shared definitions, vocabulary fields and
    optional fields show the field's own text, not the definition's or the vocabulary's."""
    wrong = [problem for path, keys in _files_covering_every_field(kind) for problem in _hover_problems(server, path, keys)]
    assert not wrong, "\n".join(wrong)


# --- completion ----------------------------------------------------------------------------------


class _AsDataFiles(yaml.SafeDumper):
    """Lists indented under their key, as in the data files (and as editors indent them)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _with_field(kind: str, field: str, value: Any, marker: str) -> tuple[Path, str, int, int]:
    """A real file of `kind` with `field` set to `value`, which holds `marker`; the marker and what
    follows it on its line cut out: the text, and the cursor where the marker stood (an empty list
    item, value or mapping key)."""
    real = discover(PROJECT.data_dir / folder_of(kind))[0]
    first, rest = real.read_text(encoding="utf-8").split("\n", 1)
    data = yaml.safe_load(rest)
    data[field] = value
    rows = [first, *yaml.dump(data, Dumper=_AsDataFiles, sort_keys=False, allow_unicode=True, width=10_000).split("\n")]
    line = next(i for i, row in enumerate(rows) if marker in row)
    column = rows[line].index(marker)
    rows[line] = rows[line][:column]
    return real, "\n".join(rows), line, column


REFERENCE_SLOTS = [(s, s.marker.kind) for kind, s in slots() if isinstance(s.marker, Ref) and s.model is KINDS[kind].model]


@pytest.mark.parametrize(
    ("slot", "target"),
    REFERENCE_SLOTS,
    ids=[f"{slot.model.__name__}.{slot.field}{'-key' if slot.part == 'key' else ''}" for slot, _ in REFERENCE_SLOTS],
)
def test_completion_offers_the_ids_of_the_kind_a_field_refers_to(server: LanguageServer, slot: Slot, target: str) -> None:
    kind = next(k for k, m in KINDS.items() if m.model is slot.model)
    annotation = slot.model.model_fields[slot.field].annotation
    marker = "zz-cursor-here"
    if slot.part == "key":
        value: Any = {marker: "x"}  # alone: keys the mapping already has are not offered again
    elif get_origin(annotation) is list:
        value = [marker]
    else:
        value = marker
    path, text, line, column = _with_field(kind, slot.field, value, marker)
    uri = server.open(path, text)
    offered = set(server.completion_labels(uri, line, column))
    server.close(uri)
    missing = sorted(_ids(target) - offered)
    assert not missing, f"{len(missing)} {target} id(s) not offered, e.g. {missing[:5]}; offered: {sorted(offered)[:10]}"


def test_completion_offers_kind_and_id_in_a_notes_applies_to(server: LanguageServer) -> None:
    marker = "zz-cursor-here"
    path, text, line, column = _with_field("note", "applies_to", [marker], marker)
    uri = server.open(path, text)
    offered = set(server.completion_labels(uri, line, column))
    server.close(uri)
    excluding = fields.slot(DataNote, "applies_to").marker.excluding  # type: ignore[union-attr]
    expected = {f"{kind}:{i}" for kind in KINDS if kind not in excluding for i in _ids(kind)}
    assert expected <= offered, sorted(expected - offered)[:5]


def test_completion_in_a_findings_studies_offers_real_study_ids(server: LanguageServer) -> None:
    """The case an editor meets most: a new line in a finding's `studies` list."""
    path, text = _finding_with("\nstudies:\n", "\nstudies:\n  - \n")
    line = text.split("\n").index("studies:") + 1
    uri = server.open(path, text)
    offered = set(server.completion_labels(uri, line, 4))
    server.close(uri)
    assert _ids("study") <= offered and "levik-2023" in offered
