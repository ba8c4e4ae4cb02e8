"""The real ICLD post from ../shared/corpus, read exactly as its ground truth says."""

from __future__ import annotations

import json

import pytest

from pipeline.process import process_document
from pipeline.read import parse_source

from .conftest import NO_SHARED, SHARED

CORPUS = SHARED / "corpus"
NAME = "icld-2019-11-21-langsiktiga-partnerskap"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=NO_SHARED)


@pytest.fixture(scope="module")
def icld(tagger):
    source = CORPUS / f"{NAME}.txt"
    expected = json.loads((CORPUS / f"{NAME}.expected.json").read_text(encoding="utf-8"))
    document, problems = parse_source(source.name, source.read_bytes(), ("sv", "en"))
    assert problems == []
    return process_document(document, tagger), expected


def test_every_block_has_the_expected_line_kind_and_language(icld):
    result, expected = icld
    got = [(b.start_line, b.kind, b.lang, b.text[:40]) for b in result.blocks]
    want = [(b["line"], b["role"], b["lang"], b["starts_with"][:40]) for b in expected["blocks"]]
    assert len(got) == len(want) == 12
    for (line, kind, lang, text), (w_line, w_kind, w_lang, w_text) in zip(got, want, strict=True):
        assert (line, kind, lang) == (w_line, w_kind, w_lang), text
        assert text.startswith(w_text[: len(text)]) and w_text.startswith(text[: len(w_text)])


def test_byline_becomes_metadata(icld):
    result, expected = icld
    assert result.metadata.date.isoformat() == expected["metadata"]["date"]
    assert result.metadata.publisher == expected["metadata"]["publisher"]
    assert result.metadata.byline_line == expected["metadata"]["byline_line"]
    assert result.diagnostics == ()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_variants_match_the_ground_truth(icld, lang):
    result, expected = icld
    want = expected["variants"][lang]
    article = next(a for a in result.articles if a.lang == lang)
    assert article.title == want["title"]
    paragraphs = [b for b in article.blocks if b.kind == "paragraph"]
    assert len(paragraphs) == want["body_paragraphs"]
    assert all(b.lang == lang for b in article.blocks)
    body = "\n".join(b.text for b in article.blocks) + article.title
    for forbidden in want["must_not_contain"]:
        assert forbidden not in body
    html = "".join(b.html for b in article.blocks)
    for link in want.get("links", []):
        assert f'<a href="{link}">' in html
    assert article.date.isoformat() == expected["metadata"]["date"]
    assert article.publisher == expected["metadata"]["publisher"]


def test_slugs_transliterate_swedish_letters(icld):
    result, _ = icld
    slugs = {a.lang: a.slug for a in result.articles}
    assert slugs == {"sv": "langsiktiga-partnerskap-mot-en-riktig-forandring",
                     "en": "the-benefits-of-a-long-term-partnership"}
    assert {a.key for a in result.articles} == {NAME}


def test_text_keeps_its_quirks(icld):
    result, _ = icld
    english = next(b for b in result.blocks if b.start_line == 7)
    assert "Sweden.Through" in english.text
