"""The build's memory between runs: one SQLite database, ``build.db`` under ``paths.cache``.

- ``sources``/``blocks``: what reading each source gave (its articles without their
  blocks, its diagnostics; the blocks apart, loaded only when a page needs them), keyed
  by the sha256 of its bytes and the parse fingerprint, so an unchanged source is never
  parsed or detected again;
- ``detections``: language detections by text, so an edited source re-detects only
  the blocks that changed;
- ``builds``/``build_sources``/``outputs``: per output folder, what the last build had
  as inputs, what it reported, and every file it wrote there (the hash of what made it,
  its size and modification time), so an unchanged output is never rendered again and
  only files the pipeline wrote are ever pruned;
- ``history``: when each source's bytes were first seen, for ``bilingual status``;
- ``file_hashes``: each source's hash beside its size and times, so an untouched file
  is not read again to find that it did not change (``pipeline.filehashes``).

Hashes decide what changed; a file's times only spare reading a file that shows exactly
the signature it had when it was hashed (and had settled then). The caches (sources, blocks,
detections) are committed when reading ends, the build record in one transaction at the
end: a build killed at any moment leaves the database as one of the two builds left it,
and the cache entries are self-checking (digest and fingerprint in every row).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .diagnostics import diagnostic_to_list
from .model import Article, Block, Span

#: Bumped whenever a table changes shape: an older database is then rebuilt.
SCHEMA = 2
FILE_NAME = "build.db"
#: The detections table never holds more rows than this (about 20 MB); the oldest go
#: first, and a build re-inserts the ones it used, so those in use stay.
MAX_DETECTIONS = 200_000
#: The JSON state files of versions before 0.2, removed when the database is created.
_LEGACY = ("manifest-*.json", "detection-*.json", "history.json", "sources/*.json")

_TABLES = """
CREATE TABLE sources (path TEXT PRIMARY KEY, digest TEXT NOT NULL,
    fingerprint TEXT NOT NULL, articles TEXT NOT NULL, diagnostics TEXT NOT NULL);
CREATE TABLE blocks (path TEXT NOT NULL, lang TEXT NOT NULL, digest TEXT NOT NULL,
    blocks TEXT NOT NULL, PRIMARY KEY (path, lang));
CREATE TABLE detections (key TEXT PRIMARY KEY, lang TEXT, log_odds REAL NOT NULL);
CREATE TABLE builds (folder TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
    report TEXT NOT NULL);
CREATE TABLE build_sources (folder TEXT NOT NULL, path TEXT NOT NULL, digest TEXT NOT NULL,
    PRIMARY KEY (folder, path)) WITHOUT ROWID;
CREATE TABLE outputs (folder TEXT NOT NULL, path TEXT NOT NULL, key TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, PRIMARY KEY (folder, path))
    WITHOUT ROWID;
CREATE TABLE history (path TEXT PRIMARY KEY, digest TEXT NOT NULL, seen REAL NOT NULL);
CREATE TABLE file_hashes (path TEXT PRIMARY KEY, signature TEXT NOT NULL,
    digest TEXT NOT NULL) WITHOUT ROWID;
"""

#: One connection per process and database file: forked workers open their own (a
#: SQLite connection must never cross a fork), the main process shares its writer.
_CONNECTIONS: dict[tuple[int, str], sqlite3.Connection] = {}


class StateChanged(RuntimeError):
    """The database no longer holds what a lazily loaded article points at."""


def _connect(path: str) -> sqlite3.Connection:
    """A connection with the settings every user of the database needs."""
    connection = sqlite3.connect(path, timeout=60, isolation_level=None,
                                 check_same_thread=False)
    connection.execute("PRAGMA busy_timeout = 60000")
    return connection


def reader(path: str) -> sqlite3.Connection:
    """This process's connection to the database at ``path``."""
    key = (os.getpid(), path)
    connection = _CONNECTIONS.get(key)
    if connection is None:
        connection = _CONNECTIONS[key] = _connect(path)
    return connection


