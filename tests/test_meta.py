"""Bylines and dates in Swedish and English become metadata, with weekday checks."""

from __future__ import annotations

import datetime

import pytest

from pipeline.meta import lift_metadata, read_byline
from pipeline.parse import parse_text

D = datetime.date


@pytest.mark.parametrize(("line", "date", "publisher", "lang"), [
    ("Publicerat av ICLD – Swedish International Centre for Local Democracy "
     "Torsdag 21 november 2019", D(2019, 11, 21),
     "ICLD – Swedish International Centre for Local Democracy", "sv"),
    ("Publicerad: 2019-11-21", D(2019, 11, 21), None, "sv"),
    ("Published by ICLD on 21 November 2019", D(2019, 11, 21), "ICLD", "en"),
    ("Published by Nordvik Council, Thursday 21 November 2019", D(2019, 11, 21),
     "Nordvik Council", "en"),
    ("PUBLICERAT AV Nordvik kommun den 21 NOVEMBER 2019", D(2019, 11, 21), "Nordvik kommun",
     "sv"),
    ("21 Nov 2019", D(2019, 11, 21), None, None),
    ("21 nov. 2019", D(2019, 11, 21), None, None),
    ("2019-11-21", D(2019, 11, 21), None, None),
    ("November 21, 2019", D(2019, 11, 21), None, None),
    ("tisdag 3 juni 2025", D(2025, 6, 3), None, "sv"),
    ("Published: 3 Mar. 2025", D(2025, 3, 3), None, "en"),
    ("Publicerat av Nordvik kommun", None, "Nordvik kommun", "sv"),
])
def test_bylines_are_read(line, date, publisher, lang):
    byline = read_byline(line)
    assert byline is not None
    assert (byline.date, byline.publisher, byline.lang) == (date, publisher, lang)


@pytest.mark.parametrize("line", [
    "The benefits of a long-term partnership",
    "Det är en kliché, publicerat av mig och andra i går.",
    "Published in 2019, the report showed a clear trend.",
    "",
])
def test_ordinary_text_is_not_a_byline(line):
    assert read_byline(line) is None


def test_weekday_that_disagrees_with_the_date_is_a_warning_with_file_and_line():
    blocks = parse_text("Rubrik\n\nText här.\n\nPublicerat av Nordvik Onsdag 21 november 2019\n")
    metadata, problems = lift_metadata("articles/x.txt", blocks, {})
    assert metadata.date == D(2019, 11, 21)
    [problem] = problems
    assert problem.format().startswith("articles/x.txt:5: warning[weekday]: 'Onsdag' does "
                                       "not match 2019-11-21, which is a Thursday")


def test_front_matter_date_wins_and_a_different_byline_date_is_reported():
    blocks = parse_text("Rubrik\n\nText här.\n\nPublicerad: 2019-11-22\n")
    metadata, problems = lift_metadata("a.txt", blocks, {"date": D(2019, 11, 21)})
    assert metadata.date == D(2019, 11, 21)
    assert [p.code for p in problems] == ["date"]


def test_first_byline_gives_date_and_publisher():
    blocks = parse_text("Rubrik\n\nText.\n\nPublished by A on 1 May 2020\n\nText.\n\n"
                        "Publicerat av B 2 maj 2020\n")
    metadata, problems = lift_metadata("a.txt", blocks, {})
    assert (metadata.date, metadata.publisher, metadata.byline_line) == (D(2020, 5, 1), "A", 5)
    assert [p.code for p in problems] == ["date"]


def test_impossible_dates_in_bylines_are_reported_not_swallowed():
    for line, written in (("Publicerat av Nordvik 31 juni 2019", "31 juni 2019"),
                          ("2019-02-30", "2019-02-30"),
                          ("Published by ICLD on 30 February 2020", "30 February 2020")):
        byline = read_byline(line)
        assert byline is not None and byline.date is None and byline.impossible == written
    blocks = parse_text("Rubrik\n\nText här.\n\nPublicerat av Nordvik 31 juni 2019\n")
    assert blocks[-1].kind == "byline"
    metadata, problems = lift_metadata("articles/x.txt", blocks, {})
    assert metadata.date is None and metadata.publisher == "Nordvik"
    assert [p.format().split(":")[0:3] for p in problems] == [
        ["articles/x.txt", "5", " warning[date]"]]


