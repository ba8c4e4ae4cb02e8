"""The ``bilingual`` command's front door.

``bilingual build``, what CI runs on every push, alone or with on/off flags only
(``--check``, ``--strict``, ``--json``, ``--drafts``, ``--future``, each at most once),
has nothing for Click to parse, so it goes straight to ``build_command`` without
loading Click (``import click`` takes 28 ms here; the whole of a build with nothing to
do, about 90 ms); every other command line goes to the Click group in ``cli``.
Either way an unexpected exception becomes a short message and exit 2
(``console.guarded``).
"""

from __future__ import annotations

import sys

#: The flags of ``bilingual build`` that take no value, and their BuildOptions fields.
_FLAGS = {"--check": "check", "--strict": "strict", "--json": "as_json",
          "--drafts": "drafts", "--future": "future"}


def main(argv: list[str] | None = None) -> None:
    """``bilingual`` with ``argv`` (default: the command line)."""
    arguments = sys.argv[1:] if argv is None else argv
    flags = arguments[1:]
    if (arguments[:1] == ["build"] and set(flags) <= _FLAGS.keys()
            and len(set(flags)) == len(flags)):
        from .build_command import BuildOptions, build_command
        from .console import guarded

        options = BuildOptions(**{_FLAGS[flag]: True for flag in flags})
        sys.exit(guarded(lambda: build_command(options)))
    from .cli import main as click_main

    click_main(args=argv)  # None: Click reads the command line and names the program
