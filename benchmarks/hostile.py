"""Hostile input: seconds to read, parse and tag the worst text we know of, per pattern.

    .venv/bin/python benchmarks/hostile.py [--size 1000000] [--runs 3] [--only a@]
                                            [--limit 60] [--regexes]

The promise (issue 13): no source of at most 1 MB takes more than 5 s to read, parse
and tag on one core. Each pattern below is a source body of about --size characters
built to hit one weakness: backtracking regexes (``a@`` repeated, one huge word, runs
of dots, dashes or URL-like text), markdown-it's nesting (quotes and lists nested
deeper than its limit), or plain volume (many short lines, a 1 MB paragraph).

Every run is timed in this one process, as the build's worker does it:
``pipeline.read.parse_source`` then ``pipeline.process.process_document`` with a fresh
tagger (no detection cache; the detector's per-word memo is emptied too). The table
shows the median of --runs runs. A run still going after --limit seconds is stopped
(SIGALRM; regexes notice it) and shown as ">limit": that is how a "before" table of a
quadratic pattern can be made at all. Timing tests do not belong in the test suite,
where a loaded machine makes them flaky: this script is where the figures come from.

--regexes times every compiled pattern of the modules that run on author text on
hostile strings of 10,000 and 20,000 characters and prints the ratio: about 2 is
linear, about 4 quadratic. A high ratio needs a look at the call site, which may bound
its input (bylines and phrase lookups only see short lines).
"""

from __future__ import annotations

import argparse
import re
import signal
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: A few ordinary sentences (written for this benchmark) for the volume patterns.
PROSE = ("Föreningen håller sitt årsmöte i det stora rummet på torsdag klockan sju. "
         "Alla medlemmar är välkomna, och det bjuds på kaffe efter mötet. "
         "The annual meeting is held in the large room on Thursday at seven. "
         "Every member is welcome, and coffee is served after the meeting. ")


