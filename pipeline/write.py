"""Write output files atomically and only when their bytes change.

Each file is written to a temporary file in the same folder and renamed over the old
one, so a reader (or an interrupted build) sees either the old or the new file whole.
"""

from __future__ import annotations

import os
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
