"""Render article sets into pages through Jinja templates; no disk writes here.

Python prepares plain views (URLs, localized dates, labels); templates hold the markup.
A site's own ``templates/`` folder overrides the built-in theme file by file.
"""

from __future__ import annotations

import datetime
import io
import re
from functools import cache
from urllib.parse import urlsplit

from babel import Locale
from babel.dates import format_date, format_datetime
from jinja2 import Environment
from markupsafe import Markup

# The environment lives in its own module; this name stays importable from here.
from .environment import make_environment as make_environment
from .htmlspans import wrap_passages
from .model import Article, ArticleSet, Block, Config, OutputFile

#: Words the theme shows, per language. Templates pick them through ``t``.
UI_TEXT = {
    "sv": {
        "skip": "Hoppa till innehållet",
        "language_nav": "Språk",
        "articles": "Artiklar",
        "published": "Publicerad",
        "publisher": "Utgivare",
        "author": "Skribent",
        "only_in": "Bara på {language}",
        "summary_badge": "sammanfattning",
        "summary_notice": "Det här är en sammanfattning. Hela artikeln finns på {language}:",
        "not_translated": "Artikeln finns inte på {language}.",
        "to_start": "Till startsidan",
        "choose_language": "Välj språk",
        "no_articles": "Inga artiklar ännu.",
        "subscribe": "Prenumerera:",
        "draft_badge": "Utkast",
        "scheduled_badge": "Publiceras {moment}",
    },
    "en": {
        "skip": "Skip to content",
        "language_nav": "Language",
        "articles": "Articles",
        "published": "Published",
        "publisher": "Publisher",
        "author": "Author",
        "only_in": "Only in {language}",
        "summary_badge": "summary",
        "summary_notice": "This is a summary. The full article is in {language}:",
        "not_translated": "This article is not available in {language}.",
        "to_start": "Go to the start page",
        "choose_language": "Choose a language",
        "no_articles": "No articles yet.",
        "subscribe": "Subscribe:",
        "draft_badge": "Draft",
        "scheduled_badge": "Goes live {moment}",
    },
}
DATE_PATTERN = "EEEE d MMMM y"
#: Open Graph locales (language_TERRITORY) for og:locale.
OG_LOCALES = {"sv": "sv_SE", "en": "en_GB"}
_FIRST_TAG = re.compile(r"^<([a-zA-Z][a-zA-Z0-9]*)")


#: Output names below output/<lang>/, documented in the README.
FEED_FILES = {"atom": "atom.xml", "rss": "rss.xml", "json": "feed.json"}
FEED_NAMES = {"atom": "Atom", "rss": "RSS", "json": "JSON Feed"}
FEED_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml",
              "json": "application/feed+json"}


def feed_links(urls: Urls, lang: str) -> list[dict]:
    """<link rel="alternate"> entries for a language's feeds, for page heads."""
    return [{"type": FEED_TYPES[kind], "href": urls.link(f"{lang}/{name}"),
             "title": FEED_NAMES[kind]} for kind, name in FEED_FILES.items()]


@cache
def language_name(lang: str, in_lang: str) -> str:
    """The name of ``lang`` written in ``in_lang`` ("engelska", "Swedish")."""
    return Locale.parse(in_lang).languages.get(lang, lang)


def self_name(lang: str) -> str:
    """A language's own name, capitalised for a switcher ("Svenska", "English")."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def render_bytes(template, **context) -> bytes:
    """``template`` rendered with ``context`` as UTF-8, chunk by chunk: the same bytes as
    ``render(...).encode()``, without holding every chunk in a list and the text twice
    (a sitemap of thousands of pages is megabytes of small pieces)."""
    out = io.BytesIO()
    for chunk in template.generate(**context):
        out.write(chunk.encode("utf-8"))
    return out.getvalue()


@cache
def localized_date(date: datetime.date | None, lang: str) -> str:
    """"torsdag 21 november 2019" / "Thursday 21 November 2019"; "" when undated.
    Remembered: an index of thousands of articles has far fewer dates, and Babel is
    slow."""
    return format_date(date, DATE_PATTERN, locale=lang) if date else ""


def preview_badges(article: Article) -> list[str]:
    """"Utkast" / "Draft" and "Goes live 1 March 2026 08:00" for an article a build shows
    before it is published (serve, --drafts, --future); empty for a published one."""
    badges = [UI_TEXT[article.lang]["draft_badge"]] if article.draft else []
    if article.scheduled_for is not None:
        moment = format_datetime(article.scheduled_for, "d MMMM y HH:mm", locale=article.lang,
                                 tzinfo=article.scheduled_for.tzinfo)
        badges.append(UI_TEXT[article.lang]["scheduled_badge"].format(moment=moment))
    return badges


def _shift_heading(html: str, shift: int) -> str:
    """Move a heading's level by ``shift`` (kept within h2-h6 for body headings)."""
    def move(match: re.Match[str]) -> str:
        """The opening or closing tag with its new level."""
        level = min(6, max(2, int(match.group(2)) + shift))
        return f"<{match.group(1)}h{level}"
    return re.sub(r"<(/?)h([1-6])", move, html)


