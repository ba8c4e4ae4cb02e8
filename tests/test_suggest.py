"""Translation suggestions: unpaired articles in two languages that tell the same story."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from pipeline.build import collect
from pipeline.cli import main
from pipeline.features import article_features
from pipeline.model import Article, ArticleSet, Block
from pipeline.suggest import suggest_translations, suggestion_from_dict, suggestion_to_dict

from .conftest import ROOT, write_site

# A Swedish plain-text post and its English translation in Markdown, under unrelated names.
HARBOUR_SV = """Nordvik bygger ny kaj för 14 500 000 kronor

Kommunfullmäktige i Nordvik sade på tisdagen ja till en ny kaj i Gråskär. Bygget kostar
14 500 000 kronor och ska vara klart hösten 2027, säger hamnchefen Ingrid Faltskog.

Under bygget flyttas färjan till Lillviken. Tidtabellen finns på
https://www.nordvik.se/farjor och frågor tas emot på hamn@nordvik.se.

Publicerad 2026-03-10
"""
HARBOUR_EN = """---
title: Nordvik builds a new quay for SEK 14.5 million
date: 2026-03-10
---

On Tuesday the municipal council in Nordvik approved a new quay at Gråskär. The work
costs SEK 14,500,000 and should be finished in the autumn of 2027, harbour master
Ingrid Faltskog says.

