"""Decide the language of every block and of passages inside blocks.

Order of evidence: the author's markers, then the detector, then context. Context is
added as log-odds: a block's own detection plus a prior from its neighbours, its section
and the source's declared language, so a short heading leans on the section it opens
unless two or three of its words are plainly one language's ("Thanks! Great food!"),
and a real English sentence is never pulled into Swedish by its neighbours alone.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from functools import lru_cache

from .cache import DetectionCache
from .detectors import NOTHING, Detection, Detector, one_sided_words
from .diagnostics import Diagnostic, warning
from .meta import read_byline
from .model import Block, Span

#: A block at least this sure (log-odds; 1.39 = 80 %) stands on its own evidence.
CONFIDENT = math.log(0.8 / 0.2)
#: Prior for the language a source declares (front matter or file name): a block leaves
#: it only when its own evidence is stronger than about 95 %.
DECLARED_PRIOR = 3.0
#: Prior each confident neighbour adds for its language (about 80 % that a block shares
#: the language of the block beside it in real bilingual posts).
NEIGHBOUR_PRIOR = 1.4
#: A heading is in the language of the section it opens (about 98 %)…
SECTION_PRIOR = 4.0
#: …and says little about the section before it.
PREVIOUS_SECTION_PRIOR = 0.5
#: The most that one to three words can say on their own (about 95 %), since loan words
#: ("Workshop", "Design") are common in both languages: less than a section prior, so a
#: short heading follows its section. The cap holds per one-sided common word instead
#: (see detectors.one_sided_words): "Welcome everyone" has two and may say 6.0, enough to
#: stand against the section it opens, while "Workshop", "Kisumu" or a name have none.
SHORT_TEXT_CAP = 3.0
#: Extra prior when the blocks on both sides agree: a run is not broken by one unsure block.
RUN_PRIOR = 1.0
#: A sentence becomes a passage in another language only this surely (log-odds ≈ 99 %)...
PASSAGE_LOG_ODDS = 4.6
#: ...and only with at least this many words (names alone never make a passage).
PASSAGE_MIN_WORDS = 3
#: Blocks decided less surely than this are reported to the author.
LOW_CONFIDENCE = 0.6
_SHORT_BLOCK_CHARS = 20
#: One to three words are a short text only up to this length: a "word" of a megabyte
#: ("a@a@a@…") is no heading, and counting its one-sided words took seconds.
_SHORT_TEXT_MAX_CHARS = 200
#: Blocks that are not body text keep the language they came with and lend none to their
#: neighbours: markers, bylines, and leftovers of pasting that no page shows.
_OUTSIDE_TEXT = ("marker", "byline", "leftover", "signature")
#: Sentence ends: . ! ? … (and closing quotes) followed by space and a capital or quote.
_SENTENCE_END = re.compile(r"[.!?…][”\"’»)]*(\s+)(?=[\"“”«„'‘(–—-]?[A-ZÅÄÖÉÜ0-9])")
_QUOTE_MARKS = "“”\"«»„‘’'"
_QUOTED = re.compile(r"[“”\"«»„]([^“”\"«»„]{12,})[“”\"«»„]")
#: " / " between two sides. A run of white space is only tried from its first character:
#: "\s+[/|]" from every space of a long run of them is quadratic.
_SIDE_BY_SIDE = re.compile(r"(?<!\s)\s+[/|]\s+")


class LanguageTagger:
    """A detector with a cache in front of it, and the context rules around it."""

    def __init__(self, detector: Detector, cache: DetectionCache | None = None) -> None:
        self.detector = detector
        self.cache = cache if cache is not None else DetectionCache(None, detector.version)
        self.languages = detector.languages

    def detect(self, text: str) -> Detection:
        """Detect ``text``, answering from the cache when it was seen before."""
        return self.cache.detection(text, self.detector.detect)


def _is_weak(block: Block) -> bool:
    """Blocks that lean on their context: headings, lists, tables, code, short blocks."""
    return (block.kind in ("heading", "list", "table", "code")
            or len(block.text.strip()) < _SHORT_BLOCK_CHARS)


def _own_evidence(block: Block, detection: Detection, languages: tuple[str, ...]
                  ) -> dict[str, float]:
    """A detection as evidence per language; one to three words count for at most
    SHORT_TEXT_CAP per one-sided common word of the detected language (at least once)."""
    if not detection.lang:
        return {}
    log_odds = detection.log_odds
    if (log_odds > SHORT_TEXT_CAP and len(block.text) <= _SHORT_TEXT_MAX_CHARS
            and _words(block.text) <= 3):
        # Naive Bayes adds independent evidence: each word no loan word could be carries
        # as much as one short text may, so two or three of them outweigh a section.
        clear = _one_sided_count(block.text, detection.lang, languages)
        log_odds = min(log_odds, SHORT_TEXT_CAP * max(1, clear))
    return {detection.lang: log_odds}


@lru_cache(maxsize=65_536)
def _one_sided_count(text: str, lang: str, languages: tuple[str, ...]) -> int:
    """How many words of ``text`` are one-sided common words of ``lang``; remembered,
    since the same short headings and list items come back in every build."""
    return one_sided_words(text, languages).get(lang, 0)


def tag_languages(blocks: tuple[Block, ...], tagger: LanguageTagger,
                  declared: str | None = None) -> tuple[Block, ...]:
    """Give every block a language, confidence and ``how``; find passages inside blocks.

    1. ``<!-- lang: xx -->`` markers set the language of the blocks after them
       (``auto`` hands back to detection); "English version below" and separator lines
       are markers too, and not body text.
    2. Bylines take the language of their wording ("Publicerat" is Swedish).
    3. Other blocks are detected; a weak or unsure block adds its context as prior
       log-odds: confident neighbours, the section a heading opens, and the declared
       language of the source.
    4. Inside paragraphs, quotes and lists, sentences or quotations surely in another
       language become spans; "svensk text / English text" gives a span per side.
    """
    own: list[Detection] = []
    pieces: list[list[tuple[int, int, Detection]]] = []
    tagged: list[Block] = []
    marker_lang: str | None = None
    for block in blocks:
        detection, found = NOTHING, []
        if block.kind == "marker":
            if block.text.startswith("lang: "):
                marker_lang = block.lang
            tagged.append(block)
        elif block.kind == "leftover":
            tagged.append(block)  # "View this email in your browser" is in no article
        elif marker_lang is not None:
            tagged.append(replace(block, lang=marker_lang, confidence=1.0, how="marker"))
        elif block.kind == "byline":
            byline = read_byline(block.text)
            lang = byline.lang if byline and byline.lang in tagger.languages else None
            tagged.append(replace(block, lang=lang, confidence=0.9 if lang else 0.0,
                                  how="detected" if lang else None))
        elif block.kind != "code":
            detection, found = _detect_pieces(block, tagger)
            tagged.append(block)
        else:
            tagged.append(block)
        own.append(detection)
        pieces.append(found)
    settled = _apply_context(tagged, own, declared, tagger.languages)
    return tuple(_find_passages(block, tagger, found)
                 for block, found in zip(settled, pieces, strict=True))


def _pieces(block: Block) -> list[tuple[int, int]]:
    """Where a block's sentences (or, in a list, its items) are."""
    if block.kind == "list":
        return _line_ranges(block.text)
    if block.kind in ("paragraph", "quote"):
        return split_sentences(block.text)
    return _trim(block.text, [(0, len(block.text))])


