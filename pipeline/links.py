"""Plain text to safe HTML: escaped, with bare URLs and e-mail addresses made links."""

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


@cache
def _linkify() -> LinkifyIt:
    """One shared linkifier (building it compiles many patterns)."""
    return LinkifyIt()


def link_text(text: str) -> str:
    """Escape ``text`` for HTML and turn bare URLs and e-mail addresses into links."""
    if not MAYBE_LINK.search(text):
        return escape(text, quote=False)  # linkify-it compiles large patterns: skip it
    linkify = _linkify()
    matches = linkify.match(text) if linkify.test(text) else None
    if not matches:
        return escape(text, quote=False)
    parts, position = [], 0
    for match in matches:
        parts.append(escape(text[position:match.index], quote=False))
        parts.append(f'<a href="{escape(match.url)}">{escape(match.text, quote=False)}</a>')
        position = match.last_index
    parts.append(escape(text[position:], quote=False))
    return "".join(parts)