class BuildState:
    """An open build-state database; ``notes`` say what was found damaged and rebuilt."""

    @classmethod
    def open(cls, cache: Path, *, create: bool = True) -> BuildState | None:
        """The build state under ``cache``; without ``create``, None unless a usable one
        is there already (``build --check`` writes nothing)."""
        if not create:
            if not (cache / FILE_NAME).is_file():
                return None
            probe = _connect(str(cache / FILE_NAME))
            try:
                if probe.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
                    return None
                probe.execute("SELECT count(*) FROM builds").fetchone()
            except sqlite3.DatabaseError:
                return None
            finally:
                probe.close()
        return cls(cache)

    @classmethod
    @contextmanager
    def opened(cls, cache: Path, *, create: bool = True, discard: bool = False
               ) -> Iterator[BuildState | None]:
        """``open`` for a ``with`` block, closed at its end; ``discard`` throws away the
        database there first (it proved damaged), with a note."""
        if discard and create:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(cache / FILE_NAME) + suffix).unlink(missing_ok=True)
        state = cls.open(cache, create=create)
        if discard and state is not None:
            state.notes.append(f"{FILE_NAME} was damaged; it is thrown away and rebuilt")
        try:
            yield state
        finally:
            if state is not None:
                state.close()

    def __init__(self, cache: Path) -> None:
        self.path = str(cache / FILE_NAME)  #: the database file
        self.notes: list[str] = []  #: what was thrown away, for info diagnostics
        self._detections: int | None = None  #: rows in detections, at most (counted once)
        cache.mkdir(parents=True, exist_ok=True)
        try:
            self.connection = self._open()
        except sqlite3.DatabaseError as problem:
            if isinstance(problem, sqlite3.OperationalError):
                raise  # locked, read-only or a full disk: the file may well be fine
            self.notes.append(f"{FILE_NAME} was damaged; it is thrown away and rebuilt")
            self._delete()
            self.connection = self._open()
        _CONNECTIONS[(os.getpid(), self.path)] = self.connection

    def _open(self) -> sqlite3.Connection:
        """Open the file, check it and its schema, and create the tables if needed."""
        connection = _connect(self.path)
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA:
                tables = connection.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
                if tables:  # an older version's database: start again
                    self.notes.append(f"{FILE_NAME} was made by another version of "
                                      "bilingual; it is rebuilt")
                    connection.close()
                    self._delete()
                    connection = _connect(self.path)
                connection.execute("PRAGMA journal_mode = WAL")
                connection.executescript("BEGIN;" + _TABLES + f"PRAGMA user_version = {SCHEMA};"
                                         "COMMIT;")
                self._remove_legacy()
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("SELECT count(*) FROM builds").fetchone()
        except sqlite3.DatabaseError:
            connection.close()
            raise
        return connection

    def _delete(self) -> None:
        """Remove the database and its journal files (they are ours, under the cache)."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(self.path + suffix).unlink(missing_ok=True)

    def _remove_legacy(self) -> None:
        """Delete the JSON state files earlier versions kept (now in this database)."""
        folder = Path(self.path).parent
        for pattern in _LEGACY:
            for path in folder.glob(pattern):
                if path.is_file() and not path.is_symlink():
                    path.unlink(missing_ok=True)

    def close(self) -> None:
        """Close the connection (the file stays)."""
        _CONNECTIONS.pop((os.getpid(), self.path), None)
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed whole, or (on any exception) not at all.
        Inside another, it is part of that one."""
        if self.connection.in_transaction:
            yield self.connection
            return
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    # --- source results ---------------------------------------------------------------

    def cached_sources(self, fingerprint: str) -> dict[str, tuple[str, str, str]]:
        """Every stored source result made under ``fingerprint``: path → (digest,
        articles JSON, diagnostics JSON). Undecoded: only the hits are decoded."""
        rows = self.connection.execute(
            "SELECT path, digest, articles, diagnostics FROM sources WHERE fingerprint = ?",
            (fingerprint,))
        return {path: (digest, articles, problems) for path, digest, articles, problems in rows}

    def put_source(self, path: str, digest: str, fingerprint: str,
                   packed: list[tuple[dict, str]], diagnostics) -> list[Article]:
        """Store what ``path`` gave (its articles as ``pack_articles`` made them); return
        its articles with blocks loaded on demand."""
        summaries = [summary for summary, _ in packed]
        self.connection.execute("DELETE FROM blocks WHERE path = ?", (path,))
        self.connection.executemany(
            "INSERT INTO blocks VALUES (?, ?, ?, ?)",
            ((path, summary["lang"], digest, blocks) for summary, blocks in packed))
        self.connection.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
            (path, digest, fingerprint, _json(summaries),
             _json([diagnostic_to_list(d) for d in diagnostics])))
        return [article_from_dict(data, self.path, digest) for data in summaries]

    def forget_sources(self, keep: set[str]) -> None:
        """Delete the stored results of sources that are gone."""
        stored = {row[0] for row in self.connection.execute("SELECT path FROM sources")}
        gone = [(path,) for path in sorted(stored - keep)]
        self.connection.executemany("DELETE FROM sources WHERE path = ?", gone)
        self.connection.executemany("DELETE FROM blocks WHERE path = ?", gone)

    # --- detections -------------------------------------------------------------------

    def save_detections(self, entries: dict[str, list]) -> None:
        """Store detections (key → [lang, log odds]); drop the oldest above the limit.
        Rows are counted once, then estimated high (a replaced row counts as new):
        counting 200,000 rows after every source would cost more than storing it."""
        self.connection.executemany(
            "INSERT OR REPLACE INTO detections VALUES (?, ?, ?)",
            ((key, lang, odds) for key, (lang, odds) in entries.items()))
        if self._detections is None:
            self._detections = self.connection.execute(
                "SELECT count(*) FROM detections").fetchone()[0]
        else:
            self._detections += len(entries)
        if self._detections > MAX_DETECTIONS:
            count = self.connection.execute("SELECT count(*) FROM detections").fetchone()[0]
            if count > MAX_DETECTIONS:
                self.connection.execute(
                    "DELETE FROM detections WHERE rowid IN (SELECT rowid FROM detections "
                    "ORDER BY rowid LIMIT ?)", (count - MAX_DETECTIONS,))
            self._detections = min(count, MAX_DETECTIONS)

    # --- file hashes ------------------------------------------------------------------

    def file_hashes(self) -> dict[str, tuple[str, str]]:
        """Every kept (signature, sha256) by display path."""
        return {path: (sig, digest) for path, sig, digest in
                self.connection.execute("SELECT path, signature, digest FROM file_hashes")}

    def save_file_hashes(self, kept: dict[str, tuple[str, str]]) -> None:
        """Make the table hold ``kept``, writing only the rows that change."""
        known = self.file_hashes()
        self.connection.executemany("DELETE FROM file_hashes WHERE path = ?",
                                    [(path,) for path in sorted(set(known) - set(kept))])
        self.connection.executemany(
            "INSERT OR REPLACE INTO file_hashes VALUES (?, ?, ?)",
            [(path, *entry) for path, entry in sorted(kept.items())
             if known.get(path) != entry])

    # --- history ----------------------------------------------------------------------

    def record_history(self, digests: dict[str, str], now: float) -> dict[str, float]:
        """Note when each source's current bytes were first seen; that time per source."""
        seen = {path: (digest, when) for path, digest, when in
                self.connection.execute("SELECT path, digest, seen FROM history")}
        fresh = [(path, digest, now) for path, digest in sorted(digests.items())
                 if seen.get(path, ("",))[0] != digest]
        if fresh:
            with self.transaction() as connection:
                connection.executemany("INSERT OR REPLACE INTO history VALUES (?, ?, ?)",
                                       fresh)
        return {path: now if seen.get(path, ("",))[0] != digest else seen[path][1]
                for path, digest in digests.items()}


