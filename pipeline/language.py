"""Decide each block's language: author's markers first, then the detector, then context.

The detector is langdetect with only the site's language profiles loaded and a fixed
seed. Its raw probability is near 1.0 even for two words, so confidence is shrunk
toward 0.5 for short texts: a heading of two words never outvotes its section.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from .meta import read_byline
from .model import Block

#: At or above this confidence a short block or heading keeps its own detected language.
CONFIDENT = 0.8
#: A block must reach this to leave the language its source declares (front matter or
#: file name): the declaration is a strong prior, not a verdict.
OVERRULE_DECLARED = 0.9
#: A paragraph (not a heading or short block) this sure keeps its own language unless
#: the blocks on both sides agree on another one.
_KEEP_OWN = 0.6
#: Letters of evidence at which detection is trusted fully.
_FULL_EVIDENCE_LETTERS = 60
#: Shorter blocks always consult their context (the "~20 characters" rule).
_SHORT_BLOCK_CHARS = 20
_URL = re.compile(r"(https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)


class LanguageDetector:
    """langdetect restricted to a set of languages, seeded so answers never change."""

    def __init__(self, languages: tuple[str, ...], seed: int = 0) -> None:
        self.languages = tuple(sorted(languages))
        self.seed = seed
        self._factory = DetectorFactory()
        profiles = [Path(PROFILES_DIRECTORY, lang).read_text(encoding="utf-8")
                    for lang in self.languages]
        self._factory.load_json_profile(profiles)
        self._factory.set_seed(seed)

    def probabilities(self, text: str) -> dict[str, float]:
        """Probability per language for ``text`` (empty when there is nothing to judge)."""
        cleaned = _URL.sub(" ", text)
        if not re.search(r"[^\W\d_]", cleaned):
            return {}
        detector = self._factory.create()
        detector.append(cleaned)
        try:
            return {found.lang: found.prob for found in detector.get_probabilities()}
        except LangDetectException:
            return {}

    def detect(self, text: str) -> tuple[str | None, float]:
        """Best language and a confidence in 0.5..1 that grows with the evidence."""
        probabilities = self.probabilities(text)
        if not probabilities:
            return None, 0.0
        # max() on (probability, language) breaks exact ties by code, never by dict order.
        probability, lang = max((p, code) for code, p in probabilities.items())
        letters = len(re.findall(r"[^\W\d_]", _URL.sub(" ", text)))
        evidence = min(1.0, letters / _FULL_EVIDENCE_LETTERS)
        return lang, round(0.5 + (probability - 0.5) * evidence, 4)


@lru_cache(maxsize=8)
def detector_for(languages: tuple[str, ...], seed: int) -> LanguageDetector:
    """A shared detector per (languages, seed): loading profiles costs time once."""
    return LanguageDetector(languages, seed)


def _is_weak(block: Block) -> bool:
    """Blocks that should lean on their context unless detection is confident."""
    return (block.kind in ("heading", "list", "table", "code")
            or len(block.text.strip()) < _SHORT_BLOCK_CHARS)


def tag_languages(blocks: tuple[Block, ...], detector: LanguageDetector,
                  declared: str | None = None) -> tuple[Block, ...]:
    """Give every block a language, a confidence and how it was decided.

    1. ``<!-- lang: xx -->`` markers set the language of the blocks after them.
    2. Bylines take the language of their wording ("Publicerat" is Swedish).
    3. Every other block is detected; code is never detected.
    4. Weak blocks (headings, lists, short blocks) that are not confident take the
       language of their context; with a declared language, only a confident block
       may leave it.
    """
    tagged: list[Block] = []
    marker_lang: str | None = None
    for block in blocks:
        if block.kind == "marker":
            if block.text.startswith("lang: "):
                marker_lang = block.lang
            tagged.append(block)
        elif marker_lang is not None:
            tagged.append(replace(block, lang=marker_lang, confidence=1.0, how="marker"))
        elif block.kind == "byline":
            byline = read_byline(block.text)
            lang = byline.lang if byline and byline.lang in detector.languages else None
            tagged.append(replace(block, lang=lang, confidence=0.9 if lang else 0.0,
                                  how="detected" if lang else None))
        elif block.kind == "code":
            tagged.append(block)
        else:
            lang, confidence = detector.detect(block.text)
            tagged.append(replace(block, lang=lang, confidence=confidence,
                                  how="detected" if lang else None))
    return tuple(_smooth(tagged, declared))


def _content(block: Block) -> bool:
    """Blocks whose language counts as context for their neighbours."""
    return block.kind not in ("marker", "byline") and block.lang is not None


def _smooth(blocks: list[Block], declared: str | None) -> list[Block]:
    """Settle undecided and weak blocks from their context."""
    anchors = [b if (b.how == "marker" or (b.how == "detected" and not _is_weak(b)
                                           and b.confidence >= CONFIDENT)) else None
               for b in blocks]
    result = []
    for index, block in enumerate(blocks):
        if block.how == "marker" or block.kind in ("marker", "byline"):
            result.append(block)
            continue
        if declared is not None:
            if block.lang == declared or block.confidence >= OVERRULE_DECLARED:
                result.append(block)
            else:
                result.append(replace(block, lang=declared, confidence=0.9, how="context"))
            continue
        if anchors[index] is not None or (block.lang and block.confidence >= CONFIDENT):
            result.append(block)
            continue
        before = next((a for a in reversed(anchors[:index]) if a is not None), None)
        after = next((a for a in anchors[index + 1:] if a is not None), None)
        if (not _is_weak(block) and block.lang and block.confidence >= _KEEP_OWN
                and not (before and after and before.lang == after.lang != block.lang)):
            # A real sentence keeps its own reading unless both sides say otherwise.
            result.append(block)
            continue
        if block.kind == "heading":
            # A heading introduces what follows it.
            neighbour = after or before
        elif before and after and before.lang != after.lang and block.lang in (
                before.lang, after.lang):
            neighbour = before if block.lang == before.lang else after
        else:
            neighbour = before or after
        if neighbour is None:
            result.append(block)
        else:
            result.append(replace(block, lang=neighbour.lang,
                                  confidence=round(neighbour.confidence * 0.9, 4),
                                  how="context"))
    return result
