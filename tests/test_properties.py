"""Property-based tests (hypothesis) over read → parse → language → meta → render.

For any text, and for random mixtures of the real sentences in ../shared/langid:
nothing crashes, no non-empty line is lost (each is in exactly one block, or the file is
reported), and every page and feed parses as HTML5 (strictly) or XML.

`make test` runs the "ci" profile (a few hundred examples);
`make fuzz` runs the "thorough" profile: 10,000 examples per property.
"""

from __future__ import annotations

import os
import random
import unicodedata
import xml.etree.ElementTree as ElementTree
from functools import cache

import html5lib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.config import load_config
from pipeline.outputs import plan_outputs, render_output
from pipeline.pair import pair_articles
from pipeline.process import process_document
from pipeline.read import parse_source
from pipeline.render import make_environment

from .conftest import ROOT, SHARED, load_sitegen

# CI must be reproducible: the same 150 examples every run (derandomize); `make fuzz`
# explores new ones every time.
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True,
                          database=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=10_000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

LANGUAGES = ("sv", "en")
# Characters that mean something to Markdown, HTML, YAML or our own rules, plus Swedish
# letters, invisible characters and arbitrary Unicode.
SPECIAL = list("#>-*_`|[]()<>&\"'!:/\\=~+.0123456789åäöÅÄÖ\u00a0\u200b\ufeff\t ")
LINE = st.one_of(
    st.text(alphabet=st.sampled_from(SPECIAL + list("abcdefghij ")), max_size=40),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80),
    st.sampled_from(["---", "<!-- lang: en -->", "<!-- lang: auto -->", "English version below",
                     "Publicerat av Nordvik Torsdag 21 november 2019", "- punkt", "1. ett",
                     "> citat", "title: x", "https://example.org/a?b=1&c=<2>",
                     "<script>alert(1)</script>", "Svenska / English", ""]),
)


@cache
def tools():
    """Config, tagger and Jinja environment, built once."""
    from pipeline.process import make_tagger
    config = load_config(ROOT / "bilingual.toml")
    return config, make_tagger(config, cached=False), make_environment(config)


def covered_once(text: str, document, blocks) -> None:
    """Every non-empty body line lies in exactly one block's line span."""
    counts: dict[int, int] = {}
    for block in blocks:
        for line in range(block.start_line, block.end_line + 1):
            counts[line] = counts.get(line, 0) + 1
    assert all(count == 1 for count in counts.values()), "blocks overlap"
    body = document.text.split("\n")
    for offset, line in enumerate(body):
        if line.strip() and line.strip() != "\ufeff":
            assert counts.get(document.body_line + offset) == 1, (
                f"line {document.body_line + offset} ({line!r}) is in no block")


def check_outputs(results) -> None:
    """Render every output of these results and parse it strictly."""
    config, _, environment = tools()
    articles = [a for result in results for a in result.articles]
    sets, _ = pair_articles(articles, config.languages)
    for planned in plan_outputs(config, sets):
        file = render_output(planned, config, sets, environment)
        if file.path.endswith(".html"):
            html5lib.HTMLParser(strict=True).parse(file.content)
        elif file.path.endswith(".xml"):
            ElementTree.fromstring(file.content)


def run_text(body: str, name: str) -> None:
    config, tagger, _ = tools()
    document, problems = parse_source(name, body.encode("utf-8"), config.languages)
    if document is None:
        assert problems and all(p.hint for p in problems)  # reported, with a hint
        return
    result = process_document(document, tagger)
    if name.endswith(".txt"):
        covered_once(body, document, result.blocks)
    check_outputs([result])


@given(st.lists(LINE, max_size=25))
def test_any_plain_text_never_crashes_loses_lines_or_breaks_html(lines):
    run_text("\n".join(lines), "articles/egen.txt")


@given(st.lists(LINE, max_size=25))
def test_any_markdown_never_crashes_or_breaks_html(lines):
    run_text("\n".join(lines), "articles/egen.md")


@cache
def sentences() -> dict[str, list[str]]:
    folder = SHARED / "langid"
    if not folder.is_dir():  # the property still runs, on the project's own sentences
        return load_sitegen().sentence_pool("owned")
    return {lang: (folder / f"{lang}_sentences.txt").read_text("utf-8").splitlines()
            for lang in LANGUAGES}


@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=12))
def test_random_mixtures_of_real_sentences(seed, paragraphs):
    rng = random.Random(seed)
    pool = sentences()
    lines = [" ".join(rng.choice(pool["sv"]).split()[:5])]
    for _ in range(paragraphs):
        lang = rng.choice(LANGUAGES)
        roll = rng.random()
        if roll < 0.15:
            lines.append(" ".join(rng.choice(pool[lang]).split()[:4]))  # a heading
        elif roll < 0.2:
            lines.append(f"{rng.choice(pool['sv'])} / {rng.choice(pool['en'])}")
        elif roll < 0.25:
            lines.append("Publicerat av Nordvik kommun Torsdag 21 november 2019")
        else:
            lines.append(" ".join(rng.choice(pool[lang]) for _ in range(rng.randint(1, 4))))
        lines.append("" if rng.random() < 0.8 else lines.pop() + "\n" + rng.choice(pool[lang]))
    run_text("\n".join(lines) + "\n", "articles/blandad.txt")


