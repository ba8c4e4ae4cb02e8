"""Split a source body into Blocks with line spans: plain text by lines, Markdown by tokens.

Plain text: the first block is the title when it looks like one (else the article's
title is derived later, in assemble); each non-empty line is a block unless the text is
hard-wrapped; a short line without final punctuation before a paragraph is a heading;
bare URLs become links. Both kinds of source then get the pasted-post shapes of
``shapes.py``: leftovers, speech dashes, signatures and runs of data lines. Markdown
goes through markdown-it-py and keeps its ``Token.map`` line spans.
"""

from __future__ import annotations

import re
from html import escape

from .diagnostics import Diagnostic, warning
from .links import link_text, may_hold_link
from .markdown import (
    MAX_NESTING,
    flattened_blocks,
    markdown_parser,
    parse_tokens,
    plain_text,
    sanitise,
)
from .meta import read_byline
from .model import Block, SourceDocument
from .refine import refine_blocks, signature
from .shapes import (
    CLOSING_QUOTES,
    FINAL_PUNCTUATION,
    announced_language,
    announced_tail,
    is_closing,
    is_fact_line,
    is_name_and_role,
    is_salutation,
    is_speech_run,
    language_prefix,
    looks_like_heading,
    looks_like_title,
    speech_text,
)

#: An author's language marker: ``<!-- lang: en -->``; ``auto`` hands back to detection.
LANG_MARKER = re.compile(r"^\s*<!--\s*lang:\s*([a-z]{2}|auto)\s*-->\s*$", re.IGNORECASE)
#: Nothing but author's notes in <!-- -->. Each note ends at its first "-->", so
#: "<!-- a --> text <!-- b -->" is text with notes, not one long note (which lost the
#: text). Only ever used with ``fullmatch``: one way to match, tried once.
_ONLY_COMMENTS = re.compile(r"(?:\s*<!--(?:(?!-->).)*-->)+\s*", re.DOTALL)
#: An HTML tag, for the text of an HTML block; "[^<>]" so a run of "<" fails at once.
_TAG = re.compile(r"<[^<>]+>")
_SEPARATOR = re.compile(r"^\s*([-_=*~·•])(\s*\1){2,}\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•–]|(\d{1,3})[.)])\s+(.*)$")
_QUOTE_LINE = re.compile(r"^\s*>\s?(.*)$")
#: Blocks that are not the text itself: they never become the title or a heading.
_NOT_CONTENT = ("marker", "byline", "leftover", "signature")
_WRAP_MIN_WIDTH = 55
_WRAP_MAX_WIDTH = 100


def parse_blocks(document: SourceDocument, allow_html: bool = False) -> tuple[Block, ...]:
    """Parse a document's body into blocks, line numbers relative to the whole file.

    Raw HTML is shown as text unless the site allows it (``allow_html``), and then it
    goes through a sanitiser. Plain-text sources never hold HTML.
    """
    return parse_document(document, allow_html)[0]


def parse_document(document: SourceDocument, allow_html: bool = False
                   ) -> tuple[tuple[Block, ...], list[Diagnostic]]:
    """A document's blocks (as ``parse_blocks``) and what parsing could not keep as
    written: Markdown nested too deep, kept as a plain paragraph, with a warning."""
    if document.kind != "markdown":
        return parse_text(document.text, document.body_line), []
    blocks, flattened = markdown_blocks(document.text, document.body_line, allow_html)
    return blocks, [warning(
        document.path, line, "nesting",
        f"this text is nested deeper in quotes or lists than Markdown allows "
        f"({MAX_NESTING} levels), so it is shown as a plain paragraph after them",
        "nest quotes and lists less deeply (a list inside a list counts two levels)")
        for line in flattened]


