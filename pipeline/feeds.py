"""Feeds per language (Atom 1.0, RSS 2.0, JSON Feed 1.1), the sitemap and robots.txt.

One feed per language, never mixed: an article with no variant in a language is not in
that language's feeds. Ids are ``tag:`` URIs built from the host, the article's date and
its translation key, so they survive a changed title or slug.
"""

from __future__ import annotations

import datetime
import email.utils
import json
from urllib.parse import urlsplit

from jinja2 import Environment
from markupsafe import escape

from .model import Article, ArticleSet, Config, OutputFile
from .render import (
    FEED_FILES,
    UI_TEXT,
    Urls,
    article_body_html,
    language_name,
    render_bytes,
    sort_key,
)


def rfc3339(date: datetime.date) -> str:
    """Midnight UTC of ``date`` in RFC 3339 (Atom, JSON Feed)."""
    return f"{date.isoformat()}T00:00:00Z"


def rfc822(date: datetime.date) -> str:
    """Midnight UTC of ``date`` in RFC 822 with the right weekday (RSS)."""
    moment = datetime.datetime(date.year, date.month, date.day, tzinfo=datetime.UTC)
    return email.utils.format_datetime(moment)


def tag_uri(config: Config, article: Article) -> str:
    """A permanent id: tag:<host>,<date>:<lang>/<translation key> (RFC 4151)."""
    host = urlsplit(config.base_url).hostname or "localhost"
    return f"tag:{host},{article.date.isoformat()}:{article.lang}/{article.key}"


def _item(config: Config, urls: Urls, article_set: ArticleSet, article: Article) -> dict:
    """One feed entry as plain data."""
    lang = article.lang
    content = str(article_body_html(article))
    if lang in article_set.summaries:
        for other, variant in article_set.variants.items():
            if other not in article_set.summaries:
                notice = UI_TEXT[lang]["summary_notice"].format(
                    language=language_name(other, lang))
                href = urls.absolute(urls.article_path(variant))
                content = (f'<p><em>{escape(notice)} <a href="{escape(href)}" '
                           f'hreflang="{other}" lang="{other}">{escape(variant.title)}</a>'
                           f'</em></p>\n{content}')
                break
    authors = [name for name in (article.author, article.publisher) if name]
    return {
        "id": tag_uri(config, article),
        "url": urls.absolute(urls.article_path(article)),
        "title": article.title,
        "summary": article.summary,
        "content_html": content,
        "published": rfc3339(article.date),
        "published_rfc822": rfc822(article.date),
        "authors": authors or [config.title[lang]],
        "tags": list(article.tags),
        "lang": lang,
    }


def feed_view(config: Config, sets: list[ArticleSet], lang: str) -> dict:
    """Everything one language's feeds show: its newest dated articles, newest first."""
    urls = Urls(config.base_url)
    dated = sorted(((s, s.variants[lang]) for s in sets
                    if lang in s.variants and s.variants[lang].date),
                   key=lambda pair: sort_key(pair[1]))[: config.feed_items]
    newest = max((a.date for _, a in dated), default=None)
    return {
        "lang": lang,
        "title": config.title[lang],
        "description": config.description[lang] or config.title[lang],
        "home_url": urls.absolute(urls.index_path(lang)),
        "urls": {kind: urls.absolute(f"{lang}/{name}") for kind, name in FEED_FILES.items()},
        "id": urls.absolute(f"{lang}/{FEED_FILES['atom']}"),
        "updated": rfc3339(newest) if newest else "1970-01-01T00:00:00Z",
        "updated_rfc822": rfc822(newest) if newest else "",
        "author": config.title[lang],
        "items": [_item(config, urls, article_set, article) for article_set, article in dated],
    }


def render_feed(environment: Environment, config: Config, sets: list[ArticleSet], lang: str,
                kind: str) -> OutputFile:
    """One feed: ``kind`` is "atom", "rss" or "json"."""
    feed = feed_view(config, sets, lang)
    if kind == "json":
        text = _json_feed(feed)
    else:
        text = environment.get_template(f"feeds/{FEED_FILES[kind]}").render(feed=feed)
    return OutputFile(f"{lang}/{FEED_FILES[kind]}", text.encode("utf-8"))


def _json_feed(feed: dict) -> str:
    """JSON Feed 1.1 (jsonfeed.org/version/1.1), keys in a fixed order."""
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed["title"],
        "home_page_url": feed["home_url"],
        "feed_url": feed["urls"]["json"],
        "description": feed["description"],
        "language": feed["lang"],
        "authors": [{"name": feed["author"]}],
        "items": [{
            "id": item["id"],
            "url": item["url"],
            "title": item["title"],
            "content_html": item["content_html"],
            "summary": item["summary"],
            "date_published": item["published"],
            "authors": [{"name": name} for name in item["authors"]],
            "tags": item["tags"],
            "language": item["lang"],
        } for item in feed["items"]],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def render_sitemap(environment: Environment, config: Config, sets: list[ArticleSet]
                   ) -> OutputFile:
    """sitemap.xml with hreflang alternates (and x-default) for every page."""
    urls = Urls(config.base_url)
    entries = []
    index_paths = {lang: urls.index_path(lang) for lang in config.languages}
    newest = max((a.date for s in sets for a in s.variants.values() if a.date), default=None)
    root = urls.index_path(None)
    for path in [root, *index_paths.values()]:
        entries.append(_sitemap_entry(urls, path, index_paths, root, newest))
    for article_set in sets:
        paths = {lang: urls.article_path(a) for lang, a in article_set.variants.items()}
        default = paths.get(config.default_language, next(iter(paths.values())))
        links = _alternate_links(urls, paths, default)  # one list for all its variants
        # The links list the variants first, in order, then x-default.
        for link, article in zip(links[:-1], article_set.variants.values(), strict=True):
            entries.append({"loc": link["href"],
                            "lastmod": article.date.isoformat() if article.date else "",
                            "alternates": links})
    return OutputFile("sitemap.xml", render_bytes(environment.get_template("sitemap.xml"),
                                                  entries=entries))


def render_robots(environment: Environment, config: Config) -> OutputFile:
    """robots.txt, pointing at the sitemap."""
    robots = environment.get_template("robots.txt").render(
        sitemap_url=Urls(config.base_url).absolute("sitemap.xml"))
    return OutputFile("robots.txt", robots.encode("utf-8"))


def _sitemap_entry(urls: Urls, path: str, alternates: dict[str, str], default: str,
                   date: datetime.date | None) -> dict:
    """One <url> of the sitemap."""
    return {"loc": urls.absolute(path), "lastmod": date.isoformat() if date else "",
            "alternates": _alternate_links(urls, alternates, default)}


def _alternate_links(urls: Urls, alternates: dict[str, str], default: str) -> list[dict]:
    """The hreflang links of a page with these language versions (and x-default)."""
    links = [{"hreflang": lang, "href": urls.absolute(p)} for lang, p in alternates.items()]
    links.append({"hreflang": "x-default", "href": urls.absolute(default)})
    return links
