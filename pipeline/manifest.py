"""What the last build into an output folder made and from what: the basis of incremental
builds and pruning, kept in the build state (``pipeline.state``).

For every output file the pipeline wrote, the hash of everything that made it (sources,
templates, config, package and detector versions) and its size and modification time:
an unchanged output is never rendered again, and only files the pipeline wrote are ever
pruned. An output's size and mtime only tell whether someone replaced the file by hand.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .state import BuildState


def sha256(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def fingerprint(*parts: str) -> str:
    """One hash of several strings, in order."""
    return sha256("\0".join(parts).encode("utf-8"))


def folder_id(output: Path) -> str:
    """How the build state names an output folder: what was written to ``preview/``
    must never decide what is pruned from ``output/``."""
    return sha256(str(output).encode("utf-8"))[:16]


class OutputRecord(NamedTuple):
    """One file a build wrote: what made it, and how it looked on disk afterwards."""

    key: str  #: input key (``outputs.input_key``); "" when it must be rendered again
    size: int  #: bytes
    mtime_ns: int  #: modification time


@dataclass
class Manifest:
    """Which outputs the last build into one folder wrote, from which inputs, and what it
    reported (a build that finds nothing changed repeats that report)."""

    fingerprint: str = ""  #: everything global: package, detector, config, templates
    sources: dict[str, str] = field(default_factory=dict)  #: source path → sha256
    outputs: dict[str, OutputRecord] = field(default_factory=dict)  #: output path → record
    diagnostics: list[list] = field(default_factory=list)  #: to repeat when nothing changed
    articles: int = 0  #: article count, for the report
    policy: str = ""  #: which drafts and scheduled articles the build showed
    next_change: str = ""  #: ISO moment the next scheduled article goes live, "" if none
    held: list[list] = field(default_factory=list)  #: articles left out, for the report
    suggestions: list[dict] = field(default_factory=list)  #: likely translations, ditto
    extra: list[str] = field(default_factory=list)  #: files it found it had not made
    damaged: bool = False  #: the stored record could not be used (an empty one is used)

    @classmethod
    def load(cls, state: BuildState, output: Path) -> Manifest:
        """The record of the last build into ``output``; an empty one if there is none."""
        folder = folder_id(output)
        connection = state.connection
        row = connection.execute("SELECT fingerprint, report FROM builds WHERE folder = ?",
                                 (folder,)).fetchone()
        if row is None:
            return cls()
        try:
            report = json.loads(row[1])
            record = cls(row[0], dict(connection.execute(
                "SELECT path, digest FROM build_sources WHERE folder = ?", (folder,))),
                {path: OutputRecord(*rest) for path, *rest in connection.execute(
                    "SELECT path, key, size, mtime_ns FROM outputs WHERE folder = ?",
                    (folder,))},
                **{name: report[name] for name in _REPORT})
        except (ValueError, KeyError, TypeError):
            return cls(damaged=True)
        return record

    def save(self, state: BuildState, output: Path, previous: Manifest) -> None:
        """Store this record in place of ``previous``, writing only the rows that differ,
        in one transaction: a build killed now leaves the old record or the new one."""
        folder = folder_id(output)
        report = json.dumps({name: getattr(self, name) for name in _REPORT},
                            ensure_ascii=False, separators=(",", ":"))
        with state.transaction() as connection:
            connection.execute("INSERT OR REPLACE INTO builds VALUES (?, ?, ?)",
                               (folder, self.fingerprint, report))
            write_changed_rows(connection, "build_sources", folder,
                  {path: (digest,) for path, digest in previous.sources.items()},
                  {path: (digest,) for path, digest in self.sources.items()}, 1)
            write_changed_rows(connection, "outputs", folder, previous.outputs, self.outputs,
                               3)

    def intact(self, output: Path, name: str) -> bool:
        """True when the recorded output file is still there as the pipeline left it."""
        record = self.outputs.get(name)
        if record is None:
            return False
        try:
            status = os.stat(os.path.join(output, name))
        except OSError:
            return False
        return status.st_size == record.size and status.st_mtime_ns == record.mtime_ns

    def record(self, output: Path, name: str, key: str) -> None:
        """Note that ``name`` was made from ``key`` and is on disk now."""
        status = os.stat(os.path.join(output, name))
        self.outputs[name] = OutputRecord(key, status.st_size, status.st_mtime_ns)


#: The fields of a Manifest kept as one JSON report.
_REPORT = ("diagnostics", "articles", "policy", "next_change", "held", "suggestions",
           "extra")


def write_changed_rows(connection, table: str, folder: str, old: dict, new: dict,
                       width: int) -> None:
    """Make ``table``'s rows of ``folder`` say ``new`` (path → tuple of ``width`` values)
    where they said ``old``: rows gone are deleted, rows changed or new are written."""
    connection.executemany(f"DELETE FROM {table} WHERE folder = ? AND path = ?",
                           ((folder, path) for path in old.keys() - new.keys()))
    placeholders = ", ".join("?" * (width + 2))
    connection.executemany(
        f"INSERT OR REPLACE INTO {table} VALUES ({placeholders})",
        ((folder, path, *value) for path, value in new.items()
         if tuple(old.get(path, ())) != tuple(value)))
