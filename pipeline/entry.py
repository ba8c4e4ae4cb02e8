"""The ``bilingual`` command's front door.

A bare ``bilingual build``, what CI runs on every push, has no options to read, so it
goes straight to ``build_command`` without loading Click (``import click`` takes 28 ms
here; the whole of a build with nothing to do, about 90 ms); everything else goes to
the Click group in ``cli``.
Either way an unexpected exception becomes a short message and exit 2
(``console.guarded``).
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    """``bilingual`` with ``argv`` (default: the command line)."""
    arguments = sys.argv[1:] if argv is None else argv
    if arguments == ["build"]:
        from .build_command import BuildOptions, build_command
        from .console import guarded

        sys.exit(guarded(lambda: build_command(BuildOptions())))
    from .cli import main as click_main

    click_main(args=argv)  # None: Click reads the command line and names the program
