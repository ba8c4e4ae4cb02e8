"""The sha256 of each source, read again only when the file may have changed.

As git's index does, the build state keeps each source's size, modification time, inode
and change time beside its hash. A file that still shows the same four keeps its hash
without being read; any other is read and hashed. Writing a file changes its
modification and change times, and a rename or a copy its inode; what could still slip
through is a second write of the same size within one tick of the file system's clock.
So a signature is only recorded once the file has been left alone for ``SETTLE_NS``:
a file written just before a build is read and hashed again by the next one too.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

#: How long a file must have been left alone before its signature is trusted (longer
#: than the coarsest clock of common file systems: FAT's two seconds).
SETTLE_NS = 3_000_000_000


def signature(status: os.stat_result) -> str:
    """Size, modification time, inode and change time, as one string."""
    return f"{status.st_size}:{status.st_mtime_ns}:{status.st_ino}:{status.st_ctime_ns}"


class FileHashes:
    """Hashes of the sources of one build, by display path, and the signatures to keep.

    ``known`` is what the build state kept (display path → (signature, sha256)).
    """

    def __init__(self, known: dict[str, tuple[str, str]] | None = None) -> None:
        self.known = known or {}
        self.digests: dict[str, str] = {}  #: display path → sha256 ("" if unreadable)
        self.signatures: dict[str, tuple[str, str]] = {}  #: to keep: settled files only
        self._settled_before = time.time_ns() - SETTLE_NS

    def _note(self, name: str, status: os.stat_result, digest: str) -> None:
        """Keep ``name``'s signature if the file has been left alone long enough."""
        if digest and max(status.st_mtime_ns, status.st_ctime_ns) < self._settled_before:
            self.signatures[name] = (signature(status), digest)

    def digest(self, path: str | Path, name: str) -> str:
        """The sha256 of ``path``: the kept one if its signature is unchanged, else read."""
        kept = self.kept(path, name)
        return kept if kept is not None else self.read(path, name)[1]

    def kept(self, path: str | Path, name: str) -> str | None:
        """The kept sha256 of ``path`` if the file still shows the signature it had then
        (recorded as this build's digest); None when it must be read."""
        entry = self.known.get(name)
        if entry is None:
            return None
        try:
            status = os.stat(path)
        except OSError:
            return None
        if entry[0] != signature(status):
            return None
        self.digests[name] = entry[1]
        self.signatures[name] = entry  # settled when kept, and unchanged since
        return entry[1]

    def read(self, path: str | Path, name: str, status: os.stat_result | None = None
             ) -> tuple[bytes | None, str]:
        """The bytes of ``path`` (None if unreadable) and their sha256.

        The file is looked at before it is read: a write in between leaves a signature
        that no longer matches, never a matching one beside old bytes."""
        try:
            status = status or os.stat(path)
            with open(path, "rb") as stream:
                data = stream.read()
        except OSError:
            self.digests[name] = ""
            return None, ""
        digest = self.digests[name] = hashlib.sha256(data).hexdigest()
        self._note(name, status, digest)
        return data, digest
