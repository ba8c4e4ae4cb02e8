"""How paths are shown to people: relative to the site, with control characters escaped.

Kept apart from the build's heavy modules so that commands which only print (help,
`new`, `init`) start quickly.
"""

from __future__ import annotations

import os
from pathlib import Path

from .characters import printable
from .model import Config


def display_path(path: Path, root: Path) -> str:
    """A path as the user should see it: relative to the site (or current) folder, with
    any control character in a name escaped (a newline in a file name must never start a
    line of its own in a terminal or a CI log)."""
    resolved = path.resolve()
    for base in (root, Path.cwd()):
        if resolved.is_relative_to(base):
            return printable(resolved.relative_to(base).as_posix())
    return printable(resolved.as_posix())


def display_paths(paths: list[str], config: Config) -> dict[str, str]:
    """Display paths of many sources below the articles folder (one resolve in all)."""
    prefix = display_path(config.articles, config.root).rstrip("/") + "/"
    articles = str(config.articles)
    below = articles.rstrip(os.sep) + os.sep
    start = len(below)
    return {path: prefix + printable((path[start:] if path.startswith(below) else
                                      os.path.relpath(path, articles)).replace(os.sep, "/"))
            for path in paths}