# --- hostile front matter and file names -------------------------------------------------

#: What a YAML double-quoted escape can smuggle in: controls and terminal escapes.
YAML_ESCAPES = st.sampled_from(["\\x00", "\\x0c", "\\x1b[2J", "\\x07", "\\x85", "\\u2028",
                                "\\x1b]0;kapad\\x07", "\\n", "\\t"])
SCALAR = st.one_of(
    st.text(max_size=30),
    st.builds(lambda parts: '"' + "".join(parts) + '"',
              st.lists(st.one_of(YAML_ESCAPES, st.text(alphabet="abcåäö ", max_size=5)),
                       max_size=6)),
    st.sampled_from(["2025-02-30", "true", "null", "~", "[]", "{}", "&a x", "*a",
                     "!!python/none", "2026-03-01 08:00", "'", "|", ">"]),
)


def nested(depth: int) -> str:
    """A flow value nested ``depth`` levels deep."""
    return "[" * depth + "x" + "]" * depth


FRONT_VALUE = st.one_of(SCALAR, st.integers(0, 40).map(nested),
                        st.builds(lambda n: "&a [" + ",".join(["*a"] * n) + "]",
                                  st.integers(1, 5)))
FRONT_KEY = st.sampled_from(["title", "date", "lang", "slug", "summary", "tags", "author",
                             "draft", "publish_at", "summary_only", "translation_key",
                             "okänd", "title"])


@given(st.lists(st.tuples(FRONT_KEY, FRONT_VALUE), max_size=8))
def test_any_front_matter_is_read_or_reported_and_never_smuggles_controls(pairs):
    config, tagger, _ = tools()
    front = "\n".join(f"{key}: {value}" for key, value in pairs)
    data = f"---\n{front}\n---\nEn rad text på svenska.\n".encode("utf-8", "surrogatepass")
    document, problems = parse_source("articles/fm.md", data, config.languages)
    if document is None:
        assert problems and all(p.hint and p.path == "articles/fm.md" for p in problems)
        return

    def texts(value):
        """Every text inside a front-matter value."""
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict | list | tuple):
            for item in value.values() if isinstance(value, dict) else value:
                yield from texts(item)

    from pipeline.characters import FORBIDDEN
    assert not any(FORBIDDEN.search(text) for text in texts(document.meta))
    check_outputs([process_document(document, tagger)])


FILE_NAME = st.one_of(
    st.text(alphabet=st.characters(blacklist_characters="/\\\x00",
                                   blacklist_categories=("Cs",)), min_size=1, max_size=60),
    st.text(alphabet="möteåäöMÖTE", min_size=1, max_size=20).map(
        lambda name: unicodedata.normalize("NFD", name)),
    st.integers(100, 240).map(lambda n: "å" * (n // 2)),
)


@given(FILE_NAME, st.sampled_from([".md", ".sv.md", ".txt"]))
def test_any_file_name_prints_on_one_line_and_never_crashes(name, suffix):
    """Names reach the user through diagnostics: no raw control character, ever."""
    from pipeline.characters import printable
    config, tagger, _ = tools()
    shown = "articles/" + printable(name) + suffix
    document, problems = parse_source(shown, b"Rubrik\n\nEn kort text.\n", config.languages)
    result = process_document(document, tagger) if document else None
    for diagnostic in problems + list(result.diagnostics if result else ()):
        text = diagnostic.format()
        assert not any(ord(ch) < 32 and ch != "\n" for ch in text)
        assert text.count("\n") == (1 if diagnostic.hint else 0)


SOURCE = st.tuples(st.sampled_from(["a.txt", "b.md", "c.sv.md", "c.en.md", "d.txt"]),
                   st.lists(LINE, max_size=12),
                   st.lists(st.tuples(FRONT_KEY, FRONT_VALUE), max_size=3))


@settings(max_examples=int(os.environ.get("BILINGUAL_FUZZ_BUILDS", "25")))
@given(st.lists(SOURCE, min_size=1, max_size=4, unique_by=lambda source: source[0]))
def test_whole_builds_of_random_sites_finish_in_time_and_stay_valid(sources):
    """The fuzz target: a whole build (read to render, in memory) of a random site; every
    error names what to do, and the build never takes long."""
    import tempfile
    import time
    from pathlib import Path

    from pipeline.build import run

    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        (site / "articles").mkdir()
        (site / "bilingual.toml").write_text('base_url = "https://example.org/"\n', "utf-8")
        for name, lines, front in sources:
            head = ("---\n" + "\n".join(f"{k}: {v}" for k, v in front) + "\n---\n"
                    if front else "")
            (site / "articles" / name).write_bytes(
                (head + "\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))
        started = time.perf_counter()
        report = run(load_config(site / "bilingual.toml"), check=True)
        assert time.perf_counter() - started < 30 * len(sources)
        assert all(d.hint for d in report.diagnostics if d.severity == "error")
