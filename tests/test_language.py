"""Language per block: restricted seeded detector, markers, context and determinism."""

from __future__ import annotations

import os
import subprocess
import sys

from pipeline.language import LanguageDetector, tag_languages
from pipeline.parse import parse_markdown, parse_text

from .conftest import ROOT


def tagged(text: str, detector, declared=None, markdown=False):
    blocks = parse_markdown(text) if markdown else parse_text(text)
    return tag_languages(blocks, detector, declared)


def test_only_the_site_languages_are_loaded(detector):
    # Danish and Norwegian are close to Swedish; with sv/en profiles only they cannot win.
    assert set(detector.probabilities("Jeg har ikke tid i dag, men vi ses i morgen.")) <= {
        "sv", "en"}
    assert detector.languages == ("en", "sv")


def test_long_paragraphs_are_detected_with_high_confidence(detector):
    lang, confidence = detector.detect(
        "Kommunala partnerskap syftar till att stärka demokratin på lokal nivå genom att ge "
        "medborgarna insyn och inflytande i beslutsprocesser.")
    assert lang == "sv" and confidence > 0.95


def test_short_text_has_low_confidence_even_when_langdetect_is_sure(detector):
    assert detector.probabilities("Om oss")  # langdetect alone calls this English, p≈1
    _, confidence = detector.detect("Om oss")
    assert confidence < 0.6


def test_short_heading_takes_the_language_of_its_section(detector):
    blocks = tagged("Rubrik på svenska här\n\nInledande stycke på svenska som handlar om "
                    "kommunens arbete med vatten och skolor.\n\nOm oss\n\nVi är en liten "
                    "enhet i kommunen som arbetar med internationella frågor varje dag.\n",
                    detector)
    heading = next(b for b in blocks if b.text == "Om oss")
    assert (heading.kind, heading.lang, heading.how) == ("heading", "sv", "context")


def test_author_marker_overrides_detection_until_the_next_marker(detector):
    blocks = tagged("Svensk text om kommunen och dess arbete.\n\n<!-- lang: en -->\n\n"
                    "Det här stycket är på svenska men författaren säger engelska.\n\n"
                    "<!-- lang: auto -->\n\nOch här avgör detektorn igen, på svenska.\n",
                    detector, markdown=True)
    content = [b for b in blocks if b.kind != "marker"]
    assert [(b.lang, b.how) for b in content] == [
        ("sv", "detected"), ("en", "marker"), ("sv", "detected")]
    assert content[1].confidence == 1.0


def test_declared_language_is_a_strong_prior_not_a_verdict(detector):
    text = ("# Rubrik\n\nEtt svenskt stycke om kommunens arbete med klimatet.\n\n"
            "Workshop\n\n"
            "> This long quotation is clearly written in English by a visiting guest, and "
            "detection is confident about it.\n")
    blocks = tagged(text, detector, declared="sv", markdown=True)
    by_text = {b.text[:8]: b for b in blocks}
    assert by_text["Workshop"].lang == "sv"  # weak evidence: stays with the declared language
    assert by_text["This lon"].lang == "en"  # strong evidence: a passage in English


def test_same_answers_across_processes_and_hash_seeds():
    script = (
        "from pipeline.language import LanguageDetector;"
        "d = LanguageDetector(('sv', 'en'), 0);"
        "items = ['Om oss', 'Read more', 'Nelson Mandela Bay', 'Skellefteå kommun', "
        "'Kontakt', 'Bakgrund', 'Team', 'Program', 'Information', 'Service'];"
        "print([d.probabilities(t) for t in items])"
    )
    outputs = set()
    for seed in ("0", "1", "12345", "random"):
        environment = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.add(subprocess.run([sys.executable, "-c", script], env=environment,
                                   capture_output=True, text=True, check=True,
                                   cwd=ROOT).stdout)
    assert len(outputs) == 1


def test_a_different_seed_is_a_different_but_stable_detector():
    first = LanguageDetector(("sv", "en"), 7)
    second = LanguageDetector(("sv", "en"), 7)
    items = ["Information", "Program", "Team", "Service", "Kontakt"]
    assert [first.probabilities(t) for t in items] == [second.probabilities(t) for t in items]


def test_urls_do_not_count_as_english(detector):
    lang, _ = detector.detect("Läs mer på https://example.org/en/news/read-more-about-this/")
    assert lang == "sv"
