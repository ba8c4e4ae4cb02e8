"""Group articles by translation key and say which variants are missing or only summaries.

Also the one place that checks URLs across the whole site: two articles may not claim
the same address, and every collision is reported at once.
"""

from __future__ import annotations

from .diagnostics import Diagnostic, error
from .model import Article, ArticleSet

#: A variant with fewer words than this share of its longest sibling is a summary.
SUMMARY_RATIO = 0.5


def pair_articles(articles: list[Article], languages: tuple[str, ...]
                  ) -> tuple[list[ArticleSet], list[Diagnostic]]:
    """Group by key (sorted), reject duplicates and URL collisions, mark summaries."""
    diagnostics: list[Diagnostic] = []
    # A marker such as <!-- lang: de --> can name a language the site does not have:
    # that is a mistake in that file, which then builds no article at all.
    foreign = sorted({(a.source, a.title_line, a.lang) for a in articles
                      if a.lang not in languages})
    for source, line, lang in foreign:
        diagnostics.append(error(
            source, line, "language",
            f"the text from this line is marked as '{lang}', a language this site does "
            f"not have ({', '.join(languages)})",
            f"write one of <!-- lang: {' -->, <!-- lang: '.join(languages)} --> or "
            "<!-- lang: auto --> instead"))
    refused = {source for source, _, _ in foreign}
    articles = [a for a in articles if a.source not in refused]
    by_key: dict[str, dict[str, Article]] = {}
    for article in sorted(articles, key=lambda a: (a.key, languages.index(a.lang), a.source)):
        variants = by_key.setdefault(article.key, {})
        if article.lang in variants:
            first = variants[article.lang]
            diagnostics.append(error(
                article.source, article.title_line, "duplicate",
                f"a '{article.lang}' version of '{article.key}' already comes from "
                f"{first.source}:{first.title_line}",
                "give one of them another translation_key, or remove one"))
            continue
        variants[article.lang] = article

    seen_urls: dict[tuple[str, str], Article] = {}
    for key in sorted(by_key):
        for lang in languages:
            article = by_key[key].get(lang)
            if article is None:
                continue
            other = seen_urls.get((lang, article.slug))
            if other is not None:
                diagnostics.append(error(
                    article.source, article.title_line, "url-collision",
                    f"/{lang}/{article.slug}/ is also the address of {other.source}:"
                    f"{other.title_line}",
                    "set a different 'slug:' in the front matter of one of them"))
                del by_key[key][lang]  # the first claim keeps the address
            else:
                seen_urls[(lang, article.slug)] = article

    sets = []
    for key in sorted(by_key):
        variants = {lang: by_key[key][lang] for lang in languages if lang in by_key[key]}
        if not variants:
            continue
        longest = max(a.word_count for a in variants.values())
        summaries = frozenset(
            lang for lang, article in variants.items()
            if (article.partial if article.partial is not None
                else len(variants) > 1 and article.word_count < SUMMARY_RATIO * longest))
        sets.append(ArticleSet(key=key, variants=variants, summaries=summaries))
    return sets, diagnostics