def _repeat(unit: str, size: int) -> str:
    """``unit`` repeated to about ``size`` characters."""
    return unit * max(1, size // len(unit))


def _nested_list(size: int) -> str:
    """A list nested ever deeper, one item per level, until ``size`` characters."""
    lines, depth, total = [], 0, 0
    while total < size:
        line = "  " * depth + f"- ord {depth}"
        lines.append(line)
        total += len(line) + 1
        depth += 1
    return "\n".join(lines)


#: name → (file suffix, body generator taking the size in characters).
PATTERNS: dict[str, tuple[str, Callable[[int], str]]] = {
    "a@ repeated": ("txt", lambda n: _repeat("a@", n)),
    "a@b. repeated": ("txt", lambda n: _repeat("a@b.", n)),
    "a@ repeated (md)": ("md", lambda n: _repeat("a@", n)),
    "one huge word": ("txt", lambda n: _repeat("a", n)),
    "one huge word (md)": ("md", lambda n: _repeat("a", n)),
    "huge capitalised word": ("txt", lambda n: "Ä" + _repeat("å", n)),
    "dots": ("txt", lambda n: _repeat(".", n)),
    "dashes": ("txt", lambda n: _repeat("-", n)),
    "dash space": ("txt", lambda n: "x " + _repeat("- ", n)),
    "hashes": ("txt", lambda n: _repeat("#", n)),
    "hashes (md)": ("md", lambda n: _repeat("#", n)),
    "stars (md)": ("md", lambda n: _repeat("*", n)),
    "star a (md)": ("md", lambda n: _repeat("*a", n)),
    "underscores (md)": ("md", lambda n: _repeat("_", n)),
    "backticks (md)": ("md", lambda n: _repeat("`", n)),
    "brackets (md)": ("md", lambda n: _repeat("[", n)),
    "link openers (md)": ("md", lambda n: _repeat("[a](", n)),
    "image openers (md)": ("md", lambda n: _repeat("![", n)),
    "angle brackets (md)": ("md", lambda n: _repeat("<", n)),
    "angle a (md, html)": ("md", lambda n: _repeat("<a ", n)),
    "table cells (md)": ("md", lambda n: "| a | b |\n|---|---|\n" + _repeat("| x ", n)),
    "emoji": ("txt", lambda n: _repeat("😀", n // 2)),
    "flags and joiners": ("txt", lambda n: _repeat("🇸🇪👩‍👩‍👧 ", n // 3)),
    "http then a word": ("txt", lambda n: "http://" + _repeat("a", n)),
    "http then dots": ("txt", lambda n: "https://x" + _repeat(".", n)),
    "www repeated": ("txt", lambda n: _repeat("www.", n)),
    "url path repeated": ("txt", lambda n: _repeat("http://a.se/", n)),
    "url path repeated (md)": ("md", lambda n: _repeat("http://a.se/", n)),
    "scheme-like repeated (md)": ("md", lambda n: _repeat("a://", n)),
    "http then a word (md)": ("md", lambda n: "http://" + _repeat("a", n)),
    "many short links": ("txt", lambda n: _repeat("www.a.se ", n)),
    "many short links (md)": ("md", lambda n: _repeat("www.a.se ", n)),
    "many e-mail addresses": ("txt", lambda n: _repeat("ab@cd.se ", n)),
    "spaces inside a line": ("txt", lambda n: "a" + " " * n + "b"),
    "quotes": ("txt", lambda n: _repeat('"', n)),
    "quote a": ("txt", lambda n: _repeat('"a ', n)),
    "parentheses": ("txt", lambda n: "a " + _repeat("(", n)),
    "capitalised words": ("txt", lambda n: _repeat("Anna ", n)),
    "short sentences": ("txt", lambda n: _repeat("A. ", n)),
    "digits and commas": ("txt", lambda n: _repeat("1,", n)),
    "colons": ("txt", lambda n: _repeat("a:", n)),
    "slash separators": ("txt", lambda n: _repeat("a / ", n)),
    "many short lines": ("txt", lambda n: _repeat("Ord\n", n)),
    "many short lines (md)": ("md", lambda n: _repeat("Ord\n\n", n)),
    "1 MB paragraph": ("txt", lambda n: _repeat(PROSE, n)),
    "1 MB paragraph (md)": ("md", lambda n: _repeat(PROSE, n)),
    "paragraphs": ("txt", lambda n: _repeat(PROSE + "\n\n", n)),
    "deep quote, one line (md)": ("md", lambda n: _repeat(">", n) + " ord"),
    "deep quotes, many lines (md)": ("md", lambda n: _repeat(">" * 40 + " ord\n", n)),
    "deep list (md)": ("md", _nested_list),
}


class Stopped(Exception):
    """Raised by the alarm when one run goes past --limit."""


def _stop(*_) -> None:
    """SIGALRM handler: abandon the run."""
    raise Stopped


def time_pattern(name: str, size: int, runs: int, limit: float) -> tuple[float, bool]:
    """Median seconds of ``runs`` runs of one pattern, and whether a run hit ``limit``."""
    from pipeline import language
    from pipeline.detectors import make_detector
    from pipeline.language import LanguageTagger
    from pipeline.process import process_document
    from pipeline.read import parse_source

    suffix, make = PATTERNS[name]
    data = ("Rubrik\n\n" + make(size) + "\n").encode("utf-8")
    detector = make_detector("langdetect", ("sv", "en"))
    seconds = []
    for _ in range(runs):
        # A fresh tagger: nothing remembered from the run before.
        getattr(detector, "_word_scores", {}).clear()
        getattr(detector, "_token_scores", {}).clear()
        language._one_sided_count.cache_clear()
        tagger = LanguageTagger(detector)
        signal.setitimer(signal.ITIMER_REAL, limit)
        started = time.perf_counter()
        try:
            document, _ = parse_source(f"articles/hostile.{suffix}", data, ("sv", "en"))
            if document is not None:
                process_document(document, tagger, name.endswith("html)"))
        except Stopped:
            return limit, True
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), False


def _time_matching(pattern: re.Pattern[str], text: str, limit: float) -> float:
    """Seconds for every search over ``text`` plus one anchored match; ``limit`` at most."""
    signal.setitimer(signal.ITIMER_REAL, limit)
    started = time.perf_counter()
    try:
        for _ in pattern.finditer(text):
            pass
        pattern.match(text)
    except Stopped:
        return limit
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return time.perf_counter() - started


def audit_regexes(limit: float) -> None:
    """Time every module-level pattern on hostile strings at two sizes; print ratios."""
    from pipeline import (
        detectors,
        features,
        language,
        links,
        markdown,
        meta,
        parse,
        refine,
        shapes,
        words,
    )

    patterns = [(f"{module.__name__.split('.')[-1]}.{name}", value)
                for module in (detectors, features, language, links, markdown, parse, refine,
                               shapes, words)
                for name, value in vars(module).items() if isinstance(value, re.Pattern)]
    patterns += [(f"meta._patterns[{i}]", p) for i, p in enumerate(meta._patterns())]
    patterns += [(f"shapes.ANNOUNCEMENTS[{k}]", p) for k, p in shapes.ANNOUNCEMENTS.items()]
    units = ["a@", "a", "a@b.", ".", "-", "- ", " ", "A", "Anna ", "1,", "1 ", "a:", '"a ',
             "(", "http://a", "www.", "#", "a / ", "Ab. ", "!? ", "<!--", "a-"]
    print(f"{'pattern':34} {'worst unit':12} {'10k s':>8} {'ratio':>6}", flush=True)
    for label, pattern in patterns:
        worst = ("", 0.0, 0.0)
        for unit in units:
            small, large = (_time_matching(pattern, "x" + _repeat(unit, size) + "\u2603", limit)
                            for size in (10_000, 20_000))
            if large > worst[2]:
                worst = (unit, small, large)
        unit, small, large = worst
        ratio = large / small if small > 1e-4 else 0.0
        flag = "  <- check the call site" if ratio > 3 and large > 0.005 else ""
        print(f"{label:34} {unit!r:12} {small:8.4f} {ratio:6.1f}{flag}", flush=True)


def main() -> None:
    """Parse options, time each pattern and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="characters per source")
    parser.add_argument("--runs", type=int, default=3, help="runs per pattern (median)")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before a run stops")
    parser.add_argument("--only", help="only patterns whose name holds this text")
    parser.add_argument("--regexes", action="store_true", help="audit the regexes instead")
    options = parser.parse_args()
    signal.signal(signal.SIGALRM, _stop)
    if options.regexes:
        audit_regexes(min(options.limit, 5.0))
        return
    names = [n for n in PATTERNS if not options.only or options.only in n]
    print(f"{'pattern':30} {'seconds':>9}   ({options.size:,} characters, median of "
          f"{options.runs})")
    slowest = 0.0
    for name in names:
        seconds, stopped = time_pattern(name, options.size, options.runs, options.limit)
        slowest = max(slowest, seconds)
        shown = f">{seconds:.0f}" if stopped else f"{seconds:.2f}"
        print(f"{name:30} {shown:>9}", flush=True)
    print(f"slowest: {slowest:.2f} s")


if __name__ == "__main__":
    main()
