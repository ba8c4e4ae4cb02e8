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
