"""Spot single-language articles that look like translations of each other, never paired.

``budget-2026.txt`` in Swedish and ``budget-news.md`` in English tell one story, yet get
different translation keys, so each page says the other language is missing. Nothing is
paired here: ``status`` lists the suggestions with their evidence and how to pair them,
``build`` mentions them in one line.

Candidates are article sets with exactly one published variant, from a source that gave
nothing else (a mixed file cannot be split into a pair by renaming), whose key has no
draft or scheduled variant; only pairs in different languages are scored. They are
compared on what a translation keeps: links, numbers, proper names and the date, each
with a weight (``pipeline.features``: link 3, date 2, name 1.5, number 1, year 0.5).

A feature found in d candidate articles weighs its weight / (d - 1): one that only the
two share counts fully. A feature in more than ``MOST_SHARED`` (30) candidates is
dropped: it cannot point at one translation, and dropping it bounds the work, since
pairs are found through an inverted index from rare features to articles, never by
comparing all pairs. A pair is suggested when it shares at least ``MIN_EVIDENCE`` (3)
pieces of evidence (a run of name words such as "Anna Lindqvist" counts once), at least
``MIN_STRONG`` (2) of them names, links or numbers other than years, and its weighted
Jaccard score (shared weight / weight of all features of both) is at least ``MIN_SCORE``
(0.3). So two articles that share the town's name, the year and even the date are not
suggested, nor two long ones that share a few names among many. Each article is
suggested at most once, best score first; ties are broken by the keys.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from .features import ArticleFeatures, article_features
from .model import Article, ArticleSet

#: Features in more candidate articles than this are ignored.
MOST_SHARED = 30
#: Least shared evidence (names, numbers, links, the date) for a suggestion.
MIN_EVIDENCE = 3
#: Of which at least this many are names, links or numbers other than years.
MIN_STRONG = 2
#: Least weighted Jaccard score for a suggestion.
MIN_SCORE = 0.3
#: Evidence shown per kind in the terminal; JSON has all of it.
SHOWN_PER_KIND = 6


@dataclass(frozen=True, slots=True)
class Candidate:
    """One side of a suggested pair: an article that lacks the other language."""

    key: str  #: its translation key now
    lang: str  #: its language
    title: str  #: its title
    source: str  #: display path of its source file


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Two articles in different languages that look like translations of each other."""

    first: Candidate  #: the article in the earlier site language
    second: Candidate  #: the article in the other language
    score: float  #: weighted Jaccard score of their features, 0..1, three decimals
    names: tuple[str, ...]  #: names both mention, as ``first`` writes them
    numbers: tuple[str, ...]  #: numbers both mention, as ``first`` writes them
    links: tuple[str, ...]  #: URLs and e-mail addresses both hold, normalised
    date: datetime.date | None  #: the date both carry, None when they differ
    key: str  #: the translation key to give both
    renames: tuple[tuple[str, str], ...]  #: (source, new path) that would pair them;
    #: empty when renaming cannot (a front-matter translation_key decides the key)


def _candidates(sets: list[ArticleSet], held: Iterable) -> list[Article]:
    """Articles that lack every other language and whose source gave nothing else."""
    held = list(held)
    held_keys = {item.key for item in held}
    per_source: dict[str, int] = {}
    for article in (a for s in sets for a in s.variants.values()):
        per_source[article.source] = per_source.get(article.source, 0) + 1
    for item in held:
        per_source[item.source] = per_source.get(item.source, 0) + 1
    return [article for s in sets if len(s.variants) == 1 and s.key not in held_keys
            for article in s.variants.values() if per_source[article.source] == 1]


