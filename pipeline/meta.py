"""Bylines and dates in Swedish and English: recognise them and lift them into metadata.

Month and weekday names come from Babel's locale data, so "21 november 2019",
"Torsdag 21 November 2019", "21 Nov. 2019" and "November 21, 2019" all read the same.
Label lines pasted from news pages ("Pressmeddelande • 24 sep. 2019 kl. 10.34") date an
article too; their time of day is read past, since an article holds a date.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache

from babel.dates import get_day_names, get_month_names

from .diagnostics import Diagnostic, warning
from .model import Block, Metadata

_VERBS = {
    "sv": ("publicerat", "publicerad", "publicerades", "postat", "postad", "skrivet", "skriven"),
    "en": ("published", "posted", "written"),
}
#: Labels that news pages print before a date ("Nyhet | 2021-03-03 08:15"); the byline
#: verbs above are labels too ("Publicerad · 24 sep. 2019").
_LABELS = {
    "sv": ("pressmeddelande", "nyhet", "uppdaterad", "uppdaterat", "artikel", "debatt",
           "krönika"),
    "en": ("press release", "news", "updated", "article"),
}
#: What may stand between a label and its date, besides a plain space.
_LABEL_SEPARATORS = "•·|:–—-"
#: Words before a time of day ("kl. 10.34" is Swedish, "at 10:34" English).
_TIME_WORDS = {"sv": ("klockan", "kl"), "en": ("at",)}
#: Time zones after a time of day; offsets such as "+01:00" or "UTC+1" are read as well.
_ZONES = ("cest", "cet", "eest", "eet", "bst", "gmt", "utc")
_BY = {"sv": "av", "en": "by"}
_ON = {"sv": "den", "en": "on"}
_LONGEST_BYLINE = 240


@dataclass(frozen=True, slots=True)
class Byline:
    """What a byline line says."""

    date: datetime.date | None  #: the date, when one was written
    publisher: str | None  #: who published, from "Publicerat av …" / "Published by …"
    weekday: str | None  #: the weekday as written, e.g. "Torsdag"
    lang: str | None  #: language of the wording ("Publicerat" → sv), None if unclear
    impossible: str | None = None  #: a written date no calendar has ("31 juni 2019")


@cache
def _names() -> tuple[dict[str, int], dict[str, int], dict[str, set[str]]]:
    """Month name → number, weekday name → Python weekday, and word → languages."""
    months: dict[str, int] = {}
    weekdays: dict[str, int] = {}
    word_langs: dict[str, set[str]] = {}
    for lang in ("sv", "en"):
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale=lang).items():
                    word = name.lower().rstrip(".")
                    months[word] = number
                    word_langs.setdefault(word, set()).add(lang)
                for number, name in get_day_names(width, context, locale=lang).items():
                    word = name.lower().rstrip(".")
                    weekdays[word] = number  # Babel and Python both count Monday as 0
                    word_langs.setdefault(word, set()).add(lang)
    months.setdefault("sept", 9)
    word_langs.setdefault("sept", {"en"})
    return months, weekdays, word_langs


def _alternatives(words) -> str:
    """A regex alternation, longest first so "september" wins over "sep"."""
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """Compiled patterns: a byline, a label line, a line that is only a date.

    Every date may end in a time of day and a zone. Lines come with white space collapsed
    and at most _LONGEST_BYLINE characters; the date, time and label parts repeat only
    over digits or single spaces between fixed separators, so they match in linear time.
    """
    months, weekdays, _ = _names()
    month = _alternatives(months)
    weekday = _alternatives(weekdays)
    date = (
        rf"(?:(?P<weekday>{weekday})\.?,?\s+(?:den\s+|the\s+)?)?"
        r"(?:"
        r"(?P<iso>\d{4}-\d{2}-\d{2})"
        rf"|(?P<day>\d{{1,2}})(?:st|nd|rd|th|e|a)?\.?\s+(?:of\s+)?(?P<month>{month})\.?,?\s+"
        r"(?P<year>\d{4})"
        rf"|(?P<month2>{month})\.?\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year2>\d{{4}})"
        r")"
        # An optional time of day: ", 10:34", " kl. 10.34", "T10:34:00", " 10:34 CEST".
        r"(?:(?:,?\s+|T)"
        rf"(?:(?:{_alternatives(w for group in _TIME_WORDS.values() for w in group)})\.?\s*)?"
        r"(?:[01]?\d|2[0-3])[:.][0-5]\d(?:[:.][0-5]\d)?(?:\s*[ap]\.?m\b\.?)?"
        rf"(?:\s*(?:(?:utc|gmt)?[+-]\d{{1,2}}(?::?\d{{2}})?|(?:{_alternatives(_ZONES)})\b|z\b))?"
        r")?"
    )
    verbs = _alternatives(v for group in _VERBS.values() for v in group)
    by = _alternatives(_BY.values())
    on = _alternatives(_ON.values())
    byline = re.compile(
        rf"^(?P<verb>{verbs})\b"
        rf"(?:\s*:\s*|\s+(?:{by})\s+(?P<publisher>.+?)(?:\s*[,:]\s*|\s+(?:{on})\s+|\s+|\s*$)"
        r"|\s+)"
        rf"(?:{date})?\s*\.?$",
        re.IGNORECASE,
    )
    labels = _alternatives(_label_languages())
    labelled = re.compile(
        rf"^(?P<label>{labels})\b\s*(?:[{re.escape(_LABEL_SEPARATORS)}]\s*)?{date}\s*\.?$",
        re.IGNORECASE,
    )
    date_only = re.compile(rf"^{date}\s*\.?$", re.IGNORECASE)
    return byline, labelled, date_only


@cache
def _label_languages() -> dict[str, str]:
    """Label word or phrase (lower case) → the language it is written in."""
    return {word: lang for table in (_VERBS, _LABELS)
            for lang, words in table.items() for word in words}


def _date_of(match: re.Match[str]) -> datetime.date | None:
    """The calendar date a date match names, or None if it is impossible (31 June)."""
    months, _, _ = _names()
    try:
        if match.group("iso"):
            return datetime.date.fromisoformat(match.group("iso"))
        if match.group("day"):
            return datetime.date(int(match.group("year")),
                                 months[match.group("month").lower()], int(match.group("day")))
        if match.group("day2"):
            return datetime.date(int(match.group("year2")),
                                 months[match.group("month2").lower()], int(match.group("day2")))
    except ValueError:
        return None
    return None


def read_byline(text: str) -> Byline | None:
    """Read a byline or a bare date line; None when ``text`` is neither.

    >>> read_byline("Publicerad: 2019-11-21").date
    datetime.date(2019, 11, 21)
    """
    line = " ".join(text.split())
    if not line or len(line) > _LONGEST_BYLINE:
        return None
    byline, labelled, date_only = _patterns()
    match = byline.match(line)
    if match:
        verb = match.group("verb").lower()
        lang = next(lang for lang, verbs in _VERBS.items() if verb in verbs)
        publisher = match.group("publisher")
        written = _written_date(match)
        date = _date_of(match) if written else None
        if date is None and not publisher and not written:
            return None
        if publisher:
            publisher = publisher.strip(" ,–-")
        return Byline(date, publisher or None, match.group("weekday"), lang,
                      impossible=written if written and date is None else None)
    match = labelled.match(line)
    if match:
        date = _date_of(match)
        return Byline(date, None, match.group("weekday"),
                      _label_languages()[match.group("label").lower()],
                      impossible=_written_date(match) if date is None else None)
    match = date_only.match(line)
    if match:
        date = _date_of(match)
        return Byline(date, None, match.group("weekday"), _language_of_names(line),
                      impossible=_written_date(match) if date is None else None)
    return None


def _written_date(match: re.Match[str]) -> str | None:
    """The date as the author wrote it, when the match holds one."""
    for start, end in (("iso", "iso"), ("day", "year"), ("month2", "year2")):
        if match.group(start):
            return match.string[match.start(start):match.end(end)]
    return None


def _language_of_names(line: str) -> str | None:
    """sv or en when the month, weekday and time words belong to one language only."""
    _, _, word_langs = _names()
    seen: set[str] = set()
    for word in re.findall(r"[^\W\d_]+", line.lower()):
        langs = word_langs.get(word) or {
            lang for lang, words in _TIME_WORDS.items() if word in words}
        if langs and len(langs) == 1:
            seen |= langs
    return seen.pop() if len(seen) == 1 else None


def lift_metadata(path: str, blocks: tuple[Block, ...], front_matter: dict
                  ) -> tuple[Metadata, list[Diagnostic]]:
    """Collect date and publisher from byline blocks and front matter; warn on conflicts."""
    _, weekdays, _ = _names()
    diagnostics: list[Diagnostic] = []
    date = front_matter.get("date")
    publisher = None
    byline_line = None
    for block in blocks:
        if block.kind != "byline":
            continue
        byline = read_byline(block.text)
        if byline is None:  # pragma: no cover - parse only marks lines read_byline accepts
            continue
        if byline.impossible:
            diagnostics.append(warning(
                path, block.start_line, "date",
                f"'{byline.impossible}' is not a date in the calendar, so this byline "
                "gives the article no date",
                "correct the day or the month (for example 30 juni, not 31 juni)"))
        if byline.date and byline.weekday:
            written = weekdays[byline.weekday.lower().rstrip(".")]
            if written != byline.date.weekday():
                actual = get_day_names("wide", locale="en")[byline.date.weekday()]
                diagnostics.append(warning(
                    path, block.start_line, "weekday",
                    f"'{byline.weekday}' does not match {byline.date.isoformat()}, "
                    f"which is a {actual}",
                    "correct the weekday or the date in the byline"))
        if byline.date:
            if date is None:
                date = byline.date
                byline_line = block.start_line
            elif date != byline.date:
                diagnostics.append(warning(
                    path, block.start_line, "date",
                    f"this byline says {byline.date.isoformat()} but the article is already "
                    f"dated {date.isoformat()}; keeping {date.isoformat()}",
                    "make the dates agree, or remove the one that is wrong"))
        if byline.publisher and publisher is None:
            publisher = byline.publisher
            byline_line = byline_line or block.start_line
    return Metadata(date=date, publisher=publisher, byline_line=byline_line), diagnostics
