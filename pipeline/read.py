"""Find sources and read them: strict UTF-8, YAML front matter, language from file names.

``parse_source`` is pure (bytes in, SourceDocument out); ``read_source`` and
``scan_sources`` are the only functions here that touch the disk.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from pathlib import Path

from .characters import clean, printable, repaired_as
from .diagnostics import Diagnostic, error, warning
from .folders import walk_entries
from .model import SourceDocument

SOURCE_SUFFIXES = (".txt", ".md")

def scan_sources(articles: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """One walk of ``articles``: every ``.txt``/``.md`` file, sorted by path, and what was
    passed over, as (relative path, what it is: "a link to …", "a named pipe …").

    Names starting with "." or "_" (and anything inside such folders) are skipped, so
    drafts and notes can live beside the articles. Links to folders are not followed,
    links to files outside ``articles`` are not read, and anything that is not a regular
    file (a named pipe would make the build wait for ever) is passed over.
    """
    found, skipped = [], []
    root = articles.resolve()
    for relative, entry in walk_entries(str(articles),
                                        lambda _, entry: not _hidden(entry.name)):
        name = entry.name
        if _hidden(name):
            continue
        if entry.is_symlink():
            if _linked_source(entry, root, relative, skipped):
                found.append(relative)
        elif entry.is_dir(follow_symlinks=False) or not name.endswith(SOURCE_SUFFIXES):
            continue
        elif entry.is_file(follow_symlinks=False):
            found.append(relative)
        else:
            skipped.append((relative, "not a regular file (a named pipe or a device)"))
    base = str(articles)  # strings: a Path each would cost more than the rest of the scan
    return [os.path.join(base, relative) for relative in sorted(found)], sorted(skipped)


def _hidden(name: str) -> bool:
    """Drafts and notes beside the articles: names starting with "." or "_"."""
    return name.startswith((".", "_"))


def _linked_source(entry: os.DirEntry, root: Path, relative: str,
                   skipped: list[tuple[str, str]]) -> bool:
    """True when the link ``entry`` is a source to read: a link to a regular file inside
    the articles folder. Anything else is noted in ``skipped`` (links to folders are
    never followed; a link to a file of another kind is simply not a source)."""
    path = entry.path
    try:
        is_folder = entry.is_dir()  # follows the link
    except OSError:
        is_folder = False
    if is_folder:
        skipped.append((relative, _link_note(path)))
        return False
    if not entry.name.endswith(SOURCE_SUFFIXES):
        return False
    if not Path(path).resolve().is_relative_to(root):
        skipped.append((relative, _link_note(path)))
        return False
    try:
        mode = os.stat(path).st_mode
    except OSError:
        skipped.append((relative, "a link that leads nowhere"))
        return False
    if not stat.S_ISREG(mode):
        skipped.append((relative, "not a regular file (a named pipe or a device)"))
        return False
    return True


def _link_note(path: str) -> str:
    """What a link that is not followed is, for the warning about it."""
    return (f"a link to {printable(os.readlink(path))}, outside the articles folder or "
            "to a folder")


def read_source(path: Path, shown: str, languages: tuple[str, ...], data: bytes | None = None,
                digest: str | None = None) -> tuple[SourceDocument | None, list[Diagnostic]]:
    """Read one file from disk (unless the caller has its bytes, ``data``, and their
    sha256, ``digest``) and parse it; never raises for bad content."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return None, [error(shown, 1, "read", f"cannot read the file: {exc.strerror}",
                                "check that the file exists and that you may read it")]
    return parse_source(shown, data, languages, digest)


def _file_language(name: str, languages: tuple[str, ...]) -> tuple[str, str | None, str | None]:
    """Split ``slug.sv.md`` into (stem, language, problem)."""
    stem = name.rsplit(".", 1)[0]
    match = re.fullmatch(r"(.+)\.([a-z]{2})", stem)
    if not match:
        return stem, None, None
    if match.group(2) not in languages:
        return match.group(1), None, match.group(2)
    return match.group(1), match.group(2), None


def parse_source(shown: str, data: bytes, languages: tuple[str, ...], digest: str | None = None
                 ) -> tuple[SourceDocument | None, list[Diagnostic]]:
    """Turn a file's bytes into a SourceDocument, or report why it cannot be used
    (``digest``: their sha256, when the caller has it already)."""
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
    cleaned, first, count = clean(text)
    if first is not None:  # HTML and XML forbid them (backspace, form feed, C1 controls)
        repaired = repaired_as(first)
        cleaning.append(warning(
            shown, text[:text.index(first)].count("\n") + 1, "characters",
            f"{count} control character{'s' if count > 1 else ''} that web pages and "
            f"feeds cannot hold, such as U+{ord(first):04X}"
            + (f", read as Windows-1252 ('{repaired}')" if repaired else ", removed"),
            "nothing to do; to get rid of this warning, retype the line or save the file "
            "again from a plain-text editor"))
        text = cleaned

    name = shown.rsplit("/", 1)[-1]
    stem, file_lang, bad_lang = _file_language(name, languages)
    if bad_lang:
        return None, [error(shown, 1, "language",
                            f"the file name says language '{bad_lang}', which this site does "
                            f"not have ({', '.join(languages)})",
                            f"rename the file to {stem}.<language>{name[name.rindex('.'):]}")]

    from .frontmatter import split_front_matter  # YAML loads with the first source read

    meta, meta_lines, body, body_line, diagnostics = split_front_matter(shown, text, languages)
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
        # macOS writes "möte" decomposed (NFD); a name typed elsewhere is composed (NFC):
        # the same key either way, so möte.sv.md and möte.en.md pair.
        key=unicodedata.normalize("NFC", meta.get("translation_key") or stem),
        digest=digest or hashlib.sha256(data).hexdigest(),
    )
    return document, diagnostics
