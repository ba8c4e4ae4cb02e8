"""Rendered pages: lang, hreflang, switcher, localized dates, passages, overrides."""

from __future__ import annotations

import datetime
import re

import pytest

from pipeline.build import run
from pipeline.config import load_config
from pipeline.htmlspans import wrap_passages
from pipeline.model import Block, Span
from pipeline.render import block_html, localized_date

from .conftest import ROOT, page_links


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    output = tmp_path_factory.mktemp("site")
    config = load_config(ROOT / "bilingual.toml", output=output)
    report = run(config)
    assert report.ok, report.diagnostics
    return config, output


def test_dates_are_localized_by_babel():
    date = datetime.date(2019, 11, 21)
    assert localized_date(date, "sv") == "torsdag 21 november 2019"
    assert localized_date(date, "en") == "Thursday 21 November 2019"
    assert localized_date(None, "sv") == ""


def test_block_html_marks_only_other_language_blocks_and_passages():
    swedish = Block("paragraph", "Hej", "<p>Hej</p>", 1, 1, lang="sv")
    assert block_html(swedish, "sv") == "<p>Hej</p>"
    quote = Block("quote", "Hi", "<blockquote>\n<p>Hi</p></blockquote>", 1, 1, lang="en")
    assert block_html(quote, "sv") == '<blockquote lang="en">\n<p>Hi</p></blockquote>'
    text = "Han sa: We will come back. Sedan åkte han."
    mixed = Block("paragraph", text, f"<p>{text}</p>", 1, 1, lang="sv",
                  spans=(Span(8, 26, "en", 0.99, "detected"),))
    assert block_html(mixed, "sv") == ('<p>Han sa: <span lang="en">We will come back.</span> '
                                       "Sedan åkte han.</p>")
    assert block_html(mixed, "en") == ('<p lang="sv">Han sa: <span lang="en">We will come '
                                       "back.</span> Sedan åkte han.</p>")


def test_passages_across_links_and_entities_stay_valid_html():
    markup = ('<p>Läs mer &amp; se: Read more on <a href="https://x.org/">our\nsite</a>'
              " today. Slut.</p>")
    wrapped = wrap_passages(markup, [("Read more on our site today.", "en")])
    assert wrapped == ('<p>Läs mer &amp; se: <span lang="en">Read more on </span>'
                       '<a href="https://x.org/"><span lang="en">our\nsite</span></a>'
                       '<span lang="en"> today.</span> Slut.</p>')
    assert wrap_passages(markup, [("not in the text", "en")]) == markup


def test_every_page_has_lang_canonical_and_reciprocal_hreflang(built):
    config, output = built
    pages = sorted(output.rglob("*.html"))
    assert len(pages) == 8
    by_url = {}
    for page in pages:
        relative = page.relative_to(output).as_posix().removesuffix("index.html")
        by_url[config.base_url + relative] = page_links(page)
    for url, page in by_url.items():
        assert page.canonical == url
        assert page.html_lang in ("sv", "en")
        # A page lists itself under its language; the root page is the x-default itself.
        assert url in (page.alternates[page.html_lang], page.alternates["x-default"])
        for hreflang, href in page.alternates.items():
            assert href in by_url, f"{url} links to a missing page {href}"
            if hreflang != "x-default":
                # Reciprocal: the target names this page under this page's language, or,
                # for the root page, as its x-default.
                back = by_url[href].alternates
                is_root = page.alternates[page.html_lang] != url
                assert (back["x-default"] if is_root else back.get(page.html_lang)) == url, \
                    f"{href} does not link back to {url}"
                assert by_url[href].html_lang == hreflang


def test_switcher_goes_to_the_same_article_labelled_in_the_target_language(built):
    _, output = built
    page = page_links(output / "sv" / "tio-ar-av-vanortssamarbete-mellan-nordvik-och-kisumu"
                      / "index.html")
    assert page.switcher == [{"href": "/en/ten-years-of-partnership-with-kisumu/",
                              "hreflang": "en", "lang": "en"}]
    html = (output / "sv" / "tio-ar-av-vanortssamarbete-mellan-nordvik-och-kisumu" /
            "index.html").read_text(encoding="utf-8")
    assert 'lang="en">English</a>' in html


