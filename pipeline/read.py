"""Find sources and read them: strict UTF-8, YAML front matter, language from file names.

``parse_source`` is pure (bytes in, SourceDocument out); ``read_source`` and
``discover_sources`` are the only functions here that touch the disk.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
from pathlib import Path
from typing import Any

import yaml

from .diagnostics import Diagnostic, error, warning
from .model import SourceDocument

SOURCE_SUFFIXES = (".txt", ".md")

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
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Characters HTML and XML forbid: C0 controls but tab and newline, DEL and the C1
#: controls, and the Unicode noncharacters.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}"
              for plane in range(17)) + "]")
#: C1 controls (U+0080-U+009F) as the Windows-1252 characters they were meant to be;
#: the five code points Windows-1252 leaves undefined are not here and are removed.
_WINDOWS_1252 = {code: bytes([code]).decode("cp1252", errors="ignore")
                 for code in range(0x80, 0xA0)}
_FENCE = re.compile(r"^---[ \t]*$")
_FENCE_END = re.compile(r"^(---|\.\.\.)[ \t]*$")


def scan_sources(articles: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """One walk of ``articles``: every ``.txt``/``.md`` file, sorted by path, and the
    symbolic links that are not followed, as (relative path, target).

    Names starting with "." or "_" (and anything inside such folders) are skipped, so
    drafts and notes can live beside the articles. Links to folders are not followed,
    and links to files outside ``articles`` are not read.
    """
    found, skipped = [], []
    root = articles.resolve()
    for folder, subfolders, files in os.walk(articles):
        kept = []
        for name in subfolders:
            if name.startswith((".", "_")):
                continue
            path = os.path.join(folder, name)
            if os.path.islink(path):
                skipped.append((os.path.relpath(path, articles), os.readlink(path)))
            else:
                kept.append(name)
        subfolders[:] = kept
        for name in files:
            if not name.endswith(SOURCE_SUFFIXES) or name.startswith((".", "_")):
                continue
            path = os.path.join(folder, name)
            if os.path.islink(path) and not Path(path).resolve().is_relative_to(root):
                skipped.append((os.path.relpath(path, articles), os.readlink(path)))
                continue
            found.append(os.path.relpath(path, articles).replace(os.sep, "/"))
    return [articles / relative for relative in sorted(found)], sorted(skipped)


def discover_sources(articles: Path) -> list[Path]:
    """Every source below ``articles``, sorted by path (see ``scan_sources``)."""
    return scan_sources(articles)[0]


def read_source(path: Path, shown: str, languages: tuple[str, ...]
                ) -> tuple[SourceDocument | None, list[Diagnostic]]:
    """Read one file from disk and parse it; never raises for bad content."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [error(shown, 1, "read", f"cannot read the file: {exc.strerror}",
                            "check that the file exists and that you may read it")]
    return parse_source(shown, data, languages)


def _file_language(name: str, languages: tuple[str, ...]) -> tuple[str, str | None, str | None]:
    """Split ``slug.sv.md`` into (stem, language, problem)."""
    stem = name.rsplit(".", 1)[0]
    match = re.fullmatch(r"(.+)\.([a-z]{2})", stem)
    if not match:
        return stem, None, None
    if match.group(2) not in languages:
        return match.group(1), None, match.group(2)
    return match.group(1), match.group(2), None


