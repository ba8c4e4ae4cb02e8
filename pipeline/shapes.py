"""The shapes pasted posts take, recognised line by line: announcements of the other
language, speech dashes, signatures, "Label: value" data lines and leftovers from
cameras, web pages and newsletters. Every phrase list lives here, in one place.

All patterns run on one line of author text at a time and are linear: no pattern nests
a repeated group inside another.
"""

from __future__ import annotations

import re

#: "English version below" and its relatives, decoration and case removed. The optional
#: tail says where the other half is; a heading-like "Information in English" right
#: before the English half is an announcement too.
_WHERE = (r"(?: (?:is )?(?:below|follows(?: below)?|further (?:down|below)|down below"
          r"|at the (?:bottom|end)|nedan|längre (?:ner|ned)|följer(?: nedan)?))?")
ANNOUNCEMENTS: dict[str, re.Pattern[str]] = {
    "en": re.compile(
        r"^(?:(?:an?|the) )?(?:"
        r"(?:info|information|summary|version|translation) (?:in )?english"
        r"|english(?: (?:version|text|translation|summary|info|information))?"
        r"|in english|på engelska|engelsk (?:version|text|sammanfattning|översättning)"
        r"|(?:scroll|read|see) (?:down|below) for (?:the )?english(?: (?:version|text))?"
        r"|for (?:the )?english(?: (?:version|text))? (?:see|scroll|read) (?:below|down)"
        r")" + _WHERE + "$"),
    "sv": re.compile(
        r"^(?:"
        r"(?:info|information|sammanfattning|version) (?:på )?svenska"
        r"|svensk(?:a)?(?: (?:version|text|översättning|sammanfattning|info|information))?"
        r"|på svenska|swedish(?: (?:version|text|translation|summary))?|in swedish"
        r"|(?:scroll|read|see) (?:down|below) for (?:the )?swedish(?: (?:version|text))?"
        r"|(?:se|läs) (?:nedan|längre ner) för (?:den )?svensk(?:a)?(?: (?:version|text))?"
        r")" + _WHERE + "$"),
}

#: "ENG: Welcome …", "SV – Välkommen …", "🇬🇧 Welcome …": a paragraph that names its
#: language first. Short codes count in capitals only ("En:" could be Swedish).
_FLAG_GB = "\U0001F1EC\U0001F1E7"
_FLAG_US = "\U0001F1FA\U0001F1F8"
_FLAG_SE = "\U0001F1F8\U0001F1EA"
_LANGUAGE_PREFIX = re.compile(
    r"^(?P<code>ENG|EN|SV|SWE|SVE|(?i:english|in english|svenska|på svenska|swedish))"
    r"\s*[:|–—-]\s+(?=\S)|^(?P<flag>" + f"{_FLAG_GB}|{_FLAG_US}|{_FLAG_SE}" + r")\s*(?=\w)")
_PREFIX_LANGUAGE = {"eng": "en", "en": "en", "english": "en", "in english": "en",
                    _FLAG_GB: "en", _FLAG_US: "en", "sv": "sv", "swe": "sv", "sve": "sv",
                    "svenska": "sv", "på svenska": "sv", "swedish": "sv", _FLAG_SE: "sv"}

#: Web-page and newsletter chrome that comes along when a page is copied: never text.
CHROME = frozenset({
    # Swedish
    "läs brevet i din webbläsare", "visa brevet i webbläsaren", "visa i webbläsaren",
    "öppna i webbläsaren", "tipsa en kollega", "tipsa en vän", "vidarebefordra till en vän",
    "dela", "dela artikeln", "dela sidan", "dela på facebook", "dela på linkedin",
    "dela på x", "dela på twitter", "skriv ut", "skriv ut sidan", "till toppen",
    "tillbaka till toppen", "pressmeddelande", "avsluta prenumerationen", "avregistrera",
    "ändra prenumeration", "uppdatera dina inställningar", "följ oss", "kopiera länk",
    "kopiera länken", "annons", "hoppa till innehållet", "visa mer",
    # English
    "view this email in your browser", "view this e-mail in your browser",
    "view in browser", "view online", "open in browser", "forward to a friend",
    "forward to a colleague", "share", "share this", "share this article",
    "share on facebook", "share on linkedin", "share on twitter", "share on x", "tweet",
    "print", "print this page", "back to top", "press release", "unsubscribe",
    "update your preferences", "update subscription preferences", "follow us",
    "copy link", "advertisement", "skip to content", "show more",
})