def suggest_translations(sets: list[ArticleSet], languages: tuple[str, ...],
                         held: Iterable = ()) -> list[Suggestion]:
    """Pairs of articles that look like translations, best first (see the module doc).

    ``held`` are the drafts and scheduled variants (HeldBack records): a key with one of
    them is not missing a language, only waiting for it.
    """
    held = list(held)
    candidates = _candidates(sets, held)
    if len({article.lang for article in candidates}) < 2:
        return []  # a one-language site, or every article paired: nothing to read
    features = [article_features(article) for article in candidates]
    postings: dict = {}  # the inverted index: feature → articles that have it
    for index, entry in enumerate(features):
        for feature in entry.weights:
            postings.setdefault(feature, []).append(index)
    # Weight of a feature: its kind's weight, less the more articles share it.
    weight = {feature: entry_weight / max(1, len(postings[feature]) - 1)
              for entry in features for feature, entry_weight in entry.weights.items()
              if len(postings[feature]) <= MOST_SHARED}
    totals = [sum(weight.get(f, 0.0) for f in entry.weights) for entry in features]
    scored = []
    for (i, j), (count, common) in _shared_weights(features, postings, weight,
                                                   languages).items():
        if count < MIN_EVIDENCE:
            continue
        score = round(common / (totals[i] + totals[j] - common), 3)
        if score >= MIN_SCORE:
            scored.append((-score, features[i].article.key, features[j].article.key, i, j))
    taken: set[int] = set()
    occupied = {a.source for s in sets for a in s.variants.values()} | {h.source for h in held}
    suggestions = []
    for negative_score, _, _, i, j in sorted(scored):
        if i in taken or j in taken:
            continue
        suggestion = _suggestion(features[i], features[j], -negative_score, weight,
                                 languages, occupied)
        if suggestion is not None:
            taken.update((i, j))
            suggestions.append(suggestion)
    return suggestions


def _shared_weights(features: list[ArticleFeatures], postings: dict, weight: dict,
                    languages: tuple[str, ...]) -> dict[tuple[int, int], list]:
    """For every pair in different languages that shares a counted feature: how many
    features and how much weight it shares. Pairs sharing nothing are never visited."""
    rank = {lang: position for position, lang in enumerate(languages)}
    shared: dict[tuple[int, int], list] = {}
    for feature, indexes in postings.items():  # insertion order: the same every run
        if feature not in weight or len(indexes) < 2:
            continue
        by_language: dict[int, list[int]] = {}
        for index in indexes:
            lang = features[index].article.lang
            by_language.setdefault(rank.get(lang, len(rank)), []).append(index)
        ranks = sorted(by_language)
        for position, earlier in enumerate(ranks):
            for later in ranks[position + 1:]:
                for i in by_language[earlier]:
                    for j in by_language[later]:
                        tally = shared.setdefault((i, j), [0, 0.0])
                        tally[0] += 1
                        tally[1] += weight[feature]
    return shared


def _suggestion(first: ArticleFeatures, second: ArticleFeatures, score: float,
                weight: dict, languages: tuple[str, ...], occupied: set[str]
                ) -> Suggestion | None:
    """The suggestion for a scored pair, or None when the evidence is too thin. Only
    features that counted (not shared too widely) are shown and counted."""
    both = [f for f in first.weights if f in second.weights and f in weight]
    shared_names = {value for kind, value in both if kind == "name"}
    names: dict[tuple[str, ...], str] = {}
    for keys, words in first.runs:
        kept = [(key, word) for key, word in zip(keys, words, strict=True)
                if key in shared_names]
        if kept:
            names.setdefault(tuple(k for k, _ in kept), " ".join(w for _, w in kept))
    numbers = [first.shown[f] for f in both if f[0] in ("number", "year")]
    links = [value for kind, value in both if kind == "link"]
    date = first.article.date if ("date", str(first.article.date)) in both else None
    strong = len(names) + len(links) + sum(f[0] == "number" for f in both)
    if strong < MIN_STRONG or len(names) + len(numbers) + len(links) + (date is not None) \
            < MIN_EVIDENCE:
        return None
    key, renames = _how_to_pair(first.article, second.article, languages, occupied)
    return Suggestion(_candidate(first.article), _candidate(second.article), score,
                      tuple(names.values()), tuple(numbers), tuple(links), date, key,
                      renames)


def _candidate(article: Article) -> Candidate:
    """The side of a suggestion an article stands for."""
    return Candidate(article.key, article.lang, article.title, article.source)


def _file_parts(source: str, languages: tuple[str, ...]) -> tuple[str, str, str]:
    """Folder (with "/"), stem without a language part, and suffix of a source path."""
    folder, _, name = source.rpartition("/")
    stem, _, suffix = name.rpartition(".")
    head, dot, code = stem.rpartition(".")
    if dot and code in languages:
        stem = head
    return (folder + "/" if folder else ""), stem, "." + suffix


