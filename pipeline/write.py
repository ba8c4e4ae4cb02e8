"""Write output files atomically and only when their bytes change; never through, over or
into anything the build did not make.

Each file is written to a temporary file in the same folder and renamed over the old
one, so a reader (or an interrupted build) sees either the old or the new file whole.
Something in the way (a file where a folder is needed, a folder where a page goes, a
symbolic link) is reported and left exactly as it is.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from itertools import count
from pathlib import Path

from .folders import walk_entries
from .model import OutputFile

#: What can be in the way of an output, as ``Blocked.what`` names it.
OBSTACLES = {
    "file": "a file, where a folder is needed",
    "folder": "a folder, where a file goes",
    "link": "a symbolic link, which the build never writes through",
    "special": "a special file (a pipe, socket or device)",
    "outside": "a path that leads outside the output folder",
}


@dataclass(frozen=True, slots=True)
class Blocked:
    """An output left unwritten because something the build did not make is in its way."""

    path: str  #: the output, below the output folder
    obstacle: str  #: what is in the way, below the output folder ("." for the folder itself)
    what: str  #: a key of OBSTACLES


class BlockedOutput(ValueError):
    """Raised by ``write_outputs`` when the caller does not collect blocked outputs."""


def find_obstacle(root: str, name: str, clear: set[str] | None = None
                  ) -> tuple[str, str] | None:
    """What stands in the way of the file ``name`` below the real folder ``root``:
    (its path below ``root``, a key of OBSTACLES), or None when the way is clear.

    Looks at each part with lstat, so no link is ever followed; ``clear`` remembers
    folders already found to be real folders (the caller keeps it across many names).
    """
    if os.path.lexists(root) and not os.path.isdir(root):
        return ".", "file"
    parts = name.split("/")
    for depth in range(len(parts)):
        shown = "/".join(parts[:depth + 1])
        last = depth == len(parts) - 1
        if not last and clear is not None and shown in clear:
            continue
        try:
            mode = os.lstat(os.path.join(root, shown)).st_mode
        except FileNotFoundError:
            break  # nothing below a missing part can be in the way
        if stat.S_ISLNK(mode):
            return shown, "link"
        if not last and not stat.S_ISDIR(mode):
            return shown, "file"
        if last and stat.S_ISDIR(mode):
            return shown, "folder"
        if last and not stat.S_ISREG(mode):
            return shown, "special"
        if not last and clear is not None:
            clear.add(shown)
    # No part is a link, so this only catches names with "..": belt and braces.
    target = os.path.realpath(os.path.join(root, name))
    if not target.startswith(root.rstrip(os.sep) + os.sep):
        return name, "outside"
    return None


def write_atomic(target: Path, content: bytes) -> None:
    """Replace ``target`` with ``content`` via a temporary file beside it and a rename,
    so a reader sees the old bytes or the new ones, never half of them."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = _create_temporary(target)
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(handle, 0o644)  # readable by a web server, whatever the umask
            stream.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _create_temporary(target: Path) -> tuple[int, str]:
    """A new file ``.<name>.<8 characters>.tmp`` beside ``target``, opened for writing.

    The characters come from the process id and a counter (what tempfile's random names
    cost shows in a build of thousands of pages); O_EXCL never opens another's file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        token = f"{(os.getpid() << 16 | next(_COUNTER)) & 0xFFFFFFFF:08x}"
        temporary = os.path.join(target.parent, f".{target.name}.{token}.tmp")
        try:
            return os.open(temporary, flags, 0o600), temporary
        except FileExistsError:
            continue  # left by a process that had this id before: take the next name
    raise FileExistsError(f"no free temporary name beside {target}")


def write_outputs(output: Path, files: list[OutputFile], blocked: list[Blocked] | None = None
                  ) -> tuple[list[str], list[str]]:
    """Write every file below ``output``; return (written, unchanged) output paths.

    A file with something in its way is not written: it is appended to ``blocked`` and
    the others are still written; without a ``blocked`` list it raises BlockedOutput.
    """
    written, unchanged = [], []
    root = os.path.realpath(output)  # the output folder itself may be a link: the user's
    clear: set[str] = set()
    for file in files:
        obstacle = find_obstacle(root, file.path, clear)
        if obstacle is not None:
            if blocked is None:
                raise BlockedOutput(f"cannot write {file.path}: {obstacle[0]} is "
                                    f"{OBSTACLES[obstacle[1]]}")
            blocked.append(Blocked(file.path, *obstacle))
            continue
        target = Path(root, file.path)
        try:
            if target.read_bytes() == file.content:
                unchanged.append(file.path)
                continue
        except FileNotFoundError:
            pass
        write_atomic(target, file.content)
        written.append(file.path)
    return written, unchanged


def compare_outputs(output: Path, files: list[OutputFile]
                    ) -> tuple[list[str], list[str], list[Blocked]]:
    """For --check: the files missing from ``output``, those there with other bytes, and
    those a build could not write (read through nothing the build did not make)."""
    missing, stale, blocked = [], [], []
    root = os.path.realpath(output)
    clear: set[str] = set()
    for file in files:
        obstacle = find_obstacle(root, file.path, clear)
        if obstacle is not None:
            blocked.append(Blocked(file.path, *obstacle))
            missing.append(file.path)
            continue
        try:
            if Path(root, file.path).read_bytes() != file.content:
                stale.append(file.path)
        except FileNotFoundError:
            missing.append(file.path)
    return missing, stale, blocked


def prune(output: Path, names: list[str]) -> list[str]:
    """Delete outputs the pipeline wrote earlier and no longer makes, and the folders
    left empty by that; return what was deleted. Only names from the manifest come
    here, so nothing the user put in the output folder is touched, and a name behind
    a link or with anything else in its way is left alone."""
    root = os.path.realpath(output)
    removed = []
    for name in sorted(names):
        if find_obstacle(root, name) is not None:
            continue
        target = Path(root, name)
        if not target.is_file():
            continue
        target.unlink()
        removed.append(name)
        folder = target.parent
        while str(folder) != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return removed


#: Names write_atomic gives its temporary files (see tempfile.mkstemp).
_TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")
_COUNTER = count()  #: numbers the temporary files of this process


#: Newsletters live in output/newsletter/ but are not part of the site build.
NEWSLETTER_FOLDER = "newsletter/"


def files_below(output: Path, *, remove_temporaries: bool = False) -> set[str]:
    """Every file below ``output`` (posix paths), except newsletters and temporary files;
    with ``remove_temporaries``, the temporary files an interrupted build (kill -9, power
    loss) left anywhere below it are deleted on the way (only while holding the build
    lock: another build's temporaries look the same).

    Links to folders are neither listed nor followed, as ``os.walk`` does."""
    found: set[str] = set()
    for name, entry in walk_entries(
            str(output), lambda name, _: remove_temporaries or name + "/" != NEWSLETTER_FOLDER):
        if entry.is_dir():
            continue  # a folder, or a link to one: neither listed nor followed
        if entry.name.startswith(".") and entry.name.endswith(".tmp"):
            if (remove_temporaries and _TEMPORARY.match(entry.name)
                    and not entry.is_symlink()):
                Path(entry.path).unlink(missing_ok=True)
        elif not name.startswith(NEWSLETTER_FOLDER):
            found.add(name)
    return found
