"""Splitting sources into blocks, checked against text fixtures in tests/cases/."""

from __future__ import annotations

import pytest
from linkify_it import LinkifyIt

from pipeline.links import link_text, linkifier, may_hold_link
from pipeline.markdown import markdown_parser, parse_tokens
from pipeline.parse import is_hard_wrapped, parse_markdown, parse_text
from pipeline.read import parse_source

from .conftest import load_cases


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


#: Texts where searching only the runs that can hold a link could go wrong: links at
#: either end, unusual white space, a host test passed by another run ("www." before
#: "t.co｜": linkify-it's ``test`` then looks for links everywhere), ports, paths.
TRICKY_LINK_TEXTS = [
    "", "Läs mer på https://example.org/a?b=1&c=2 eller www.example.se.",
    "www. t.co｜`", "localhost x.co｜", "kl. 10.00. t.co<", "\u2028\x85a.se<io= \x00ö",
    "skriv till a@b.se, mailto:c@d.org eller ring tel:+4612", "//host.org/p och ftp://f.se",
    "HTTP://UP.SE/X\tnästa", "(https://p.se/(x)) example.museum.", "x.se:8080/väg?q. slut",
    "ingen länk alls här, bara ord: och - streck", "http://a.se/" * 120 + " b.se",
]


@pytest.mark.parametrize("text", TRICKY_LINK_TEXTS)
def test_linkifier_finds_what_linkify_it_finds(text):
    plain, bounded = LinkifyIt(), linkifier()

    def found(linkify):
        matches = linkify.match(text) or []
        return [(m.schema, m.index, m.last_index, m.url, m.text) for m in matches]

    assert bounded.pretest(text) == plain.pretest(text)
    if len(text) < 1000:  # longer runs are skipped on purpose (links.MAX_LINK_CHARS)
        assert bounded.test(text) == plain.test(text)
        assert found(bounded) == found(plain)
    else:
        assert found(bounded) == [("", len(text) - 4, len(text), "http://b.se", "b.se")]


def test_only_text_that_may_hold_a_link_goes_to_linkify_it():
    assert all(map(may_hold_link, ["a://b", "se WWW.x", "a@b", "x.SE.", "y.nu"]))
    assert not any(map(may_hold_link, ["example.museum", "t.ex. detta", "@ 1.2", ""]))


@pytest.mark.parametrize("options", [(False, False), (True, False), (True, True)])
def test_inline_rules_looked_up_by_character_give_markdown_its_own_tokens(
        options, monkeypatch):
    text = ("*a* _b_ ~~c~~ `d` \\* [e](https://e.se) ![f](g.png) <https://h.se> &amp; "
            "<b>i</b> https://j.se/k-l: 60 % + = # ^ $ { } @ -\nrad två\n\n[[x]] ![ ] a://")
    parser = markdown_parser(*options)
    ours = parser.renderer.render(parse_tokens(parser, text)[0], parser.options, {})
    monkeypatch.delattr(parser.inline, "tokenize")  # markdown-it's own loop, for now
    theirs = parser.renderer.render(parse_tokens(parser, text)[0], parser.options, {})
    assert ours == theirs


def test_a_link_that_ends_before_its_scheme_is_text_not_a_crash():
    """markdown-it's own linkify rule raises RuntimeError on this (it never moves on)."""
    blocks = parse_markdown("Se museum[[]//x.$:// och mer.\n")
    assert [b.kind for b in blocks] == ["paragraph"]
    assert blocks[0].text == "Se museum[[]//x.$:// och mer."
    assert blocks[0].html.endswith(":// och mer.</p>")  # nothing lost after the oddity