def article_body_html(article: Article) -> Markup:
    """The body of an article as HTML: passages marked, and body headings moved so the
    highest one is an h2 under the page's h1 (screen readers need an unbroken outline)."""
    levels = [b.level for b in article.blocks if b.kind == "heading" and b.level]
    shift = 2 - min(levels) if levels else 0
    parts = []
    for block in article.blocks:
        html = block_html(block, article.lang)
        if shift and block.kind == "heading":
            html = Markup(_shift_heading(str(html), shift))
        parts.append(html)
    return Markup("\n".join(parts))


def block_html(block: Block, page_lang: str) -> Markup:
    """A block's HTML with ``lang`` on it when it differs from the page, and a
    ``<span lang>`` around each passage that differs from the block."""
    html = block.html
    element_lang = block.lang or page_lang
    if element_lang != page_lang:
        html = _FIRST_TAG.sub(lambda m: f'<{m.group(1)} lang="{element_lang}"', html, count=1)
    passages = [(block.text[span.start:span.end], span.lang) for span in block.spans
                if span.lang != element_lang]
    if passages:
        html = wrap_passages(html, passages)
    return Markup(html)


class Urls:
    """Where each page lives: file path in output/, absolute URL, and site-relative link."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.base_path = urlsplit(base_url).path or "/"

    def article_path(self, article: Article) -> str:
        """Output file of an article page."""
        return f"{article.lang}/{article.slug}/index.html"

    def index_path(self, lang: str | None) -> str:
        """Output file of a language index (or the root page when lang is None)."""
        return f"{lang}/index.html" if lang else "index.html"

    def absolute(self, path: str) -> str:
        """Absolute URL of an output file (index.html dropped)."""
        return self.base_url + path.removesuffix("index.html")

    def link(self, path: str) -> str:
        """Root-relative link to an output file, honouring a base URL with a path."""
        return self.base_path + path.removesuffix("index.html")


def render_stylesheet(environment: Environment) -> OutputFile:
    """The theme's stylesheet (a site's own assets/style.css wins), copied as it is."""
    stylesheet, _, _ = environment.loader.get_source(environment, "assets/style.css")
    return OutputFile("assets/style.css", stylesheet.encode("utf-8"))


def summary_languages(article_set: ArticleSet) -> frozenset[str]:
    """The languages in which ``article_set`` only summarises a full version in another
    language. With no full version anywhere (every variant ``summary_only: true``) there
    is nothing to point to, so none: no notice, no badge (the build warns instead)."""
    if all(lang in article_set.summaries for lang in article_set.variants):
        return frozenset()
    return article_set.summaries


def _common(config: Config, urls: Urls, lang: str, path: str) -> dict:
    """View fields every page has."""
    return {
        "lang": lang,
        "og_locale": OG_LOCALES.get(lang, lang),
        "feeds": feed_links(urls, lang),
        "site_title": config.title[lang],
        "site_description": config.description[lang],
        "canonical": urls.absolute(path),
        "home_href": urls.link(urls.index_path(lang)),
        "css_href": urls.link("assets/style.css"),
        "t": UI_TEXT[lang],
        "noindex": False,
    }


def _alternates(urls: Urls, paths: dict[str, str], default_path: str) -> list[dict]:
    """hreflang links: every language version, then x-default."""
    links = [{"hreflang": lang, "href": urls.absolute(path)} for lang, path in paths.items()]
    links.append({"hreflang": "x-default", "href": urls.absolute(default_path)})
    return links


def render_article(environment: Environment, config: Config, urls: Urls,
                    article_set: ArticleSet, article: Article) -> OutputFile:
    """One article page, linked to its translations."""
    lang = article.lang
    path = urls.article_path(article)
    paths = {other: urls.article_path(variant) for other, variant in article_set.variants.items()}
    default = paths.get(config.default_language, path)
    summaries = summary_languages(article_set)
    switcher = []
    for other in config.languages:
        if other == lang:
            continue
        variant = article_set.variants.get(other)
        switcher.append({
            "lang": other,
            "label": self_name(other),
            "href": urls.link(paths[other]) if variant else urls.link(urls.index_path(other)),
            "translated": variant is not None,
            "summary": other in summaries,
            "note": "" if variant else UI_TEXT[lang]["not_translated"].format(
                language=language_name(other, lang)),
        })
    full_versions = [
        {"lang": other, "title": variant.title, "href": urls.link(paths[other]),
         "language": language_name(other, lang)}
        for other, variant in article_set.variants.items()
        if other != lang and other not in article_set.summaries
    ] if lang in summaries else []
    view = {
        **_common(config, urls, lang, path),
        "title": article.title,
        "date_iso": article.date.isoformat() if article.date else "",
        "date_text": localized_date(article.date, lang),
        "publisher": article.publisher or "",
        "author": article.author or "",
        "summary": article.summary,
        "tags": list(article.tags),
        "body": article_body_html(article),
        "og_type": "article",
        "og_description": article.summary or config.description[lang],
        "og_alternates": [OG_LOCALES.get(other, other) for other in article_set.variants
                          if other != lang],
        "alternates": _alternates(urls, paths, default),
        "switcher": switcher,
        "is_summary": lang in summaries,
        "full_versions": full_versions,
        "badges": preview_badges(article),
    }
    view["noindex"] = bool(view["badges"])  # a preview of a draft is not for search engines
    html = environment.get_template("article.html").render(page=view)
    return OutputFile(path, html.encode("utf-8"))


def sort_key(article: Article) -> tuple:
    """Newest first; undated last; then title and key so ties never depend on input order."""
    ordinal = article.date.toordinal() if article.date else 0
    return (-ordinal, article.title.casefold(), article.key)


def render_index(environment: Environment, config: Config, urls: Urls,
                  sets: list[ArticleSet], lang: str) -> OutputFile:
    """A language's start page: its articles, then articles only in other languages."""
    path = urls.index_path(lang)
    own = sorted((s.variants[lang] for s in sets if lang in s.variants), key=sort_key)
    summaries = {s.key for s in sets if lang in summary_languages(s)}
    entries = [{
        "title": a.title, "href": urls.link(urls.article_path(a)), "date_iso":
        a.date.isoformat() if a.date else "", "date_text": localized_date(a.date, lang),
        "summary": a.summary, "is_summary": a.key in summaries, "badges": preview_badges(a),
    } for a in own]
    elsewhere = []
    for other in config.languages:
        if other == lang:
            continue
        only = sorted((s.variants[other] for s in sets
                       if other in s.variants and lang not in s.variants), key=sort_key)
        if only:
            elsewhere.append({
                "lang": other,
                "heading": UI_TEXT[lang]["only_in"].format(language=language_name(other, lang)),
                "entries": [{"title": a.title, "href": urls.link(urls.article_path(a)),
                             "date_iso": a.date.isoformat() if a.date else "",
                             "date_text": localized_date(a.date, lang)} for a in only],
            })
    paths = {other: urls.index_path(other) for other in config.languages}
    view = {
        **_common(config, urls, lang, path),
        "title": config.title[lang],
        "entries": entries,
        "elsewhere": elsewhere,
        "alternates": _alternates(urls, paths, urls.index_path(None)),
        "og_type": "website",
        "og_description": config.description[lang] or config.title[lang],
        "og_alternates": [OG_LOCALES.get(o, o) for o in config.languages if o != lang],
        "switcher": [{"lang": other, "label": self_name(other),
                      "href": urls.link(paths[other]), "translated": True, "summary": False,
                      "note": ""} for other in config.languages if other != lang],
    }
    return OutputFile(path, render_bytes(environment.get_template("index.html"), page=view))


def render_root(environment: Environment, config: Config, urls: Urls) -> OutputFile:
    """The x-default page: a choice of language, each offered in its own language."""
    lang = config.default_language
    path = urls.index_path(None)
    paths = {other: urls.index_path(other) for other in config.languages}
    view = {
        **_common(config, urls, lang, path),
        "title": config.title[lang],
        "choices": [{"lang": other, "label": self_name(other), "site_title": config.title[other],
                     "href": urls.link(paths[other]),
                     "prompt": UI_TEXT[other]["choose_language"]}
                    for other in config.languages],
        "alternates": _alternates(urls, paths, path),
        "og_type": "website",
        "og_description": config.description[lang] or config.title[lang],
        "og_alternates": [OG_LOCALES.get(o, o) for o in config.languages if o != lang],
        "switcher": [],
    }
    html = environment.get_template("home.html").render(page=view)
    return OutputFile(path, html.encode("utf-8"))
