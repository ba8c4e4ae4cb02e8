"""Mark passages of a block's text inside its rendered HTML with ``<span lang="…">``.

A passage is found by its text (white space folded, entities decoded), never by guessing
at markup; every text node it covers gets its own span, so a passage running into a
link stays valid HTML: ``<span lang="en">Read more: </span><a …><span lang="en">…``.
"""

from __future__ import annotations

import html as html_module
import re

_TAG_OR_TEXT = re.compile(r"<[^>]*>|[^<]+")
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|\w+);")


def _text_characters(markup: str) -> list[tuple[str, int, int]]:
    """(character, start, end) in ``markup`` of every character of text content."""
    characters = []
    for piece in _TAG_OR_TEXT.finditer(markup):
        if piece.group().startswith("<"):
            continue
        position = piece.start()
        text = piece.group()
        index = 0
        while index < len(text):
            entity = _ENTITY.match(text, index)
            if entity:
                characters.append((html_module.unescape(entity.group()), position + index,
                                   position + entity.end()))
                index = entity.end()
            else:
                characters.append((text[index], position + index, position + index + 1))
                index += 1
    return characters


def _fold(text: str) -> str:
    """White space folded to single spaces."""
    return " ".join(text.split())


def wrap_passages(markup: str, passages: list[tuple[str, str]]) -> str:
    """Wrap each (text, lang) passage found in ``markup``'s text in lang spans.

    Passages are looked for in order, each after the previous one; a passage not found
    (its text was changed by the markup) is left unmarked rather than guessed.
    """
    characters = _text_characters(markup)
    # Folded content and, for each folded character, the index of its source character.
    folded: list[str] = []
    origin: list[int] = []
    for index, (char, _, _) in enumerate(characters):
        if char.isspace():
            if folded and folded[-1] != " ":
                folded.append(" ")
                origin.append(index)
            continue
        folded.append(char)
        origin.append(index)
    content = "".join(folded)
    insertions: list[tuple[int, str]] = []
    search_from = 0
    for text, lang in passages:
        needle = _fold(text)
        found = content.find(needle, search_from) if needle else -1
        if found < 0:
            continue
        search_from = found + len(needle)
        first = characters[origin[found]][1]
        last = characters[origin[found + len(needle) - 1]][2]
        insertions += _span_insertions(markup, first, last, lang)
    # From the end backwards so earlier positions stay valid; at one position, the tag
    # added last goes in first, so the tags end up in the order they were added.
    for _, (position, tag) in sorted(enumerate(insertions), key=lambda item: (
            item[1][0], item[0]), reverse=True):
        markup = markup[:position] + tag + markup[position:]
    return markup


def _span_insertions(markup: str, first: int, last: int, lang: str) -> list[tuple[int, str]]:
    """Open and close tags around every stretch of text between ``first`` and ``last``."""
    insertions = []
    for piece in _TAG_OR_TEXT.finditer(markup, first, last):
        if piece.group().startswith("<") or not piece.group().strip():
            continue
        insertions.append((piece.start(), f'<span lang="{lang}">'))
        insertions.append((piece.end(), "</span>"))
    return insertions
