"""Language detections remembered between builds, in the build state (``pipeline.state``).

Keyed by the sha256 of the detector's version and the text, so an unchanged block is
never detected twice across builds, and a new detector version never reuses old answers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from .detectors import Detection
from .state import reader


class DetectionCache:
    """Detections by text: the ones made or used for the source at hand, then the
    database's.

    Workers look detections up in the database and hand what they made or used to the
    main process after each source (``take_new``), which stores them; so memory holds
    one source's detections, never the site's."""

    def __init__(self, database: str | None, version: str) -> None:
        self.database = database  #: the build-state file, or None to keep nothing
        self.version = version  #: the detector's version, part of every key
        self._new: dict[str, list] = {}  #: key → [lang, log odds] since ``take_new``
        self.hits = 0
        self.misses = 0
        #: False when the database holds no detections (a first build): no lookups then.
        self._stored = database is not None and reader(database).execute(
            "SELECT 1 FROM detections LIMIT 1").fetchone() is not None

    def _key(self, text: str) -> str:
        """Stable key for a text under this detector version."""
        return hashlib.sha256(f"{self.version}\0{text}".encode()).hexdigest()[:32]

    def _lookup(self, key: str) -> list | None:
        """The stored entry for ``key``, if the database has one."""
        if not self._stored:
            return None
        row = reader(self.database).execute(
            "SELECT lang, log_odds FROM detections WHERE key = ?", (key,)).fetchone()
        return list(row) if row else None

    def _found(self, key: str) -> Detection | None:
        """The detection stored under ``key``, if any (counted as a hit or a miss)."""
        entry = self._new.get(key) or self._lookup(key)
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        self._new[key] = entry  # stored again, so the ones in use are never evicted
        return Detection(entry[0], entry[1])

    def get(self, text: str) -> Detection | None:
        """The detection of ``text`` made earlier, if any."""
        return self._found(self._key(text))

    def put(self, text: str, detection: Detection) -> None:
        """Remember the detection of ``text``."""
        self._new[self._key(text)] = [detection.lang, detection.log_odds]

    def detection(self, text: str, detect: Callable[[str], Detection]) -> Detection:
        """The detection of ``text``: remembered, or made by ``detect`` and remembered
        (one hash of the text either way)."""
        key = self._key(text)
        found = self._found(key)
        if found is None:
            found = detect(text)
            self._new[key] = [found.lang, found.log_odds]
        return found

    def take_new(self) -> dict[str, list]:
        """The entries made or looked up since the last call, to store."""
        new, self._new = self._new, {}
        return new
