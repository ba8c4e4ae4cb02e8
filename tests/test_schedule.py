"""Drafts and scheduled articles: left out of every published file until their moment,
shown with a badge by --drafts, --future and serve; "now" is SOURCE_DATE_EPOCH."""

from __future__ import annotations

import datetime
import json

import pytest
from click.testing import CliRunner

from pipeline.build import run
from pipeline.cli import main
from pipeline.config import ConfigError, load_config
from pipeline.schedule import Visibility, build_now

UTC = datetime.UTC

PUBLISHED = ("---\ntitle: Budgeten är klar\nlang: sv\ndate: 2026-02-20\n---\n"
             "Kommunfullmäktige har antagit budgeten för nästa år efter en lång debatt.\n")
DRAFT = ("---\ntitle: Ny lekplats vid skolan\nlang: sv\ndate: 2026-02-21\ndraft: true\n---\n"
         "Barnen har fått vara med och rita den nya lekplatsen vid skolan.\n")
LATER_SV = ("---\ntitle: Vårens föreläsningar\ndate: 2026-02-25\n"
            "publish_at: 2026-03-01 08:00\n---\n"
            "Under våren bjuder biblioteket in till en serie föreläsningar om staden.\n")
LATER_EN = ("---\ntitle: Spring lectures\ndate: 2026-02-25\npublish_at: 2026-03-01 08:00\n"
            "---\nThis spring the library invites everyone to a series of talks about the "
            "town.\n")
ARTICLES = {"publicerad.md": PUBLISHED, "utkast.md": DRAFT, "senare.sv.md": LATER_SV,
            "senare.en.md": LATER_EN}
#: 2026-03-01 08:00 in Stockholm (CET, UTC+1) is 07:00 UTC.
GOES_LIVE = datetime.datetime(2026, 3, 1, 7, 0, tzinfo=UTC)
BEFORE = Visibility(GOES_LIVE - datetime.timedelta(seconds=1))


def published_text(output) -> str:
    """Every file of a built site, as one text (pages, feeds, sitemap)."""
    return "\n".join(path.read_text("utf-8") for path in sorted(output.rglob("*"))
                     if path.is_file() and not path.name.startswith("."))


def test_drafts_and_scheduled_articles_stay_out_of_every_published_file(site):
    config = site(ARTICLES)
    report = run(config, visibility=BEFORE)
    assert report.ok, [d.format() for d in report.diagnostics]
    assert report.articles == 1
    everything = published_text(config.output)
    assert "Budgeten är klar" in everything
    for title in ("Ny lekplats vid skolan", "Vårens föreläsningar", "Spring lectures"):
        assert title not in everything  # not in pages, indexes, feeds or the sitemap
    assert sorted(p.name for p in (config.output / "sv").iterdir() if p.is_dir()) == [
        "budgeten-ar-klar"]
    assert sorted((h.key, h.lang, h.reason) for h in report.held) == [
        ("senare", "en", "scheduled"), ("senare", "sv", "scheduled"),
        ("utkast", "sv", "draft")]
    moment = next(h.moment for h in report.held if h.key == "senare")
    assert moment.isoformat() == "2026-03-01T08:00:00+01:00"


def test_drafts_and_future_flags_show_them_with_badges_kept_from_search_engines(site):
    config = site(ARTICLES)
    report = run(config, visibility=Visibility(BEFORE.now, drafts=True, future=True))
    assert report.articles == 3 and report.held == ()
    draft = (config.output / "sv" / "ny-lekplats-vid-skolan" / "index.html").read_text("utf-8")
    assert '<span class="badge preview-badge">Utkast</span>' in draft
    assert '<meta name="robots" content="noindex">' in draft
    later_sv = (config.output / "sv" / "varens-forelasningar" / "index.html").read_text("utf-8")
    assert "Publiceras 1 mars 2026 08:00" in later_sv
    later_en = (config.output / "en" / "spring-lectures" / "index.html").read_text("utf-8")
    assert "Goes live 1 March 2026 08:00" in later_en
    index = (config.output / "sv" / "index.html").read_text("utf-8")
    assert index.count("preview-badge") == 2  # the draft and the scheduled article
    published = (config.output / "sv" / "budgeten-ar-klar" / "index.html").read_text("utf-8")
    assert "preview-badge" not in published and "noindex" not in published
    # Drafts only: the scheduled pair is still held back.
    drafts_only = run(config, visibility=Visibility(BEFORE.now, drafts=True))
    assert {(h.key, h.reason) for h in drafts_only.held} == {("senare", "scheduled")}


def test_a_scheduled_article_goes_live_at_its_moment_even_when_no_source_changed(site):
    config = site(ARTICLES)
    first = run(config, visibility=BEFORE)
    assert first.written and not (config.output / "sv" / "varens-forelasningar").exists()
    again = run(config, visibility=BEFORE)
    assert again.written == () and again.rendered == ()  # nothing to do yet
    assert {h.key for h in again.held} == {"senare", "utkast"}  # still reported
    live = run(config, visibility=Visibility(GOES_LIVE))
    assert "sv/varens-forelasningar/index.html" in live.written
    assert "en/spring-lectures/index.html" in live.written
    assert {"sv/index.html", "sv/atom.xml", "en/rss.xml", "sitemap.xml"} <= set(live.written)
    assert "sv/budgeten-ar-klar/index.html" not in live.rendered  # untouched page
    assert "Vårens föreläsningar" in (config.output / "sv" / "atom.xml").read_text("utf-8")
    assert [h.key for h in live.held] == ["utkast"]


