"""Where templates come from, without loading Jinja: a build that finds nothing to do
hashes them but renders nothing."""

from __future__ import annotations

from pathlib import Path


def builtin_theme() -> Path:
    """The default templates: inside the installed package, or the repository's folder."""
    packaged = Path(__file__).parent / "theme"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"
