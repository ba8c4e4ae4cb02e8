"""The words of author text, as the detectors see them: URLs and e-mail addresses left
out, and each word marked when it looks like a name. Text is read one white-space
token at a time, so a token's words can be worked out once and remembered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: A word: a run of letters.
_LETTERS = re.compile(r"[^\W\d_]+")
#: After these (or at the start) a capital letter starts a sentence, not a name.
_SENTENCE_OPENERS = ".!?:;…\"“”«»„'‘’([–—-•*"
# URLs and e-mail addresses are found token by token (runs of non-space), never by one
# pattern over the whole text: "\S+@\S+\.\w+" searched over "a@a@a@…" backtracks for
# every start and every "@" (119 s for 8 KB). Each step below scans a token a bounded
# number of times, so stripping is linear in the text.
_TOKEN = re.compile(r"\S+")
_URL_START = re.compile(r"https?://|www\.", re.IGNORECASE)
_WORD_RUN = re.compile(r"\w+")

#: One word of a token: the word, whether it is capitalised, and the last character
#: before it inside the token that is not white space ("" when there is none, so the
#: character before the token decides).
TokenWord = tuple[str, bool, str]


def strip_noise(text: str) -> str:
    r"""Remove URLs and e-mail addresses: they are English-looking in every language.

    A URL runs from "http://", "https://" or "www." to the end of its token; an e-mail
    address from the start of its token to the end of the word after the token's last
    dot, given an "@" after the first character and at least one character before that
    dot. These are the matches of ``(https?://|www\.)\S+|\S+@\S+\.\w+``, found in
    linear time.
    """
    if not _may_hold_noise(text):
        return text  # most text
    pieces: list[str] = []
    position = 0
    for token in _TOKEN.finditer(text):
        for start, end in _noise_in_token(token.group()):
            pieces.append(text[position:token.start() + start])
            pieces.append(" ")
            position = token.start() + end
    pieces.append(text[position:])
    return "".join(pieces)


def _may_hold_noise(text: str) -> bool:
    """False when ``text`` holds no e-mail address and no URL: no "@", no "://" and no
    "ww." in any case ("www." in any case holds one; under re.IGNORECASE only "w" and
    "W" match "w"). Plain substring scans, cheaper than one search of _URL_START."""
    return ("@" in text or "://" in text or "ww." in text or "WW." in text
            or "wW." in text or "Ww." in text)


def _noise_in_token(token: str) -> list[tuple[int, int]]:
    """(start, end) of the e-mail address and the URL inside one token, at most one each.

    A URL prefix needs a character after it ("www." alone is a word), and one at the
    start of the token wins over an e-mail address.
    """
    found: list[tuple[int, int]] = []
    url = _URL_START.match(token)
    if url is None or url.end() == len(token):
        end = _email_end(token)
        if end:
            found.append((0, end))
        url = _URL_START.search(token, end)
    if url is not None and url.end() < len(token):
        found.append((url.start(), len(token)))
    return found


def _email_end(token: str) -> int:
    """Where an e-mail address that starts ``token`` ends; 0 when it holds none."""
    at = token.find("@", 1)
    if at < 0:
        return 0
    dot = token.rfind(".", at + 2)
    while dot >= at + 2:  # the last dot with a word character right after it
        word = _WORD_RUN.match(token, dot + 1)
        if word:
            return word.end()
        dot = token.rfind(".", at + 2, dot)
    return 0


def token_words(token: str) -> tuple[Iterator[TokenWord], str]:
    """The words of one white-space token (URLs and e-mail addresses left out), one at a
    time, and the token's last character that is not white space ("" when noise was all
    it held).

    strip_noise works token by token, and no word or white-space run crosses a token's
    edge, so a text's words are its tokens' words in order (str.split, the regex
    classes of white space and str.rstrip agree on what white space is).
    """
    cleaned = strip_noise(token)
    return _words_of(cleaned), cleaned.rstrip()[-1:]


def _words_of(cleaned: str) -> Iterator[TokenWord]:
    """The words of a token with its noise stripped (see token_words)."""
    last = ""
    position = 0
    for match in _LETTERS.finditer(cleaned):
        gap = cleaned[position:match.start()].rstrip()
        word = match.group()
        yield word, word[0].isupper(), gap[-1] if gap else last
        last = word[-1]
        position = match.end()


def opens_sentence(before: str | None) -> bool:
    """Whether a capital letter after ``before`` starts a sentence rather than a name:
    ``before`` is the last character ahead of the word that is not white space (None at
    the start of the text)."""
    return before is None or before in _SENTENCE_OPENERS


def has_letters(text: str) -> bool:
    """True when ``text`` holds a word at all."""
    return _LETTERS.search(text) is not None


def words_and_names(text: str) -> Iterator[tuple[str, bool]]:
    """Each word of ``text`` (URLs and e-mail addresses left out) and whether it looks
    like a name: capitalised, yet not at the start of the text or of a sentence."""
    before: str | None = None
    for token in text.split():
        words, last = token_words(token)
        for word, capitalised, opener in words:
            yield word, capitalised and not opens_sentence(opener or before)
        before = last or before
