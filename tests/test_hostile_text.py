"""Hostile article text (issue 13): patterns that made regexes backtrack, Markdown nested
deeper than markdown-it keeps, link schemes no page should carry, ids that clash with
the page's own, and the time budget that stops any source we did not foresee.

Nothing here asserts a duration: benchmarks/hostile.py measures those. These tests
check that the worst shapes build, keep their text and stay safe.
"""

from __future__ import annotations

import random
import re
import signal
import threading
import time
from pathlib import Path

import pytest

import pipeline.process
from pipeline.build import run
from pipeline.detectors import strip_noise
from pipeline.links import MAX_LINK_CHARS, is_safe_link, link_text
from pipeline.parse import parse_markdown
from pipeline.process import OverBudget, time_budget
from pipeline.shapes import announced_tail
from pipeline.workers import PARALLEL_FROM

INTRO = "Föreningen har haft ett långt och givande möte om hösten och vintern.\n\n"


def pages(config) -> dict[str, str]:
    """Every article page of a built site, by its path below the output folder."""
    return {p.relative_to(config.output).as_posix(): p.read_text("utf-8")
            for p in sorted(Path(config.output).glob("*/*/index.html"))}


def built(config):
    """Build and return the report and the article pages."""
    report = run(config)
    return report, pages(config)


# --- backtracking -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a.txt", "a.md"])
def test_8_kb_of_a_at_builds(site, name):
    config = site({name: "Snabel-a överallt\n\n" + INTRO + "a@" * 4000 + "\n"})
    report, built_pages = built(config)
    assert report.ok, [d.format() for d in report.diagnostics]
    assert report.articles == 1
    assert "a@a@a@" in next(iter(built_pages.values()))


def test_one_huge_word_and_long_runs_build(site):
    config = site({
        "ord.txt": "Ett mycket långt ord\n\n" + INTRO + "å" * 100_000 + "\n",
        "lankar.md": "# Adresser utan slut\n\n" + INTRO + "http://a.se/" * 5000 + "\n\n"
                     + "a://" * 5000 + "\n\n" + "[" * 20_000 + "\n",
        "luft.txt": "Luft i raden\n\n" + INTRO + "ord" + " " * 50_000 + "(English below)\n"})
    report, built_pages = built(config)
    assert report.ok, [d.format() for d in report.diagnostics]
    assert report.articles == 3
    everything = "".join(built_pages.values())
    assert "å" * 1000 in everything and "a://a://" in everything and "[[[[" in everything


def test_strip_noise_removes_what_the_old_pattern_removed():
    """The linear rewrite gives the old regex's answer on short texts, where the old
    regex was still fast."""
    old = re.compile(r"(https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
    pieces = ["a", "Ö", "@", ".", " ", "\n", "http://", "HTTPS://", "www.", "w", "_", "-",
              ",", "/", "1", ":"]
    chooser = random.Random(13)
    for _ in range(20_000):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 12)))
        assert strip_noise(text) == old.sub(" ", text), repr(text)
    assert strip_noise("skriv till anna@example.se. Tack") == "skriv till  . Tack"


def test_announced_tail_is_found_past_a_long_run_of_spaces():
    assert announced_tail("Höstmöte i kåren (English below)") == (
        "Höstmöte i kåren", "(English below)", "en")
    assert announced_tail("Möte" + " " * 10_000 + "– English below") == (
        "Möte", "– English below", "en")
    assert announced_tail("(English below)") is None  # a marker of its own, not a tail


# --- Markdown nesting -------------------------------------------------------------------


def test_a_list_nested_12_deep_and_a_quote_nested_25_deep_keep_every_word(site):
    listed = "\n".join("  " * depth + f"- listord{depth}" for depth in range(12))
    quoted = "\n".join(">" * depth + f" citatord{depth}" for depth in range(1, 26))
    config = site({"djup.md": f"# Djupt nästlat\n\n{INTRO}{listed}\n\n{quoted}\n"})
    report, built_pages = built(config)
    assert report.ok, [d.format() for d in report.diagnostics]
    page = next(iter(built_pages.values()))
    assert all(f"listord{depth}" in page for depth in range(12))
    assert all(f"citatord{depth}" in page for depth in range(1, 26))
    assert not [d for d in report.diagnostics if d.code == "nesting"]


def test_text_nested_deeper_than_markdown_allows_is_kept_with_a_warning(site):
    quoted = ">" * 150 + " djupast *av* allt\n" + ">" * 150 + " och lite till\n"
    source = f"# Djupare än så\n\n{INTRO}{quoted}\nSista stycket efter citatet.\n"
    config = site({"botten.md": source})
    report, built_pages = built(config)
    page = next(iter(built_pages.values()))
    assert "djupast <em>av</em> allt och lite till" in page
    assert page.index("djupast") < page.index("Sista stycket")
    [nesting] = [d for d in report.diagnostics if d.code == "nesting"]
    assert (nesting.path, nesting.line, nesting.severity) == ("articles/botten.md", 5,
                                                              "warning")
    assert nesting.hint


def test_deep_nesting_in_parse_markdown_keeps_its_order():
    listed = "\n".join("  " * depth + f"- ord{depth}" for depth in range(80))
    blocks = parse_markdown(listed + "\n\nEfteråt.\n")
    text = " ".join(block.text for block in blocks)
    assert all(f"ord{depth}" in text for depth in range(80))
    assert blocks[-1].text == "Efteråt."


