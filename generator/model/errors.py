"""Located problems: every data error names its file, line, column and field path."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


_LINE_BREAKING = {code: f"\\x{code:02x}" for code in [*range(0x20), 0x7F]} | {
    ord("\t"): "\t",
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    0x85: "\\x85",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}
"""Control characters and line separators, written as escapes: a problem is always one line, so
a key or value from the data (a hostile one, say "\\n::error::...") cannot forge output lines."""


def one_line(text: str) -> str:
    return text.translate(_LINE_BREAKING)


# --- look-alike characters -------------------------------------------------------------------

_LOOKALIKE_NAMES: dict[str, tuple[str, ...]] = {
    "a": ("CYRILLIC SMALL LETTER A", "GREEK SMALL LETTER ALPHA", "LATIN SMALL LETTER ALPHA"),
    "c": ("CYRILLIC SMALL LETTER ES", "GREEK LUNATE SIGMA SYMBOL"),
    "d": ("CYRILLIC SMALL LETTER KOMI DE",),
    "e": ("CYRILLIC SMALL LETTER IE",),
    "g": ("LATIN SMALL LETTER SCRIPT G",),
    "h": ("CYRILLIC SMALL LETTER SHHA",),
    "i": ("CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I", "GREEK SMALL LETTER IOTA", "LATIN SMALL LETTER DOTLESS I"),
    "j": ("CYRILLIC SMALL LETTER JE",),
    "k": ("GREEK SMALL LETTER KAPPA",),
    "l": ("CYRILLIC SMALL LETTER PALOCHKA", "LATIN LETTER DENTAL CLICK"),
    "o": ("CYRILLIC SMALL LETTER O", "GREEK SMALL LETTER OMICRON"),
    "p": ("CYRILLIC SMALL LETTER ER", "GREEK SMALL LETTER RHO"),
    "q": ("CYRILLIC SMALL LETTER QA",),
    "s": ("CYRILLIC SMALL LETTER DZE",),
    "u": ("GREEK SMALL LETTER UPSILON",),
    "v": ("GREEK SMALL LETTER NU",),
    "w": ("CYRILLIC SMALL LETTER WE",),
    "x": ("CYRILLIC SMALL LETTER HA", "GREEK SMALL LETTER CHI"),
    "y": ("CYRILLIC SMALL LETTER U",),
    "B": ("CYRILLIC CAPITAL LETTER VE", "GREEK CAPITAL LETTER BETA"),
    "E": ("GREEK CAPITAL LETTER EPSILON",),
    "H": ("CYRILLIC CAPITAL LETTER EN", "GREEK CAPITAL LETTER ETA"),
    "K": ("CYRILLIC CAPITAL LETTER KA",),
    "M": ("CYRILLIC CAPITAL LETTER EM", "GREEK CAPITAL LETTER MU"),
    "T": ("CYRILLIC CAPITAL LETTER TE", "GREEK CAPITAL LETTER TAU"),
    "Y": ("GREEK CAPITAL LETTER UPSILON",),
    "Z": ("GREEK CAPITAL LETTER ZETA",),
    "-": ("HYPHEN", "NON-BREAKING HYPHEN", "FIGURE DASH", "EN DASH", "EM DASH", "HORIZONTAL BAR", "MINUS SIGN"),
    "'": ("LEFT SINGLE QUOTATION MARK", "RIGHT SINGLE QUOTATION MARK", "MODIFIER LETTER APOSTROPHE", "PRIME"),
}
"""Characters of other scripts that look like an ASCII one (Unicode's confusables, the part that
matters for ids and field names). Capitals not listed follow their small letter (see `_looks_like`);
fullwidth, mathematical and other compatibility forms are found with NFKC."""

_LOOKALIKES = {unicodedata.lookup(name): ascii_char for ascii_char, names in _LOOKALIKE_NAMES.items() for name in names}


def _looks_like(char: str) -> str | None:
    """The ASCII character `char` passes for, if it passes for one."""
    if char in _LOOKALIKES:
        return _LOOKALIKES[char]
    if char.lower() in _LOOKALIKES and char.lower() != char:
        return _LOOKALIKES[char.lower()].upper()
    normal = unicodedata.normalize("NFKC", char)
    return normal if normal.isascii() and normal.isprintable() and len(normal) == 1 else None


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _character_note(char: str) -> str | None:
    """What is wrong with one character of an id or field name, or None when nothing is."""
    if char.isascii():
        return None
    name = f"{unicodedata.name(char, 'an unnamed character')} (U+{ord(char):04X})"
    twin = _looks_like(char)
    if twin == " ":
        return f"{name}, which looks like a space"
    if twin is not None:
        return f"{name}, which looks like {'Latin ' if twin.isalpha() else ''}'{twin}'"
    category = unicodedata.category(char)
    if category in ("Mn", "Me"):
        return f"{name}, which joins the character before it"
    if category in ("Cf", "Zs", "Zl", "Zp"):
        return f"{name}, which is invisible"
    return name


def strange_characters(text: str) -> str:
    """': its 3rd character is CYRILLIC SMALL LETTER IE (U+0435), which looks like Latin 'e'', or ''.

    Ids, field names, references and vocabulary values are plain ASCII: a character from another
    script, a look-alike dash or an invisible space makes two equal-looking words differ, and the
    message has to say which character it is, since the eye cannot."""
    notes = [(i, note) for i, char in enumerate(text, start=1) if (note := _character_note(char)) is not None]
    if not notes:
        return ""
    described = [f"its {_ordinal(i)} character is {note}" for i, note in notes[:3]]
    more = f", and {len(notes) - 3} more such character(s)" if len(notes) > 3 else ""
    return ": " + ", and ".join(described) + more


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file. Lines and columns are 1-based, as editors show them."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Problem:
    location: Location
    field_path: str
    message: str
    severity: Severity = field(default=Severity.ERROR, compare=False)

    def __str__(self) -> str:
        prefix = "" if self.severity is Severity.ERROR else "warning: "
        field_part = self.field_path or "(file)"
        return one_line(f"{self.location}: {field_part}: {prefix}{self.message}")

    def github_annotation(self, as_error: bool = False) -> str:
        """The same problem as a GitHub Actions workflow command, so it shows on the changed line.

        `as_error`: a warning that fails the job (strict mode) is annotated as an error, so the
        annotation says what the job's red cross says."""
        kind = "error" if self.severity is Severity.ERROR or as_error else "warning"
        return workflow_command(kind, f"{self.field_path}: {self.message}", self.location)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_command(kind: str, message: str, location: Location | None = None) -> str:
    """`::error file=...,line=...,col=...::message` (or without a place), escaped as GitHub documents."""
    properties = ""
    if location is not None:
        path = _escape_data(location.path).replace(":", "%3A").replace(",", "%2C")
        properties = f" file={path},line={location.line},col={location.column}"
    return one_line(f"::{kind}{properties}::{_escape_data(message)}")


