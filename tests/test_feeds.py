"""Feeds, sitemap and robots.txt: parsed by feedparser, checked against JSON Feed 1.1."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ElementTree
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import jsonschema
import pytest
from markupsafe import escape

from pipeline.build import run
from pipeline.config import load_config
from pipeline.feeds import rfc822, tag_uri

from .conftest import page_links, write_site

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "jsonfeed-1.1.schema.json"
                     ).read_text(encoding="utf-8"))
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def pages_in(output: Path, lang: str) -> set[str]:
    return {p.parent.relative_to(output).as_posix() for p in (output / lang).glob("*/index.html")}


@pytest.mark.parametrize("kind", ["atom.xml", "rss.xml"])
def test_xml_feeds_parse_cleanly_and_carry_their_language(built_site, kind):
    config, output = built_site
    for lang in config.languages:
        parsed = feedparser.parse((output / lang / kind).read_bytes())
        assert parsed.bozo == 0, parsed.get("bozo_exception")
        assert parsed.feed.language == lang  # from xml:lang (Atom) or <language> (RSS)
        assert parsed.feed.title == config.title[lang]
        assert parsed.feed.link == f"{config.base_url}{lang}/"
        links = {link.href for link in parsed.feed.get("links", []) if link.rel == "self"}
        assert links == {f"{config.base_url}{lang}/{kind}"}
        for entry in parsed.entries:
            assert entry.id.startswith("tag:") and f":{lang}/" in entry.id
            assert entry.link.startswith(f"{config.base_url}{lang}/")
            assert entry.title and entry.summary
            assert entry.content[0].value.startswith("<")
            assert entry.published_parsed is not None
            assert entry.get("author")
        # Only this language's articles: every entry is a page under /<lang>/.
        assert {e.link.removeprefix(config.base_url).rstrip("/") for e in parsed.entries} \
            <= pages_in(output, lang)


def test_rss_dates_are_rfc822_with_the_right_weekday(built_site):
    config, output = built_site
    text = (output / config.languages[0] / "rss.xml").read_text(encoding="utf-8")
    dates = [line.strip()[9:-10] for line in text.splitlines() if "<pubDate>" in line]
    assert dates
    for written in dates:
        moment = parsedate_to_datetime(written)
        assert written.startswith(moment.strftime("%a, "))
    assert rfc822(datetime.date(2019, 11, 21)) == "Thu, 21 Nov 2019 00:00:00 +0000"


def test_json_feeds_follow_the_1_1_schema_and_carry_their_language(built_site):
    config, output = built_site
    for lang in config.languages:
        feed = json.loads((output / lang / "feed.json").read_text(encoding="utf-8"))
        jsonschema.validate(feed, SCHEMA)
        assert feed["language"] == lang
        assert feed["feed_url"] == f"{config.base_url}{lang}/feed.json"
        assert all(item["language"] == lang for item in feed["items"])


def article_body(page: str) -> str:
    """The body of an article page: what follows its header, without the tag list."""
    after_header = page.split('<header class="article-header">', 1)[1].split("</header>\n", 1)[1]
    return after_header.split("\n</article>", 1)[0].split('\n<ul class="tags">', 1)[0]


def test_json_feed_items_carry_the_body_and_date_their_page_shows(built_site):
    """Each item is the article in full, not a title or a summary: its content_html is
    the body of the page at its url (after the notice that leads a summary to its full
    article), and its date, language and title are the page's."""
    config, output = built_site
    for lang in config.languages:
        feed = json.loads((output / lang / "feed.json").read_text(encoding="utf-8"))
        assert feed["items"], f"the {lang} feed is empty"
        for item in feed["items"]:
            page_path = output / item["url"].removeprefix(config.base_url) / "index.html"
            assert page_path.is_file(), item["url"]
            page = page_path.read_text(encoding="utf-8")
            body = item["content_html"]
            if 'class="summary-notice"' in page:  # the item leads with the same notice
                notice, _, body = body.partition("</em></p>\n")
                assert notice.startswith("<p><em>") and "</a>" in notice, item["url"]
            assert body == article_body(page), item["url"]
            day = item["date_published"].removesuffix("T00:00:00Z")
            assert f'<time datetime="{day}">' in page, item["url"]
            assert item["language"] == lang and page_links(page_path).html_lang == lang
            assert f"<h1>{escape(item['title'])}</h1>" in page, item["url"]


def test_feeds_never_mix_languages_and_skip_untranslated_articles(tmp_path):
    write_site(tmp_path, {
        "bara-svenska.md": "---\ntitle: Bara på svenska\nlang: sv\ndate: 2025-01-02\n---\n"
                           "En artikel som bara finns på svenska om kommunens arbete.\n",
    })
    config = load_config(tmp_path / "bilingual.toml")
    assert run(config).ok
    english = feedparser.parse((config.output / "en" / "atom.xml").read_bytes())
    assert english.bozo == 0 and english.entries == []
    swedish = feedparser.parse((config.output / "sv" / "atom.xml").read_bytes())
    assert [e.title for e in swedish.entries] == ["Bara på svenska"]


