"""Generate a reproducible bilingual site of N articles for benchmarks and tests.

Half the articles are Markdown pairs (slug.sv.md + slug.en.md, about 600 words each),
half are mixed plain-text posts in the ICLD style (Swedish title and lead, an English
heading and summary, a Swedish byline, a Swedish body; about 600 words). Sentences come
from ../shared/langid when it is there (benchmarks), or from ``benchmarks/sentences/``,
fifty sentences per language written for this project (tests always use those, so a
clone with nothing beside it builds the same sites).

The same N and seed always give the same files. ``write_peer_sites`` writes the same
articles for Pelican and Hugo (each mixed post as a Swedish and an English Markdown file,
since neither tool reads mixed plain text).
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

    def __init__(self, rng: random.Random, pool: dict[str, list[str]], index: int) -> None:
        self.index = index
        self.key = f"artikel-{index:05d}"
        start = datetime.date(2015, 1, 1)
        self.date = start + datetime.timedelta(days=rng.randrange(3650))
        self.mixed = index % 2 == 1
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


def generate(count: int, seed: int = 0, source: str = "best") -> list[Article]:
    """The articles of a site of ``count`` articles (``source``: see sentence_pool)."""
    rng = random.Random(seed)
    pool = sentence_pool(source)
    return [Article(rng, pool, index) for index in range(count)]


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
                body = "\n\n".join([article.paragraphs[lang][0],
                                    f"## {article.heading[lang]}",
                                    *article.paragraphs[lang][1:]])
                (folder / "articles" / f"{article.key}.{lang}.md").write_text(
                    f"---\ntitle: {article.title[lang]}\ndate: {article.date.isoformat()}\n"
                    f"---\n\n{body}\n", encoding="utf-8")


def touch_one(folder: Path, articles: list[Article]) -> Path:
    """Change one article's text (the first Markdown pair's Swedish file)."""
    path = folder / "articles" / f"{articles[0].key}.sv.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nEn ny mening på slutet.\n",
                    encoding="utf-8")
    return path


def write_peer_sites(pelican: Path, hugo: Path, articles: list[Article]) -> None:
    """The same articles for Pelican (content/) and Hugo (content/posts/)."""
    (pelican / "content").mkdir(parents=True, exist_ok=True)
    (hugo / "content" / "posts").mkdir(parents=True, exist_ok=True)
    for article in articles:
        for lang in ("sv", "en"):
            paragraphs = article.paragraphs[lang]
            body = "\n\n".join([paragraphs[0], f"## {article.heading[lang]}", *paragraphs[1:]])
            (pelican / "content" / f"{article.key}-{lang}.md").write_text(
                f"Title: {article.title[lang]}\nDate: {article.date.isoformat()}\n"
                f"Slug: {article.key}\nLang: {lang}\n\n{body}\n", encoding="utf-8")
            (hugo / "content" / "posts" / f"{article.key}.{lang}.md").write_text(
                f"---\ntitle: \"{article.title[lang]}\"\ndate: {article.date.isoformat()}\n"
                f"---\n\n{body}\n", encoding="utf-8")