def _detect_pieces(block: Block, tagger: LanguageTagger
                   ) -> tuple[Detection, list[tuple[int, int, Detection]]]:
    """Detect each sentence once; the block's evidence is their sum.

    Naive Bayes evidence adds up, so summing the sentences' log-odds gives the block's
    own without scoring its words twice; the sentences are kept for finding passages.
    """
    found = [(begin, end, tagger.detect(block.text[begin:end]))
             for begin, end in _pieces(block) if end > begin]
    if len(found) == 1:
        return found[0][2], found
    totals: dict[str, float] = {}
    for _, _, detection in found:
        if detection.lang:
            totals[detection.lang] = totals.get(detection.lang, 0.0) + detection.log_odds
    if not totals:
        return NOTHING, found
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    margin = ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else 0.0)
    return Detection(ranked[0][0], margin), found


def _nearest(anchors: list[str | None]) -> tuple[list[str | None], list[str | None]]:
    """For every position, the nearest anchor language before it and after it (O(n))."""
    before: list[str | None] = []
    seen = None
    for anchor in anchors:
        before.append(seen)
        seen = anchor or seen
    after: list[str | None] = []
    seen = None
    for anchor in reversed(anchors):
        after.append(seen)
        seen = anchor or seen
    return before, after[::-1]


