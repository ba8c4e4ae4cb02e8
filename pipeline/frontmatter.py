"""Front matter: the YAML between two ``---`` lines at the top of a source.

``split_front_matter`` is pure (text in, values and their lines out). Every key is
checked by name and type; every text value passes the same character filter as the
body. Aliases, deep nesting and repeated keys are refused before any value is built,
so no front matter can expand to gigabytes or recurse without end.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from .characters import clean
from .diagnostics import Diagnostic, error, warning
from .plainmatter import MAX_DEPTH, read_plain

#: Front-matter keys and what each must hold.
FRONT_MATTER_KEYS = {
    "title": "text, or one text per language (title: {sv: …, en: …})",
    "date": "a date written 2025-03-12",
    "slug": "text, or one per language",
    "lang": "a language code such as sv or en",
    "translation_key": "text shared by the variants of one article",
    "author": "text",
    "summary": "text, or one per language",
    "tags": "a list such as [klimat, ungdom]",
    "summary_only": "true or false: this variant only summarises the other language's article",
    "draft": "true or false: a draft is left out of the site until you remove the line",
    "publish_at": "a date and time such as 2026-03-01 08:00 (the site's time zone), or "
                  "2026-03-01T08:00+01:00",
}
_PER_LANGUAGE_KEYS = ("title", "slug", "summary")
_FENCE = re.compile(r"^---[ \t]*$")
_FENCE_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


def split_front_matter(shown: str, text: str, languages: tuple[str, ...]):
    """Return (meta, meta_lines, body, body_line, diagnostics); meta is None on error."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        return {}, {}, text, 1, []
    for index in range(1, len(lines)):
        if _FENCE_END.match(lines[index]):
            break
    else:
        return None, {}, "", 1, [error(
            shown, 1, "front-matter", "the front matter starting here is never closed",
            "end the front matter with a line holding only ---")]
    yaml_text = "\n".join(lines[1:index])
    body = "\n".join(lines[index + 1:])
    body_line = index + 2
    try:
        return _read_values(shown, yaml_text, body, body_line, languages)
    except RecursionError:  # a parser recursing through thousands of nested brackets
        return None, {}, "", 1, [error(
            shown, 2, "front-matter",
            f"the front matter is nested more than {MAX_DEPTH} levels deep",
            "write plain 'key: value' lines, or a list of words for tags")]


def _read_values(shown: str, yaml_text: str, body: str, body_line: int,
                 languages: tuple[str, ...]):
    """The values part of ``split_front_matter``: read (plain lines without YAML when
    they are plain), then check and clean."""
    plain = read_plain(yaml_text)
    if plain is not None:
        raw, meta_lines = plain
    else:
        from .yamlmatter import read_yaml  # loads PyYAML only for front matter that needs it

        raw, meta_lines, problems, line = read_yaml(shown, yaml_text)
        if problems:
            return None, {}, "", line, problems
    if raw is None:
        return {}, {}, body, body_line, []
    raw, cleaning = _clean_values(shown, raw, meta_lines)
    meta, diagnostics = _check_front_matter(shown, raw, meta_lines, languages)
    return (None if diagnostics else meta), meta_lines, body, body_line, cleaning + diagnostics


def _clean_values(shown: str, raw: dict, lines: dict[str, int]
                  ) -> tuple[dict, list[Diagnostic]]:
    """Every text value through the same character filter as body text ("Hej\x0cdär"
    from a YAML escape would break the feeds), with a warning per key it changed."""
    cleaned, problems = {}, []

    def walk(value: Any) -> tuple[Any, str | None]:
        """``value`` with its texts cleaned, and the first character removed, if any."""
        if isinstance(value, str):
            text, first, _ = clean(value)
            return text, first
        if isinstance(value, list | dict):
            items = value.items() if isinstance(value, dict) else enumerate(value)
            out, first = {}, None
            for key, item in items:
                out[key], found = walk(item)
                first = first or found
            return (out if isinstance(value, dict) else list(out.values())), first
        return value, None

    for key, value in raw.items():
        cleaned[key], first = walk(value)
        if first is not None:
            problems.append(warning(
                shown, lines.get(str(key), 2), "characters",
                f"'{key}' holds a control character that web pages and feeds cannot hold "
                f"(U+{ord(first):04X}); it was removed",
                "nothing to do; retype the value to get rid of this warning"))
    return cleaned, problems


