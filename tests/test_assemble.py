"""Variants per language, titles, slugs, summaries and pairing of translations."""

from __future__ import annotations

from pipeline.assemble import make_slug, shorten
from pipeline.pair import pair_articles
from pipeline.process import process_document
from pipeline.read import parse_source

MIXED = (
    "Tio år av samarbete med Kisumu\n\n"
    "I år firar Nordvik kommun och Kisumu tio år av samarbete kring skola och vatten.\n\n"
    "Ten years of partnership with Kisumu\n\n"
    "This spring Nordvik and Kisumu celebrate ten years of working together on schools.\n\n"
    "Publicerat av Nordvik kommun Onsdag 12 mars 2025\n\n"
    "Samarbetet började 2015 med ett lärarutbyte mellan två skolor i de båda städerna.\n"
)


def process(name: str, text: str, tagger):
    document, problems = parse_source(name, text.encode("utf-8"), ("sv", "en"))
    assert problems == [], problems
    return process_document(document, tagger)


def test_mixed_source_gives_one_article_per_language(tagger):
    result = process("articles/kisumu.txt", MIXED, tagger)
    articles = {a.lang: a for a in result.articles}
    assert set(articles) == {"sv", "en"}
    assert articles["sv"].title == "Tio år av samarbete med Kisumu"
    assert articles["en"].title == "Ten years of partnership with Kisumu"
    assert [b.start_line for b in articles["sv"].blocks] == [3, 11]
    assert [b.start_line for b in articles["en"].blocks] == [7]
    assert articles["sv"].slug == "tio-ar-av-samarbete-med-kisumu"
    for article in articles.values():
        assert article.key == "kisumu"
        assert article.publisher == "Nordvik kommun"
        assert article.date.isoformat() == "2025-03-12"
        assert all(b.kind != "byline" for b in article.blocks)


def test_front_matter_overrides_title_slug_and_summary_per_language(tagger):
    text = ("---\ntitle: {sv: Egen rubrik, en: Own title}\nslug: {en: own-address}\n"
            "summary: {sv: Kort om saken.}\n---\n" + MIXED)
    articles = {a.lang: a for a in process("a.txt", text, tagger).articles}
    assert articles["sv"].title == "Egen rubrik" and articles["en"].title == "Own title"
    assert articles["en"].slug == "own-address"
    assert articles["sv"].slug == "egen-rubrik"
    assert articles["sv"].summary == "Kort om saken."
    assert articles["en"].summary.startswith("This spring Nordvik")


def test_declared_language_keeps_other_language_blocks_as_passages(tagger):
    text = ("---\ntitle: Klimatveckan\nlang: sv\n---\n\nEtt svenskt stycke om veckan som "
            "gick och vad de unga gjorde.\n\n<!-- lang: en -->\n\n> A quotation in English.\n\n"
            "<!-- lang: sv -->\n\nAvslutning på svenska om nästa år och anmälan.\n")
    [article] = process("klimat.md", text, tagger).articles
    assert article.lang == "sv"
    assert [(b.kind, b.lang) for b in article.blocks] == [
        ("paragraph", "sv"), ("quote", "en"), ("paragraph", "sv")]


def test_a_short_other_language_passage_stays_in_the_main_page(tagger):
    text = ("Rubrik på svenska om arbetet\n\nEtt svenskt stycke om kommunens arbete med vatten "
            "och skolor i flera år.\n\nThe partners met twice this year to plan the work.\n\n"
            "Ett sista svenskt stycke om hur arbetet går vidare nästa år.\n")
    result = process("a.txt", text, tagger)
    [article] = result.articles
    assert article.lang == "sv"
    assert [b.lang for b in article.blocks] == ["sv", "en", "sv"]
    assert result.diagnostics == ()


def test_scattered_other_language_passages_stay_with_a_warning(tagger):
    english = "The municipality and its partners worked on water and schools for years."
    swedish = "Ett svenskt stycke om kommunens arbete med vatten och skolor i flera år."
    text = "Rubrik på svenska om arbetet\n\n" + "\n\n".join(
        [swedish, f"{english} {english} {english}", swedish, f"{english} {english} {english}",
         swedish]) + "\n"
    result = process("a.txt", text, tagger)
    [article] = result.articles  # each English run is under 40 words: no page of its own
    assert [b.lang for b in article.blocks] == ["sv", "en", "sv", "en", "sv"]
    assert [d.code for d in result.diagnostics] == ["no-title"]
    assert "72 words in 'en'" in result.diagnostics[0].message


def test_a_long_other_language_run_without_a_heading_gets_a_page_and_a_derived_title(tagger):
    english = " ".join(["The municipality and its partners worked on water and schools."] * 8)
    text = ("Rubrik på svenska om arbetet\n\nEtt svenskt stycke om kommunens arbete med vatten "
            f"och skolor i flera år.\n\n{english}\n")
    result = process("a.txt", text, tagger)
    assert [(a.lang, a.title) for a in result.articles] == [
        ("sv", "Rubrik på svenska om arbetet"),
        ("en", "The municipality and its partners worked on water and schools")]
    assert [b.lang for b in result.articles[1].blocks] == ["en"]  # the paragraph stays
    [note] = result.diagnostics
    assert (note.code, note.line, note.severity) == ("no-title", 5, "warning")