def parse_source(shown: str, data: bytes, languages: tuple[str, ...]
                 ) -> tuple[SourceDocument | None, list[Diagnostic]]:
    """Turn a file's bytes into a SourceDocument, or report why it cannot be used."""
    if b"\x00" in data[:8192]:  # text never holds NUL; images and documents do
        return None, [error(shown, 1, "encoding",
                            "the file holds binary data (an image or a document?), not text",
                            "only plain text (.txt) and Markdown (.md) files belong here; "
                            "paste the text into a .txt file instead")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [error(
            shown, line, "encoding",
            f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} "
            "cannot be read (Windows-1252 or Latin-1, perhaps)",
            "open it in your editor and save it again with the encoding 'UTF-8'")]
    if "\x00" in text:
        return None, [error(shown, text[: text.index("\x00")].count("\n") + 1, "encoding",
                            "the file holds binary data (an image or a document?), not text",
                            "only plain text (.txt) and Markdown (.md) files belong here; "
                            "paste the text into a .txt file instead")]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    cleaning: list[Diagnostic] = []
    invisible = _FORBIDDEN.search(text)
    if invisible:
        # HTML and XML forbid these (backspace, form feed, C1 controls, noncharacters).
        # A C1 control is nearly always a Windows-1252 character that went through a
        # Latin-1 decoder on its way here (U+0096 was an en dash, U+0094 a closing
        # quote): give it back its meaning; the rest carry none and go.
        count = len(_FORBIDDEN.findall(text))
        first = invisible.group()
        repaired = _WINDOWS_1252.get(ord(first))
        cleaning.append(warning(
            shown, text[:invisible.start()].count("\n") + 1, "characters",
            f"{count} control character{'s' if count > 1 else ''} that web pages and "
            f"feeds cannot hold, such as U+{ord(first):04X}"
            + (f", read as Windows-1252 ('{repaired}')" if repaired else ", removed"),
            "nothing to do; to get rid of this warning, retype the line or save the file "
            "again from a plain-text editor"))
        text = _FORBIDDEN.sub(lambda m: _WINDOWS_1252.get(ord(m.group()), ""), text)

    name = shown.rsplit("/", 1)[-1]
    stem, file_lang, bad_lang = _file_language(name, languages)
    if bad_lang:
        return None, [error(shown, 1, "language",
                            f"the file name says language '{bad_lang}', which this site does "
                            f"not have ({', '.join(languages)})",
                            f"rename the file to {stem}.<language>{name[name.rindex('.'):]}")]

    meta, meta_lines, body, body_line, diagnostics = _split_front_matter(shown, text, languages)
    diagnostics = cleaning + diagnostics
    if meta is None:
        return None, diagnostics
    if not body.strip():
        return None, diagnostics + [error(shown, body_line, "empty",
                                          "the article has no text",
                                          "write the article below the front matter")]
    if file_lang and "lang" in meta and meta["lang"] != file_lang:
        diagnostics.append(error(shown, meta_lines["lang"], "language",
                                 f"front matter says lang: {meta['lang']} but the file name "
                                 f"says {file_lang}", "make the two agree"))
        return None, diagnostics
    document = SourceDocument(
        path=shown,
        kind="markdown" if name.endswith(".md") else "text",
        meta=meta,
        meta_lines=meta_lines,
        text=body,
        body_line=body_line,
        file_lang=file_lang or meta.get("lang"),
        key=meta.get("translation_key") or stem,
        digest=hashlib.sha256(data).hexdigest(),
    )
    return document, diagnostics


def _split_front_matter(shown: str, text: str, languages: tuple[str, ...]):
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
        # One parse for both the values and the line of each key; libyaml when present.
        node = yaml.compose(yaml_text, Loader=_YAML_LOADER)
        raw = _construct(node)
    except _ValueProblem as problem:
        return None, {}, "", 1, [error(
            shown, problem.line + 1, "front-matter",
            f"the value of '{problem.key}' cannot be read: {problem.reason}",
            "check the value: a date must exist in the calendar (2025-02-28, not "
            "2025-02-30); put other text in quotes")]
    except yaml.YAMLError as exc:
        reported = exc
        if _YAML_LOADER is not yaml.SafeLoader:  # the pure-Python parser marks lines better
            try:
                yaml.compose(yaml_text, Loader=yaml.SafeLoader)
            except yaml.YAMLError as pure_python_exc:
                reported = pure_python_exc
        mark = getattr(reported, "problem_mark", None) or getattr(reported, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(reported, "problem", None) or str(reported).splitlines()[0]
        return None, {}, "", 1, [error(
            shown, line, "front-matter", f"the front matter is not valid YAML: {problem}",
            "write one 'key: value' per line; put text holding ':' or '#' in quotes")]
    if raw is None:
        return {}, {}, body, body_line, []
    if not isinstance(raw, dict):
        return None, {}, "", 2, [error(shown, 2, "front-matter",
                                       "the front matter must be 'key: value' lines",
                                       "write for example  title: Mitt inlägg")]
    meta_lines = {key_node.value: key_node.start_mark.line + 2
                  for key_node, _ in getattr(node, "value", [])
                  if isinstance(getattr(key_node, "value", None), str)}
    meta, diagnostics = _check_front_matter(shown, raw, meta_lines, languages)
    return (None if diagnostics else meta), meta_lines, body, body_line, diagnostics


class _ValueProblem(Exception):
    """A front-matter value YAML can parse but not turn into a value (2025-02-30)."""

    def __init__(self, key: str, line: int, reason: str) -> None:
        super().__init__(reason)
        self.key, self.line, self.reason = key, line, reason


def _construct(node) -> Any:
    """Build Python values from composed YAML, naming the key whose value fails."""
    if node is None:
        return None
    loader = _YAML_LOADER("")
    try:
        return loader.construct_document(node)
    except (ValueError, TypeError, OverflowError) as failure:
        for key_node, value_node in getattr(node, "value", []):
            try:
                _YAML_LOADER("").construct_document(value_node)
            except (ValueError, TypeError, OverflowError) as reason:
                raise _ValueProblem(str(getattr(key_node, "value", "?")),
                                    value_node.start_mark.line + 1, str(reason)) from None
        raise _ValueProblem("?", 0, str(failure)) from None


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