def _apply_context(blocks: list[Block], own: list[Detection], declared: str | None,
                   languages: tuple[str, ...]) -> list[Block]:
    """Add neighbour, section and declared-language priors to each block's own evidence."""
    anchors = [
        b.lang if b.lang and b.how == "marker" else
        own[i].lang if (b.kind not in _OUTSIDE_TEXT and not _is_weak(b)
                        and own[i].log_odds >= CONFIDENT) else None
        for i, b in enumerate(blocks)]
    # A marker ("English version below", <!-- lang: en -->) speaks for the blocks after
    # it, never for the heading or paragraph just before it.
    before_of, _ = _nearest(anchors)
    _, after_of = _nearest([None if b.kind == "marker" else anchor
                            for anchor, b in zip(anchors, blocks, strict=True)])
    result = []
    for index, block in enumerate(blocks):
        if block.kind in _OUTSIDE_TEXT or block.how == "marker":
            result.append(block)
            continue
        detection = own[index]
        evidence = _own_evidence(block, detection, languages)
        weak = _is_weak(block) or detection.log_odds < CONFIDENT
        before, after = before_of[index], after_of[index]
        if block.kind == "heading":
            # A heading opens a section: what follows it says far more than what came before.
            priors = ((after, SECTION_PRIOR), (before, PREVIOUS_SECTION_PRIOR))
        else:
            priors = ((before, NEIGHBOUR_PRIOR), (after, NEIGHBOUR_PRIOR),
                      (before if before == after else None, RUN_PRIOR))
        for neighbour, weight in priors:
            if neighbour:
                evidence[neighbour] = evidence.get(neighbour, 0.0) + weight
        if declared:
            evidence[declared] = evidence.get(declared, 0.0) + DECLARED_PRIOR
        if not evidence:
            result.append(replace(block, lang=None, confidence=0.0, how=None))
            continue
        ranked = sorted(evidence.items(), key=lambda item: (-item[1], item[0]))
        lang, score = ranked[0]
        margin = score - (ranked[1][1] if len(ranked) > 1 else 0.0)
        confidence = round(1.0 / (1.0 + math.exp(-margin)), 4)
        own_decides = (detection.lang == lang and not weak) or (
            detection.lang == lang and detection.log_odds >= CONFIDENT)
        result.append(replace(block, lang=lang, confidence=confidence,
                              how="detected" if own_decides else "context"))
    return result


# --- passages -------------------------------------------------------------------------


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence and of each long quotation inside one."""
    pieces: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append((start, match.start(1)))
        start = match.end(1)
    pieces.append((start, len(text.rstrip())))
    if _QUOTED.search(text) is None:
        # No quotation in the whole text, so none inside any sentence: one search
        # instead of one per sentence.
        return [(b, e) for b, e in _trim(text, pieces) if e > b]
    result = []
    for begin, end in pieces:
        inner = [m for m in _QUOTED.finditer(text, begin, end)
                 if (m.end() - m.start()) < (end - begin) * 0.9]
        position = begin
        for quoted in inner:
            if quoted.start() > position:
                result.append((position, quoted.start()))
            result.append((quoted.start(), quoted.end()))
            position = quoted.end()
        if position < end:
            result.append((position, end))
    return [(b, e) for b, e in _trim(text, result) if e > b]


def _line_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line: list items are judged one by one."""
    ranges, position = [], 0
    for line in text.split("\n"):
        ranges.append((position, position + len(line)))
        position += len(line) + 1
    return _trim(text, ranges)


