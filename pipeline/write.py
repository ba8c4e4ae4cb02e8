"""Write output files atomically and only when their bytes change.

Each file is written to a temporary file in the same folder and renamed over the old
one, so a reader (or an interrupted build) sees either the old or the new file whole.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from .model import OutputFile


def write_atomic(target: Path, content: bytes) -> None:
    """Replace ``target`` with ``content`` via a temporary file and a rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_outputs(output: Path, files: list[OutputFile]) -> tuple[list[str], list[str]]:
    """Write every file below ``output``; return (written, unchanged) output paths."""
    written, unchanged = [], []
    root = output.resolve()
    for file in files:
        target = (root / file.path).resolve()
        if not target.is_relative_to(root):  # never write outside output/
            raise ValueError(f"refusing to write outside the output folder: {file.path}")
        try:
            if target.read_bytes() == file.content:
                unchanged.append(file.path)
                continue
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            pass
        write_atomic(target, file.content)
        written.append(file.path)
    return written, unchanged


def prune(output: Path, names: list[str]) -> list[str]:
    """Delete outputs the pipeline wrote earlier and no longer makes, and the folders
    left empty by that; return what was deleted. Only names from the manifest come
    here, so nothing the user put in the output folder is touched."""
    root = output.resolve()
    removed = []
    for name in sorted(names):
        target = (root / name).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            continue
        target.unlink()
        removed.append(name)
        folder = target.parent
        while folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return removed


#: Names write_atomic gives its temporary files (see tempfile.mkstemp).
_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def remove_temporaries(output: Path) -> list[str]:
    """Delete temporary files left by an interrupted build (kill -9, power loss)."""
    removed = []
    for folder, _, files in os.walk(output):
        for name in files:
            if _TEMPORARY.match(name):
                os.unlink(os.path.join(folder, name))
                removed.append(os.path.relpath(os.path.join(folder, name), output))
    return sorted(removed)