def test_leaving_preview_mode_prunes_the_draft_pages(site):
    config = site(ARTICLES)
    run(config, visibility=Visibility(BEFORE.now, drafts=True, future=True))
    assert (config.output / "sv" / "ny-lekplats-vid-skolan" / "index.html").is_file()
    report = run(config, visibility=BEFORE)
    assert "sv/ny-lekplats-vid-skolan/index.html" in report.removed
    assert "Ny lekplats" not in published_text(config.output)


def test_a_draft_translation_leaves_the_other_language_published(site):
    config = site({
        "hamnen.sv.md": "---\ntitle: Hamnen byggs om\ndate: 2026-01-10\n---\n"
                        "Arbetet med den nya hamnen börjar i april och pågår i två år.\n",
        "hamnen.en.md": "---\ntitle: The harbour is rebuilt\ndate: 2026-01-10\n"
                        "draft: true\n---\nWork on the new harbour starts in April.\n"})
    report = run(config, visibility=BEFORE)
    page = (config.output / "sv" / "hamnen-byggs-om" / "index.html").read_text("utf-8")
    assert "Artikeln finns inte på engelska." in page
    assert not (config.output / "en" / "the-harbour-is-rebuilt").exists()
    assert [(h.lang, h.reason) for h in report.held] == [("en", "draft")]


@pytest.mark.parametrize(("given", "live_at"), [
    ("2026-03-01T08:00+00:00", datetime.datetime(2026, 3, 1, 8, 0, tzinfo=UTC)),
    ("2026-07-01 08:00", datetime.datetime(2026, 7, 1, 6, 0, tzinfo=UTC)),  # CEST, UTC+2
    ("2026-03-01", datetime.datetime(2026, 2, 28, 23, 0, tzinfo=UTC)),  # midnight, CET
])
def test_publish_at_is_read_in_the_site_zone_unless_it_names_one(site, given, live_at):
    config = site({"a.md": f"---\ntitle: Rubrik\nlang: sv\npublish_at: {given}\n---\n"
                           "En kort text på svenska om ingenting särskilt.\n"})
    one_second = datetime.timedelta(seconds=1)
    assert run(config, visibility=Visibility(live_at - one_second)).articles == 0
    assert run(config, visibility=Visibility(live_at)).articles == 1


def test_a_future_date_without_publish_at_goes_live_when_that_day_begins(site):
    config = site({"a.md": "---\ntitle: Rubrik\nlang: sv\ndate: 2026-05-04\n---\n"
                           "En kort text på svenska om ingenting särskilt.\n"})
    midnight = datetime.datetime(2026, 5, 3, 22, 0, tzinfo=UTC)  # 00:00 CEST
    assert run(config, visibility=Visibility(midnight - datetime.timedelta(minutes=1))
               ).articles == 0
    assert run(config, visibility=Visibility(midnight)).articles == 1


def test_the_site_time_zone_is_a_setting(site):
    config = site({"a.md": "---\ntitle: Rubrik\nlang: sv\npublish_at: 2026-03-01 08:00\n---\n"
                           "En kort text på svenska om ingenting särskilt.\n"},
                  config='timezone = "Europe/Helsinki"\n')
    six_utc = datetime.datetime(2026, 3, 1, 6, 0, tzinfo=UTC)  # 08:00 in Helsinki (EET)
    assert run(config, visibility=Visibility(six_utc - datetime.timedelta(seconds=1))
               ).articles == 0
    assert run(config, visibility=Visibility(six_utc)).articles == 1


def test_a_bad_time_zone_names_the_file_and_line(tmp_path):
    (tmp_path / "bilingual.toml").write_text('base_url = "https://example.org/"\n'
                                             'timezone = "Europe/Nordvik"\n', "utf-8")
    with pytest.raises(ConfigError) as problem:
        load_config(tmp_path / "bilingual.toml")
    text = problem.value.diagnostic.format()
    assert "bilingual.toml:2:" in text and "'Europe/Nordvik' is not a time zone" in text


@pytest.mark.parametrize(("line", "message"), [
    ("draft: ja", "'draft' must be true or false, not 'ja'"),
    ("publish_at: snart", "'publish_at' 'snart' is not a date and time"),
    ("publish_at: 2026-02-30 08:00", "'publish_at' '2026-02-30 08:00' is not a date"),
])
def test_bad_draft_and_publish_at_values_are_errors_with_their_line(site, line, message):
    config = site({"a.md": f"---\ntitle: Rubrik\nlang: sv\n{line}\n---\nText på svenska.\n",
                   "b.md": PUBLISHED})
    report = run(config, visibility=BEFORE)
    errors = [d for d in report.diagnostics if d.severity == "error"]
    assert [(d.path, d.line) for d in errors] == [("articles/a.md", 4)]
    assert message in errors[0].message
    assert report.articles == 1  # the other article still builds