def _marker_block(text: str, start: int, end: int) -> Block | None:
    """A marker block for a language marker, a separator line or an announcement."""
    stripped = text.strip()
    found = LANG_MARKER.match(stripped)
    if found:
        lang = found.group(1).lower()
        return Block("marker", f"lang: {lang}", "", start, end,
                     lang=None if lang == "auto" else lang, confidence=1.0, how="marker")
    if _SEPARATOR.match(stripped):
        return Block("marker", stripped, "", start, end, confidence=1.0, how="marker")
    lang = announced_language(stripped)
    if lang:
        return Block("marker", stripped, "", start, end, lang=lang, confidence=1.0,
                     how="marker")
    return None


# --- plain text -------------------------------------------------------------------------


def is_hard_wrapped(lines: list[str]) -> bool:
    """True when lines were broken at a fixed width, so blank lines separate paragraphs.

    Pasted posts keep each paragraph on one line; e-mail and editor text wraps at about
    60-80 characters. In wrapped text no line is long, lines that continue onto the
    next reach close to the wrap width, and they mostly stop mid-sentence.
    """
    widths = [len(line.rstrip()) for line in lines if line.strip()]
    if not widths or not _WRAP_MIN_WIDTH <= max(widths) <= _WRAP_MAX_WIDTH:
        return False
    continued = [lines[i].rstrip() for i in range(len(lines) - 1)
                 if lines[i].strip() and lines[i + 1].strip()
                 and not _LIST_ITEM.match(lines[i]) and not _LIST_ITEM.match(lines[i + 1])]
    if not continued:
        return False
    width = max(widths)
    near_width = sum(1 for line in continued if len(line) >= width - 25)
    mid_sentence = sum(1 for line in continued
                       if not line.rstrip(CLOSING_QUOTES).endswith(FINAL_PUNCTUATION))
    return near_width >= 0.8 * len(continued) and mid_sentence >= 0.5 * len(continued)


def _list_type(line: str) -> str | None:
    """"ol" or "ul" for a list item line, None otherwise."""
    found = _LIST_ITEM.match(line)
    if not found:
        return None
    return "ol" if found.group(1) else "ul"


def _text_groups(lines: list[str]) -> list[tuple[int, int]]:
    """(first, last) line indexes of each block; lists and quotes keep their lines together."""
    wrapped = is_hard_wrapped(lines)
    groups: list[tuple[int, int]] = []
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        start = index
        list_type = _list_type(lines[index])
        if list_type:
            while (index + 1 < len(lines) and lines[index + 1].strip()
                   and _list_type(lines[index + 1]) == list_type):
                index += 1
        elif _QUOTE_LINE.match(lines[index]):
            while index + 1 < len(lines) and _QUOTE_LINE.match(lines[index + 1]):
                index += 1
        elif wrapped:
            while (index + 1 < len(lines) and lines[index + 1].strip()
                   and not _LIST_ITEM.match(lines[index + 1])
                   and not _QUOTE_LINE.match(lines[index + 1])):
                index += 1
        groups.append((start, index))
        index += 1
    return groups