#: A camera's or phone's file name on a line of its own (IMG_8634, DSC01234.JPG,
#: PXL_20240101_123456.jpg), or any image file name (bild-fran-motet.jpg).
_CAMERA_FILE = re.compile(
    r"^(?:img|dsc[nf]?|pxl|mvimg|vid|pano|gopr|dji|sam|cimg|_mg|_dsc|p)[_-]?\d{3,}"
    r"(?:[_-][0-9a-z]+)?(?:\.[a-z0-9]{3,4})?$", re.IGNORECASE)
_IMAGE_FILE = re.compile(r"^[\w.-]{1,80}\.(?:jpe?g|png|gif|heic|heif|webp|tiff?)$",
                         re.IGNORECASE)

#: A line opened by a speech dash (talstreck): an en or em dash, or a hyphen right
#: before a capital letter or quotation mark. "- " plus a capital counts when the line
#: stands alone (a list needs two items).
_SPEECH_DASH = re.compile(r"^\s*(?:[–—]\s*|-(?=[A-ZÅÄÖÉ\"”»])|-\s+(?=[A-ZÅÄÖÉ\"”»]))(.+)$")
_EN_OR_EM_DASH = re.compile(r"^\s*[–—]")
#: ", säger NN" / ", says NN": who is speaking.
_ATTRIBUTION = re.compile(
    r"[,!?”\"]\s*(?:[–—-]\s*)?(?:säger|sa|sade|berättar|menar|konstaterar|tycker|förklarar"
    r"|svarar|says|said|explains|adds|added|tells|notes)\b", re.IGNORECASE)

#: Closing phrases that open a signature: "Vänliga hälsningar" + a name.
CLOSINGS = frozenset({
    "vänliga hälsningar", "med vänliga hälsningar", "vänlig hälsning",
    "med vänlig hälsning", "hälsningar", "bästa hälsningar", "varma hälsningar",
    "många hälsningar", "mvh", "allt gott", "kind regards", "best regards", "regards",
    "warm regards", "warmest regards", "best wishes", "all the best", "sincerely",
    "yours sincerely", "yours faithfully", "with best wishes", "kindest regards",
})
#: "Anna Berg, ordförande" / "Sam Reed, President of the Student Union": two to four
#: capitalised name words, a comma, then a role without sentence punctuation.
_NAME_ROLE = re.compile(
    r"^[A-ZÅÄÖÉ][\w'’-]+(?: [A-ZÅÄÖÉ][\w'’-]+){1,3}, [^.!?]{2,80}\.?$")
#: "Hej alla medarbetare!", "Kära studenter,", "Dear colleagues,": a letter's opening,
#: never its title.
_SALUTATION = re.compile(
    r"^(?:hej|hejsan|hallå|kära|bästa|god (?:morgon|dag|kväll)|dear|hi|hello|hey"
    r"|good (?:morning|afternoon|evening))\b[^.?]{0,60}[,!]?$", re.IGNORECASE)
#: A line of nothing but hashtags, as social-media posts end: "#studentliv #nordvik".
_HASHTAGS = re.compile(r"^(?:#[\w-]+[\s,]*){1,30}$")
#: "Norra campus: Ja: 33 Nej: 33": a short label, a colon, a value.
_LABEL_VALUE = re.compile(r"^[^:]{1,40}:\s*\S")
_SENTENCE_END = tuple(".!?…")


#: The longest line a phrase lookup looks at: announcements, chrome and closings are
#: short, and most paragraphs are skipped before any work.
_PHRASE_MAX_CHARS = 100


