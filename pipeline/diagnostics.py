"""Diagnostics: every problem found in a source, with where, what and how to fix it.

Stages never raise for bad content; they return Diagnostics so a build can report
every problem in every file at once and still build the good articles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .characters import printable

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in one place."""

    path: str  #: display path of the file
    line: int  #: 1-based line number (1 when the whole file is concerned)
    severity: Severity  #: "error" stops that article; "warning" informs; "info" is a
    #: note that only `split` and --json show (what was left out of a page, and why)
    code: str  #: short stable name, e.g. "date" or "front-matter"
    message: str  #: what is wrong, in plain words
    hint: str = ""  #: what to do about it

    def format(self) -> str:
        """Render as ``path:line: severity[code]: message`` plus an indented hint; a
        control character from a file's name or text is shown escaped, never raw."""
        head = (f"{printable(self.path)}:{self.line}: {self.severity}[{self.code}]: "
                f"{printable(self.message)}")
        return f"{head}\n  hint: {printable(self.hint)}" if self.hint else head

    def sort_key(self) -> tuple[str, int, str, str]:
        """Order by file, then line, then code: stable across runs."""
        return (self.path, self.line, self.code, self.message)


def error(path: str, line: int, code: str, message: str, hint: str = "") -> Diagnostic:
    """Shorthand for an error diagnostic."""
    return Diagnostic(path, line, "error", code, message, hint)


def warning(path: str, line: int, code: str, message: str, hint: str = "") -> Diagnostic:
    """Shorthand for a warning diagnostic."""
    return Diagnostic(path, line, "warning", code, message, hint)


def info(path: str, line: int, code: str, message: str, hint: str = "") -> Diagnostic:
    """Shorthand for an info note."""
    return Diagnostic(path, line, "info", code, message, hint)


class ContentError(Exception):
    """Raised by IO wrappers when a file cannot be used at all; carries its Diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


def diagnostic_to_list(diagnostic: Diagnostic) -> list:
    """A Diagnostic as a JSON list."""
    return [diagnostic.path, diagnostic.line, diagnostic.severity, diagnostic.code,
            diagnostic.message, diagnostic.hint]


def diagnostic_from_list(data: list) -> Diagnostic:
    """The inverse of ``diagnostic_to_list``."""
    return Diagnostic(*data)


def diagnostics_from_json(text: str) -> list[Diagnostic]:
    """Diagnostics stored as a JSON list of lists."""
    import json

    return [diagnostic_from_list(d) for d in json.loads(text)]