def parse_text(text: str, first_line: int = 1) -> tuple[Block, ...]:
    """Parse a plain-text body (see the module docstring for the rules)."""
    lines = text.split("\n")
    blocks: list[Block] = []
    for start, end in _text_groups(lines):
        group = [line.strip() for line in lines[start:end + 1]]
        line_from, line_to = first_line + start, first_line + end
        joined = " ".join(group)
        marker = _marker_block(joined, line_from, line_to) if start == end else None
        tail = announced_tail(joined) if start == end and not marker else None
        if tail:  # "Höstmöte i kåren (English below)": the note is a marker of its own
            joined, announcement, lang = tail
            marker = Block("marker", announcement, "", line_from, line_to, lang=lang,
                           confidence=1.0, how="marker")
            blocks.append(marker)
            marker = None
        if marker:
            blocks.append(marker)
        elif (all(_LIST_ITEM.match(line) for line in group) or start == end) \
                and is_speech_run(group):
            # Speech dashes (talstreck) open direct speech, not list items.
            blocks += [_speech_quote(line, line_from + offset)
                       for offset, line in enumerate(group)]
        elif all(_LIST_ITEM.match(line) for line in group):
            items = [_LIST_ITEM.match(line) for line in group]
            tag = "ol" if items[0].group(1) else "ul"
            body = "".join(f"<li>{link_text(item.group(2))}</li>" for item in items)
            blocks.append(Block("list", "\n".join(i.group(2) for i in items),
                                f"<{tag}>{body}</{tag}>", line_from, line_to))
        elif _QUOTE_LINE.match(group[0]):
            quoted = " ".join(_QUOTE_LINE.match(line).group(1).strip() if _QUOTE_LINE.match(line)
                              else line for line in group)
            blocks.append(Block("quote", quoted,
                                f"<blockquote><p>{link_text(quoted)}</p></blockquote>",
                                line_from, line_to))
        elif read_byline(joined):
            blocks.append(Block("byline", joined, escape(joined, quote=False), line_from,
                                line_to))
        else:
            prefixed = language_prefix(joined)
            if prefixed:  # "ENG: Welcome …": the prefix is a marker, the rest the text
                lang, prefix, joined = prefixed
                blocks.append(Block("marker", prefix, "", line_from, line_from, lang=lang,
                                    confidence=1.0, how="marker"))
            blocks.append(Block("paragraph", joined, f"<p>{link_text(joined)}</p>",
                                line_from, line_to))
    return tuple(_promote_headings(refine_blocks(blocks)))


def _speech_quote(line: str, number: int) -> Block:
    """A line of direct speech as a quotation, its dash removed, its speaker kept."""
    words = speech_text(line) or line
    return Block("quote", words, f"<blockquote><p>{link_text(words)}</p></blockquote>",
                 number, number)


def _promote_headings(blocks: list[Block]) -> list[Block]:
    """The first content block is the title when it looks like one; a short unpunctuated
    line before a paragraph is a heading, unless it is a "Name, role" signature line."""
    result: list[Block] = []
    title_seen = False
    # The next content block (not a marker, byline, leftover or signature) for every
    # position, found in one pass back.
    following_of: list[Block | None] = []
    following: Block | None = None
    for block in reversed(blocks):
        following_of.append(following)
        if block.kind not in _NOT_CONTENT:
            following = block
    following_of.reverse()
    for index, block in enumerate(blocks):
        if block.kind in _NOT_CONTENT:
            result.append(block)
            continue
        first, title_seen = not title_seen, True
        if block.kind != "paragraph" or block.start_line != block.end_line:
            result.append(block)
            continue
        following = following_of[index]
        if first and looks_like_title(block.text) and not is_salutation(block.text):
            result.append(_as_heading(block, 1))
        elif (not first and looks_like_heading(block.text) and following is not None
              and following.kind in ("paragraph", "list", "quote")
              and not looks_like_heading(following.text)
              and not is_name_and_role(block.text) and not is_salutation(block.text)
              and not is_fact_line(block.text)):
            result.append(_as_heading(block, 2))
        else:
            result.append(block)
    return result


def _as_heading(block: Block, level: int) -> Block:
    """The same block as a heading of ``level``."""
    return Block("heading", block.text, f"<h{level}>{link_text(block.text)}</h{level}>",
                 block.start_line, block.end_line, level=level)


# --- Markdown ---------------------------------------------------------------------------


_KIND_OF = {
    "heading_open": "heading",
    "paragraph_open": "paragraph",
    "bullet_list_open": "list",
    "ordered_list_open": "list",
    "blockquote_open": "quote",
    "table_open": "table",
    "fence": "code",
    "code_block": "code",
    "hr": "marker",
    "html_block": "paragraph",
}


def parse_markdown(text: str, first_line: int = 1, allow_html: bool = False
                   ) -> tuple[Block, ...]:
    """Parse a Markdown body into top-level blocks, keeping markdown-it's line spans."""
    return markdown_blocks(text, first_line, allow_html)[0]


