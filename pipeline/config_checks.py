"""Checks on single values of ``bilingual.toml``, and on the folders they name together.

Each check returns what is wrong (and a hint) or None, so ``config.parse_config`` can
report it at the key's line, and commands can reuse a check for their own options.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .model import DETECTORS

#: Characters that end a line somewhere: in a mail header, in robots.txt, or in an editor.
_LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: Bracket depth beyond which tomllib (recursive below Python 3.14) may run out of stack.
_DEEP_NESTING = 100


def control_character_problem(text: str) -> str | None:
    """What makes ``text`` unfit for one line (a mail header, a page title, a subject):
    a line break or another control character; None when it is fine.

    A CR or LF in a header value lets the value start new headers of its own (header
    injection), so ``newsletter --subject`` can call this on its option as well.
    """
    for char in text:
        if char in _LINE_BREAKS:
            return "holds a line break"
        if unicodedata.category(char) == "Cc":
            return f"holds the control character U+{ord(char):04X}"
    return None


def base_url_problem(value: object) -> tuple[str, str] | None:
    """What is wrong with a ``base_url`` value, as (message after the key, hint); None if
    it is an absolute http(s) URL that every page, feed and robots.txt can carry."""
    example = 'write for example base_url = "https://www.example.org/"'
    if not isinstance(value, str) or not re.match(r"https?://", value):
        return f"must be an absolute http(s) URL, not {value!r}", example
    if any(char.isspace() or unicodedata.category(char) == "Cc" for char in value):
        # urlsplit silently drops tabs and newlines, so look before it does: a newline
        # would start a new line in robots.txt ("Disallow: /") and in feeds.
        return (f"{value!r} holds a space, a line break or another control character",
                "percent-encode a space in the path as %20 and keep the URL on one line")
    if re.search(r'[<>"\\{}|^`]', value):
        return (f"{value!r} holds characters a URL cannot carry (< > \" \\ {{ }} | ^ `)",
                "percent-encode them, for example a space as %20")
    try:
        parts = urlsplit(value)
        port = parts.port  # reading it checks it: a port that is no number raises
    except ValueError as exc:
        return f"{value!r} is not a valid URL ({exc})", example
    if not parts.hostname:
        return f"{value!r} names no host", example
    if port == 0:
        return f"{value!r} names port 0, which no server listens on", example
    if parts.username is not None or parts.password is not None:
        return (f"{value!r} holds a user name or password, which every published link "
                "would show", "leave out the part before '@'")
    if "?" in value or "#" in value:
        # Links are made by appending a path, so a query or fragment would end up in
        # the middle of every URL.
        return (f"{value!r} holds a ?query or #fragment",
                "end it with the site's folder, for example https://www.example.org/news/")
    return None


def is_time_zone(name: object) -> bool:
    """True for a name the time-zone database knows (tzdata ships it where the system
    has none, as on Windows)."""
    import zoneinfo

    if not isinstance(name, str) or not name.strip():
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def time_zone_problem(value: object) -> tuple[str, str] | None:
    """What is wrong with a ``timezone`` value, and the hint; None for a known zone."""
    if is_time_zone(value):
        return None
    return (f"'timezone' {value!r} is not a time zone name",
            'write for example timezone = "Europe/Stockholm" or "Europe/Helsinki"')


def feed_items_problem(value: object) -> tuple[str, str] | None:
    """What is wrong with a ``feed_items`` value, and the hint; None for a count of 1 or
    more (true and false are no counts, though Python calls them whole numbers)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return None
    return (f"'feed_items' must be a whole number of at least 1, not {value!r}",
            "write for example feed_items = 20")


def allow_html_problem(value: object) -> tuple[str, str] | None:
    """What is wrong with an ``allow_html`` value, and the hint; None for true or false."""
    if isinstance(value, bool):
        return None
    return (f"'allow_html' must be true or false, not {value!r}",
            "write allow_html = false (the safe default) or allow_html = true")


def detector_problem(value: object) -> tuple[str, str] | None:
    """What is wrong with a ``detector`` value, and the hint; None for a known detector."""
    if isinstance(value, str) and value in DETECTORS:
        return None
    return f"unknown detector {value!r}", f"choose one of: {', '.join(DETECTORS)}"


def prefixed_base_url_problem(value: object) -> tuple[str, str] | None:
    """``base_url_problem`` with the key in front of the message."""
    problem = base_url_problem(value)
    return (f"'base_url' {problem[0]}", problem[1]) if problem else None


#: The check of each top-level value that stands on its own, by key.
VALUE_CHECKS: dict[str, Callable[[Any], tuple[str, str] | None]] = {
    "base_url": prefixed_base_url_problem,
    "detector": detector_problem,
    "feed_items": feed_items_problem,
    "allow_html": allow_html_problem,
    "timezone": time_zone_problem,
}


