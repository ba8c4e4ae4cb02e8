"""Language-detection benchmark: plain langdetect beside bilingual's tagger, one run.

Reads the labelled Swedish and English items in ../shared/langid (sentences, word pairs,
single words; see its README) and prints accuracy per set, per-block accuracy on mixed
documents built from the sentences (seeded), speed and start-up time.

    .venv/bin/python benchmarks/langid.py [--documents 2000] [--seed 0] [--markdown]

Columns:
  langdetect    plain langdetect 1.0.9, all 55 profiles, DetectorFactory.seed = 0,
                each item on its own (an answer other than sv/en counts as wrong)
  bilingual     this project's default tagger (detector = "langdetect")
  lingua        this project's tagger with detector = "lingua", when the extra is installed

Mixed documents: 3-8 paragraphs of 1-4 sentences each; every paragraph's language is
drawn at random (50/50, seeded), so neighbours predict nothing; before 30 % of the
paragraphs a heading is inserted: a word pair or a single word drawn from the items of
that paragraph's language (a heading is in the language of the section it opens).
bilingual tags each document as a whole (context on); plain langdetect judges each
block alone. "Blocks under 20 characters" counts those headings plus any one-sentence
paragraph that short.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LANGID = ROOT.parent / "shared" / "langid"
LANGUAGES = ("sv", "en")


def load_sets() -> dict[str, dict[str, list[str]]]:
    """{set name: {language: items}} from ../shared/langid."""
    return {name: {lang: [line for line in (LANGID / f"{lang}_{name}.txt").read_text(
        encoding="utf-8").splitlines() if line.strip()] for lang in LANGUAGES}
        for name in ("sentences", "wordpairs", "words")}


def make_documents(sets, count: int, seed: int) -> list[list[tuple[str, str, str]]]:
    """Documents as lists of (kind, text, language), built reproducibly from the sets."""
    rng = random.Random(seed)
    documents = []
    for _ in range(count):
        blocks = []
        for _ in range(rng.randint(3, 8)):
            lang = rng.choice(LANGUAGES)
            if rng.random() < 0.3:
                source = rng.choice(("wordpairs", "words"))
                blocks.append(("heading", rng.choice(sets[source][lang]), lang))
            sentences = [rng.choice(sets["sentences"][lang]) for _ in range(rng.randint(1, 4))]
            blocks.append(("paragraph", " ".join(sentences), lang))
        documents.append(blocks)
    return documents


class PlainLangdetect:
    """langdetect as shipped: every profile, seeded."""

    name = "langdetect"

    def __init__(self) -> None:
        from langdetect import DetectorFactory, detect
        from langdetect.lang_detect_exception import LangDetectException

        DetectorFactory.seed = 0
        self._detect = detect
        self._error = LangDetectException
        self._detect("warm up: load all profiles")

    def item(self, text: str) -> str | None:
        try:
            return self._detect(text)
        except self._error:
            return None

    def document(self, blocks) -> list[str | None]:
        return [self.item(text) for _, text, _ in blocks]


class Bilingual:
    """bilingual's tagger: whole documents through tag_languages, items through detect."""

    def __init__(self, detector: str) -> None:
        from pipeline.detectors import make_detector
        from pipeline.language import LanguageTagger

        self.name = "bilingual" if detector == "langdetect" else detector
        self._make = lambda: LanguageTagger(make_detector(detector, LANGUAGES))
        self.tagger = self._make()

    def item(self, text: str) -> str | None:
        return self.tagger.detect(text).lang

    def document(self, blocks) -> list[str | None]:
        from pipeline.language import tag_languages
        from pipeline.model import Block

        parsed = tuple(Block(kind, text, "", line, line, level=2 if kind == "heading" else 0)
                       for line, (kind, text, _) in enumerate(blocks, 1))
        return [block.lang for block in tag_languages(parsed, self.tagger)]

    def fresh(self) -> None:
        """An empty detection cache (the detector's own tables stay loaded)."""
        self.tagger = self._make()


def accuracy(correct: int, total: int) -> str:
    return f"{100 * correct / total:6.2f} %" if total else "     –  "


def score_sets(system, sets) -> dict[str, tuple[int, int]]:
    results = {}
    for name, by_lang in sets.items():
        for lang, items in by_lang.items():
            results[f"{name} {lang}"] = (sum(system.item(x) == lang for x in items), len(items))
    return results