def markdown_blocks(text: str, first_line: int = 1, allow_html: bool = False
                    ) -> tuple[tuple[Block, ...], list[int]]:
    """Top-level blocks of a Markdown body, and the first line of every run of text
    nested too deep for markdown-it (kept as a paragraph after its quote or list)."""
    parser = markdown_parser(linkify=may_hold_link(text), allow_html=allow_html)
    tokens, dropped = parse_tokens(parser, text)
    source_lines = text.split("\n")
    blocks: list[Block] = []
    index = 0
    # One walk over the flat token stream, each top-level block's run of tokens sliced
    # out for the renderer. markdown_it.tree.SyntaxTreeNode would find the nesting for
    # us, but building the tree and flattening each node again for the renderer took
    # three times as long as this loop (0.17 s against 0.05 s for 2,000 articles).
    while index < len(tokens):
        token = tokens[index]
        end = index
        if token.nesting == 1:  # find the matching close at the same level
            depth = 0
            for end in range(index, len(tokens)):
                depth += tokens[end].nesting
                if depth == 0:
                    break
        run = tokens[index:end + 1]
        index = end + 1
        kind = _KIND_OF.get(token.type)
        if kind is None or token.map is None:
            continue
        line_from = first_line + token.map[0]
        line_to = first_line + token.map[1] - 1
        while line_to > line_from and not source_lines[line_to - first_line].strip():
            line_to -= 1  # markdown-it counts a trailing blank line into html blocks
        content = plain_text(run)
        if token.type == "html_block":
            marker = _marker_block(token.content, line_from, line_to)
            if marker is not None:
                blocks.append(marker)
                continue
            if _ONLY_COMMENTS.fullmatch(token.content):
                continue  # ordinary comments: not content
            blocks.append(Block("paragraph", _TAG.sub(" ", token.content).strip(),
                                sanitise(token.content.strip()), line_from, line_to))
            continue
        if token.type == "hr":
            rule = source_lines[token.map[0]].strip()
            blocks.append(Block("marker", rule, "", line_from, line_to, confidence=1.0,
                                how="marker"))
            continue
        html = parser.renderer.render(run, parser.options, {}).strip()
        if allow_html:
            html = sanitise(html)  # inline HTML inside the block
        if kind in ("paragraph", "heading"):
            marker = _marker_block(content, line_from, line_to)
            if marker is not None:  # "## Information in English" announces, too
                blocks.append(marker)
                continue
            if read_byline(content):  # so does "## Pressmeddelande • 24 sep 2019"
                blocks.append(Block("byline", content, html, line_from, line_to))
                continue
        if kind == "paragraph":
            if _ONLY_COMMENTS.fullmatch(content):
                continue  # an author's note in <!-- -->: never published
            lines = [line.strip() for line in source_lines[token.map[0]:token.map[1]]]
            if line_from == line_to and is_speech_run(lines):
                # Keep the Markdown's own inline HTML (emphasis, links), minus the dash.
                inner = re.sub(r"^<p>\s*[–—-]\s*", "<p>", html)
                blocks.append(Block("quote", speech_text(content) or content,
                                    f"<blockquote>{inner}</blockquote>", line_from, line_to))
                continue
            if line_from < line_to and is_closing(lines[0]):
                blocks.append(signature([Block("paragraph", line, "", line_from + offset,
                                               line_from + offset)
                                         for offset, line in enumerate(lines) if line]))
                continue
        level = int(token.tag[1]) if kind == "heading" else 0
        blocks.append(Block(kind, content, html, line_from, line_to, level=level))
    flattened = flattened_blocks(parser, source_lines, dropped, first_line, allow_html)
    if flattened:
        # After the container they were dropped from; sorting is stable, so a container
        # and its own flattened text on one line keep that order.
        blocks = sorted(blocks + flattened, key=lambda block: block.start_line)
    return tuple(refine_blocks(blocks)), [block.start_line for block in flattened]
