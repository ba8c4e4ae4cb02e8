"""Language per block and per passage: detector, markers, context, determinism.

Hand-written documents with their expected languages are in tests/cases/language.txt.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys

import pytest

from pipeline.detectors import ProfileDetector, make_detector, one_sided_words
from pipeline.language import LanguageTagger, split_sentences, tag_languages
from pipeline.parse import parse_markdown, parse_text
from pipeline.words import strip_noise, words_and_names

from .conftest import ROOT, load_cases


def describe(blocks) -> list[str]:
    lines = []
    for block in blocks:
        span = (str(block.start_line) if block.start_line == block.end_line
                else f"{block.start_line}-{block.end_line}")
        line = f"{span} {block.kind} {block.lang or '-'}"
        for passage in block.spans:
            line += f" [{passage.lang}: {block.text[passage.start:passage.end]}]"
        lines.append(line)
    return lines


@pytest.mark.parametrize(("title", "source", "expected"), load_cases("language.txt"),
                         ids=lambda v: v if isinstance(v, str) and "\n" not in v else None)
def test_language_cases(title, source, expected, tagger):
    options = re.search(r"\((markdown)(?:, declared (\w+))?\)$", title)
    blocks = parse_markdown(source) if options else parse_text(source)
    declared = options.group(2) if options else None
    assert describe(tag_languages(blocks, tagger, declared)) == expected, title


@pytest.mark.parametrize(("text", "counts"), [
    ("Thanks! Great food!", {"en": 3}),
    ("Welcome Everyone", {"en": 2}),  # title case: words this common are not names
    ("Välkomna allihop", {"sv": 2}),
    ("Tack för i kväll!", {"sv": 3}),  # "i" is common in English too
    ("Workshop", {}),
    ("Program", {}),
    ("Info", {}),
    ("OK", {}),
    ("Kisumu", {}),
    ("Nelson Mandela Bay", {}),
    ("Erik Lindberg", {"sv": 1}),  # a surname inside a text is a name, however Swedish
    ("Läs mer på https://example.org/read-more", {"sv": 3}),
])
def test_one_sided_common_words_are_counted_per_language(text, counts):
    assert one_sided_words(text, ("en", "sv")) == counts


SECTIONS = {
    "sv": "Föreningen träffas varje tisdag i källaren under biblioteket för att planera.",
    "en": "The association meets every Tuesday in the basement below the library to plan.",
}


@pytest.mark.parametrize(("heading", "section", "expected"), [
    ("Welcome everyone", "sv", "en"),
    ("Great food", "sv", "en"),
    ("Thanks", "sv", "sv"),  # one word, however clear, follows the section it opens
    ("Välkomna allihop", "en", "sv"),
    ("Stort tack", "en", "sv"),
    ("Tack", "en", "en"),
    ("Team Nordvik", "sv", "sv"),
])
def test_two_clear_words_outweigh_the_section_a_heading_opens(heading, section, expected,
                                                               tagger):
    source = f"# {SECTIONS[section][:30]}\n\n{SECTIONS[section]}\n\n## {heading}\n\n" \
             f"{SECTIONS[section]}\n"
    blocks = tag_languages(parse_markdown(source), tagger)
    assert [(b.text, b.lang) for b in blocks][2] == (heading, expected)


def test_leftovers_of_pasting_get_no_language_and_lend_none(tagger):
    from pipeline.language import low_confidence_warnings
    from pipeline.model import Block
    blocks = (Block("paragraph", SECTIONS["sv"], "", 1, 1),
              Block("leftover", "Open this newsletter in your browser", "", 3, 3),
              Block("heading", "Kontakt", "", 5, 5, level=2),
              Block("paragraph", SECTIONS["sv"], "", 7, 7))
    tagged = tag_languages(blocks, tagger)
    assert [(b.kind, b.lang) for b in tagged] == [
        ("paragraph", "sv"), ("leftover", None), ("heading", "sv"), ("paragraph", "sv")]
    assert low_confidence_warnings("a.txt", tagged) == []


def test_only_the_site_languages_are_loaded():
    # Only the sv and en profiles are in the scoring table, so Danish, Norwegian or any
    # other of langdetect's 55 languages can never be an answer.
    detector = ProfileDetector(("sv", "en"))
    assert detector.languages == ("en", "sv")
    widths = {len(scores) for scores in detector._gram_log_probability.values()}
    assert widths == {2}
    assert len(detector._gram_log_probability) < 20_000  # 55 profiles hold far more


def test_confidence_grows_with_evidence(tagger):
    long = tagger.detect("Kommunala partnerskap syftar till att stärka demokratin på lokal "
                         "nivå genom att ge medborgarna insyn och inflytande.")
    short = tagger.detect("Program")
    assert long.lang == "sv" and long.confidence > 0.999
    assert short.confidence < long.confidence


def test_author_marker_overrides_detection_until_the_next_marker(tagger):
    blocks = tag_languages(parse_markdown(
        "Svensk text om kommunen och dess arbete.\n\n<!-- lang: en -->\n\n"
        "Det här stycket är på svenska men författaren säger engelska.\n\n"
        "<!-- lang: auto -->\n\nOch här avgör detektorn igen, på svenska.\n"), tagger)
    content = [b for b in blocks if b.kind != "marker"]
    assert [(b.lang, b.how, b.confidence) for b in content] == [
        ("sv", "detected", pytest.approx(1.0, abs=0.01)), ("en", "marker", 1.0),
        ("sv", "detected", pytest.approx(1.0, abs=0.01))]


def test_urls_do_not_count_as_english(tagger):
    assert tagger.detect("Läs mer på https://example.org/en/news/read-more-about-it/").lang == "sv"


def test_sentences_and_quotations_are_split():
    text = 'Han sa: ”We will come back next year.” Sedan åkte de hem. Det var bra!'
    pieces = [text[b:e] for b, e in split_sentences(text)]
    assert pieces == ["Han sa:", "”We will come back next year.”", "Sedan åkte de hem.",
                      "Det var bra!"]


def test_cache_answers_repeated_texts_without_detecting_again():
    tagger = LanguageTagger(make_detector("langdetect", ("sv", "en")))
    first = tagger.detect("En mening på svenska om vatten.")
    second = tagger.detect("En mening på svenska om vatten.")
    assert first == second
    assert (tagger.cache.hits, tagger.cache.misses) == (1, 1)


def test_same_answers_across_processes_and_hash_seeds():
    script = (
        "from pipeline.detectors import ProfileDetector;"
        "d = ProfileDetector(('sv', 'en'));"
        "items = ['Om oss', 'Read more', 'Nelson Mandela Bay', 'Skellefteå kommun', "
        "'Kontakt', 'Bakgrund', 'Team', 'Program', 'Information', 'Service', 'Fika'];"
        "print([d.detect(t) for t in items])"
    )
    outputs = set()
    for seed in ("0", "1", "12345", "random"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.add(subprocess.run([sys.executable, "-c", script], env=environment,
                                   capture_output=True, text=True, check=True,
                                   cwd=ROOT).stdout)
    assert len(outputs) == 1
    assert "Detection(lang=" in outputs.pop()


def test_two_detector_instances_agree_on_short_items():
    first, second = ProfileDetector(("sv", "en")), ProfileDetector(("en", "sv"))
    items = ["Information", "Program", "Team", "Service", "Kontakt", "Om oss", "Fika"]
    assert [first.detect(t) for t in items] == [second.detect(t) for t in items]


def test_low_confidence_blocks_are_warnings_with_a_hint_to_add_a_marker(tagger):
    from pipeline.language import low_confidence_warnings
    from pipeline.model import Block
    unsure = Block("paragraph", "Program", "<p>Program</p>", 7, 7, lang="en",
                   confidence=0.55, how="context")
    sure = Block("paragraph", "Hej", "<p>Hej</p>", 9, 9, lang="sv", confidence=0.9,
                 how="context")
    [problem] = low_confidence_warnings("articles/a.txt", (unsure, sure))
    assert problem.format().startswith("articles/a.txt:7: warning[low-confidence]:")
    assert "<!-- lang: sv -->" in problem.hint


def test_a_block_with_no_evidence_either_way_is_reported(tagger):
    from pipeline.process import process_document
    from pipeline.read import parse_source
    document, _ = parse_source("a.md", b"# Kommunens nyheter i korthet\n\n12 345 678\n",
                               ("sv", "en"))
    result = process_document(document, tagger)
    assert [(d.code, d.line) for d in result.diagnostics] == [("low-confidence", 3)]
    assert "no language" in result.diagnostics[0].message


def test_lingua_detector_when_installed():
    pytest.importorskip("lingua", reason="the optional extra bilingual-publish[lingua] is not "
                        "installed; `make test` installs it")
    lingua = make_detector("lingua", ("sv", "en"))
    assert lingua.detect("Kommunen arbetar med vatten och skolor.").lang == "sv"
    assert lingua.detect("The municipality works on water and schools.").lang == "en"
    assert lingua.detect("12 345").lang is None
    assert lingua.version.startswith("lingua/lingua-")


# --- the fast paths give the plain answers, bit for bit -------------------------------

#: Pieces of text that meet every rule of words_and_names: capitals after sentence
#: openers, digits and other characters, white space of several kinds, URLs and e-mail
#: addresses inside and between words, and tokens that are nothing but noise.
_PIECES = ["Anna", "berg", "Ö", "å", "I", "the", "och", " ", "  ", "\n", "\u00a0", "\u3000",
           ".", "!", "?", ":", ",", "(", ")", "”", "'", "–", "-", "•", "*", "1", "_", "/",
           "@", "http://", "HTTPS://", "www.", "WWW.", "w", "W", "x.se", "ſ"]


def _texts(count: int, seed: int) -> list[str]:
    chooser = random.Random(seed)
    return ["".join(chooser.choice(_PIECES) for _ in range(chooser.randint(0, 14)))
            for _ in range(count)]


def _words_and_names_over_the_whole_text(text: str) -> list[tuple[str, bool]]:
    """words_and_names as it was first written: one regex pass over the stripped text,
    and the gap before each word."""
    cleaned = strip_noise(text)
    found, previous_end = [], 0
    for match in re.finditer(r"[^\W\d_]+", cleaned):
        word = match.group()
        gap = cleaned[previous_end:match.start()].rstrip()
        starts_sentence = (gap[-1:] in ".!?:;…\"“”«»„'‘’([–—-•*") if gap else previous_end == 0
        previous_end = match.end()
        found.append((word, word[0].isupper() and not starts_sentence))
    return found


def test_words_are_read_token_by_token_as_the_whole_text_would_give_them():
    for text in _texts(20_000, 7):
        assert list(words_and_names(text)) == _words_and_names_over_the_whole_text(text), \
            repr(text)


def test_strip_noise_finds_urls_in_any_case():
    old = re.compile(r"(https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
    for text in _texts(20_000, 11) + ["HTTPſ://example.org", "WwW.example.org", "wWw.a"]:
        assert strip_noise(text) == old.sub(" ", text), repr(text)


def test_two_language_scoring_adds_the_same_numbers_as_the_general_one():
    detector = ProfileDetector(("sv", "en"))
    texts = _texts(5_000, 3) + [
        "Nelson Mandela Bay är en kommun i Sydafrika.", "Läs mer på https://example.org/x",
        "Skriv till anna@example.se. Tack!", "Welcome Everyone", "ICLD och SKR", "", "12 345"]
    for text in texts:
        assert detector.detect(text) == detector._detect_any(text), repr(text)


def test_a_huge_token_is_scored_without_being_remembered():
    detector = ProfileDetector(("sv", "en"))
    hostile = "a@" * 50_000
    assert detector.detect(hostile) == detector._detect_any(hostile)
    assert hostile not in detector._token_scores
    detector.detect("Vatten och skolor.")
    assert "skolor." in detector._token_scores  # ordinary tokens are remembered