def test_summary_items_link_to_the_full_article(built_site):
    config, output = built_site
    english = json.loads((output / "en" / "feed.json").read_text(encoding="utf-8"))
    summaries = [i for i in english["items"] if "This is a summary" in i["content_html"]]
    assert summaries, "the English part of a mixed post is a summary"
    assert all(f'href="{config.base_url}sv/' in i["content_html"] for i in summaries)


def test_feed_items_limit_and_newest_first(tmp_path):
    files = {f"a{day}.md": f"---\ntitle: Artikel {day}\nlang: sv\ndate: 2025-01-{day:02d}\n"
                           "---\nEn mening på svenska om kommunen.\n" for day in range(1, 6)}
    write_site(tmp_path, files, config='feed_items = 3\n')
    config = load_config(tmp_path / "bilingual.toml")
    run(config)
    parsed = feedparser.parse((config.output / "sv" / "rss.xml").read_bytes())
    assert [e.title for e in parsed.entries] == ["Artikel 5", "Artikel 4", "Artikel 3"]


def test_tag_ids_survive_a_changed_slug(tmp_path):
    from pipeline.process import make_tagger, process_document
    from pipeline.read import parse_source

    write_site(tmp_path, {})
    config = load_config(tmp_path / "bilingual.toml")
    ids = set()
    for slug in ("first", "second"):
        document, _ = parse_source("a.md", (f"---\ntitle: T\nslug: {slug}\nlang: sv\n"
                                            "date: 2025-01-01\n---\nText.\n").encode(),
                                   config.languages)
        [article] = process_document(document, make_tagger(config, cached=False)).articles
        ids.add(tag_uri(config, article))
    assert ids == {"tag:example.org,2025-01-01:sv/a"}


def test_sitemap_lists_every_page_with_reciprocal_hreflang_and_robots_points_at_it(
        built_site):
    config, output = built_site
    tree = ElementTree.parse(output / "sitemap.xml")
    entries = {}
    for url in tree.getroot().findall(f"{SITEMAP}url"):
        links = {link.get("hreflang"): link.get("href")
                 for link in url.findall(f"{XHTML}link")}
        entries[url.find(f"{SITEMAP}loc").text] = links
    pages = {config.base_url + p.relative_to(output).as_posix().removesuffix("index.html")
             for p in output.rglob("index.html")}
    assert set(entries) == pages
    for loc, links in entries.items():
        assert "x-default" in links
        assert loc in links.values()
        for lang, href in links.items():
            if lang != "x-default":
                assert entries[href].get(lang) == href
                assert loc in entries[href].values() or links["x-default"] == loc
    robots = (output / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {config.base_url}sitemap.xml" in robots


def test_pages_link_their_own_language_feeds(built_site):
    _, output = built_site
    html = (output / "en" / "index.html").read_text(encoding="utf-8")
    for kind, name in (("application/atom+xml", "atom.xml"), ("application/rss+xml", "rss.xml"),
                       ("application/feed+json", "feed.json")):
        assert f'type="{kind}"' in html and f'href="/en/{name}"' in html


def test_every_page_hreflang_link_points_back(built_site):
    """Reciprocal hreflang on the bundled site and the corpus site alike."""
    config, output = built_site
    pages = {config.base_url + p.relative_to(output).as_posix().removesuffix("index.html"):
             page_links(p) for p in output.rglob("index.html")}
    for url, page in pages.items():
        is_root = page.alternates[page.html_lang] != url
        for lang, href in page.alternates.items():
            assert href in pages, f"{url} names a missing page {href}"
            if lang == "x-default":
                continue
            back = pages[href].alternates
            assert (back["x-default"] if is_root else back.get(page.html_lang)) == url, \
                f"{href} does not link back to {url}"


def test_summary_notice_in_feeds_escapes_the_full_article_title(tmp_path):
    """Regression (review): the notice linking a summary to its full article put the
    other language's title into the feed's HTML unescaped."""
    long_sv = "\n\n".join(["Ett långt svenskt stycke om kommunens arbete med vatten och "
                           "skolor under många år."] * 8)
    write_site(tmp_path, {
        "a.sv.md": f'---\ntitle: "Vatten & <b>skolor</b>"\ndate: 2025-01-02\n---\n\n{long_sv}\n',
        "a.en.md": "---\ntitle: Water\ndate: 2025-01-02\n---\n\nA short summary.\n"})
    config = load_config(tmp_path / "bilingual.toml")
    assert run(config).ok
    english = json.loads((config.output / "en" / "feed.json").read_text(encoding="utf-8"))
    content = english["items"][0]["content_html"]
    assert "Vatten &amp; &lt;b&gt;skolor&lt;/b&gt;</a>" in content
    assert "<b>" not in content
    ElementTree.fromstring((config.output / "en" / "atom.xml").read_bytes())
