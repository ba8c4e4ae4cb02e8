"""Splitting sources into blocks, checked against text fixtures in tests/cases/."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.links import link_text
from pipeline.parse import is_hard_wrapped, parse_markdown, parse_text
from pipeline.read import parse_source

CASES = Path(__file__).parent / "cases"


def load_cases(name: str) -> list[tuple[str, str, list[str]]]:
    """Read fixtures: a title line, '.', the input, '.', the expected blocks, '.'."""
    cases = []
    chunks = (CASES / name).read_text(encoding="utf-8").split("\n.\n")
    # chunks: title, input, expected, title, input, expected, ...; a trailing "" at the end
    position = 0
    while position + 2 < len(chunks) + 1 and chunks[position].strip():
        title = chunks[position].strip().splitlines()[-1]
        source = chunks[position + 1] + "\n"
        expected = [line for line in chunks[position + 2].splitlines() if line.strip()]
        cases.append((title, source, expected))
        position += 3
    return cases


def describe(blocks) -> list[str]:
    lines = []
    for block in blocks:
        span = (str(block.start_line) if block.start_line == block.end_line
                else f"{block.start_line}-{block.end_line}")
        lines.append(f"{span} {block.kind} {block.text.replace(chr(10), '|')}")
    return lines


def _blocks_of(name: str, source: str):
    data = source.encode("utf-8")
    if "BOM" in source:
        data = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
    document, problems = parse_source(name, data, ("sv", "en"))
    assert problems == []
    return parse_text(document.text, document.body_line) if name.endswith(".txt") else \
        parse_markdown(document.text, document.body_line)


@pytest.mark.parametrize(("title", "source", "expected"), load_cases("text.txt"),
                         ids=lambda value: value if isinstance(value, str) and "\n" not in value
                         else None)
def test_text_cases(title, source, expected):
    assert describe(_blocks_of("case.txt", source)) == expected, title


@pytest.mark.parametrize(("title", "source", "expected"), load_cases("markdown.txt"))
def test_markdown_cases(title, source, expected):
    assert describe(_blocks_of("case.md", source)) == expected, title


def test_fixture_files_hold_cases():
    assert len(load_cases("text.txt")) == 7
    assert len(load_cases("markdown.txt")) == 3


def test_bare_urls_become_links_and_text_is_escaped():
    html = link_text("Läs <mer> på https://example.org/a?b=1&c=2 eller www.example.se.")
    assert html == ('Läs &lt;mer&gt; på <a href="https://example.org/a?b=1&amp;c=2">'
                    'https://example.org/a?b=1&amp;c=2</a> eller '
                    '<a href="http://www.example.se">www.example.se</a>.')


def test_one_line_paragraphs_are_not_hard_wrapped():
    lines = ["Titel", "", "x" * 300, "Kort rad direkt under."]
    assert not is_hard_wrapped(lines)


def test_markdown_headings_keep_their_level_and_html():
    blocks = parse_markdown("# Ett\n\n### Tre *kursivt*\n")
    assert [(b.kind, b.level, b.html) for b in blocks] == [
        ("heading", 1, "<h1>Ett</h1>"), ("heading", 3, "<h3>Tre <em>kursivt</em></h3>")]