def test_markdown_without_a_title_gets_one_from_its_first_sentence(tagger):
    document, _ = parse_source("a.md", b"---\nlang: sv\n---\nBara ett stycke utan rubrik. "
                               b"Det finns inget mer att s\xc3\xa4ga.\n", ("sv", "en"))
    result = process_document(document, tagger)
    [article] = result.articles
    assert article.title == "Bara ett stycke utan rubrik"
    assert len(article.blocks) == 1  # the paragraph is still the text
    assert [(d.code, d.line) for d in result.diagnostics] == [("no-title", 4)]


def test_pairs_are_grouped_by_key_and_summaries_are_marked(tagger):
    long_sv = "\n\n".join(["Ett långt svenskt stycke om partnerskapet och vad det har gett "
                           "kommunen under många år av arbete."] * 6)
    sv = process("p.sv.md", f"---\ntitle: Svensk\n---\n{long_sv}\n", tagger).articles
    en = process("p.en.md", "---\ntitle: English\n---\nA short English summary of it all.\n",
                 tagger).articles
    sets, problems = pair_articles(list(en + sv), ("sv", "en"))
    assert problems == []
    [article_set] = sets
    assert list(article_set.variants) == ["sv", "en"]
    assert article_set.summaries == {"en"}


def test_summary_only_in_front_matter_decides(tagger):
    sv = process("p.sv.md", "---\ntitle: Svensk\n---\nKort.\n", tagger).articles
    en = process("p.en.md", "---\ntitle: English\nsummary_only: false\n---\nShort.\n",
                 tagger).articles
    [article_set], _ = pair_articles(list(sv + en), ("sv", "en"))
    assert article_set.summaries == frozenset()


def test_duplicates_and_url_collisions_are_all_reported(tagger):
    first = process("a.md", "---\ntitle: Samma\nlang: sv\n---\nText.\n", tagger).articles
    second = process("b.md", "---\ntitle: Samma\nlang: sv\n---\nText.\n", tagger).articles
    third = process("c.md", "---\ntitle: Annan\nlang: sv\ntranslation_key: a\n---\nText.\n",
                    tagger).articles
    sets, problems = pair_articles(list(first + second + third), ("sv", "en"))
    assert sorted((p.path, p.code) for p in problems) == [
        ("b.md", "url-collision"), ("c.md", "duplicate")]
    assert "a.md:2" in problems[0].message or "a.md:2" in problems[1].message
    assert [s.key for s in sets] == ["a"]


def test_slugs_and_summaries():
    assert make_slug("Öppet hus på Ärlan: åtta år") == "oppet-hus-pa-arlan-atta-ar"
    text = "Första meningen är här. Andra meningen fortsätter länge. " * 10
    assert shorten(text, 60) == "Första meningen är här. Andra meningen fortsätter länge."
    assert shorten("ord " * 100, 30).endswith("…")


def test_side_by_side_lines_give_each_variant_its_own_side(tagger):
    text = ("Öppet hus i stadshuset / Open day at the town hall\n\n"
            "Välkommen till stadshuset på lördag för kaffe och information om arbetet.\n\n"
            "Anmälan senast på fredag / Registration closes on Friday\n\n"
            "Welcome to the town hall on Saturday for coffee and news about our work.\n")
    result = process("oppet-hus.txt", text, tagger)
    articles = {a.lang: a for a in result.articles}
    assert articles["sv"].title == "Öppet hus i stadshuset"
    assert articles["en"].title == "Open day at the town hall"
    assert [b.text for b in articles["sv"].blocks] == [
        "Välkommen till stadshuset på lördag för kaffe och information om arbetet.",
        "Anmälan senast på fredag"]
    assert [b.html for b in articles["en"].blocks] == [
        "<h2>Registration closes on Friday</h2>",
        "<p>Welcome to the town hall on Saturday for coffee and news about our work.</p>"]


def test_a_closing_in_both_languages_ends_both_pages_and_one_language_ends_its_own(tagger):
    text = ("Hej alla!\n\nVälkomna tillbaka efter sommaren till ett nytt år på fakulteten med "
            "många nya studenter.\n\nDear all,\n\nWelcome back after the summer to a new year "
            "at the faculty with many new students.\n\nHälsningar / Regards\nEva Nilsson\n")
    sv, en = process("a.txt", text, tagger).articles
    assert sv.blocks[-1].kind == en.blocks[-1].kind == "signature"
    assert sv.blocks[-1].text == "Hälsningar / Regards\nEva Nilsson"
    one = ("Välkommen tillbaka\n\nVälkomna tillbaka efter sommaren.\n\n-----\n\nWelcome back\n\n"
           "Welcome back after the summer.\n\nKind regards,\nEva Nilsson\n")
    sv, en = process("b.txt", one, tagger).articles
    assert [b.kind for b in sv.blocks] == ["paragraph"]
    assert en.blocks[-1].kind == "signature" and en.blocks[-1].lang == "en"