@pytest.mark.parametrize(("line", "date", "lang"), [
    ("Pressmeddelande • Sep 24, 2019 10:34 CEST", D(2019, 9, 24), "sv"),
    ("Pressmeddelande · 24 sep. 2019 kl. 10.34", D(2019, 9, 24), "sv"),
    ("Publicerad: 2019-09-24 kl. 10.34", D(2019, 9, 24), "sv"),
    ("Published: 24 Sep 2019, 10:34 CET", D(2019, 9, 24), "en"),
    ("Press release - 3 March 2021", D(2021, 3, 3), "en"),
    ("Nyhet | 2021-03-03 08:15", D(2021, 3, 3), "sv"),
    ("Uppdaterad 12 okt 2020 14:02", D(2020, 10, 12), "sv"),
    ("Uppdaterat: 12 okt. 2020 kl 14:02", D(2020, 10, 12), "sv"),
    ("Krönika — 5 okt. 2020", D(2020, 10, 5), "sv"),
    ("Debatt: tisdag 3 juni 2025 kl 07.00", D(2025, 6, 3), "sv"),
    ("Artikel – 7 februari 2022", D(2022, 2, 7), "sv"),
    ("News – 1 Feb 2022, 18:30 GMT", D(2022, 2, 1), "en"),
    ("Updated: Sept. 5, 2020 at 9:05 a.m. UTC+2", D(2020, 9, 5), "en"),
    ("Article · 2020-10-05T09:05:00+02:00", D(2020, 10, 5), "en"),
    ("Posted | 14 May 2023 07:45 +01:00", D(2023, 5, 14), "en"),
])
def test_label_lines_from_news_pages_give_the_date(line, date, lang):
    byline = read_byline(line)
    assert byline is not None
    assert (byline.date, byline.publisher, byline.lang, byline.impossible) == (
        date, None, lang, None)


@pytest.mark.parametrize(("line", "date", "lang"), [
    ("24 sep. 2019 kl. 10.34", D(2019, 9, 24), "sv"),
    ("Sep 24, 2019 10:34 CEST", D(2019, 9, 24), None),  # "sep" is both languages' word
    ("2021-03-03 08:15", D(2021, 3, 3), None),
    ("onsdag 3 mars 2021 klockan 8.15", D(2021, 3, 3), "sv"),
])
def test_a_date_with_a_time_of_day_is_a_date_line(line, date, lang):
    byline = read_byline(line)
    assert byline is not None and (byline.date, byline.lang) == (date, lang)


def test_a_label_line_with_a_date_no_calendar_has_is_reported():
    byline = read_byline("Nyhet | 2021-02-30 08:15")
    assert byline is not None and byline.date is None and byline.impossible == "2021-02-30"


@pytest.mark.parametrize("line", [
    "Vi ses på årsmötet den 24 september 2019 i stadshusets stora sal.",
    "Nyhet: vi träffas den 24 september 2019 klockan tio",
    "News 3 March 2021 was a busy day for the council",
    "Uppdaterad 12 okt 2020 14:02 av redaktionen",
    "Pressmeddelande",
    "Press release",
    "Workshop | 12 okt 2020",
    "24 sep. 2019 kl. 25.34",
    "Publicerat av " + "Nordvik kommuns avdelning för kultur och fritid, " * 5 + "24 sep. 2019",
])
def test_sentences_labels_alone_and_long_lines_are_not_date_lines(line):
    assert read_byline(line) is None


def test_a_label_line_is_metadata_in_plain_text_never_a_heading():
    blocks = parse_text("Nordvik bygger en ny simhall\n\n"
                        "Pressmeddelande • Sep 24, 2019 10:34 CEST\n\n"
                        "Kommunfullmäktige beslutade i går att bygga en ny simhall.\n")
    assert [b.kind for b in blocks] == ["heading", "byline", "paragraph"]
    metadata, problems = lift_metadata("a.txt", blocks, {})
    assert (metadata.date, metadata.byline_line, problems) == (D(2019, 9, 24), 3, [])


@pytest.mark.parametrize(("label", "date"), [
    ("Pressmeddelande · 24 sep. 2019 kl. 10.34", D(2019, 9, 24)),
    ("Press release - 3 March 2021", D(2021, 3, 3)),
    ("24 sep. 2019 kl. 10.34", D(2019, 9, 24)),
])
def test_a_pasted_label_line_dates_the_article_and_leaves_its_body(label, date, tagger):
    from pipeline.process import process_document
    from pipeline.read import parse_source
    text = (f"Nordvik bygger en ny simhall\n\n{label}\n\n"
            "Kommunfullmäktige beslutade i går att bygga en ny simhall vid idrottsplatsen.\n\n"
            "Bygget börjar nästa vår och hallen ska stå klar till sommaren två år senare.\n")
    document, problems = parse_source("simhall.txt", text.encode(), ("sv", "en"))
    assert problems == []
    result = process_document(document, tagger)
    [article] = result.articles
    assert (article.lang, article.title, article.date) == ("sv", "Nordvik bygger en ny simhall",
                                                           date)
    assert all(label not in block.text for block in article.blocks)
    assert [b.kind for b in article.blocks] == ["paragraph", "paragraph"]
