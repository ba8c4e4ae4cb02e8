"""The ``bilingual`` command's front door.

A bare ``bilingual build``, what CI runs on every push, has no options to read, so it
goes straight to ``build_command`` without loading Click (28 ms of a build with nothing
to do, about a quarter of it); everything else goes to the Click group in ``cli``.
Either way an unexpected exception becomes a short message and exit 2 (``guarded``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def guarded(command: Callable[[], object], passed: tuple[type[BaseException], ...] = ()):
    """Run ``command``; a broken pipe, Ctrl-C or a bug ends the program with a short
    message and exit 141, 130 or 2: people using bilingual should never face a Python
    traceback. Exceptions of the ``passed`` types (and SystemExit) go through."""
    from .console import say

    try:
        return command()
    except (SystemExit, *passed):
        raise
    except BrokenPipeError:
        # The reader went away (`bilingual status | head`): stop quietly, as Unix tools
        # do, instead of reporting a bug.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(141)
    except KeyboardInterrupt:
        say("Interrupted. Files already written are complete; run the command again to "
            "finish.", "yellow", err=True)
        sys.exit(130)
    except Exception as problem:  # noqa: BLE001 - the last line of defence
        if os.environ.get("BILINGUAL_DEBUG"):
            raise
        say(f"internal error: {type(problem).__name__}: {problem}", "red", err=True)
        say("  hint: this is a bug in bilingual, not a mistake in your articles. Please "
            "report it with the command you ran; BILINGUAL_DEBUG=1 shows the details.",
            err=True)
        sys.exit(2)


def main(argv: list[str] | None = None) -> None:
    """``bilingual`` with ``argv`` (default: the command line)."""
    arguments = sys.argv[1:] if argv is None else argv
    if arguments == ["build"]:
        from .build_command import BuildOptions, build_command

        sys.exit(guarded(lambda: build_command(BuildOptions())))
    from .cli import main as click_main

    click_main(args=argv)  # None: Click reads the command line and names the program
