"""One source at a time: read, parse, tag languages, lift metadata, assemble.

``process_document`` is pure (a SourceDocument in, a SourceResult out);
``process_file`` adds the read from disk and a time budget. The build maps them over
every source.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .assemble import assemble_articles
from .cache import DetectionCache
from .detectors import make_detector
from .diagnostics import Diagnostic, error
from .display import display_path, display_paths  # noqa: F401  (re-exported)
from .language import LanguageTagger, low_confidence_warnings, tag_languages
from .meta import lift_metadata
from .model import Article, Block, Config, Metadata, SourceDocument
from .parse import parse_document
from .read import read_source
from .refine import settle_signatures
from .state import FILE_NAME as STATE_FILE

#: Wall-clock seconds one source may take to read, parse, tag and assemble, plus
#: SECONDS_PER_MB for each megabyte of it. Every stage is linear, and the worst text we
#: know of takes under 5 s per MB on one core (benchmarks/hostile.py); a source over
#: its budget has met a pattern that is not, and fails alone instead of hanging the
#: build. Generous, so a busy machine does not fail good sources.
SOURCE_SECONDS = 10.0
SECONDS_PER_MB = 5.0


@dataclass(frozen=True, slots=True)
class SourceResult:
    """Everything learned from one source file."""

    path: str  #: display path
    document: SourceDocument | None  #: None when the file could not be read
    blocks: tuple[Block, ...]  #: tagged blocks
    metadata: Metadata  #: date and publisher
    articles: tuple[Article, ...]  #: one per language; empty when the source has errors
    diagnostics: tuple[Diagnostic, ...]  #: problems found in this source

    @property
    def failed(self) -> bool:
        """True when the source has an error and builds no article."""
        return any(d.severity == "error" for d in self.diagnostics)


def make_tagger(config: Config, *, cached: bool = True) -> LanguageTagger:
    """The site's detector; with ``cached``, it looks detections up in the build state
    under ``paths.cache`` (when there is one; this never creates it)."""
    detector = make_detector(config.detector, config.languages)
    database = config.cache / STATE_FILE
    return LanguageTagger(detector, DetectionCache(
        str(database) if cached and database.is_file() else None, detector.version))


def process_document(document: SourceDocument, tagger: LanguageTagger,
                     allow_html: bool = False) -> SourceResult:
    """Parse, tag, lift metadata and assemble one document; no disk access."""
    parsed, parse_problems = parse_document(document, allow_html)
    blocks = settle_signatures(tag_languages(parsed, tagger, declared=document.file_lang))
    metadata, meta_problems = lift_metadata(document.path, blocks, document.meta)
    articles, assemble_problems = assemble_articles(document, blocks, metadata)
    diagnostics = tuple(parse_problems + low_confidence_warnings(document.path, blocks)
                        + meta_problems + assemble_problems)
    if any(d.severity == "error" for d in diagnostics):
        articles = []
    return SourceResult(document.path, document, blocks, metadata, tuple(articles), diagnostics)


def process_file(path: Path, config: Config, tagger: LanguageTagger, data: bytes | None = None,
                 digest: str | None = None) -> SourceResult:
    """Read one file (unless ``data`` holds its bytes, and ``digest`` their sha256) and
    process it; unreadable files give a result with their error, and so does a file that
    takes longer than its budget (see SOURCE_SECONDS)."""
    shown = display_path(path, config.root)
    try:
        size = len(data) if data is not None else path.stat().st_size
    except OSError:
        size = 0  # read_source says what is wrong with it
    seconds = SOURCE_SECONDS + SECONDS_PER_MB * size / 1_000_000
    try:
        with time_budget(seconds):
            return _read_and_process(path, shown, config, tagger, data, digest)
    except OverBudget:
        return SourceResult(shown, None, (), Metadata(), (), (error(
            shown, 1, "too-slow",
            f"reading, parsing and tagging this file took more than {seconds:.0f} s, so it "
            "was given up and builds no article (the other articles still build)",
            "split the file into smaller articles; if it is an ordinary article, please "
            "report it as a bug with the file attached"),))
    except Exception as problem:  # noqa: BLE001 - one source's bug must not stop the build
        if os.environ.get("BILINGUAL_DEBUG"):
            raise
        return SourceResult(shown, None, (), Metadata(), (), (error(
            shown, 1, "internal",
            f"bilingual failed on this file ({type(problem).__name__}: "
            f"{str(problem)[:200]}), so it builds no article (the other articles still "
            "build)", "this is a bug in bilingual, not a mistake of yours: please report "
            "it with the file attached; rewording the line that holds the oddity usually "
            "gets round it"),))


def _read_and_process(path: Path, shown: str, config: Config, tagger: LanguageTagger,
                      data: bytes | None, digest: str | None) -> SourceResult:
    """``process_file`` without its time budget."""
    document, problems = read_source(path, shown, config.languages, data, digest)
    if document is None:
        return SourceResult(shown, None, (), Metadata(), (), tuple(problems))
    result = process_document(document, tagger, config.allow_html)
    if problems:
        result = SourceResult(result.path, document, result.blocks, result.metadata,
                              result.articles, tuple(problems) + result.diagnostics)
    return result


class OverBudget(BaseException):
    """Raised inside a source's processing when its time budget runs out.

    A BaseException, like KeyboardInterrupt, so no ``except Exception`` on the way
    (in a library, say) can swallow it and carry on.
    """


def _over_budget(signum: int, frame) -> None:
    """SIGALRM handler: stop the source being processed."""
    raise OverBudget


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise OverBudget in the block if it runs longer than ``seconds`` of wall time.

    Python cannot stop a thread from outside, so this uses SIGALRM (the real-time
    interval timer), whose handler Python runs between bytecodes; the regex engine
    checks for signals too, so a backtracking pattern is stopped as well. Signals
    reach the main thread only, and the timer is one per process: in any other
    thread (a test calling build.run from a thread, say), or when a timer is already
    running (set by whoever called us), there is no budget. Build workers are forked
    processes, so each has its own main thread and timer; ``serve`` rebuilds in its
    main thread. The timer and the previous handler are restored on the way out.
    """
    if (threading.current_thread() is not threading.main_thread()
            or not hasattr(signal, "setitimer")
            or signal.getitimer(signal.ITIMER_REAL)[0] > 0):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _over_budget)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        # Nested so the handler comes back even if the alarm fires while the timer is
        # being cleared. None: a handler set outside Python, which cannot be put back.
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
