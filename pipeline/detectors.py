"""Language detectors behind one small interface: text in, log-odds per language out.

The default, ``langdetect``, scores text against langdetect's own n-gram profiles for the
site's languages only, exactly (every n-gram counted once) instead of langdetect's random
sampling, and adds word-frequency evidence from wordfreq: n-grams know spelling, word
frequencies know words. It is deterministic by construction. ``lingua`` (optional extra)
wraps lingua-language-detector, whose models ship inside its wheel.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, reduce
from operator import add, itemgetter
from pathlib import Path
from typing import Protocol

from .model import DETECTORS
from .versions import detector_version
from .words import TokenWord, has_letters, opens_sentence, strip_noise, token_words, words_and_names

#: langdetect's smoothing: an n-gram unseen in a language still has this probability.
_SMOOTHING = 5e-5
#: A word missing from one language's list (wordfreq's "small" lists stop at about one
#: in a million) counts as this rare there: ln(5e-7).
_RARE_WORD_LOG = math.log(5e-7)
#: Naive Bayes adds evidence from n-grams that are far from independent, so its raw
#: log-odds are overconfident; dividing by this brings them near calibrated odds.
_PROFILE_TEMPERATURE = 4.0
#: Tokens up to this length have their words' scores remembered: a megabyte-long token
#: ("a@a@a@…") is scored again each time rather than kept.
_REMEMBERED_TOKEN_CHARS = 100
#: Lingua reports probabilities of exactly 1.0; cap the log-odds they imply.
_MAX_LOG_ODDS = 30.0
#: A word is one-sided evidence when it is at least ten times as frequent in one language
#: as in every other: loan words fall short ("workshop" 3.6 times, "program" 2.1, "info"
#: and "ok" about 1), while "thanks", "everyone", "välkomna" and "nästa" clear it easily.
ONE_SIDED_LOG_RATIO = math.log(10)
#: A capitalised word inside a text counts only when it is among its language's commonest
#: words (about a thousand are this frequent): then "Everyone" in "Welcome Everyone" is
#: title case, while "Lindberg" in "Erik Lindberg" is a name, and names say little.
TITLE_CASE_LOG_FREQUENCY = math.log(1e-4)


@dataclass(frozen=True, slots=True)
class Detection:
    """What a detector says about one text."""

    lang: str | None  #: the most likely language, None when there is nothing to judge
    log_odds: float  #: log(P(best) / P(runner-up)), >= 0; grows with the evidence

    @property
    def confidence(self) -> float:
        """P(best) for two languages: 0.5 means a coin toss, 1.0 certainty."""
        if self.lang is None:
            return 0.0
        return 1.0 / (1.0 + math.exp(-self.log_odds))


NOTHING = Detection(None, 0.0)


class Detector(Protocol):
    """The interface every detector offers."""

    name: str  #: config name, e.g. "langdetect"
    version: str  #: changes whenever answers may change; part of cache keys
    languages: tuple[str, ...]  #: the languages it chooses between

    def detect(self, text: str) -> Detection:
        """Detect the language of ``text``."""


@lru_cache(maxsize=16)
def word_log_frequencies(lang: str) -> dict[str, float]:
    """Natural-log word frequencies from wordfreq's "small" list for ``lang`` (loaded once
    per process and shared: treat the table as read-only).

    Read straight from wordfreq's data file in its documented "cBpack" format (a gzipped
    msgpack list: a header, then lists of words at 0, -1, -2 … centibels), which skips
    importing wordfreq itself (0.15 s of start-up for tokenisers we do not use). Any
    other format falls back to wordfreq's own reader.
    """
    import gzip
    from importlib.util import find_spec

    import msgpack

    spec = find_spec("wordfreq")
    folders = list(spec.submodule_search_locations or []) if spec else []
    path = Path(folders[0], "data", f"small_{lang}.msgpack.gz") if folders else None
    if path is not None and path.is_file():
        with gzip.open(path, "rb") as stream:
            data = msgpack.load(stream, raw=False)
        header = data[0] if data else {}
        if isinstance(header, dict) and header.get("format") == "cB" \
                and header.get("version") == 1:
            per_centibel = math.log(10) / 100
            return {word: -centibels * per_centibel
                    for centibels, words in enumerate(data[1:]) for word in words}
    from wordfreq import get_frequency_dict  # pragma: no cover - other data layouts

    return {word: math.log(frequency)  # pragma: no cover
            for word, frequency in get_frequency_dict(lang, "small").items() if frequency > 0}


def _langdetect_normalisation() -> dict[int, str]:
    """langdetect's character normalisation as a str.translate table (Latin scripts)."""
    from langdetect.utils.messages import get_string

    excluded = get_string("NGram.LATIN1_EXCLUDE")
    table: dict[int, str] = {}
    for code in range(0x100):
        char = chr(code)
        if (code < 0x80 and not char.isalpha()) or (code >= 0x80 and char in excluded):
            table[code] = " "
    for code in range(0x2000, 0x2070):  # general punctuation
        table[code] = " "
    return table