def _trim(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Shrink ranges so they neither start nor end with white space."""
    trimmed = []
    for begin, end in ranges:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        trimmed.append((begin, end))
    return trimmed


def _words(text: str) -> int:
    """Number of words (white-space separated pieces)."""
    return len(text.split())


def _find_passages(block: Block, tagger: LanguageTagger,
                   found: list[tuple[int, int, Detection]]) -> Block:
    """Spans in other languages inside a block (or one span per side of "sv / en")."""
    if block.kind not in ("paragraph", "quote", "list", "heading") or not block.lang:
        return block
    sides = _side_by_side(block, tagger)
    if sides:
        return replace(block, spans=sides)
    if block.kind == "heading" or block.how == "marker":
        return block
    spans: list[Span] = []
    for begin, end, detection in found:
        # Most sentences are in the block's language: ask that before counting words.
        if detection.lang and detection.lang != block.lang and \
                detection.log_odds >= PASSAGE_LOG_ODDS and \
                _words(block.text[begin:end]) >= PASSAGE_MIN_WORDS:
            if spans and spans[-1].lang == detection.lang and \
                    not block.text[spans[-1].end:begin].strip():
                spans[-1] = replace(spans[-1], end=end)  # join neighbouring sentences
            else:
                while begin < end and block.text[begin] in _QUOTE_MARKS:
                    begin += 1  # quotation marks belong to the surrounding language
                while end > begin and block.text[end - 1] in _QUOTE_MARKS:
                    end -= 1
                spans.append(Span(begin, end, detection.lang,
                                  round(detection.confidence, 4), "detected"))
    return replace(block, spans=tuple(spans)) if spans else block


def _side_by_side(block: Block, tagger: LanguageTagger) -> tuple[Span, ...]:
    """Spans for "Svensk text / English text" when the sides differ in language."""
    text = block.text
    if "\n" in text or ("/" not in text and "|" not in text) \
            or not _SIDE_BY_SIDE.search(text):
        return ()
    bounds = []
    position = 0
    for separator in _SIDE_BY_SIDE.finditer(block.text):
        bounds.append((position, separator.start()))
        position = separator.end()
    bounds.append((position, len(block.text)))
    spans = []
    for begin, end in _trim(block.text, bounds):
        detection = tagger.detect(block.text[begin:end])
        if not detection.lang or detection.log_odds < CONFIDENT / 2:
            return ()
        spans.append(Span(begin, end, detection.lang, round(detection.confidence, 4),
                          "detected"))
    if len({span.lang for span in spans}) < 2:
        return ()
    return tuple(spans)


def low_confidence_warnings(path: str, blocks: tuple[Block, ...]) -> list[Diagnostic]:
    """Warn about content blocks whose language was decided on thin evidence."""
    problems = []
    for block in blocks:
        if block.kind in _OUTSIDE_TEXT or block.kind == "code" or block.how == "marker":
            continue
        if block.lang is not None and block.confidence >= LOW_CONFIDENCE:
            continue
        guess = f"'{block.lang}'" if block.lang else "no language"
        problems.append(warning(
            path, block.start_line, "low-confidence",
            f"unsure of this block's language (guessed {guess}, confidence "
            f"{block.confidence:.2f}): {block.text[:40]!r}",
            "put <!-- lang: sv --> or <!-- lang: en --> on the line before it, and "
            "<!-- lang: auto --> after it"))
    return problems