def test_article_page_shows_localized_date_and_publisher(built):
    _, output = built
    html = (output / "sv" / "tio-ar-av-vanortssamarbete-mellan-nordvik-och-kisumu" /
            "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2025-03-12">onsdag 12 mars 2025</time>' in html
    assert "Nordvik kommun – Internationella enheten" in html
    assert "Publicerat av" not in html
    english = (output / "en" / "ten-years-of-partnership-with-kisumu" / "index.html"
               ).read_text(encoding="utf-8")
    assert '<time datetime="2025-03-12">Wednesday 12 March 2025</time>' in english
    assert "This is a summary. The full article is in Swedish" in english


def test_passage_in_the_other_language_carries_its_own_lang(built):
    _, output = built
    page = page_links(output / "sv" / "klimatveckan-samlade-unga-fran-tre-lander" / "index.html")
    assert ("blockquote", "en") in page.lang_elements
    assert page.html_lang == "sv"


def test_untranslated_article_is_never_presented_as_english(built):
    _, output = built
    assert not list((output / "en").glob("klimat*"))
    english_index = (output / "en" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<h2 id="only-sv">Only in Swedish</h2>', english_index)
    assert ('hreflang="sv" lang="sv">Klimatveckan samlade unga från tre länder</a>'
            in english_index)
    page = page_links(output / "sv" / "klimatveckan-samlade-unga-fran-tre-lander" / "index.html")
    assert page.switcher[0]["href"] == "/en/"
    assert set(page.alternates) == {"sv", "x-default"}


def test_root_page_offers_each_language_and_is_x_default(built):
    config, output = built
    page = page_links(output / "index.html")
    assert page.html_lang == config.default_language
    assert page.alternates["x-default"] == config.base_url
    html = (output / "index.html").read_text(encoding="utf-8")
    assert '<a href="/sv/" hreflang="sv">Svenska</a>' in html
    assert '<a href="/en/" hreflang="en">English</a>' in html


def test_a_site_template_overrides_the_theme(site, tmp_path):
    config = site({"a.md": "---\ntitle: Rubrik\nlang: sv\n---\nText på svenska här.\n"})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "home.html").write_text("<!DOCTYPE html><p>{{ page.title }}</p>\n",
                                                      encoding="utf-8")
    assert run(config).ok
    assert (tmp_path / "output" / "index.html").read_text(encoding="utf-8") == \
        "<!DOCTYPE html><p>Nyheter</p>\n"
    assert "<article>" in (tmp_path / "output" / "sv" / "rubrik" / "index.html").read_text(
        encoding="utf-8")


def test_undefined_template_variable_is_an_error_not_an_empty_string(site, tmp_path):
    config = site({"a.md": "---\ntitle: Rubrik\nlang: sv\n---\nText.\n"})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "home.html").write_text("{{ page.no_such_field }}",
                                                      encoding="utf-8")
    report = run(config)
    [problem] = [d for d in report.diagnostics if d.severity == "error"]
    assert (problem.path, problem.line, problem.code) == ("templates/home.html", 1, "template")
    assert "no_such_field" in problem.message
    assert not (tmp_path / "output" / "index.html").exists()


def test_base_url_with_a_path_prefixes_links(site):
    config = site({"a.md": "---\ntitle: Rubrik\nlang: sv\n---\nText.\n"},
                  config='base_url = "https://example.org/nyheter/"\n')
    assert run(config).ok
    html = (config.output / "sv" / "rubrik" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="/nyheter/assets/style.css">' in html
    assert '<link rel="canonical" href="https://example.org/nyheter/sv/rubrik/">' in html


def test_english_quotation_in_a_swedish_paragraph_is_a_lang_span(built):
    _, output = built
    html = (output / "sv" / "tio-ar-av-vanortssamarbete-mellan-nordvik-och-kisumu" /
            "index.html").read_text(encoding="utf-8")
    assert ('”<span lang="en">A partnership is a long conversation, not a single visit.'
            '</span>”') in html
    # Organisation names in Swedish sentences are not passages.
    assert '<span lang="en">United Cities' not in html