def unsubscribe_problem(value: str) -> tuple[str, str] | None:
    """What is wrong with a ``newsletter.unsubscribe`` value, and the hint; None if fine."""
    example = ('write for example unsubscribe = "https://www.example.org/nyhetsbrev/avsluta" '
               'or unsubscribe = "mailto:avsluta@example.org"')
    if value.startswith("http://"):
        # Providers only honour one-click unsubscribe over HTTPS (RFC 8058 §3.1), so an
        # http:// address would look set up while mailbox providers ignore it.
        return ("uses http://; one-click unsubscribe (RFC 8058) needs https://",
                f'write unsubscribe = "https://{value[len("http://"):]}"')
    if not value.isascii() or re.search(r'[\s<>"]', value):
        # The address goes verbatim between <> in a mail header.
        return ("holds spaces, quotes, < >, or letters outside ASCII, which a mail header "
                "cannot carry", "percent-encode them, for example å as %C3%A5")
    if len(value) > 900:
        return ("is too long for a mail header line", "use an address under 900 characters")
    if not re.fullmatch(r"https://[^/?#@:]+(:\d+)?([/?#].*)?|mailto:[^@/?]+@[^@/?]+\.[^@/?]+"
                        r"(\?.*)?", value):
        return "is neither an https:// URL nor a mailto: address", example
    return None


def newsletter_value_problem(key: str, value: object) -> tuple[str, str] | None:
    """What is wrong with the value of ``newsletter.<key>``, and the hint; None if fine."""
    if not isinstance(value, str) or not value.strip():
        return f"'newsletter.{key}' must be text in quotes", f'{key} = "…"'
    problem = control_character_problem(value)
    if problem:  # a line break in a header value would start headers of its own
        return f"'newsletter.{key}' {problem}", "write it on one line"
    if key in ("from", "reply_to") and not re.search(r"[^@\s<]+@[^@\s>]+\.[^@\s>]+", value):
        return (f"'newsletter.{key}' {value!r} holds no e-mail address",
                f'write for example {key} = "Nordvik kommun <nyhetsbrev@example.org>"')
    if key == "unsubscribe" and (problem := unsubscribe_problem(value)):
        return f"'newsletter.unsubscribe' {value!r} {problem[0]}", problem[1]
    return None


def folder_name_problem(key: str, value: object) -> tuple[str, str] | None:
    """What is wrong with the value of ``paths.<key>``, and the hint; None for a folder
    name a path can hold."""
    if not isinstance(value, str) or not value.strip():
        return f"'paths.{key}' must be a folder name in quotes", f'{key} = "{key}"'
    problem = control_character_problem(value)  # a NUL byte cannot be in any path
    if problem:
        return f"'paths.{key}' {problem}", "write the folder name without control characters"
    return None


def folder_problems(root: Path, folders: Mapping[str, Path],
                    given: Mapping[str, str]) -> list[tuple[str | None, str, str]]:
    """Every output or cache folder that would overwrite, or live inside, what the user
    writes: (the key to blame, or None when two keys clash, message, hint), one at most
    per folder; empty when all is well.

    ``folders`` holds the resolved articles, output, templates and cache folders;
    ``given`` names where output and cache were set ("paths.output", "--output").
    """
    problems: list[tuple[str | None, str, str]] = []
    for kind in ("output", "cache"):
        problem = _written_folder_problem(kind, folders[kind], root, folders, given[kind])
        if problem:
            problems.append((kind, *problem))
    if folders["cache"].is_relative_to(folders["output"]):
        problems.append((None, "the cache folder is inside the output folder",
                         'keep them apart, for example cache = ".cache"'))
    return problems


def _written_folder_problem(kind: str, written: Path, root: Path, folders: Mapping[str, Path],
                            given: str) -> tuple[str, str] | None:
    """Why the folder we write (``kind``: output or cache) may not be where it is, as
    (message, hint); None when it stays clear of the articles, templates and site."""
    hint = (f"choose a separate {kind} folder, for example "
            f"{kind} = \"{'output' if kind == 'output' else '.cache'}\"")
    for name, folder in (("articles", folders["articles"]),
                         ("templates", folders["templates"]), ("site", root)):
        if written == folder or folder.is_relative_to(written):
            return (f"the {kind} folder {written} ('{given}') would hold or overwrite the "
                    f"{name} folder", hint)
    for name in ("articles", "templates"):
        if written.is_relative_to(folders[name]):
            # Every build would then change the folder `serve` watches, and each
            # change would start the next build: a rebuild without end.
            return (f"'{given}' puts the {kind} folder {written} inside the {name} folder "
                    f"{folders[name]}", hint)
    return None


def deepest_nesting_line(text: str) -> int:
    """The 1-based line where brackets first nest deeper than a config ever needs: where
    to point when tomllib gives up on a file nested thousands deep."""
    depth = 0
    for number, line in enumerate(text.split("\n"), start=1):
        for char in line:
            if char in "[{":
                depth += 1
                if depth > _DEEP_NESTING:
                    return number
            elif char in "]}":
                depth = max(depth - 1, 0)
    return 1