class ProfileDetector:
    """langdetect's profiles scored exactly, plus wordfreq word frequencies."""

    name = "langdetect"

    def __init__(self, languages: tuple[str, ...]) -> None:
        from langdetect.detector_factory import PROFILES_DIRECTORY

        self.languages = tuple(sorted(languages))
        self.version = detector_version(self.name)
        profiles = [json.loads(Path(PROFILES_DIRECTORY, lang).read_text(encoding="utf-8"))
                    for lang in self.languages]
        self._gram_log_probability: dict[str, tuple[float, ...]] = {}
        for gram in sorted({g for profile in profiles for g in profile["freq"]}):
            if 1 <= len(gram) <= 3:
                self._gram_log_probability[gram] = tuple(
                    math.log(p["freq"].get(gram, 0) / p["n_words"][len(gram) - 1] + _SMOOTHING)
                    for p in profiles)
        self._unseen = math.log(_SMOOTHING)
        self._log_frequencies = [word_log_frequencies(lang) for lang in self.languages]
        self._table = _langdetect_normalisation()
        self._word_scores: dict[str, tuple[tuple[float, ...], int]] = {}
        self._token_scores: dict[str, tuple[tuple[tuple, ...], str]] = {}

    def _score_word(self, word: str) -> tuple[tuple[float, ...], int]:
        """Log-likelihood per language of one word, and how many features it gave."""
        cached = self._word_scores.get(word)
        if cached is not None:
            return cached
        found: list[tuple[float, ...]] = []  # the scores of each known n-gram, in order
        known_gram = self._gram_log_probability.get
        for piece in word.translate(self._table).split():
            # langdetect ignores all-capital words (acronyms such as ICLD).
            if len(piece) > 1 and piece[0].isupper() and piece[1].isupper():
                continue
            padded = f" {piece} "
            # Its letters, then the pairs and the triples of " piece ", as langdetect.
            found += filter(None, map(known_gram, piece))
            found += filter(None, map(known_gram, [padded[i:i + 2]
                                                   for i in range(len(padded) - 1)]))
            found += filter(None, map(known_gram, [padded[i:i + 3]
                                                   for i in range(len(padded) - 2)]))
        features = len(found)
        # reduce(add, …, 0.0) adds left to right, as a loop of += does: the same bits.
        totals = [reduce(add, map(itemgetter(index), found), 0.0)
                  for index in range(len(self.languages))]
        lowered = word.lower()
        known = [table.get(lowered) for table in self._log_frequencies]
        if any(value is not None for value in known):
            features += 1
            for index, value in enumerate(known):
                # One word-frequency vote beside the n-grams; multiplied by the
                # temperature here because detect() divides the whole sum by it.
                totals[index] += _PROFILE_TEMPERATURE * (_RARE_WORD_LOG if value is None
                                                         else value)
        result = (tuple(totals), features)
        if len(self._word_scores) < 200_000:
            self._word_scores[word] = result
        return result

    def detect(self, text: str) -> Detection:
        """Sum word scores; a capitalised word inside a sentence (a name, most likely)
        counts for a quarter, so "Nelson Mandela Bay" does not make a sentence English."""
        if len(self.languages) != 2:
            return self._detect_any(text)
        # Two languages (every site today): the sums of _detect_any in the same order,
        # from remembered tokens, with no regex pass over the text. 1.0 * x is x, so
        # leaving out the weight of ordinary words changes no bit.
        remembered = self._token_scores
        first = second = 0.0
        features = 0
        before = None  # the last character so far that is not white space
        for token in text.split():
            words, last = remembered.get(token) or self._score_token(token)
            for one, two, count, capitalised, opener in words:
                features += count
                if capitalised and not opens_sentence(opener or before):  # a name
                    first += 0.25 * one
                    second += 0.25 * two
                else:
                    first += one
                    second += two
            before = last or before
        if not features:
            return NOTHING
        first /= _PROFILE_TEMPERATURE
        second /= _PROFILE_TEMPERATURE
        # _from_log_likelihoods for two sorted languages: a tie goes to the first.
        if second > first:
            return Detection(self.languages[1], second - first)
        return Detection(self.languages[0], first - second)

    def _score_token(self, token: str) -> tuple[Iterable[tuple], str]:
        """A token's words (see words.token_words) with their scores for two languages,
        as (score, score, features, capitalised, opener), and the token's last character.
        Remembered for tokens of ordinary length; a longer one ("a@a@a@…", a megabyte
        of it) is scored word by word as it is read, and never held."""
        words, last = token_words(token)
        scored = self._scored_words(words)
        if len(token) > _REMEMBERED_TOKEN_CHARS:
            return scored, last
        result = (tuple(scored), last)
        if len(self._token_scores) < 200_000:
            self._token_scores[token] = result
        return result

    def _scored_words(self, words: Iterable[TokenWord]) -> Iterator[tuple]:
        """Each word of a token with its two scores and feature count (two languages)."""
        for word, capitalised, opener in words:
            (one, two), count = self._score_word(word)
            yield one, two, count, capitalised, opener

    def _detect_any(self, text: str) -> Detection:
        """``detect`` for any number of languages."""
        totals = [0.0] * len(self.languages)
        features = 0
        for word, named in words_and_names(text):
            scores, count = self._score_word(word)
            weight = 0.25 if named else 1.0
            features += count
            for index, score in enumerate(scores):
                totals[index] += weight * score
        if not features:
            return NOTHING
        return _from_log_likelihoods(self.languages,
                                     [t / _PROFILE_TEMPERATURE for t in totals])


