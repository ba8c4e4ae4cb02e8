"""Real-shaped pasted posts, end to end: blocks with their kinds and languages, which
languages get a page and with what title, and the notes and warnings on the way.

Each case in tests/cases/pasted.txt is a title, the source (a .txt file), and the
expected result, one line each:
  ``<lines> <kind> <lang> <text>``   every block (``|`` joins the lines of a block)
  ``date <yyyy-mm-dd>``             the article's date, when it has one
  ``page <lang>: <title>``          every page, ``[derived]`` when the title was taken
                                    from the first paragraph
  ``note <line> <severity> <code>`` every diagnostic
Run ``python -m tests.test_pasted`` to print what the code gives today, for writing a
new case (then check every line of it by hand before pasting it in).
"""

from __future__ import annotations

import sys

import pytest

from pipeline.process import process_document
from pipeline.read import parse_source

from .conftest import load_cases

CASES = load_cases("pasted.txt")


def describe(result) -> list[str]:
    """A processed source as the lines the fixtures hold."""
    lines = []
    for block in result.blocks:
        span = (str(block.start_line) if block.start_line == block.end_line
                else f"{block.start_line}-{block.end_line}")
        lines.append(f"{span} {block.kind} {block.lang or '-'} "
                     f"{block.text.replace(chr(10), '|')}")
    if result.metadata.date:
        lines.append(f"date {result.metadata.date.isoformat()}")
    derived = {d.line for d in result.diagnostics if d.code == "no-title"}
    headings = {b.start_line for b in result.blocks if b.kind == "heading"}
    for article in result.articles:
        mark = (" [derived]" if article.title_line in derived
                and article.title_line not in headings else "")
        lines.append(f"page {article.lang}: {article.title}{mark}")
    for diagnostic in sorted(result.diagnostics, key=lambda d: d.sort_key()):
        lines.append(f"note {diagnostic.line} {diagnostic.severity} {diagnostic.code}")
    return lines


def run_case(source: str, tagger):
    """Read, parse, tag and assemble ``source`` as the plain-text file case.txt."""
    document, problems = parse_source("case.txt", source.encode("utf-8"), ("sv", "en"))
    assert problems == []
    return process_document(document, tagger)


@pytest.mark.parametrize(("title", "source", "expected"), CASES,
                         ids=[case[0] for case in CASES])
def test_pasted_posts(title, source, expected, tagger):
    assert describe(run_case(source, tagger)) == expected, title


def test_every_pattern_of_the_issue_has_a_case():
    titles = " ".join(case[0].lower() for case in CASES)
    for pattern in ("title", "half", "announcement", "speech", "signature", "leftover",
                    "data lines", "label", "short", "no text"):
        assert pattern in titles, pattern


if __name__ == "__main__":  # print today's result for every case, to write new ones
    from pipeline.detectors import make_detector
    from pipeline.language import LanguageTagger

    live_tagger = LanguageTagger(make_detector("langdetect", ("sv", "en")))
    for case_title, case_source, _ in CASES:
        print(case_title, ".", case_source.rstrip("\n"), ".",
              *describe(run_case(case_source, live_tagger)), ".", "", sep="\n")
    sys.exit(0)
