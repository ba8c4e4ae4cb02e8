"""Plain text to safe HTML: escaped, with bare URLs and e-mail addresses made links.

Links go only to the schemes in SAFE_SCHEMES (or to relative addresses); anything else
(intent:, ms-settings:, ftp:, javascript:) stays text. linkify-it never sees a run of
non-space longer than MAX_LINK_CHARS, which keeps it linear on any text.
"""

from __future__ import annotations

import re
from functools import cache
from html import escape

from linkify_it import LinkifyIt

#: Cheap test for anything linkify-it could turn into a link: a scheme, "www.", an e-mail
#: address or a host name under a common top-level domain. Text without any of these
#: skips linkify-it, whose patterns are slow; a bare host under a rarer domain
#: (example.museum) needs "https://" in front to become a link.
MAYBE_LINK = re.compile(
    r"://|www\.|\w@\w|\.(?:se|nu|com|org|net|eu|info|io|gov|edu|int|uk|fi|no|dk|de|fr|es|"
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
    """linkify-it that skips runs of non-space longer than MAX_LINK_CHARS (see there).

    ``test`` and ``match`` are the two calls that scan a whole text: links.link_text and
    markdown-it's core linkify rule use them; match positions are those in ``text``.
    """

    def test(self, text: str) -> bool:
        """True when ``text`` holds a link outside its long runs."""
        return super().test(mask_long_runs(text))

    def match(self, text: str):
        """linkify-it's matches outside the long runs of ``text``, or None."""
        return super().match(mask_long_runs(text))


@cache
def linkifier() -> BoundedLinkify:
    """One shared linkifier (building it compiles many patterns)."""
    return BoundedLinkify()


def link_text(text: str) -> str:
    """Escape ``text`` for HTML and turn bare URLs and e-mail addresses into links."""
    if not MAYBE_LINK.search(text):
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