@functools.lru_cache(maxsize=64)
def load_blocks(database: str, path: str, lang: str, digest: str) -> tuple[Block, ...]:
    """The blocks stored for ``path``'s ``lang`` article made from bytes ``digest``.

    The last few stay in memory (a page, its feed entry and its translation's switcher
    may ask in turn); the rest are read again when asked for."""
    row = reader(database).execute(
        "SELECT blocks FROM blocks WHERE path = ? AND lang = ? AND digest = ?",
        (path, lang, digest)).fetchone()
    if row is None:
        raise StateChanged(f"{path} changed while this command ran: run it again")
    return blocks_from_json(row[0])


# --- serialisation --------------------------------------------------------------------


def _json(data) -> str:
    """Compact JSON text."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def pack_articles(articles) -> list[tuple[dict, str]]:
    """Articles as (summary, blocks as JSON text), ready to store: made in the worker
    that read them, so the main process never holds their blocks."""
    return [(article_to_dict(article), blocks_to_json(article.blocks))
            for article in articles]


def blocks_to_json(blocks) -> str:
    """Blocks as compact JSON text."""
    return _json([[b.kind, b.text, b.html, b.start_line, b.end_line, b.level, b.lang,
                   b.confidence, b.how, [[s.start, s.end, s.lang, s.confidence, s.how]
                                         for s in b.spans]] for b in blocks])


def blocks_from_json(text: str) -> tuple[Block, ...]:
    """The inverse of ``blocks_to_json``."""
    return tuple(Block(*head, spans=tuple(Span(*span) for span in spans))
                 for *head, spans in json.loads(text))


#: The Article fields a stored summary keeps: all but the blocks (stored apart) and
#: ``scheduled_for`` (set by each build from its own "now").
_SUMMARY_FIELDS = tuple(f.name for f in dataclasses.fields(Article)
                        if f.name not in ("blocks", "scheduled_for"))


def article_to_dict(article: Article) -> dict:
    """An Article without its blocks as JSON-ready data."""
    data = {name: getattr(article, name) for name in _SUMMARY_FIELDS}
    data["tags"] = list(article.tags)
    data["date"] = article.date.isoformat() if article.date else None
    data["publish_at"] = article.publish_at.isoformat() if article.publish_at else None
    return data


def article_from_dict(data: dict, database: str, digest: str) -> Article:
    """An Article from ``article_to_dict`` whose blocks load from ``database`` on use."""
    return Article(**{
        **data, "tags": tuple(data["tags"]),
        "date": datetime.date.fromisoformat(data["date"]) if data["date"] else None,
        "publish_at": (datetime.datetime.fromisoformat(data["publish_at"])
                       if data["publish_at"] else None),
        "blocks": LazyBlocks(database, data["source"], data["lang"], digest)})


class LazyBlocks:
    """An article's blocks, loaded from the build state the first time they are read.

    A build of a large site needs every article's title, slug and date (indexes, feeds,
    sitemap) but the blocks only of the pages it renders; holding every article's
    blocks would make memory grow with the site.
    """

    __slots__ = ("_where",)

    def __init__(self, database: str, path: str, lang: str, digest: str) -> None:
        self._where = (database, path, lang, digest)

    def _decoded(self) -> tuple[Block, ...]:
        """The blocks (not kept here: ``load_blocks`` keeps the last few)."""
        return load_blocks(*self._where)

    def __getitem__(self, index):
        return self._decoded()[index]

    def __len__(self) -> int:
        return len(self._decoded())

    def __iter__(self):
        return iter(self._decoded())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyBlocks) and other._where == self._where:
            return True
        return tuple(self) == tuple(other) if isinstance(other, tuple | LazyBlocks) \
            else NotImplemented

    def __hash__(self) -> int:
        return hash(self._where[1:])

    def __getstate__(self):
        return self._where  # pickled (to a worker, say) as its address

    def __setstate__(self, where) -> None:
        self._where = where