def test_source_date_epoch_is_now(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(GOES_LIVE.timestamp())))
    assert build_now() == GOES_LIVE
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert abs(build_now() - datetime.datetime.now(tz=UTC)) < datetime.timedelta(minutes=1)


def test_the_cli_says_what_it_left_out_and_follows_source_date_epoch(site, monkeypatch,
                                                                     tmp_path):
    site(ARTICLES)
    monkeypatch.chdir(tmp_path)
    before = {"SOURCE_DATE_EPOCH": str(int(BEFORE.now.timestamp()))}
    result = CliRunner().invoke(main, ["build"], env=before)
    assert result.exit_code == 0, result.output
    assert "Built 1 article " in result.stdout
    assert "Left out 1 draft (draft: true): articles/utkast.md." in result.stderr
    assert ("Left out 2 scheduled articles, not yet live: articles/senare.en.md "
            "(2026-03-01 08:00), articles/senare.sv.md (2026-03-01 08:00)") in result.stderr
    as_json = CliRunner().invoke(main, ["build", "--json"], env=before)
    data = json.loads(as_json.stdout)
    assert data["counts"]["drafts"] == 1 and data["counts"]["scheduled"] == 2
    assert {"source": "articles/utkast.md", "key": "utkast", "lang": "sv",
            "title": "Ny lekplats vid skolan", "reason": "draft",
            "goes_live": None} in data["held"]
    everything = CliRunner().invoke(main, ["build", "--drafts", "--future"], env=before)
    assert "Built 3 articles" in everything.stdout and "Left out" not in everything.stderr
    live = CliRunner().invoke(main, ["build"], env={
        "SOURCE_DATE_EPOCH": str(int(GOES_LIVE.timestamp()))})
    assert "Built 2 articles" in live.stdout and "scheduled" not in live.stderr


def test_status_lists_drafts_and_scheduled_articles_outside_the_totals(site, monkeypatch,
                                                                      tmp_path):
    site(ARTICLES)
    monkeypatch.chdir(tmp_path)
    env = {"SOURCE_DATE_EPOCH": str(int(BEFORE.now.timestamp()))}
    result = CliRunner().invoke(main, ["status"], env=env)
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines()
            if line.strip() and not line.startswith(("article", "Drafts", "Scheduled"))
            and "articles:" not in line}
    assert rows["utkast"][:2] == ["draft", "missing"]
    assert rows["senare"][:2] == ["scheduled", "scheduled"]
    assert "1 articles: 1 missing, 0 stale" in result.stdout  # only the published one
    assert "Drafts, not published: articles/utkast.md." in result.stdout
    assert "Scheduled: articles/senare.sv.md goes live 2026-03-01 08:00 CET." in result.stdout
    # An unpublished draft lacks its English side, but fails no translation check yet.
    strict = CliRunner().invoke(main, ["status", "--fail-on", "missing"], env=env)
    assert strict.exit_code == 1  # the published Swedish-only article is missing English
    as_json = json.loads(CliRunner().invoke(main, ["status", "--json"], env=env).stdout)
    by_key = {row["key"]: row for row in as_json}
    assert by_key["utkast"]["published"] is False
    assert by_key["senare"]["held"][0]["goes_live"] == "2026-03-01T08:00+01:00"


def test_newsletters_never_carry_drafts_or_scheduled_articles(site, monkeypatch, tmp_path):
    site(ARTICLES)
    monkeypatch.chdir(tmp_path)
    env = {"SOURCE_DATE_EPOCH": str(int(BEFORE.now.timestamp()))}
    result = CliRunner().invoke(main, ["newsletter", "--since", "2026-01-01", "--output",
                                       str(tmp_path / "brev")], env=env)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "brev" / "sv.txt").read_text("utf-8")
    assert "Budgeten är klar" in text
    assert "Ny lekplats" not in text and "Vårens föreläsningar" not in text
    named = CliRunner().invoke(main, ["newsletter", "--articles", "utkast", "--output",
                                      str(tmp_path / "brev2")], env=env)
    assert named.exit_code == 1
    assert ("'utkast' is not published yet: it is a draft (remove 'draft: true' from "
            "articles/utkast.md)") in named.stderr
    assert not (tmp_path / "brev2").exists()



def test_publish_at_gives_an_undated_article_its_date(site):
    config = site({"a.md": "---\ntitle: Rubrik\nlang: sv\npublish_at: 2026-03-01 08:00\n---\n"
                           "En kort text på svenska om ingenting särskilt.\n"})
    report = run(config, visibility=Visibility(GOES_LIVE))
    assert not [d for d in report.diagnostics if d.code == "no-date"]
    page = (config.output / "sv" / "rubrik" / "index.html").read_text("utf-8")
    assert '<time datetime="2026-03-01">söndag 1 mars 2026</time>' in page
    assert "Rubrik" in (config.output / "sv" / "atom.xml").read_text("utf-8")