def test_text_between_two_authors_notes_is_kept():
    for allow_html in (False, True):
        blocks = parse_markdown("<!-- notering --> Texten mellan två noteringar. "
                                "<!-- en till -->\n\n<!-- bara en notering -->\n",
                                allow_html=allow_html)
        assert [block.kind for block in blocks] == ["paragraph"]
        assert "Texten mellan två noteringar." in blocks[0].text


# --- link schemes -----------------------------------------------------------------------


def test_only_safe_schemes_become_links_in_markdown(site):
    source = (f"# Länkar\n\n{INTRO}"
              "Öppna [appen](intent://scan/#Intent;scheme=zxing;end) eller "
              "<ms-settings:display> och ![bild](javascript:alert(1)) här.\n\n"
              "Fungerar: [webb](https://example.org/a), [post](mailto:info@example.org), "
              "[ring](tel:+46101234567), [sida](../annan/), [upp](#topp) och "
              "ftp://example.org/fil.txt som text.\n")
    config = site({"lankar.md": source})
    report, built_pages = built(config)
    assert report.ok, [d.format() for d in report.diagnostics]
    page = next(iter(built_pages.values()))
    for scheme in ("intent:", "ms-settings:", "javascript:", "ftp:"):
        assert not re.search(rf'(href|src)="{scheme}', page, re.IGNORECASE), scheme
    assert "ms-settings:display" in page and "intent://scan" in page  # shown as text
    assert "ftp://example.org/fil.txt" in page
    for target in ("https://example.org/a", "mailto:info@example.org", "tel:+46101234567",
                   "../annan/", "#topp"):
        assert f'href="{target}"' in page, target


def test_bare_urls_in_plain_text_follow_the_same_list():
    html = link_text("Se https://example.org/ och ftp://example.org/ och www.example.se")
    assert 'href="https://example.org/"' in html and 'href="http://www.example.se"' in html
    assert 'href="ftp:' not in html and "ftp://example.org/" in html
    assert not is_safe_link("JaVa\tScRiPt:alert(1)") and not is_safe_link(" intent://x")
    assert is_safe_link("/sida?a=1#b") and is_safe_link("//example.org/")


def test_a_run_longer_than_a_link_can_be_stays_text():
    long_url = "https://example.org/" + "a" * MAX_LINK_CHARS
    html = link_text(f"Lång {long_url} och kort https://example.org/kort")
    assert long_url in html and f'href="{long_url}"' not in html
    assert 'href="https://example.org/kort"' in html


def test_raw_html_links_follow_the_same_list(site):
    source = (f"# Rå HTML\n\n{INTRO}"
              '<p><a href="intent://x">app</a> <a href="https://example.org/">webb</a></p>\n')
    report, built_pages = built(site({"ra.md": source}, config="allow_html = true\n"))
    page = next(iter(built_pages.values()))
    assert 'href="intent:' not in page and 'href="https://example.org/"' in page


# --- ids --------------------------------------------------------------------------------


def test_an_article_cannot_add_a_second_main_id(site):
    source = (f"# Ett eget id\n\n{INTRO}"
              '<p id="main">Ett stycke som vill vara sidans huvuddel.</p>\n\n'
              '<p><a href="#main">Till stycket</a></p>\n')
    report, built_pages = built(site({"id.md": source}, config="allow_html = true\n"))
    assert report.ok, [d.format() for d in report.diagnostics]
    page = next(iter(built_pages.values()))
    assert page.count('id="main"') == 1
    assert 'id="user-content-main"' in page and 'href="#user-content-main"' in page


# --- the time budget --------------------------------------------------------------------


@pytest.fixture
def one_slow_source(monkeypatch):
    """Make articles/seg.txt take far longer than a budget of 0.2 s."""
    original = pipeline.process.parse_document

    def slow_for_one(document, allow_html=False):
        if document.path.endswith("seg.txt"):
            time.sleep(30)  # the alarm ends this long before
        return original(document, allow_html)

    monkeypatch.setattr(pipeline.process, "parse_document", slow_for_one)
    monkeypatch.setattr(pipeline.process, "SOURCE_SECONDS", 0.2)
    monkeypatch.setattr(pipeline.process, "SECONDS_PER_MB", 0.0)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_source_over_its_budget_is_an_error_and_the_rest_builds(site, one_slow_source,
                                                                  jobs):
    handler_before = signal.getsignal(signal.SIGALRM)
    # With jobs=2, this many sources or more are read in forked workers.
    files = {f"snabb{number:02}.txt": f"Snabbt stycke {number}\n\n" + INTRO
             for number in range(PARALLEL_FROM)}
    config = site({"seg.txt": "Ett segt stycke\n\n" + INTRO, **files})
    report = run(config, jobs=jobs)
    [problem] = [d for d in report.diagnostics if d.severity == "error"]
    assert (problem.path, problem.line, problem.code) == ("articles/seg.txt", 1, "too-slow")
    assert "split the file" in problem.hint
    assert report.articles == PARALLEL_FROM and len(pages(config)) == PARALLEL_FROM
    assert signal.getsignal(signal.SIGALRM) is handler_before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_budget_outside_the_main_thread_or_under_a_running_timer():
    finished = []

    def in_a_thread():
        with time_budget(0.01):
            time.sleep(0.1)
        finished.append(True)

    thread = threading.Thread(target=in_a_thread)
    thread.start()
    thread.join()
    assert finished == [True]
    # The outer timer is running, so the inner budget sets none of its own.
    with pytest.raises(OverBudget), time_budget(0.05), time_budget(10.0):
        time.sleep(5)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