def score_documents(system, documents) -> dict[str, tuple[int, int]]:
    blocks = short = blocks_ok = short_ok = 0
    for document in documents:
        answers = system.document(document)
        for (_, text, lang), answer in zip(document, answers, strict=True):
            blocks += 1
            blocks_ok += answer == lang
            if len(text) < 20:
                short += 1
                short_ok += answer == lang
    return {"mixed documents, per block": (blocks_ok, blocks),
            "  blocks under 20 characters": (short_ok, short)}


def speed(system, documents, repeat: int = 3) -> tuple[float, float]:
    """Paragraph blocks per second through whole-document tagging: (uncached, cached)."""
    paragraphs = [[b for b in document if b[0] == "paragraph"] for document in documents]
    count = sum(len(p) for p in paragraphs)
    uncached, cached = [], []
    for _ in range(repeat):
        if hasattr(system, "fresh"):
            system.fresh()
        started = time.perf_counter()
        for document in paragraphs:
            system.document(document)
        uncached.append(count / (time.perf_counter() - started))
        started = time.perf_counter()
        for document in paragraphs:
            system.document(document)
        cached.append(count / (time.perf_counter() - started))
    return statistics.median(uncached), statistics.median(cached)


def startup(code: str, repeat: int = 5) -> float:
    """Median wall time of a fresh interpreter running ``code``."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def split_time(repeat: int = 5) -> float:
    """Median wall time of `bilingual split` on one file, with no cache (fresh folder)."""
    source = ROOT / "articles" / "vanortssamarbete-kisumu.txt"
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "pipeline", "split", str(source)],
                           check=True, cwd=folder, capture_output=True)
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    options = parser.parse_args()
    if not LANGID.is_dir():
        print(f"{LANGID} is absent: this benchmark reads the labelled items in "
              "../shared/langid, which sit beside the repository in CI.", file=sys.stderr)
        return 2

    sets = load_sets()
    documents = make_documents(sets, options.documents, options.seed)
    systems = [PlainLangdetect(), Bilingual("langdetect")]
    try:
        import lingua  # noqa: F401
        systems.append(Bilingual("lingua"))
    except ImportError:
        print("(lingua column left out: pip install 'bilingual-publish[lingua]')", file=sys.stderr)

    rows: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for system in systems:
        results = score_sets(system, sets) | score_documents(system, documents)
        for row, (correct, total) in results.items():
            rows.setdefault(row, []).append(accuracy(correct, total))
            counts[row] = total
    speeds = {}
    for system in systems:
        uncached, cached = speed(system, documents[:500])
        speeds[system.name] = (uncached, cached)
    rows["paragraph blocks/s, uncached"] = [f"{speeds[s.name][0]:8.0f}" for s in systems]
    rows["paragraph blocks/s, cached"] = [
        f"{speeds[s.name][1]:8.0f}" if isinstance(s, Bilingual) else "       –"
        for s in systems]
    start = {
        "langdetect": startup("from langdetect import detect; detect('ett test')"),
        "bilingual": startup("from pipeline.process import make_tagger; "
                             "from pipeline.config import load_config; "
                             "make_tagger(load_config(None)).detect('ett test')"),
        "lingua": startup("from pipeline.detectors import make_detector; "
                          "make_detector('lingua', ('sv', 'en')).detect('ett test')")
        if len(systems) > 2 else 0.0,
    }
    rows["start-up: import + load + first answer, s"] = [
        f"{start[s.name]:8.2f}" for s in systems]
    rows["`bilingual split` one file, wall s"] = ["       –", f"{split_time():8.2f}"] + (
        ["       –"] if len(systems) > 2 else [])

    header = ["set", "items"] + [s.name for s in systems]
    lines = []
    if options.markdown:
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|" + "---|" * len(header))
        for row, values in rows.items():
            items = str(counts.get(row, ""))
            lines.append(f"| {row.strip()} | {items} | " + " | ".join(v.strip() for v in values)
                         + " |")
    else:
        lines.append(f"{'set':<44}{'items':>7}  " + "  ".join(f"{h:>10}" for h in header[2:]))
        for row, values in rows.items():
            lines.append(f"{row:<44}{counts.get(row, ''):>7}  "
                         + "  ".join(f"{v:>10}" for v in values))
    print("\n".join(lines))
    print(f"\n{options.documents} documents, seed {options.seed}, Python "
          f"{sys.version.split()[0]}, one process (one core).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