def normalise(text: str) -> str:
    """Lower-case ``text`` with decoration and extra spaces removed, for phrase lookups:
    anything but letters and digits at either end goes (dashes, stars, brackets, and
    emoji such as flags: "🇬🇧 English below 🇬🇧")."""
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return " ".join(text[start:end].casefold().split())


def announced_language(text: str) -> str | None:
    """The language a line like "– English info further down –" announces, else None."""
    if len(text) > _PHRASE_MAX_CHARS:
        return None
    plain = normalise(text)
    if not plain or len(plain) > 80:
        return None
    for lang, pattern in ANNOUNCEMENTS.items():
        if pattern.match(plain):
            return lang
    return None


def leftover_reason(text: str) -> str | None:
    """Why a one-line block is a leftover of pasting (and not text), else None."""
    stripped = text.strip()
    if len(stripped) > 80:
        return None
    if _CAMERA_FILE.match(stripped) or _IMAGE_FILE.match(stripped):
        return "a camera or image file name"
    if normalise(stripped) in CHROME:
        return "web-page or newsletter chrome"
    if _HASHTAGS.match(stripped):
        return "hashtags from a social-media post"
    return None


def speech_text(line: str) -> str | None:
    """The words of a line opened by a speech dash, without the dash; else None."""
    found = _SPEECH_DASH.match(line)
    return found.group(1).strip() if found else None


def is_speech_run(lines: list[str]) -> bool:
    """True when dash-opened lines are lines of speech, not list items: one line that is
    a sentence or names its speaker, or several that each end a sentence and at least
    one names its speaker."""
    texts = [speech_text(line) for line in lines]
    if any(text is None for text in texts):
        return False
    if len(lines) == 1:
        text = texts[0]
        return bool(_ATTRIBUTION.search(text)) or (
            len(text.split()) >= 4 and text.rstrip("\"'”’»)").endswith(_SENTENCE_END))
    return (all(_EN_OR_EM_DASH.match(line) for line in lines)
            and all(t.rstrip("\"'”’»)").endswith(_SENTENCE_END) for t in texts)
            and any(_ATTRIBUTION.search(t) for t in texts))


def is_closing(text: str) -> bool:
    """True for a closing phrase such as "Vänliga hälsningar," or "Kind regards", also
    in both languages at once: "Med vänliga hälsningar / Kind regards"."""
    if not text or len(text) > _PHRASE_MAX_CHARS:
        return False
    return all(normalise(side) in CLOSINGS for side in text.split(" / "))


def is_bilingual_closing(text: str) -> bool:
    """True for a closing phrase given in two languages: "Hälsningar / Regards"."""
    return " / " in text and is_closing(text)


def is_salutation(text: str) -> bool:
    """True for a letter's opening line: "Hej alla medarbetare!", "Dear colleagues,"."""
    stripped = text.strip()
    return len(stripped) <= 70 and len(stripped.split()) <= 8 and bool(
        _SALUTATION.match(stripped))


def is_name_and_role(text: str) -> bool:
    """True for a signature line such as "Anna Berg, ordförande"."""
    stripped = text.strip()
    return (len(stripped) <= 100 and bool(_NAME_ROLE.match(stripped))
            and len(stripped.split(",", 1)[1].split()) <= 10)


def is_signature_name(text: str) -> bool:
    """A short line that can follow a closing phrase: a name, a role, an organisation."""
    stripped = text.strip()
    return 0 < len(stripped) <= 70 and not stripped.endswith(tuple("!?…"))


#: Labels whose line gives a fact, not a section: "Foto: Anna Berg", "Läs mer: …".
FACT_LABELS = frozenset({
    "foto", "photo", "bild", "image", "text", "tid", "plats", "datum", "time", "place",
    "date", "when", "where", "kontakt", "contact", "läs mer", "read more", "mer info",
    "more info", "info", "källa", "source", "anmälan", "registration", "pris", "price",
    "kostnad", "cost", "webb", "web", "webbplats", "website", "e-post", "email", "e-mail",
    "telefon", "phone", "tel", "adress", "address", "arrangör", "organiser", "organizer",
})
_HAS_DATA = re.compile(r"\d|://|www\.|@")


