"""Plain front matter is read without YAML, and always exactly as YAML reads it.

The property compares ``read_plain`` with PyYAML's path on generated front matter full of
what YAML treats specially (yes/no/on, null, numbers, dates that do not exist, ": ",
" #", quotes, brackets, tabs, indentation); whenever the plain reader answers, its
values and lines must be YAML's, and ``split_front_matter`` must give the same result
with the plain reader as without it.
"""

from __future__ import annotations

import datetime
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline.frontmatter as frontmatter
from pipeline.plainmatter import read_plain
from pipeline.yamlmatter import read_yaml

LANGUAGES = ("sv", "en")
EXAMPLES = 10_000 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 300

KEYS = st.sampled_from(["title", "date", "draft", "lang", "summary", "author", "slug",
                        "on", "yes", "y", "null", "true", "Title", "x_1", "_k"])
PIECES = st.sampled_from([
    "Kören", "sjöng", "i", "stadshuset", "Dean's", "greeting", "Åsa", "ö", "C#", "a:b",
    ": ", " #", "#", "'", '"', "[", "]", "{", "}", ",", "-", "- ", "?", "!", "&", "*", "%",
    "|", ">", "@", "`", "=", "~", "<<", ".", ".inf", "0x1F", "1:20", "12", "3.5", "1e3",
    "2025-03-02", "2025-02-30", "2025-3-2", "2026-03-01 08:00", "yes", "No", "ON", "off",
    "null", "NULL", "~", "true", "False", "TRUE", "tRUE", "y", "n", " ", "  ", "\t",
    "\u00a0", "\u200b", "\x0c", ":"])
WORDS = st.sampled_from(["Kören", "sjöng", "Åsa", "Dean's", "möte", "x", "Nordvik", "Yes",
                         "kl", "10", "C#", "a:b", "[uppdaterad]", "on", "null", "true"])
VALUES = st.one_of(
    st.lists(PIECES, min_size=1, max_size=6).map("".join),  # mostly what YAML reads
    st.lists(st.one_of(WORDS, PIECES), min_size=1, max_size=6).map(" ".join),
    st.lists(WORDS, min_size=1, max_size=5).map(" ".join))  # mostly plain text
LINES = st.one_of(
    st.tuples(KEYS, VALUES).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.tuples(KEYS, VALUES).map(lambda kv: f"{kv[0]}:{kv[1]}"),
    st.sampled_from(["", "   ", "# en kommentar", "  indraget: värde", "tags: [a, b]",
                     "summary:", "- lista", "title: {sv: Hej, en: Hello}"]))
PLAIN_LINES = st.tuples(KEYS, st.lists(WORDS, min_size=1, max_size=5).map(" ".join)).map(
    lambda kv: f"{kv[0]}: {kv[1]}")
FRONT_MATTER = st.one_of(st.lists(LINES, max_size=6).map("\n".join),
                         st.lists(st.one_of(PLAIN_LINES, LINES), max_size=4).map("\n".join),
                         st.lists(PLAIN_LINES, max_size=4).map("\n".join))


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(FRONT_MATTER)
def test_plain_front_matter_reads_as_yaml_reads_it(text):
    plain = read_plain(text)
    if plain is None:
        return
    values, lines = plain
    raw, yaml_lines, problems, _ = read_yaml("a.md", text)
    assert problems == []
    assert values == raw and all(type(values[k]) is type(raw[k]) for k in values or {})
    assert lines == yaml_lines


@settings(max_examples=EXAMPLES // 3, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(FRONT_MATTER)
def test_split_front_matter_is_the_same_with_or_without_the_plain_reader(text):
    source = f"---\n{text}\n---\n\nBrödtext.\n"
    with_plain = frontmatter.split_front_matter("a.md", source, LANGUAGES)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(frontmatter, "read_plain", lambda _: None)
        without = frontmatter.split_front_matter("a.md", source, LANGUAGES)
    assert with_plain == without


@pytest.mark.parametrize(("text", "expected"), [
    ("title: Kören sjöng i stadshuset\ndate: 2025-03-02\ndraft: true",
     {"title": "Kören sjöng i stadshuset", "date": datetime.date(2025, 3, 2), "draft": True}),
    ("title: Dean's greeting, [updated]  ", {"title": "Dean's greeting, [updated]"}),
    ("author: Åsa\n\nlang: sv", {"author": "Åsa", "lang": "sv"}),
])
def test_plain_lines_are_read_without_yaml(text, expected):
    values, _ = read_plain(text)
    assert values == expected


@pytest.mark.parametrize("text", [
    "draft: yes", "title: 2025", "title: Möte: kl 10", "title: C # D", "date: 2025-02-30",
    "on: x", "tags: [a, b]", "title: x\ntitle: y", "summary:", "# kommentar",
    "title: a\n  b", "title:\tx", "title: 'citerad'",
])
def test_anything_yaml_might_read_otherwise_is_left_to_yaml(text):
    assert read_plain(text) is None


@pytest.mark.parametrize("text", ["NULL", "~", "null\n", ""])
def test_front_matter_that_is_only_null_is_no_front_matter(text):
    meta, lines, body, body_line, problems = frontmatter.split_front_matter(
        "a.md", f"---\n{text}\n---\nBrödtext.\n", LANGUAGES)
    assert (meta, lines, problems) == ({}, {}, []) and body.strip() == "Brödtext."
