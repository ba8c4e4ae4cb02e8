"""What a translation keeps from its original: links, numbers, proper names and the date.

Pure functions from an Article to its features, for ``pipeline.suggest``. Each feature is
(kind, normalised value), so "10 000" in Swedish and "10,000" in English are one feature:

- link: a URL or e-mail address, in the text or as a link target (weight 3);
- date: the article's date (weight 2);
- name: a capitalised word not at the start of a sentence (one that is, only as part of
  a run such as "Anna Lindqvist"), not a weekday, month, title or currency, and not
  common in Swedish or English (wordfreq Zipf frequency 5.0 or more: "Stockholm",
  "Council"); a final "s" is dropped on every side, so "Nordviks" is "Nordvik"
  (weight 1.5). Headings and titles give no names: title case makes every word look
  like one;
- number: 10 or more; "10 000" = "10,000" = "10000", "2,5" = "2.5" (weight 1; a year,
  1900-2099, weighs 0.5 as nearly every article has one).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

from .model import Article

#: Weight of each kind of feature before its rarity is counted.
KIND_WEIGHTS = {"link": 3.0, "date": 2.0, "name": 1.5, "number": 1.0, "year": 0.5}
#: A word this frequent (Zipf scale) in Swedish or English is an ordinary word.
COMMON_ZIPF = 5.0
#: Capitalised words that are not names: weekdays, months, titles and currencies.
NOT_NAMES = frozenset((
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "januari", "februari", "mars", "maj", "juni", "juli",
    "augusti", "oktober", "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "herr", "fru",
    "sek", "eur", "usd"))

#: Upper-case letters of the Latin scripts (re has no \p{Lu}).
_UPPER = "A-ZÀ-ÖØ-Þ" + "".join(chr(code) for code in range(0x100, 0x250) if chr(code).isupper())
# Every pattern below is linear-time on any text: no two ways to match the same
# characters (possessive quantifiers where a word ends), a bounded run of openers, and
# the e-mail pattern only starts at the first character of a word (and runs only on
# text holding "@"). The name and number patterns start without a look-behind: one is
# tried at every position and would triple their cost.
#: Capitalised words in a row, joined by a space or a hyphen: "Anna Lindqvist".
_NAME_RUN = re.compile(
    rf"[{_UPPER}][^\W\d_]*+(?:[ \u00a0\u202f-][{_UPPER}][^\W\d_]*+)*+")
#: A capitalised word alone after the end of a sentence or line: an ordinary word.
_LONE_OPENER = re.compile(
    rf"[.!?:;…\n][ \t\u00a0\"'«»“”‘’(\[*•–—-]{{0,7}}([{_UPPER}][^\W\d_]*+)"
    rf"(?!\w|[ \u00a0\u202f-][{_UPPER}])")
_NAME_GAP = re.compile(r"[ \u00a0\u202f-]")
#: Digits with the separators people write in numbers (read in ``_numbers``).
_NUMBER = re.compile(r"[0-9][0-9 \u00a0\u202f.,]*")
_NUMBER_PART = re.compile(r"([ \u00a0\u202f.,])")
_NUMBER_SEPARATORS = " \u00a0\u202f.,"
_URL = re.compile(r"(?:[hH][tT][tT][pP][sS]?://|[wW][wW][wW]\.)[^\s<>\"'()\[\]{}]+")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HREF = re.compile(r'href="([^"]*)"')
#: Blocks that tell the story; bylines, signatures, code and leftovers are the same in
#: many articles or say nothing about this one.
_STORY_KINDS = frozenset(("heading", "paragraph", "list", "quote", "table"))


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What one article offers for comparison with a possible translation."""

    article: Article  #: the article
    weights: dict  #: (kind, value) → kind weight, in order of appearance
    shown: dict  #: (kind, value) → the text as written, for number features
    runs: tuple  #: names as written: ((normalised word, …), (written word, …)) per run


@lru_cache(maxsize=1 << 17)  # bounded: `serve` lives long and meets ever new words
def _is_common(word: str) -> bool:
    """True for a word frequent in Swedish or English (wordfreq knows names too, so only
    very frequent ones are dropped). Cached: the same words come up in every article."""
    from wordfreq import zipf_frequency  # 0.2 s to import: only when names are checked

    return word in NOT_NAMES or any(zipf_frequency(form, lang) >= COMMON_ZIPF
                                    for form in {word, _stem(word)} for lang in ("sv", "en"))


def _stem(word: str) -> str:
    """A name without a final "s" (Swedish genitive), on every side alike."""
    return word[:-1] if len(word) >= 5 and word.endswith("s") else word