def is_fact_line(text: str) -> bool:
    """A "Label: value" line that states a fact rather than opening a section: a known
    label ("Foto:", "Tid:", "Läs mer:") or a short label with digits, a link or an
    address after it. Such a line is never a heading."""
    label, colon, value = text.partition(":")
    if not colon or not value.strip() or len(label.split()) > 3:
        return False
    return normalise(label) in FACT_LABELS or bool(_HAS_DATA.search(value))


def is_label_value(text: str) -> bool:
    """True for a "Label: value" data line such as "Södra campus: Ja: 3 Nej: 7"."""
    return len(text) <= 120 and bool(_LABEL_VALUE.match(text))


def language_prefix(text: str) -> tuple[str, str, str] | None:
    """(language, the prefix as written, the rest) for "ENG: Welcome …", else None."""
    found = _LANGUAGE_PREFIX.match(text)
    if not found:
        return None
    key = (found.group("code") or found.group("flag")).casefold()
    return _PREFIX_LANGUAGE[key], found.group().strip(), text[found.end():]


def opens_a_list(text: str) -> bool:
    """A short line ending in a colon ("Kontakt:", "For more information, contact:")
    whose following lines belong with it."""
    stripped = text.strip()
    return stripped.endswith(":") and len(stripped) <= 60 and len(stripped.split()) <= 6


# --- lines that may be titles and headings ------------------------------------------

FINAL_PUNCTUATION = tuple(".!?:;,…")
CLOSING_QUOTES = "\"'”’»)"
_HEADING_MAX_CHARS = 90
_HEADING_MAX_WORDS = 12
_TITLE_MAX_CHARS = 120
_TITLE_MAX_WORDS = 18
#: Two sentences in one line: an end mark, a space, then a capital letter.
_SENTENCE_BREAK = re.compile(r"[.!?…][\"'”’»)]* +[A-ZÅÄÖÉ]")


def looks_like_heading(text: str) -> bool:
    """Short, one line, and no sentence-ending punctuation."""
    stripped = text.strip().rstrip(CLOSING_QUOTES)
    return (0 < len(text.strip()) <= _HEADING_MAX_CHARS
            and len(text.split()) <= _HEADING_MAX_WORDS
            and not stripped.endswith(FINAL_PUNCTUATION))


def looks_like_title(text: str) -> bool:
    """A first line that can be a title: one sentence at most, not too long, and not
    ending the way a sentence or a salutation does ("." "," ":" ";")."""
    stripped = text.strip().rstrip(CLOSING_QUOTES)
    return (0 < len(stripped) <= _TITLE_MAX_CHARS and len(stripped.split()) <= _TITLE_MAX_WORDS
            and not stripped.endswith(tuple(".,:;"))
            and not _SENTENCE_BREAK.search(stripped))


#: A note in brackets, or after a dash or bar, at the very end of a line. It is searched
#: for in the line's last _TAIL_MAX_CHARS characters only: "^(.+?)\s*(?:…)\s*$" over a
#: whole line tried every split of a long run of spaces (seconds for 10 KB).
_TAIL = re.compile(r"(?:\((?P<a>[^()]{3,60})\)|\[(?P<b>[^\[\]]{3,60})\]"
                   r"|\s[–—|-]\s(?P<c>[^–—|]{3,60}))$")
#: The longest note _TAIL can match: a space, a dash, a space and 60 characters.
_TAIL_MAX_CHARS = 63


def announced_tail(line: str) -> tuple[str, str, str] | None:
    """(the line without it, the note, its language) for a line that ends by announcing
    the other language: "Höstmöte i kåren (English below)"; else None."""
    line = line.strip()
    # The note starts after the line's first character: a line that is only a note is
    # a marker of its own, not a tail.
    found = _TAIL.search(line, max(1, len(line) - _TAIL_MAX_CHARS))
    if not found:
        return None
    text = line[:found.start()].rstrip()
    note = found.group("a") or found.group("b") or found.group("c")
    lang = announced_language(note)
    if lang is None:
        return None
    return text, line[len(text):].strip(), lang
