"""One build of a site at a time: a lock file in the cache folder, ``build.lock``.

Two builds of one site (two terminals, or `bilingual build` while `serve` rebuilds) share
the cache and may share the output folder; run together, one would delete the other's
temporary files. The second build waits for the first, up to a timeout.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .diagnostics import Diagnostic, error

try:
    import fcntl
except ImportError:  # Windows: an O_EXCL lock file instead, see _exclusive_file
    fcntl = None

LOCK_NAME = "build.lock"
#: Seconds a build waits for another one; BILINGUAL_LOCK_TIMEOUT overrides it.
DEFAULT_TIMEOUT = 120.0
#: Seconds between two attempts to take the lock.
_POLL = 0.1


class LockTimeout(Exception):
    """Another build held the lock for longer than the timeout."""

    def __init__(self, path: Path, holder: int | None, waited: float) -> None:
        super().__init__(f"{path} is held by {holder or 'another process'}")
        self.path = path  #: the lock file
        self.holder = holder  #: pid written in the lock file, None when unknown
        self.waited = waited  #: seconds waited


def timeout_diagnostic(problem: LockTimeout, shown: str) -> Diagnostic:
    """The error a build reports when it gave up waiting; ``shown`` is the lock file's
    display path."""
    who = f" (pid {problem.holder})" if problem.holder else ""
    stale = ("" if fcntl is not None else f"; if no build is running, one was stopped "
             f"before it could clean up: delete {shown}")
    return error(shown, 1, "locked",
                 f"another build of this site{who} was still running after "
                 f"{problem.waited:.0f} s of waiting; this build did nothing",
                 "let the other build finish (or stop it), then build again; "
                 f"BILINGUAL_LOCK_TIMEOUT=600 waits longer{stale}")


def lock_timeout() -> float:
    """Seconds to wait for another build: BILINGUAL_LOCK_TIMEOUT, else DEFAULT_TIMEOUT."""
    try:
        return max(0.0, float(os.environ.get("BILINGUAL_LOCK_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


def _say_on_stderr(message: str) -> None:
    """The default for ``on_wait``: a line on stderr, where the CLI prints its notes."""
    print(message, file=sys.stderr, flush=True)


def _holder(path: Path) -> int | None:
    """The pid the lock's holder wrote in the file, if it is there yet."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    return int(text) if text.isdigit() else None


def _wait_message(holder: int | None) -> str:
    """What a waiting build says once."""
    who = f" (pid {holder})" if holder else ""
    return f"waiting for another build of this site{who} to finish…"


@contextmanager
def build_lock(folder: Path, *, shared: bool = False,
               on_wait: Callable[[str], None] | None = None,
               timeout: float | None = None) -> Iterator[None]:
    """Hold the site's build lock in ``folder`` (the cache folder) for the ``with`` block.

    ``shared`` is for readers (``build --check``): they wait for a build that writes,
    never for each other, and create nothing: with no lock file, no build has ever run
    here to wait for. ``on_wait`` is told once when the lock is busy (default: a line
    on stderr). Raises LockTimeout after ``timeout`` seconds (default: lock_timeout()).
    """
    path = folder / LOCK_NAME
    on_wait = on_wait or _say_on_stderr
    limit = lock_timeout() if timeout is None else timeout
    if shared and (fcntl is None or not path.exists()):
        # Nothing to wait for: no build ever ran here, or an O_EXCL file cannot be shared.
        yield
        return
    if fcntl is None:
        with _exclusive_file(path, on_wait, limit):
            yield
        return
    if not shared:
        folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDONLY if shared else os.O_RDWR | os.O_CREAT, 0o644)
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX

    def attempt() -> bool:
        """Take the lock if it is free."""
        try:
            fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    try:
        _wait_for(attempt, path, on_wait, limit)
        try:
            if not shared:
                os.ftruncate(descriptor, 0)
                os.write(descriptor, f"{os.getpid()}\n".encode("ascii"))
            yield
        finally:
            if not shared:
                os.ftruncate(descriptor, 0)
            # Unlock before closing: forked workers may still hold the descriptor open.
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _wait_for(attempt: Callable[[], bool], path: Path, on_wait: Callable[[str], None],
              limit: float) -> None:
    """Call ``attempt`` until it succeeds (polling: a blocking flock cannot time out);
    say once that we wait; raise LockTimeout after ``limit`` seconds."""
    started = time.monotonic()
    told = False
    while not attempt():
        if not told:
            on_wait(_wait_message(_holder(path)))
            told = True
        waited = time.monotonic() - started
        if waited >= limit:
            raise LockTimeout(path, _holder(path), waited)
        time.sleep(_POLL)


@contextmanager
def _exclusive_file(path: Path, on_wait: Callable[[str], None], limit: float
                    ) -> Iterator[None]:
    """Without fcntl: the lock is the file itself, created with O_EXCL, holding our pid,
    deleted after. A build that is killed leaves it behind; the timeout's hint says to
    delete it (telling a dead pid from a live one portably needs more than the stdlib)."""
    path.parent.mkdir(parents=True, exist_ok=True)

    def attempt() -> bool:
        """Create the lock file if there is none."""
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(descriptor, "w", encoding="ascii") as stream:
            stream.write(f"{os.getpid()}\n")
        return True

    _wait_for(attempt, path, on_wait, limit)
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
