"""Every file a site consists of, what each depends on, and how to render one of them.

Planning is cheap and needs only the article sets; rendering is the expensive part, so
the build renders only the outputs whose inputs changed (see ``input_key``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from operator import attrgetter

from jinja2 import Environment

from .diagnostics import Diagnostic, warning
from .feeds import render_feed, render_robots, render_sitemap
from .manifest import fingerprint
from .model import Article, ArticleSet, Config, OutputFile
from .render import (
    FEED_FILES,
    Urls,
    render_article,
    render_index,
    render_root,
    render_stylesheet,
    summary_languages,
)

#: ``depends`` of the outputs that list every article (indexes, sitemap): they are
#: made from the articles' summaries alone (see ``listing_digest``), not their bodies.
LISTING = "*"
#: The Article fields no list shows: an edit to an article's body changes only these.
_UNLISTED = frozenset({"blocks", "word_count", "title_line"})
_LISTED = tuple(f.name for f in fields(Article) if f.name not in _UNLISTED)


@dataclass(frozen=True, slots=True)
class PlannedOutput:
    """One file the build will produce, before it is rendered."""

    path: str  #: below the output folder
    kind: str  #: article, index, root, stylesheet, feed, sitemap or robots
    lang: str | None = None  #: the page's or feed's language
    key: str | None = None  #: translation key (articles) or feed format (feeds)
    depends: tuple[str, ...] = ()  #: sources whose bytes it depends on; (LISTING,) for
    #: the summaries of every article


def plan_outputs(config: Config, sets: list[ArticleSet]) -> list[PlannedOutput]:
    """Every output of the site, sorted by path."""
    urls = Urls(config.base_url)
    planned = [PlannedOutput(urls.index_path(None), "root"),
               PlannedOutput("assets/style.css", "stylesheet"),
               PlannedOutput("sitemap.xml", "sitemap", depends=(LISTING,)),
               PlannedOutput("robots.txt", "robots")]
    for article_set in sets:
        sources = tuple(sorted({a.source for a in article_set.variants.values()}))
        for lang, article in article_set.variants.items():
            planned.append(PlannedOutput(urls.article_path(article), "article", lang,
                                         article_set.key, sources))
    for lang in config.languages:
        planned.append(PlannedOutput(urls.index_path(lang), "index", lang,
                                     depends=(LISTING,)))
        in_language = tuple(sorted({s.variants[lang].source for s in sets
                                    if lang in s.variants}))
        for kind, name in FEED_FILES.items():
            planned.append(PlannedOutput(f"{lang}/{name}", "feed", lang, kind, in_language))
    return sorted(planned, key=lambda p: p.path)


def listing_digest(sets: list[ArticleSet]) -> str:
    """A hash of what the lists of articles show: every listed field of every article
    and which variants only summarise, so that an edit further down an article's body
    renders its pages again but not the indexes and the sitemap."""
    listed = attrgetter(*_LISTED)
    digest = hashlib.sha256(repr(_LISTED).encode())
    for article_set in sets:  # hashed set by set: no text of the whole site at once
        digest.update(repr((article_set.key, sorted(summary_languages(article_set)),
                            [listed(a) for a in article_set.variants.values()])).encode())
    return digest.hexdigest()


def input_key(planned: PlannedOutput, global_fingerprint: str, digests: dict[str, str],
              listing: str) -> str:
    """A hash of everything ``planned`` is made from: equal keys, equal bytes."""
    if planned.depends == (LISTING,):
        inputs = [listing]
    else:
        inputs = [f"{source}:{digests.get(source, '')}" for source in planned.depends]
    return fingerprint(global_fingerprint, planned.path, planned.kind, planned.lang or "",
                       planned.key or "", *inputs)


@dataclass(frozen=True, slots=True)
class Plan:
    """Every output of the site, the input key of each, and which must be rendered."""

    planned: list[PlannedOutput]  #: every output, sorted by path
    keys: dict[str, str]  #: output path → input key
    chosen: list[int]  #: indexes into ``planned`` of the outputs to render


def plan_build(config: Config, collection, previous, site: str, check: bool) -> Plan:
    """Plan the site of ``collection`` and choose what to render: everything with
    ``check``; otherwise what ``previous`` (the last build's Manifest) made from other
    inputs, or whose file is no longer as that build left it."""
    planned = plan_outputs(config, collection.sets)
    # A source's schedule state counts as part of its content: holding it back,
    # releasing it or dropping its badge renders what shows it again.
    effective = {source: digest + (f"|{collection.states[source]}"
                                   if source in collection.states else "")
                 for source, digest in collection.digests.items()}
    listing = listing_digest(collection.sets)
    keys = {p.path: input_key(p, site, effective, listing) for p in planned}
    chosen = [i for i, p in enumerate(planned) if check
              or getattr(previous.outputs.get(p.path), "key", None) != keys[p.path]
              or not previous.intact(config.output, p.path)]
    return Plan(planned, keys, chosen)


def render_output(planned: PlannedOutput, config: Config, sets: list[ArticleSet],
                  environment: Environment,
                  by_key: dict[str, ArticleSet] | None = None) -> OutputFile:
    """Render one planned output. Pass ``by_key`` (sets by translation key) when
    rendering many: looking a set up in the list each time is quadratic."""
    urls = Urls(config.base_url)
    if planned.kind == "article":
        article_set = (by_key[planned.key] if by_key is not None
                       else next(s for s in sets if s.key == planned.key))
        return render_article(environment, config, urls, article_set,
                              article_set.variants[planned.lang])
    if planned.kind == "index":
        return render_index(environment, config, urls, sets, planned.lang)
    if planned.kind == "root":
        return render_root(environment, config, urls)
    if planned.kind == "stylesheet":
        return render_stylesheet(environment)
    if planned.kind == "feed":
        return render_feed(environment, config, sets, planned.lang, planned.key)
    if planned.kind == "sitemap":
        return render_sitemap(environment, config, sets)
    if planned.kind == "robots":
        return render_robots(environment, config)
    raise ValueError(f"unknown output kind {planned.kind!r}")


def content_warnings(sets: list[ArticleSet]) -> list[Diagnostic]:
    """What the pages leave out that the author should know about: an article without a
    date is not in the feeds; a summary of a full version that does not exist gets no
    summary notice."""
    undated = [warning(a.source, a.title_line, "no-date",
                       f"'{a.title}' has no date, so it is left out of the feeds and listed "
                       "last", "add 'date: 2025-03-12' to the front matter or a byline such "
                       "as 'Publicerad: 2025-03-12'")
               for s in sets for a in s.variants.values() if a.date is None]
    return undated + [
        warning(a.source, a.title_line, "summary-only",
                f"'{a.title}' is marked 'summary_only: true', but no other language has "
                "the full article, so the page says nothing about being a summary",
                "add the full article in another language with the same translation key, "
                "or remove 'summary_only: true'")
        for s in sets if s.summaries and not summary_languages(s)
        for a in s.variants.values()]
