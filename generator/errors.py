"""Located problems: every data error names its file, line, column and field path."""

from __future__ import annotations

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

    def github_annotation(self) -> str:
        """The same problem as a GitHub Actions workflow command, so it shows on the changed line."""
        kind = "error" if self.severity is Severity.ERROR else "warning"
        message = f"{self.field_path}: {self.message}".replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        loc = self.location
        path = loc.path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")
        return one_line(f"::{kind} file={path},line={loc.line},col={loc.column}::{message}")


class Report:
    """Collects problems from every stage so that one run reports all of them."""

    def __init__(self) -> None:
        self._problems: list[Problem] = []

    def add(self, location: Location, field_path: str, message: str, severity: Severity = Severity.ERROR) -> None:
        self._problems.append(Problem(location, field_path, message, severity))

    def warn(self, location: Location, field_path: str, message: str) -> None:
        self.add(location, field_path, message, Severity.WARNING)

    def extend(self, other: Report) -> None:
        self._problems.extend(other._problems)

    @property
    def problems(self) -> list[Problem]:
        return sorted(set(self._problems))

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


def relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