def one_sided_words(text: str, languages: tuple[str, ...]) -> dict[str, int]:
    """How many words of ``text`` are common words of one language and at least ten times
    rarer in every other, per language.

    Common means listed in wordfreq's "small" list (about once in a million words or
    more). These words are evidence a loan word cannot give: "Workshop" is English and
    Swedish alike, "Thanks! Great food!" holds three words no Swedish text uses much.
    """
    if len(languages) < 2:
        return {}
    tables = [word_log_frequencies(lang) for lang in languages]
    counts: dict[str, int] = {}
    for word, named in words_and_names(text):
        lowered = word.lower()
        values = [table.get(lowered, _RARE_WORD_LOG) for table in tables]
        best = max(range(len(languages)), key=values.__getitem__)
        runner_up = max(value for index, value in enumerate(values) if index != best)
        if lowered not in tables[best] or values[best] - runner_up < ONE_SIDED_LOG_RATIO:
            continue
        if named and values[best] < TITLE_CASE_LOG_FREQUENCY:
            continue  # most likely a name: "Andersson" is Swedish, yet says little
        counts[languages[best]] = counts.get(languages[best], 0) + 1
    return counts


def _from_log_likelihoods(languages: tuple[str, ...], totals: list[float],
                          cap: float | None = None) -> Detection:
    """Best language and its log-odds over the runner-up; ties go to the first code.

    Log-odds are not capped for the n-gram scorer: a block's evidence is the sum of its
    sentences', and capping each would let a short sentence outweigh a long one.
    """
    ranked = sorted(zip(totals, languages, strict=True), key=lambda pair: (-pair[0], pair[1]))
    best, lang = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else best - _MAX_LOG_ODDS
    margin = best - runner_up
    return Detection(lang, min(margin, cap) if cap is not None else margin)


class LinguaDetector:
    """lingua-language-detector restricted to the site's languages (optional extra)."""

    name = "lingua"

    def __init__(self, languages: tuple[str, ...]) -> None:
        try:
            from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
        except ImportError as missing:
            raise RuntimeError(
                "detector = \"lingua\" needs the optional extra: "
                "pip install 'bilingual-publish[lingua]'") from missing
        self.languages = tuple(sorted(languages))
        self.version = detector_version(self.name)
        self._by_language = {
            Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())): code
            for code in self.languages}
        self._detector = (LanguageDetectorBuilder.from_languages(*self._by_language)
                          .with_preloaded_language_models().build())

    def detect(self, text: str) -> Detection:
        """Lingua's confidence values turned into log-odds."""
        cleaned = strip_noise(text)
        if not has_letters(cleaned):
            return NOTHING
        values = self._detector.compute_language_confidence_values(cleaned)
        probabilities = {self._by_language[v.language]: v.value for v in values}
        if not any(probabilities.values()):
            return NOTHING
        floor = math.exp(-_MAX_LOG_ODDS)
        return _from_log_likelihoods(
            self.languages,
            [math.log(max(probabilities.get(lang, 0.0), floor)) for lang in self.languages],
            cap=_MAX_LOG_ODDS)


@lru_cache(maxsize=8)
def make_detector(name: str, languages: tuple[str, ...]) -> Detector:
    """The detector called ``name`` for ``languages``, built once per process."""
    if name == "langdetect":
        return ProfileDetector(languages)
    if name == "lingua":
        return LinguaDetector(languages)
    raise ValueError(f"unknown detector {name!r}; choose one of {', '.join(DETECTORS)}")
