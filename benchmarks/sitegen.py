"""Generate a reproducible bilingual site of N articles for benchmarks and tests.

Two corpora. "pairs": every article is a Markdown pair (key.sv.md + key.en.md, about
600 words each, front matter with title and date). "mixed" (the default here, which the
tests use): half Markdown pairs, half mixed plain-text posts in the ICLD style (Swedish
title and lead, an English heading and summary, a Swedish byline, a Swedish body; about
600 words). Sentences come from ../shared/langid when it is there (benchmarks), or from
``benchmarks/sentences/``, fifty sentences per language written for this project (tests
always use those, so a clone with nothing beside it builds the same sites).

The same N, seed and corpus always give the same files. ``write_peer_sites`` gives
Pelican and Hugo every article as the very same two Markdown files bilingual reads for a
pair (``pair_text``); a mixed post becomes such a pair, since neither reads mixed text.
"""

from __future__ import annotations

import datetime
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGID = ROOT.parent / "shared" / "langid"
OWNED = Path(__file__).resolve().parent / "sentences"
WEEKDAYS = ["Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag"]
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december"]


def sentence_pool(source: str = "best") -> dict[str, list[str]]:
    """Swedish and English sentences of 40 to 200 characters.

    ``source`` is "owned" (the project's own ``benchmarks/sentences/``), "langid" (the
    labelled corpus in ../shared) or "best": langid when it is there, else owned.
    """
    folder = LANGID if source == "langid" or (source == "best" and LANGID.is_dir()) else OWNED
    name = "{}_sentences.txt" if folder == LANGID else "{}.txt"
    return {lang: [s for s in (folder / name.format(lang)).read_text(
        encoding="utf-8").splitlines() if 40 <= len(s) <= 200] for lang in ("sv", "en")}


class Article:
    """One generated article: its key, date and text per language."""

    def __init__(self, rng: random.Random, pool: dict[str, list[str]], index: int,
                 mixed: bool) -> None:
        self.index = index
        self.key = f"artikel-{index:05d}"
        start = datetime.date(2015, 1, 1)
        self.date = start + datetime.timedelta(days=rng.randrange(3650))
        self.mixed = mixed  #: one plain-text post holding both languages
        self.title = {lang: self._title(rng, pool[lang], index) for lang in ("sv", "en")}
        words = {"sv": 450, "en": 150} if self.mixed else {"sv": 600, "en": 600}
        self.paragraphs = {lang: self._paragraphs(rng, pool[lang], words[lang])
                           for lang in ("sv", "en")}
        # "b" keeps a heading from ever equalling another article's title (and URL).
        self.heading = {lang: self._title(rng, pool[lang], index) + "b" for lang in ("sv", "en")}

    @staticmethod
    def _title(rng: random.Random, sentences: list[str], index: int) -> str:
        words = re.findall(r"[^\W\d_]+", rng.choice(sentences))[:6]
        return " ".join(words).capitalize() + f" {index}"

    @staticmethod
    def _paragraphs(rng: random.Random, sentences: list[str], words: int) -> list[str]:
        paragraphs, count = [], 0
        while count < words:
            paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
            paragraphs.append(paragraph)
            count += len(paragraph.split())
        return paragraphs

    def byline(self) -> str:
        d = self.date
        return (f"Publicerat av Nordvik kommun {WEEKDAYS[d.weekday()]} {d.day} "
                f"{MONTHS[d.month - 1]} {d.year}")


CORPORA = ("pairs", "mixed")


def generate(count: int, seed: int = 0, source: str = "best",
             corpus: str = "mixed") -> list[Article]:
    """The articles of a site of ``count`` articles: Markdown pairs only (``corpus``
    "pairs") or every other one a mixed post ("mixed"); ``source``: see sentence_pool."""
    if corpus not in CORPORA:
        raise ValueError(f"corpus {corpus!r}: choose one of {', '.join(CORPORA)}")
    rng = random.Random(seed)
    pool = sentence_pool(source)
    return [Article(rng, pool, index, corpus == "mixed" and index % 2 == 1)
            for index in range(count)]


def pair_text(article: Article, lang: str) -> str:
    """One language of ``article`` as a Markdown file with YAML front matter (title,
    date), read the same way by bilingual, Pelican (Python-Markdown's meta extension
    accepts the ``---`` fences) and Hugo; the language comes from the file name."""
    body = "\n\n".join([article.paragraphs[lang][0], f"## {article.heading[lang]}",
                        *article.paragraphs[lang][1:]])
    return (f"---\ntitle: {article.title[lang]}\ndate: {article.date.isoformat()}\n"
            f"---\n\n{body}\n")


def write_bilingual_site(folder: Path, articles: list[Article]) -> None:
    """articles/ and bilingual.toml for bilingual."""
    (folder / "articles").mkdir(parents=True, exist_ok=True)
    (folder / "bilingual.toml").write_text(
        'base_url = "https://www.example.org/"\nlanguages = ["sv", "en"]\n'
        'default_language = "sv"\n[title]\nsv = "Nyheter"\nen = "News"\n', encoding="utf-8")
    for article in articles:
        if article.mixed:
            p = article.paragraphs
            text = "\n\n".join([
                article.title["sv"], p["sv"][0], article.title["en"], *p["en"],
                article.byline(), *p["sv"][1:3], article.heading["sv"], *p["sv"][3:]]) + "\n"
            (folder / "articles" / f"{article.key}.txt").write_text(text, encoding="utf-8")
        else:
            for lang in ("sv", "en"):
                (folder / "articles" / f"{article.key}.{lang}.md").write_text(
                    pair_text(article, lang), encoding="utf-8")


def touch_one(folder: Path, articles: list[Article]) -> Path:
    """Change one article's text (the first Markdown pair's Swedish file)."""
    path = folder / "articles" / f"{articles[0].key}.sv.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nEn ny mening på slutet.\n",
                    encoding="utf-8")
    return path


def write_peer_sites(pelican: Path, hugo: Path, articles: list[Article]) -> None:
    """The same articles for Pelican (content/) and Hugo (content/posts/), as the files
    bilingual reads for a pair (Pelican takes slug and language from the file name)."""
    (pelican / "content").mkdir(parents=True, exist_ok=True)
    (hugo / "content" / "posts").mkdir(parents=True, exist_ok=True)
    for article in articles:
        for lang in ("sv", "en"):
            text = pair_text(article, lang)
            for folder in (pelican / "content", hugo / "content" / "posts"):
                (folder / f"{article.key}.{lang}.md").write_text(text, encoding="utf-8")
