"""Second pass over parsed blocks: the pasted-post shapes that need a block's neighbours.

Leftovers of pasting (camera file names, web chrome, a line pasted twice) become
``leftover`` blocks that no page shows; "Vänliga hälsningar" and the lines under it, or
an "Anna Berg, ordförande" line that ends a half, become one ``signature`` block; a run
of "Label: value" lines becomes one paragraph. Plain text and Markdown both pass here.
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

from .links import link_text
from .model import Block
from .shapes import (
    is_bilingual_closing,
    is_closing,
    is_label_value,
    is_name_and_role,
    is_signature_name,
    opens_a_list,
)
from .shapes import leftover_reason as _leftover_reason

#: How many short lines under a closing phrase still belong to the signature.
_SIGNATURE_LINES = 3
#: Kinds that end a half or stand outside the text: a signature before them ends its half.
_OUTSIDE_TEXT = ("marker", "byline", "leftover", "signature")


def refine_blocks(blocks: list[Block]) -> list[Block]:
    """Apply every neighbour-aware shape, in an order where each sees the last's work."""
    return _signatures(_data_runs(_leftovers(blocks)))


def _lines_under(blocks: list[Block], index: int, fits) -> int:
    """The index of the last one-line paragraph right under ``blocks[index]`` (no blank
    line between) for which ``fits(text)`` holds; ``index`` when there is none."""
    end = index
    while (end + 1 < len(blocks) and _one_line(blocks[end + 1])
           and blocks[end + 1].start_line == blocks[end].end_line + 1
           and fits(blocks[end + 1].text)):
        end += 1
    return end


def _joined(run: list[Block]) -> Block:
    """One paragraph of several one-line blocks, its lines kept apart with <br>."""
    html = "<br>\n".join(link_text(b.text) for b in run)
    return Block("paragraph", "\n".join(b.text for b in run), f"<p>{html}</p>",
                 run[0].start_line, run[-1].end_line)


def _one_line(block: Block) -> bool:
    """A paragraph made of one source line."""
    return block.kind == "paragraph" and block.start_line == block.end_line


def _leftovers(blocks: list[Block]) -> list[Block]:
    """Camera file names, web chrome and a line repeating the one before it."""
    result: list[Block] = []
    previous_text = None
    for block in blocks:
        if _one_line(block) and (_leftover_reason(block.text)
                                 or block.text == previous_text):
            result.append(Block("leftover", block.text, "", block.start_line, block.end_line))
            continue
        result.append(block)
        if block.kind not in ("marker", "byline"):
            previous_text = block.text
    return result


def leftover_reason(block: Block, blocks: tuple[Block, ...]) -> str:
    """Why ``block`` (a leftover among ``blocks``) was dropped, in words."""
    reason = _leftover_reason(block.text)
    if reason:
        return reason
    return "the same line as the one before it (pasted twice)"


def _data_runs(blocks: list[Block]) -> list[Block]:
    """Two or more adjacent one-line "Label: value" paragraphs become one paragraph, so
    the last of them is never taken for a heading; so do "Kontakt:" and the short lines
    right under it (a name, a phone number, an address)."""
    result: list[Block] = []
    index = 0
    while index < len(blocks):
        first = blocks[index]
        end = index
        if _one_line(first) and opens_a_list(first.text):
            end = _lines_under(blocks, index, lambda text: len(text) <= 80)
        elif _one_line(first) and is_label_value(first.text):
            end = _lines_under(blocks, index, is_label_value)
        result.append(_joined(blocks[index:end + 1]) if end > index else first)
        index = end + 1
    return result


def _signatures(blocks: list[Block]) -> list[Block]:
    """A closing phrase and the short lines under it, or a "Name, role" line that ends a
    half (nothing but markers, bylines or leftovers after it), become a signature."""
    result: list[Block] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if _one_line(block) and is_closing(block.text):
            end = index
            while (end + 1 < len(blocks) and end - index < _SIGNATURE_LINES
                   and _one_line(blocks[end + 1])
                   and blocks[end + 1].start_line <= blocks[end].end_line + 2
                   and is_signature_name(blocks[end + 1].text)):
                end += 1
            result.append(signature(blocks[index:end + 1]))
            index = end + 1
            continue
        if (_one_line(block) and is_name_and_role(block.text)
                and all(b.kind in _OUTSIDE_TEXT for b in blocks[index + 1:])):
            result.append(signature([block]))
        else:
            result.append(block)
        index += 1
    return result


def signature(lines: list[Block]) -> Block:
    """One signature block from the blocks of its lines (language decided later)."""
    first, last = lines[0], lines[-1]
    html = "<br>".join(escape(b.text.strip(), quote=False) for b in lines)
    return Block("signature", "\n".join(b.text.strip() for b in lines),
                 f'<p class="signature">{html}</p>', first.start_line, last.end_line)


def settle_signatures(blocks: tuple[Block, ...]) -> tuple[Block, ...]:
    """After languages are known: a "Name, role" line that ends its language's run is a
    signature too, and every signature takes the language of the text it closes (a
    name alone says nothing about its language)."""
    result = list(blocks)
    last_text: Block | None = None  # the last content block before the current one
    for index, block in enumerate(result):
        if block.kind == "paragraph" and _one_line(block) and is_name_and_role(block.text):
            following = next((b for b in result[index + 1:] if b.kind not in _OUTSIDE_TEXT),
                             None)
            if last_text is not None and (following is None or following.lang != last_text.lang):
                block = result[index] = signature([block])
        if block.kind == "signature":
            if is_bilingual_closing(block.text.split("\n", 1)[0]):
                # Closes the text in both languages: it belongs to every page.
                result[index] = replace(block, lang=None, how=None, spans=(),
                                        confidence=0.0)
            elif last_text is not None and last_text.lang:
                result[index] = replace(block, lang=last_text.lang, how="context", spans=(),
                                        confidence=max(block.confidence,
                                                       last_text.confidence))
            continue
        if block.kind not in _OUTSIDE_TEXT:
            last_text = block
    return tuple(result)