class Report:
    """Collects problems from every stage so that one run reports all of them."""

    def __init__(self) -> None:
        self._problems: list[Problem] = []
        self.held_back = 0
        """Problems not reported because they may only follow from a file that failed to load
        (a reference to it, or a claim that nothing lists an entity while a list failed to load)."""

    def add(self, location: Location, field_path: str, message: str, severity: Severity = Severity.ERROR) -> None:
        self._problems.append(Problem(location, field_path, message, severity))

    def warn(self, location: Location, field_path: str, message: str) -> None:
        self.add(location, field_path, message, Severity.WARNING)

    def hold_back(self) -> None:
        self.held_back += 1

    def extend(self, other: Report) -> None:
        self._problems.extend(other._problems)
        self.held_back += other.held_back

    @property
    def problems(self) -> list[Problem]:
        """Errors first, then warnings, each in file order: the first line is what to fix first."""
        return sorted(set(self._problems), key=lambda p: (p.severity is not Severity.ERROR, p))

    def errors(self, strict: bool = False) -> list[Problem]:
        if strict:
            return self.problems
        return [p for p in self.problems if p.severity is Severity.ERROR]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors(strict))


class DataError(Exception):
    """Raised when data cannot be published; carries the full report."""

    def __init__(self, report: Report) -> None:
        super().__init__(f"{len(report.problems)} data problem(s)")
        self.report = report

    def __reduce__(self) -> tuple[type[DataError], tuple[Report]]:
        # Pickled with its report (it crosses from a language's generating process to the build).
        return (DataError, (self.report,))


def relative(path: Path, root: Path) -> str:
    """`path` as a message shows it: from `root` when it is inside it, else whole.

    What `path.relative_to(root).as_posix()` gives, on the strings: a Path's string is already
    normalised, and pathlib's parsing was a fifth of loading 18,541 cached files (three calls each)."""
    full, base = path.as_posix(), root.as_posix()
    if full == base:
        return "."
    prefix = base if base.endswith("/") else base + "/"
    return full[len(prefix) :] if full.startswith(prefix) else full
