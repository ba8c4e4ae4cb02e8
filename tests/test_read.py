"""Reading sources: front matter, file-name languages, and every kind of bad input."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from pipeline.read import parse_source, scan_sources

LANGS = ("sv", "en")


def read(name: str, text: str | bytes):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return parse_source(name, data, LANGS)


def test_front_matter_is_read_with_the_line_of_each_key():
    document, problems = read("articles/a.md", (
        "---\ntitle: Rubrik\ndate: 2025-03-12\ntags: [a, b]\nauthor: Anna\n---\n\nText.\n"))
    assert problems == []
    assert document.meta == {"title": "Rubrik", "date": datetime.date(2025, 3, 12),
                             "tags": ("a", "b"), "author": "Anna"}
    assert document.meta_lines["date"] == 3
    assert document.body_line == 7
    assert document.key == "a"
    assert document.kind == "markdown"


def test_file_name_gives_language_and_translation_key():
    document, _ = read("articles/oppet-hus.en.md", "---\ntitle: Open day\n---\nText.\n")
    assert (document.file_lang, document.key) == ("en", "oppet-hus")


def test_translation_key_in_front_matter_wins_over_file_stem():
    document, _ = read("a.md", "---\ntranslation_key: shared\nlang: sv\n---\nText.\n")
    assert (document.key, document.file_lang) == ("shared", "sv")


def test_bad_utf8_names_the_line_and_how_to_fix_it():
    document, problems = read("articles/x.txt", "Rubrik\n\nRad två\n".encode() + b"caf\xe9\n")
    assert document is None
    [problem] = problems
    assert (problem.line, problem.severity, problem.code) == (4, "error", "encoding")
    assert "UTF-8" in problem.hint
    assert problem.format().startswith("articles/x.txt:4: error[encoding]:")


@pytest.mark.parametrize(("text", "line", "words"), [
    ("---\ntitle: Rubrik\n\nText utan slut.\n", 1, "never closed"),
    ("---\ntitle: Rubrik\ndate: [2025\n---\nText.\n", 3, "not valid YAML"),
    ("---\ntitle: a: b\n---\nText.\n", 2, "not valid YAML"),
    ("---\ntitle: Rubrik\ncolour: blue\n---\nText.\n", 3, "unknown front-matter key 'colour'"),
    ("---\ntitle: Rubrik\ndate: igår\n---\nText.\n", 3, "is not a date"),
    ("---\ntitle: Rubrik\nlang: de\n---\nText.\n", 3, "not one of the site's languages"),
    ("---\ntitle: Rubrik\ntags: {a: 1}\n---\nText.\n", 3, "'tags' must be a list"),
    ("---\ntitle: Rubrik\n---\n\n", 4, "no text"),
    ("", 1, "no text"),
])
def test_broken_front_matter_and_empty_files_are_errors_with_lines(text, line, words):
    document, problems = read("articles/a.md", text)
    assert document is None
    assert problems, "expected an error"
    assert problems[0].line == line
    assert words in problems[0].message
    assert problems[0].hint


def test_file_name_language_outside_the_site_is_an_error():
    document, problems = read("articles/nyhet.de.md", "# Titel\n\nText.\n")
    assert document is None
    assert "'de'" in problems[0].message and "nyhet.<language>.md" in problems[0].hint


def test_file_name_and_front_matter_must_agree():
    document, problems = read("articles/a.sv.md", "---\nlang: en\n---\n# Title\n\nText.\n")
    assert document is None and problems[0].line == 2


def test_discovery_is_sorted_and_skips_hidden_and_underscore_files(tmp_path):
    for name in ["b.txt", "a.md", "_draft.md", ".hidden.txt", "notes/c.md", "_old/d.md",
                 "image.png"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = [Path(p).relative_to(tmp_path).as_posix() for p in scan_sources(tmp_path)[0]]
    assert found == ["a.md", "b.txt", "notes/c.md"]