def _name_runs(text: str) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Runs of capitalised, uncommon words: (normalised words, written words) each.

    A lone capitalised word opening a sentence is most likely an ordinary word and is
    left out; one followed by more capitalised words ("Anna Lindqvist said") is kept.
    Both lists come from the regex engine; Python only sees each distinct run once.
    """
    text = "\n" + text  # the first word opens a sentence too
    found = Counter(_NAME_RUN.findall(text))
    found.subtract(_LONE_OPENER.findall(text))
    # count <= 0: every time it stood alone at the start of a sentence
    return [name for run, count in found.items() if count > 0 for name in _names_in(run)]


@lru_cache(maxsize=1 << 16)  # the same runs ("Anna Lindqvist", "Nordvik") recur everywhere
def _names_in(run: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """A run of capitalised words without its common words, which split it into names:
    (normalised words, written words) each."""
    names, words = [], []
    for word in [*_NAME_GAP.split(run), ""]:  # "" ends the last name
        if len(word) >= 2 and not _is_common(word.casefold()):
            words.append(word)
        elif words:
            names.append((tuple(_stem(w.casefold()) for w in words), tuple(words)))
            words = []
    return tuple(names)


def _numbers(text: str) -> Iterable[tuple[str, str]]:
    """(normalised value, as written) of every number of 10 or more in ``text``."""
    for run in _NUMBER.findall(text):
        run = run.rstrip(_NUMBER_SEPARATORS)
        if run.isdigit():  # most numbers: no separator to read
            if len(run.lstrip("0")) >= 2:
                yield run.lstrip("0"), run
            continue
        parts = _NUMBER_PART.split(run)
        pieces = [[parts[0], parts[0]]]  # value, as written
        grouped, decimal = len(parts[0]) <= 3, False
        for separator, digits in zip(parts[1::2], parts[2::2], strict=True):
            if digits and grouped and not decimal and separator != "." and len(digits) == 3:
                pieces[-1][0] += digits  # "10 000", "10,000": a thousands separator
            elif digits and separator in ".," and not decimal:
                pieces[-1][0] += "." + digits  # "2,5", "2.5"
                decimal = True
            else:  # two numbers side by side: "år 2025 15 deltagare", "1, 2"
                pieces.append([digits, digits])
                grouped, decimal = 0 < len(digits) <= 3, False
                continue
            pieces[-1][1] += separator + digits
        for value, written in pieces:
            whole, _, fraction = value.partition(".")
            whole, fraction = whole.lstrip("0"), fraction.rstrip("0")
            if len(whole) >= 2:  # 10 or more; never int(): a digit run may be huge
                yield whole + ("." + fraction if fraction else ""), written


def _may_hold_links(text: str) -> bool:
    """A quick test before the link patterns run: most paragraphs hold none."""
    return "://" in text or "ww." in text or "WW." in text or "@" in text


def _without_links(text: str) -> str:
    """``text`` with URLs and e-mail addresses blanked out."""
    text = _URL.sub(" ", text)
    return _EMAIL.sub(" ", text) if "@" in text else text


def _link(address: str) -> str:
    """A URL or e-mail address without scheme, "www.", case and trailing punctuation."""
    address = address.casefold().rstrip(".,;:!?")
    for prefix in ("mailto:", "https://", "http://", "www."):
        address = address.removeprefix(prefix)
    return address.rstrip("/")


def article_features(article: Article) -> ArticleFeatures:
    """Links, numbers, names and the date of one article, with their kind weights."""
    weights: dict = {}
    shown: dict = {}
    runs: list = []
    if article.date is not None:
        weights[("date", article.date.isoformat())] = KIND_WEIGHTS["date"]
    texts, prose, addresses = [], [], []
    for text, html, kind in [(article.title, "", "heading")] + [
            (b.text, b.html, b.kind) for b in article.blocks if b.kind in _STORY_KINDS]:
        if _may_hold_links(text):
            addresses += _URL.findall(text) + (_EMAIL.findall(text) if "@" in text else [])
            text = _without_links(text)  # so their parts are not read as numbers or names
        if 'href="' in html:
            addresses += [unescape(href) for href in _HREF.findall(html)
                          if href.casefold().startswith(("http://", "https://", "mailto:"))]
        texts.append(text)
        if kind != "heading":
            prose.append(text)
    for address in addresses:
        weights[("link", _link(address))] = KIND_WEIGHTS["link"]
    # One string per article, not per block: far fewer calls; "\n" still ends a sentence.
    for value, written in _numbers("\n".join(texts)):
        kind = "year" if value.isdigit() and 1900 <= int(value) <= 2099 else "number"
        weights.setdefault((kind, value), KIND_WEIGHTS[kind])
        shown.setdefault((kind, value), written)
    for keys, words in _name_runs("\n".join(prose)):
        runs.append((keys, words))
        for key in keys:
            weights[("name", key)] = KIND_WEIGHTS["name"]
    return ArticleFeatures(article, weights, shown, tuple(runs))
