"""How the commands talk to people: lines on stdout or stderr (coloured on a terminal),
diagnostics, plurals, the config loaded or a clean exit 1, the date a command takes as
"today", and a short message instead of a traceback (``guarded``). No Click here:
``bilingual build`` runs without loading it (``entry``)."""

from __future__ import annotations

import datetime
import os
import sys
from collections.abc import Callable
from pathlib import Path

from .config import CONFIG_NAME, ConfigError, find_config, load_config
from .model import Config

#: ANSI colours, as Click's ``style`` writes them.
_COLOURS = {"red": 31, "green": 32, "yellow": 33}


def say(text: str = "", colour: str | None = None, *, err: bool = False) -> None:
    """Print one line on stdout (stderr with ``err``), in ``colour`` only on a terminal,
    and flush it, as ``click.secho`` does."""
    stream = sys.stderr if err else sys.stdout
    if colour and stream.isatty():
        text = f"\x1b[{_COLOURS[colour]}m{text}\x1b[0m"
    stream.write(text + "\n")
    stream.flush()


def print_diagnostics(diagnostics, notes: bool = False) -> None:
    """Every error and warning on stderr, coloured on a terminal; info notes (what was
    left out of a page) only with ``notes``, as `split` asks."""
    for diagnostic in diagnostics:
        if diagnostic.severity == "info" and not notes and diagnostic.code not in ("cache",):
            continue  # what was left out of a page is for `split`; a damaged cache is news
        colour = {"error": "red", "warning": "yellow"}.get(diagnostic.severity)
        say(diagnostic.format(), colour, err=True)


def load_or_exit(config_path: Path | None, **overrides: Path | None) -> Config:
    """Load the given config, ./bilingual.toml, or the defaults; on a bad config print
    every problem in it and exit 1."""
    path = config_path or find_config()
    try:
        config = load_config(path, **overrides)
    except ConfigError as problem:
        print_diagnostics(problem.diagnostics)
        sys.exit(1)
    if path is None:
        say(f"note: no {CONFIG_NAME} in {Path.cwd()}; using the defaults "
            f"(languages sv, en; base_url {config.base_url})", "yellow", err=True)
    return config


def plural(count: int, word: str) -> str:
    """"1 error", "2 errors"."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def chosen_date(given: datetime.datetime | None) -> datetime.date:
    """--date, else SOURCE_DATE_EPOCH (reproducible builds), else today."""
    if given is not None:
        return given.date()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
    return datetime.date.today()


def guarded(command: Callable[[], object], passed: tuple[type[BaseException], ...] = ()):
    """Run ``command``; a broken pipe, Ctrl-C or a bug ends the program with a short
    message and exit 141, 130 or 2: people using bilingual should never face a Python
    traceback. Exceptions of the ``passed`` types (and SystemExit) go through."""
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
