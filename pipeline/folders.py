"""Walking a folder tree with ``os.scandir``: relative names built as strings, no stat or
relpath per file, and only the sub-folders the caller chooses entered."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator


def walk_entries(folder: str, enter: Callable[[str, os.DirEntry], bool]
                 ) -> Iterator[tuple[str, os.DirEntry]]:
    """(posix path relative to ``folder``, entry) for everything below ``folder``;
    a sub-folder is entered when ``enter(its relative path, its entry)`` says so.
    Folders that cannot be read are passed over."""
    folders = [("", folder)]
    while folders:
        prefix, current = folders.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            relative = prefix + entry.name
            yield relative, entry
            if (entry.is_dir(follow_symlinks=False) and not entry.is_symlink()
                    and enter(relative, entry)):
                folders.append((relative + "/", entry.path))
