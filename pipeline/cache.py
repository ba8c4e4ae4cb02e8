"""A cache of detection results under the site's cache folder.

Keyed by the sha256 of the detector's version and the text, so an unchanged block is
never detected twice across builds, and a new detector version never reuses old answers.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .detectors import Detection
from .write import write_atomic

CACHE_FORMAT = 1
#: The file never holds more detections than this (about 15 MB); those used by the
#: current build always stay.
MAX_ENTRIES = 200_000


class DetectionCache:
    """Detections by text; loaded from and saved to one JSON file (or kept in memory)."""

    def __init__(self, path: Path | None, version: str) -> None:
        self.path = path
        self.version = version
        self._stored: dict[str, list] = {}
        self._used: dict[str, list] = {}
        self._new: dict[str, list] = {}
        self.hits = 0
        self.misses = 0
        self.damaged = False  #: the file could not be used and is thrown away
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None  # a damaged cache is only a slower build
            entries = data.get("entries") if isinstance(data, dict) else None
            if not isinstance(entries, dict) or not all(
                    isinstance(v, list) and len(v) == 2 for v in entries.values()):
                self.damaged = True
            elif data.get("format") == CACHE_FORMAT and data.get("detector") == version:
                self._stored = entries

    def _key(self, text: str) -> str:
        """Stable key for a text under this detector version."""
        return hashlib.sha256(f"{self.version}\0{text}".encode()).hexdigest()[:32]

    def get(self, text: str) -> Detection | None:
        """The stored detection of ``text``, if any."""
        key = self._key(text)
        entry = self._used.get(key) or self._stored.get(key)
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        self._used[key] = entry
        return Detection(entry[0], entry[1])

    def put(self, text: str, detection: Detection) -> None:
        """Remember the detection of ``text``."""
        entry = [detection.lang, detection.log_odds]
        key = self._key(text)
        self._used[key] = entry
        self._new[key] = entry

    def take_new(self) -> dict[str, list]:
        """The entries added since the last call (a worker hands them to the parent)."""
        new, self._new = self._new, {}
        return new

    def merge(self, entries: dict[str, list]) -> None:
        """Add entries detected elsewhere (in a worker process)."""
        self._used.update(entries)

    def save(self) -> bool:
        """Write the entries used in this run, then stored ones up to MAX_ENTRIES (a
        source read from the source cache never asks for its detections, yet they help
        when it is next edited); return True when the file changed."""
        if self.path is None:
            return False
        kept = dict(self._used)
        for key in sorted(self._stored):
            if len(kept) >= MAX_ENTRIES:
                break
            kept.setdefault(key, self._stored[key])
        entries = dict(sorted(kept.items()))
        if entries == self._stored:
            return False
        content = json.dumps({"format": CACHE_FORMAT, "detector": self.version,
                              "entries": entries}, separators=(",", ":"))
        write_atomic(self.path, content.encode("utf-8"))
        self._stored = entries
        return True