While it is built, the ferry leaves from Lillviken instead. The timetable is on
[the ferry page](https://nordvik.se/farjor/) and questions go to hamn@nordvik.se.
"""
# A Swedish Markdown file that names its language, and an English plain-text translation.
CHOIR_SV = """---
title: Kören Vox Borealis firar 40 år
date: 2026-05-02
---

Kören Vox Borealis bjuder in till jubileumskonsert i Sankt Olofs kyrka den 16 maj.
Dirigenten Tomas Wennergren har valt musik från alla fyra decennierna, och 62 sångare
medverkar. Biljetterna kostar 150 kronor och säljs via https://voxborealis.se/biljetter.
"""
CHOIR_EN = """---
date: 2026-05-02
---
The Vox Borealis choir turns 40

The Vox Borealis choir invites everyone to an anniversary concert in Sankt Olofs church
on 16 May. Conductor Tomas Wennergren has chosen music from all four decades, and 62
singers take part. Tickets cost SEK 150 and are sold at https://voxborealis.se/biljetter.
"""
# Unrelated news that shares the town and the year with the others, and nothing more.
SNOW_SV = """---
title: Snöröjningen i Nordvik börjar tidigare
date: 2025-12-01
---

Plogbilarna i Nordvik rycker ut redan vid fem centimeter snö från och med december 2025.
Boende på landsbygden får ett sms när deras väg har plogats.
"""
MARKET_EN = """---
title: Christmas market moves indoors
date: 2025-12-01
---

The Christmas market in Nordvik moves into the old fire station this year. Stall holders
can apply until the end of November 2025, and the market opens on the first Sunday of
Advent.
"""


def site_with(tmp_path, files: dict[str, str]):
    """A site in tmp_path holding ``files``; its collected article sets."""
    write_site(tmp_path, files)
    from pipeline.config import load_config

    config = load_config(tmp_path / "bilingual.toml")
    collection = collect(config, use_cache=False)
    assert not [d for d in collection.diagnostics if d.severity == "error"]
    return config, collection


def test_a_text_post_and_its_markdown_translation_are_suggested_with_renames(tmp_path):
    config, collection = site_with(tmp_path, {
        "kaj-graskar.txt": HARBOUR_SV, "new-quay.md": HARBOUR_EN,
        "snorojning.md": SNOW_SV, "christmas-market.md": MARKET_EN})
    [suggestion] = suggest_translations(collection.sets, config.languages, collection.held)
    assert (suggestion.first.source, suggestion.second.source) == (
        "articles/kaj-graskar.txt", "articles/new-quay.md")
    assert (suggestion.first.lang, suggestion.second.lang) == ("sv", "en")
    assert {"Nordvik", "Gråskär", "Ingrid Faltskog", "Lillviken"} <= set(suggestion.names)
    assert "14 500 000" in suggestion.numbers and "2027" in suggestion.numbers
    assert set(suggestion.links) == {"nordvik.se/farjor", "hamn@nordvik.se"}
    assert suggestion.date == datetime.date(2026, 3, 10)
    assert suggestion.key == "kaj-graskar"
    assert suggestion.renames == (
        ("articles/kaj-graskar.txt", "articles/kaj-graskar.sv.txt"),
        ("articles/new-quay.md", "articles/kaj-graskar.en.md"))
    assert 0.3 <= suggestion.score <= 1


def test_following_the_advice_pairs_them_and_the_suggestion_goes(tmp_path):
    config, collection = site_with(tmp_path, {
        "kaj-graskar.txt": HARBOUR_SV, "new-quay.md": HARBOUR_EN,
        "kor-jubileum.sv.md": CHOIR_SV, "choir.txt": CHOIR_EN})
    suggestions = suggest_translations(collection.sets, config.languages)
    assert len(suggestions) == 2
    by_first = {s.first.source: s for s in suggestions}
    choir = by_first["articles/kor-jubileum.sv.md"]
    # The Swedish file already names its language: only the English one is renamed.
    assert choir.renames == (("articles/choir.txt", "articles/kor-jubileum.en.txt"),)
    for old, new in choir.renames:
        (tmp_path / old).rename(tmp_path / new)
    # The other pair by front matter instead, the plain-text file included.
    harbour = by_first["articles/kaj-graskar.txt"]
    for source in (harbour.first.source, harbour.second.source):
        path = tmp_path / source
        text = path.read_text("utf-8")
        line = f"translation_key: {harbour.key}\n"
        path.write_text(text.replace("---\n", "---\n" + line, 1) if text.startswith("---")
                        else f"---\n{line}---\n{text}", encoding="utf-8")
    collection = collect(config, use_cache=False)
    assert {s.key: tuple(s.variants) for s in collection.sets} == {
        "kaj-graskar": ("sv", "en"), "kor-jubileum": ("sv", "en")}
    assert suggest_translations(collection.sets, config.languages) == []


def test_a_front_matter_key_is_kept_and_renaming_is_not_offered(tmp_path):
    keyed = HARBOUR_EN.replace("---\n", "---\ntranslation_key: hamnen\n", 1)
    config, collection = site_with(tmp_path, {"kaj-graskar.txt": HARBOUR_SV,
                                              "new-quay.md": keyed})
    [suggestion] = suggest_translations(collection.sets, config.languages)
    assert suggestion.key == "hamnen" and suggestion.renames == ()


def test_two_swedish_articles_about_the_same_thing_are_not_suggested(tmp_path):
    retold = HARBOUR_SV.replace("Nordvik bygger ny kaj", "Ny kaj i Gråskär").replace(
        "på tisdagen", "i veckan")
    config, collection = site_with(tmp_path, {"kaj-graskar.txt": HARBOUR_SV,
                                              "kaj-igen.txt": retold})
    assert {a.lang for s in collection.sets for a in s.variants.values()} == {"sv"}
    assert suggest_translations(collection.sets, config.languages) == []


def test_sharing_the_town_the_year_and_the_date_is_not_enough(tmp_path):
    config, collection = site_with(tmp_path, {"snorojning.md": SNOW_SV,
                                              "christmas-market.md": MARKET_EN})
    assert [len(s.variants) for s in collection.sets] == [1, 1]
    assert suggest_translations(collection.sets, config.languages) == []


def test_an_article_that_is_already_paired_is_never_suggested(tmp_path):
    english = CHOIR_EN.replace("---\n", "---\ntitle: The Vox Borealis choir turns 40\n", 1)
    config, collection = site_with(tmp_path, {
        "kor.sv.md": CHOIR_SV, "kor.en.md": english.replace("choir turns 40\n\n", "\n"),
        "choir-copy.txt": CHOIR_EN.replace("The Vox Borealis choir turns 40",
                                           "Forty years of Vox Borealis")})
    assert sorted(len(s.variants) for s in collection.sets) == [1, 2]
    assert suggest_translations(collection.sets, config.languages) == []


def test_a_mixed_post_is_a_pair_already_and_its_copy_is_not_suggested(tmp_path):
    swedish_body = CHOIR_SV.split("---\n\n", 1)[1]
    english_body = CHOIR_EN.split("turns 40\n\n", 1)[1]
    mixed = ("Kören Vox Borealis firar 40 år\n\n" + swedish_body
             + "\nThe Vox Borealis choir turns 40\n\n" + english_body
             + "\nPublicerad 2026-05-02\n")
    config, collection = site_with(tmp_path, {
        "kor-blandad.txt": mixed,
        "choir-copy.txt": CHOIR_EN.replace("The Vox Borealis choir turns 40",
                                           "Forty years of Vox Borealis")})
    assert {s.key: tuple(s.variants) for s in collection.sets} == {
        "kor-blandad": ("sv", "en"), "choir-copy": ("en",)}
    assert suggest_translations(collection.sets, config.languages) == []


def test_a_key_whose_translation_is_a_draft_is_waiting_not_missing(tmp_path):
    draft = HARBOUR_EN.replace("---\n", "---\ndraft: true\ntranslation_key: kaj-graskar\n", 1)
    config, collection = site_with(tmp_path, {"kaj-graskar.txt": HARBOUR_SV,
                                              "new-quay.md": draft,
                                              "other-quay.md": HARBOUR_EN})
    assert [h.key for h in collection.held] == ["kaj-graskar"]
    assert suggest_translations(collection.sets, config.languages, collection.held) == []


def test_numbers_are_read_the_same_in_both_languages():
    def numbers(text: str) -> dict[tuple[str, str], str]:
        """(kind, value) → the text as first written, for the numbers of ``text``."""
        features = article_features(article("x", "sv", text))
        return {feature: features.shown[feature] for feature in features.weights
                if feature[0] in ("number", "year")}

    # Each way of writing it is one feature, shown as it was first written.
    assert numbers("10 000 kr, 10,000 SEK, 10000") == {("number", "10000"): "10 000"}
    assert numbers("12 500 000 kronor och SEK 12,500,000") == {
        ("number", "12500000"): "12 500 000"}
    assert numbers("2,5 procent eller 2.5 per cent, 12,50 kr") == {("number", "12.5"): "12,50"}
    assert numbers("år 2025 15 deltagare; 1, 2 och 3") == {("year", "2025"): "2025",
                                                           ("number", "15"): "15"}
    assert numbers("den 5 maj, kapitel 9") == {}  # below 10: too common to tell anything
    assert numbers("0" * 5000 + "7") == {}  # a long run of digits is text, not a crash


def article(key: str, lang: str, text: str, date: datetime.date | None = None) -> Article:
    """An article with one paragraph, as pairing would meet it."""
    block = Block("paragraph", text, f"<p>{text}</p>", 3, 3, lang=lang)
    return Article(key, lang, key.title(), key, date, None, None, "", (), (block,),
                   f"articles/{key}.txt", 1, len(text.split()))


def test_names_skip_sentence_openers_and_common_words_but_keep_runs():
    features = article_features(article("x", "en", (
        "Yesterday the board met. Anna Lindqvist of Nordvik's harbour spoke on Monday, and "
        "the Council thanked Ekbacken. Members agreed.")))
    names = {value for kind, value in features.weights if kind == "name"}
    assert names == {"anna", "lindqvist", "nordvik", "ekbacken"}
    assert (("anna", "lindqvist"), ("Anna", "Lindqvist")) in features.runs
    swedish = article_features(article("y", "sv", "Hamnen i Nordviks kommun växer."))
    assert ("name", "nordvik") in swedish.weights  # the genitive s is dropped


def test_links_come_from_text_and_link_targets_alike():
    block = Block("paragraph", "Läs mer här eller skriv till Info@Nordvik.se.",
                  '<p>Läs <a href="https://www.nordvik.se/a?b=1&amp;c=2">mer</a></p>', 3, 3)
    features = article_features(Article("x", "sv", "T", "t", None, None, None, "", (),
                                        (block,), "articles/x.txt", 1, 8))
    links = {value for kind, value in features.weights if kind == "link"}
    assert links == {"nordvik.se/a?b=1&c=2", "info@nordvik.se"}


def test_the_patterns_stay_linear_on_hostile_text():
    hostile = ("a" * 50_000 + "@" + "b" * 50_000 + " " + "Å" * 50_000 + " "
               + "1 " * 30_000 + "https://" + "x" * 50_000 + " " + "." * 50_000 + " "
               + "a.b" * 20_000 + "@" + " " + "x@" * 30_000 + " " + "Ab " * 30_000
               + ". Ab" * 30_000 + " " + "www." * 20_000)
    started = time.perf_counter()
    article_features(article("x", "sv", hostile))
    assert time.perf_counter() - started < 2.0


def test_suggestions_are_the_same_whatever_the_order_and_survive_json():
    shared = ("Ingrid Faltskog opened the Gråskär quay, 14 500 000 kronor, "
              "https://nordvik.se/kaj, 2027.")
    sets = [ArticleSet(a.key, {a.lang: a}) for a in (
        article("kaj", "sv", shared), article("quay", "en", shared),
        article("kaj-kopia", "sv", shared), article("quay-copy", "en", shared))]
    forward = suggest_translations(sets, ("sv", "en"))
    assert forward == suggest_translations(sets[::-1], ("sv", "en"))
    # Four equally good pairs: the keys decide, and each article is used once.
    assert [(s.first.key, s.second.key) for s in forward] == [
        ("kaj", "quay"), ("kaj-kopia", "quay-copy")]
    assert [suggestion_from_dict(suggestion_to_dict(s)) for s in forward] == forward


def test_only_pairs_sharing_a_rare_feature_are_scored_at_scale():
    # 2,000 articles that all name the town and the year; one hidden pair shares more.
    everyday = "In Nordvik the ferry ran as usual in 2025, and {n} people took it."
    many = [article(f"notis-{n:04d}", "sv" if n % 2 else "en", everyday.format(n=100 + n),
                    datetime.date(2025, 1, 1) + datetime.timedelta(days=n % 300))
            for n in range(2000)]
    story = "Ingrid Faltskog in Gråskär spent 14 500 000 on https://nordvik.se/kaj in 2025."
    pair = [article("kaj", "sv", story), article("quay", "en", story)]
    sets = [ArticleSet(a.key, {a.lang: a}) for a in many + pair]
    started = time.perf_counter()
    [suggestion] = suggest_translations(sets, ("sv", "en"))
    assert (suggestion.first.key, suggestion.second.key) == ("kaj", "quay")
    assert time.perf_counter() - started < 5.0


@pytest.fixture
def cli_site(tmp_path, monkeypatch):
    write_site(tmp_path, {"kaj-graskar.txt": HARBOUR_SV, "new-quay.md": HARBOUR_EN,
                          "snorojning.md": SNOW_SV, "christmas-market.md": MARKET_EN})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_status_lists_the_pair_with_evidence_and_advice(cli_site):
    result = CliRunner().invoke(main, ["status"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "2 articles look like translations of each other but are not paired" in text
    assert "articles/kaj-graskar.txt (sv) and articles/new-quay.md (en)" in text
    assert "Ingrid Faltskog" in text and "14 500 000" in text and "nordvik.se/farjor" in text
    assert "rename articles/kaj-graskar.txt → articles/kaj-graskar.sv.txt" in text
    assert any(line.split() == ["articles/new-quay.md", "→", "articles/kaj-graskar.en.md"]
               for line in text.splitlines())
    assert "'translation_key: kaj-graskar' in the front matter of both" in text
    assert "snorojning" not in text.split("look like translations")[1]
    rows = {row["key"]: row for row in json.loads(
        CliRunner().invoke(main, ["status", "--json"]).stdout)}
    assert rows["snorojning"]["looks_like_translation_of"] == []
    [other] = rows["kaj-graskar"]["looks_like_translation_of"]
    assert other["key"] == "new-quay" and other["source"] == "articles/new-quay.md"
    assert other["translation_key"] == "kaj-graskar"
    assert {"from": "articles/new-quay.md", "to": "articles/kaj-graskar.en.md"} in \
        other["rename"]
    assert rows["new-quay"]["looks_like_translation_of"][0]["key"] == "kaj-graskar"


def test_build_says_it_in_one_line_that_strict_does_not_count(cli_site):
    expected = ("note: 2 articles look like translations of each other but are not paired; "
                "run `bilingual status` to see them")
    first = CliRunner().invoke(main, ["build", "--strict"])
    assert first.exit_code == 0, first.output
    assert "0 errors, 0 warnings" in first.stdout
    assert first.stderr.count(expected) == 1 and expected not in first.stdout
    again = CliRunner().invoke(main, ["build", "--strict"])  # nothing changed: fast path
    assert again.exit_code == 0 and again.stderr.count(expected) == 1
    report = json.loads(CliRunner().invoke(main, ["build", "--json"]).stdout)
    [suggestion] = report["suggestions"]
    assert [a["key"] for a in suggestion["articles"]] == ["kaj-graskar", "new-quay"]
    assert report["ok"] and not report["diagnostics"]
    check = CliRunner().invoke(main, ["build", "--check", "--strict"])
    assert check.exit_code == 0 and expected in check.stderr


def test_the_status_json_is_the_same_under_other_hash_seeds(cli_site):
    outputs = set()
    for seed in ("1", "2"):
        outputs.add(subprocess.run(
            [sys.executable, "-m", "pipeline", "status", "--json"], cwd=cli_site,
            capture_output=True, text=True, check=False,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}).stdout)
    assert len(outputs) == 1 and "looks_like_translation_of" in outputs.pop()