def _check_front_matter(shown: str, raw: dict, lines: dict[str, int],
                        languages: tuple[str, ...]) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Check every key's name and type; return the cleaned mapping and problems."""
    problems: list[Diagnostic] = []
    meta: dict[str, Any] = {}

    def bad(key: str, message: str) -> None:
        """Record a front-matter problem for ``key`` with the hint for that key."""
        problems.append(error(shown, lines.get(str(key), 2), "front-matter", message,
                              f"'{key}' must be {FRONT_MATTER_KEYS.get(key, '')}"
                              if key in FRONT_MATTER_KEYS else
                              f"allowed keys: {', '.join(FRONT_MATTER_KEYS)}"))

    for key in sorted(raw, key=str):
        value = raw[key]
        if value is None and key in FRONT_MATTER_KEYS:
            continue  # "summary:" left empty means "not given"
        if key not in FRONT_MATTER_KEYS:
            bad(key, f"unknown front-matter key '{key}'")
        elif key == "slug" and any(
                _leaves_folder(str(v)) for v in (value.values() if isinstance(value, dict)
                                                 else [value])):
            bad(key, f"'slug' {value!r} would point outside the output folder: a slug is "
                     "one word or several joined by '-' (no '/', '\\' or '..')")
        elif key in _PER_LANGUAGE_KEYS:
            if isinstance(value, dict):
                unknown = [lang for lang in value if lang not in languages]
                if unknown or not all(isinstance(v, str) and v.strip() for v in value.values()):
                    bad(key, f"'{key}' per language needs text for the site's languages "
                             f"({', '.join(languages)})")
                else:
                    meta[key] = {lang: value[lang].strip() for lang in languages if lang in value}
            elif isinstance(value, str | int | float) and str(value).strip():
                meta[key] = str(value).strip()
            else:
                bad(key, f"'{key}' is empty or not text")
        elif key in _MOMENTS:
            convert, what = _MOMENTS[key]
            moment = convert(value)
            if moment is None:
                bad(key, f"'{key}' {value!r} is not {what}")
            else:
                meta[key] = moment
        elif key == "lang":
            if value not in languages:
                bad(key, f"'lang' {value!r} is not one of the site's languages "
                         f"({', '.join(languages)})")
            else:
                meta[key] = value
        elif key == "tags":
            tags = [value] if isinstance(value, str) else value
            if not isinstance(tags, list) or not all(isinstance(t, str | int) for t in tags):
                bad(key, "'tags' must be a list of words")
            else:
                meta[key] = tuple(str(t).strip() for t in tags if str(t).strip())
        elif key in ("summary_only", "draft"):
            if not isinstance(value, bool):
                bad(key, f"'{key}' must be true or false, not {value!r}")
            else:
                meta[key] = value
        else:  # author, translation_key
            if not isinstance(value, str | int) or not str(value).strip():
                bad(key, f"'{key}' is empty or not text")
            else:
                meta[key] = str(value).strip()
    return meta, problems


def _leaves_folder(slug: str) -> bool:
    """True for a slug that holds a path separator or a parent-folder step."""
    return "/" in slug or "\\" in slug or ".." in slug


def _to_datetime(value: Any) -> datetime.datetime | None:
    """Accept a YAML timestamp, a date (midnight) or ISO text such as "2026-03-01 08:00"
    (YAML reads a time without seconds as text). Naive results mean the site's zone."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    if isinstance(value, str):
        try:
            return datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _to_date(value: Any) -> datetime.date | None:
    """Accept a YAML date, a datetime, or an ISO date string."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


#: Keys holding a day or a moment: how each is read, and what it must be, in words.
_MOMENTS = {"date": (_to_date, "a date"), "publish_at": (_to_datetime, "a date and time")}