def _how_to_pair(first: Article, second: Article, languages: tuple[str, ...],
                 occupied: set[str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The key to share, and the renames that would give it to both (none when a
    front-matter translation_key decides a key, or a new name is taken)."""
    explicit = [a for a in (first, second) if a.key != _file_parts(a.source, languages)[1]]
    key = explicit[0].key if explicit else first.key
    if explicit:
        return key, ()
    renames = []
    for article in (first, second):
        folder, _, suffix = _file_parts(article.source, languages)
        target = f"{folder}{key}.{article.lang}{suffix}"
        if target != article.source:
            if target in occupied:
                return key, ()
            renames.append((article.source, target))
    return key, tuple(renames)


# --- views ------------------------------------------------------------------------------


def suggestion_to_dict(suggestion: Suggestion) -> dict:
    """A suggestion as JSON-ready data (``build --json``, the build manifest)."""
    return {
        "articles": [{"key": c.key, "lang": c.lang, "title": c.title, "source": c.source}
                     for c in (suggestion.first, suggestion.second)],
        "score": suggestion.score,
        "evidence": {"names": list(suggestion.names), "numbers": list(suggestion.numbers),
                     "links": list(suggestion.links),
                     "date": suggestion.date.isoformat() if suggestion.date else None},
        "translation_key": suggestion.key,
        "rename": [{"from": old, "to": new} for old, new in suggestion.renames],
    }


def suggestion_from_dict(data: dict) -> Suggestion:
    """The inverse of ``suggestion_to_dict``."""
    first, second = (Candidate(**side) for side in data["articles"])
    evidence = data["evidence"]
    return Suggestion(
        first, second, data["score"], tuple(evidence["names"]), tuple(evidence["numbers"]),
        tuple(evidence["links"]),
        datetime.date.fromisoformat(evidence["date"]) if evidence["date"] else None,
        data["translation_key"], tuple((r["from"], r["to"]) for r in data["rename"]))


def suggestions_by_key(suggestions: Iterable[Suggestion]) -> dict[str, list[dict]]:
    """For ``status --json``: per translation key, the articles it looks like a
    translation of (the other side, score, evidence and how to pair them)."""
    found: dict[str, list[dict]] = {}
    for suggestion in suggestions:
        data = suggestion_to_dict(suggestion)
        first, second = data.pop("articles")
        found.setdefault(first["key"], []).append({**second, **data})
        found.setdefault(second["key"], []).append({**first, **data})
    return found


def _listed(items: tuple[str, ...]) -> str:
    """Items joined by commas, cut after ``SHOWN_PER_KIND``."""
    more = " …" if len(items) > SHOWN_PER_KIND else ""
    return ", ".join(items[:SHOWN_PER_KIND]) + more


def suggestion_lines(suggestions: list[Suggestion]) -> list[str]:
    """The suggestions for a terminal: who, the evidence, and how to pair them."""
    if not suggestions:
        return []
    lines = ["", f"{2 * len(suggestions)} articles look like translations of each other but "
                 "are not paired, so each page says the other language is missing:"]
    for s in suggestions:
        lines += ["", f"  {s.first.source} ({s.first.lang}) and {s.second.source} "
                      f"({s.second.lang}), score {s.score:.2f}"]
        evidence = [f"{label} {_listed(items)}" for label, items in (
            ("names", s.names), ("numbers", s.numbers), ("links", s.links)) if items]
        evidence += [f"date {s.date.isoformat()}"] if s.date else []
        lines += [f"    {'both have:' if n == 0 else '':<10} {item}"
                  for n, item in enumerate(evidence)]
        width = max(len(old) for old, _ in s.renames) if s.renames else 0
        lines += [f"    {'pair them:' if n == 0 else '':<10} {'rename' if n == 0 else '':<6} "
                  f"{old:<{width}} → {new}" for n, (old, new) in enumerate(s.renames)]
        lines.append(f"    {'or:' if s.renames else 'pair them:':>10} put 'translation_key: "
                     f"{s.key}' in the front matter of both")
    lines.append("")
    if any(c.source.endswith(".txt") for s in suggestions for c in (s.first, s.second)):
        lines.append("  A .txt file may start with front matter too: a line '---', the "
                     "translation_key line, a line '---'.")
    lines.append("  Page addresses come from the titles and do not change. If two articles "
                 "are not translations, ignore this.")
    return lines


def note_line(suggestions: list[Suggestion] | tuple) -> str | None:
    """The one line ``build`` prints about suggestions, or None when there are none."""
    if not suggestions:
        return None
    return (f"note: {2 * len(suggestions)} articles look like translations of each other "
            "but are not paired; run `bilingual status` to see them")
