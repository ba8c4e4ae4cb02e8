"""Plain text to safe HTML: escaped, with bare URLs and e-mail addresses made links.

Links go only to the schemes in SAFE_SCHEMES (or to relative addresses); anything else
(intent:, ms-settings:, ftp:, javascript:) stays text. linkify-it never sees a run of
non-space longer than MAX_LINK_CHARS, which keeps it linear on any text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from html import escape

from linkify_it import LinkifyIt

#: The parts of ``may_hold_link``'s test that need a pattern. Searched one by one: as one
#: alternation ("://|www\.|\w@\w|\.(?:se|…)\b") every alternative was tried at every
#: position, three times slower than these, which each start from a rarer character.
_WWW = re.compile(r"www\.", re.IGNORECASE)
_WORD_AT_WORD = re.compile(r"\w@\w")
#: "(?=[a-z])" lets the search skip a "." before a digit or a space at once; every domain
#: below starts with a letter, so it changes no answer.
_COMMON_DOMAIN = re.compile(
    r"\.(?=[a-z])(?:se|nu|com|org|net|eu|info|io|gov|edu|int|uk|fi|no|dk|de|fr|es|"
    r"it|nl|ke|ug|tz|za)\b", re.IGNORECASE)
#: Link schemes a page may carry, in Markdown, raw HTML and bare URLs alike. An address
#: without a scheme (a path, "?query", "#fragment", "//host") is relative and allowed.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
#: The longest run of non-space that can become a bare link. linkify-it checks every
#: "http:" inside a run up to the run's end, so a run of n characters costs about n² /12
#: steps: "http://a.se/" repeated over 100 KB takes over 20 s. Runs of this length cost
#: about 1.5 s per MB of the worst text; real URLs, even tracking links, are shorter.
MAX_LINK_CHARS = 1000
#: A run of non-space longer than MAX_LINK_CHARS, found from its first character only
#: (the look-behind), so every run is scanned once.
_LONG_RUN = re.compile(rf"(?<!\S)\S{{{MAX_LINK_CHARS + 1},}}")
#: RFC 3986: a scheme is a letter, then letters, digits, "+", "-" or ".", then ":".
#: Only ever used with ``match``: searched, it would try every start (quadratic).
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)
#: Browsers remove tabs and line breaks anywhere in a URL ("java\tscript:" is
#: "javascript:") and C0 controls and spaces at its start.
_REMOVED_FROM_URLS = dict.fromkeys(map(ord, "\t\n\r"))
_LEADING_IGNORED = "".join(map(chr, range(0x21)))


def may_hold_link(text: str) -> bool:
    """Cheap test for anything linkify-it could turn into a link: a scheme ("://"),
    "www.", an e-mail address or a host name under a common top-level domain.

    Text without any of these skips linkify-it, whose patterns are slow; a bare host
    under a rarer domain (example.museum) needs "https://" in front to become a link.
    """
    return ("://" in text
            or _COMMON_DOMAIN.search(text) is not None
            or ("@" in text and _WORD_AT_WORD.search(text) is not None)
            or _WWW.search(text) is not None)


def is_safe_link(url: str) -> bool:
    """True for a link target a page may carry: http, https, mailto or tel, or none.

    Used as markdown-it's ``validateLink``, where the URL is already normalised (entities
    decoded, then percent-encoded), and for bare URLs.
    """
    cleaned = url.translate(_REMOVED_FROM_URLS).lstrip(_LEADING_IGNORED)
    found = _SCHEME.match(cleaned)
    return found is None or found.group(1).lower() in SAFE_SCHEMES


def mask_long_runs(text: str) -> str:
    """``text`` with every run of non-space longer than MAX_LINK_CHARS turned into as
    many spaces, so positions stay the same and no link is found inside it."""
    if len(text) <= MAX_LINK_CHARS:
        return text
    return _LONG_RUN.sub(lambda run: " " * len(run.group()), text)


class BoundedLinkify(LinkifyIt):
    """linkify-it that searches only the runs of non-space that can hold a link.

    ``test`` and ``match`` are the two calls that scan a whole text: links.link_text and
    markdown-it's core linkify rule use them; match positions are those in ``text``.
    Their patterns are tried at every position of what they are given, so they are
    given only the runs (each with the white space just before and after it) that hold
    ":", "//", "@" or "." before a top-level domain, and are no longer than
    MAX_LINK_CHARS (see there). Every link linkify-it finds lies in one run and holds
    one of these (a scheme, an e-mail address, a host name); none of its patterns looks
    past the white space after a run, and all of them take white space and the end
    of the text alike. So the links found are the same, moved back to their positions
    in ``text``, for a seventh of the work on ordinary paragraphs.
    """

    def __init__(self) -> None:
        super().__init__()
        self._host_test = re.compile(self.re["host_fuzzy_test"], re.IGNORECASE)
        self._scheme_test = re.compile(self.re["schema_test"], re.IGNORECASE)
        #: The scheme names alone ("http:", "//"), which the scheme test ends with.
        self._scheme_names = re.compile(
            "|".join(re.escape(name) for name, rule in self._compiled.items() if name and rule),
            re.IGNORECASE)
        #: White space as linkify-it's patterns see it (Unicode Z and Cc).
        self._white_space = re.compile(f"((?:{self.re['src_ZCc']})+)")
        self._domain = re.compile(rf"\.(?:{self.re['src_tlds']})", re.IGNORECASE)
        #: The last text ``_link_runs`` was asked about, and its answer: callers ask
        #: ``test``, then ``match``, of the same text.
        self._last: tuple[str, tuple[str, list[tuple[int, int]]] | None] = ("", None)

    def pretest(self, text: str) -> bool:
        """linkify-it's quick check that ``text`` may hold a link, with the same answer.

        Its pattern is "scheme | host | @", searched as one; the scheme part, tried at
        every position, was nine tenths of its time. Here the three parts are tried one
        by one, cheapest first, and the scheme part only where a scheme name ("http:",
        "//") occurs at all. markdown-it's core linkify rule asks this of every paragraph.
        """
        return ("@" in text or self._host_test.search(text) is not None
                or ((":" in text or "//" in text)
                    and self._scheme_names.search(text) is not None
                    and self._scheme_test.search(text) is not None))

    def _may_hold_link(self, run: str) -> bool:
        """True when a run of non-space holds a scheme, an "@", a "." before a domain,
        or anything else linkify-it's host test looks for anywhere in a text ("www.",
        "localhost", ".1."): when that test passes, ``test`` looks for links in every
        run, so a run that passes it must stay even if it holds no link itself."""
        if ":" in run or "@" in run or "//" in run:
            return True
        return ("." in run or len(run) >= len("localhost")) and (
            self._domain.search(run) is not None or self._host_test.search(run) is not None)

    def _link_runs(self, text: str) -> tuple[str, list[tuple[int, int]]] | None:
        """The runs of ``text`` that can hold a link, with one character of white space
        on either side, joined; and (start in the joined text, start in ``text``) of
        each stretch of ``text`` in it. None when no run can hold a link."""
        last_text, last_runs = self._last
        if last_text == text:
            return last_runs
        masked = mask_long_runs(text)
        pieces: list[str] = []
        origins: list[tuple[int, int]] = []
        joined = taken_to = position = 0
        for index, piece in enumerate(self._white_space.split(masked)):
            start, position = position, position + len(piece)
            if index % 2 or not self._may_hold_link(piece):
                continue  # white space (odd pieces) or a run without a link
            first, end = max(start - 1, taken_to), min(position + 1, len(masked))
            if first > taken_to or not origins:
                origins.append((joined, first))
            pieces.append(masked[first:end])
            joined += end - first
            taken_to = end
        runs = ("".join(pieces), origins) if origins else None
        self._last = (text, runs)
        return runs

    def test(self, text: str) -> bool:
        """True when ``text`` holds a link outside its long runs."""
        runs = self._link_runs(text)
        return runs is not None and super().test(runs[0])

    def match(self, text: str):
        """linkify-it's matches outside the long runs of ``text``, or None."""
        runs = self._link_runs(text)
        if runs is None:
            return None
        joined, origins = runs
        matches = super().match(joined)
        for found in matches or ():
            stretch = bisect_right(origins, (found.index, len(text))) - 1
            shift = origins[stretch][1] - origins[stretch][0]
            found.index += shift
            found.last_index += shift
        return matches


@cache
def linkifier() -> BoundedLinkify:
    """One shared linkifier (building it compiles many patterns)."""
    return BoundedLinkify()


def link_text(text: str) -> str:
    """Escape ``text`` for HTML and turn bare URLs and e-mail addresses into links."""
    if not may_hold_link(text):
        return escape(text, quote=False)  # linkify-it compiles large patterns: skip it
    linkify = linkifier()
    matches = linkify.match(text) if linkify.test(text) else None
    if not matches:
        return escape(text, quote=False)
    parts, position = [], 0
    for match in matches:
        if not is_safe_link(match.url):
            continue  # ftp:// and the like stay text
        parts.append(escape(text[position:match.index], quote=False))
        parts.append(f'<a href="{escape(match.url)}">{escape(match.text, quote=False)}</a>')
        position = match.last_index
    parts.append(escape(text[position:], quote=False))
    return "".join(parts)
