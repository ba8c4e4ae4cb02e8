"""Every source of a site, read, tagged and paired: the first half of a build, and what
``status`` and ``newsletter`` need.

Each source's bytes are read and hashed once. A source whose bytes and parse fingerprint
match a stored result is not parsed again; the others are processed in worker processes
and their results streamed into the build state as they arrive, keeping only each
article's summary in memory (its blocks load when a page needs them).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .characters import printable
from .diagnostics import Diagnostic, diagnostics_from_json, error, info, warning
from .display import display_path, display_paths
from .filehashes import FileHashes
from .manifest import fingerprint
from .model import Article, Config
from .read import scan_sources
from .schedule import (
    HeldBack,
    Visibility,
    build_now,
    next_change,
    select_visible,
    visibility_states,
)
from .state import BuildState, article_from_dict, pack_articles
from .versions import detector_version
from .workers import run_tasks

#: Bytes of changed sources kept from hashing to hand to the workers; beyond this a
#: worker reads its file itself (memory stays flat when every source changed).
_KEEP_BYTES = 32 * 1024 * 1024


@dataclass
class Collection:
    """Every article of a site, read, tagged and paired, with what was found on the way."""

    sets: list  #: ArticleSets sorted by translation key
    diagnostics: list  #: every Diagnostic from every source and from pairing
    failed: list  #: display paths of sources that could not be built
    digests: dict = field(default_factory=dict)  #: source display path → sha256 of its bytes
    #: display path → (signature, sha256) of the sources to recognise unread next time
    signatures: dict = field(default_factory=dict)
    processed: int = 0  #: sources parsed and detected in this run
    reused: int = 0  #: sources whose results came from the build state
    held: list[HeldBack] = field(default_factory=list)  #: drafts and scheduled, left out
    states: dict = field(default_factory=dict)  #: source → what the schedule did to it
    next_change: datetime.datetime | None = None  #: when the next article goes live


def parse_fingerprint(config: Config) -> str:
    """What reading a source depends on: this code, the detector and the languages."""
    return fingerprint(__version__, detector_version(config.detector),
                       ",".join(config.languages), f"html={config.allow_html}")


def read_digests(paths: list[str], shown: dict[str, str], hashes: FileHashes
                 ) -> dict[str, str]:
    """sha256 of every source's bytes ("" for a file that cannot be read); a file that
    shows the signature ``hashes`` kept for it is not read."""
    for path in paths:
        hashes.digest(path, shown[path])
    return hashes.digests


class SourceReader:
    """The reading task: one source in; out its display path, diagnostics, articles
    (packed for the build state when ``packed``: the blocks as JSON text) and the
    detections it made or used."""

    def __init__(self, config: Config, tagger, packed: bool) -> None:
        self.config, self.tagger, self.packed = config, tagger, packed

    def prepare(self) -> None:
        """Load the parser, the detector's tables and every module reading needs."""
        from .markdown import markdown_parser
        from .process import process_file  # noqa: F401  (imported to be shared)

        for linkify in (True, False):
            markdown_parser(linkify, self.config.allow_html)
        self.tagger.detector.detect("Ett prov. A test.")  # loads its word tables

    def __call__(self, item: tuple[str, str, bytes | None]):
        """Process one (path, digest, bytes or None) item."""
        from .process import process_file

        path, digest, data = item
        result = process_file(Path(path), self.config, self.tagger, data, digest or None)
        articles = pack_articles(result.articles) if self.packed else list(result.articles)
        return result.path, result.diagnostics, articles, self.tagger.cache.take_new()


def collect(config: Config, *, state: BuildState | None = None, store: bool = True,
            use_cache: bool = True, jobs: int = 1, progress=None,
            hashes: FileHashes | None = None, scan: tuple | None = None,
            shown: dict[str, str] | None = None, visibility: Visibility | None = None
            ) -> Collection:
    """Read, parse, tag and pair every source; unchanged sources come from ``state``.

    With ``store`` what was read is stored in ``state``, and articles keep only their
    summaries in memory (the build). Without a ``state``, the site's build state is
    used if there is one, and nothing is stored (``status``, ``newsletter``);
    ``use_cache=False`` reads every source afresh. ``hashes`` (with the digests
    found so far), ``scan`` and ``shown`` (display path of each scanned source) may
    come from the caller, who had to hash the files anyway. Drafts and articles whose
    moment has not come are held back unless ``visibility`` asks for them (default:
    published articles only, "now" from ``build_now``).
    """
    from .pair import pair_articles

    if not config.articles.is_dir():
        problem = error(display_path(config.articles, config.root), 1, "articles",
                        "the articles folder does not exist",
                        "create it, or point 'paths.articles' / --articles at your articles")
        return Collection([], [problem], [])
    opened = None  # a state this call opens, it closes (blocks then load on their own)
    if state is None:
        state = opened = BuildState.open(config.cache, create=False) if use_cache else None
        store = False
    paths, links = scan if scan is not None else scan_sources(config.articles)
    shown = shown or display_paths(paths, config)
    hashes = hashes or FileHashes()
    try:
        results, damaged, processed = _read_all(config, state, store, paths, shown,
                                                hashes, jobs, progress)
    finally:
        if opened is not None:
            opened.close()
    diagnostics = [d for path in paths for d in results[shown[path]][1]]
    diagnostics += _passed_over(config, links)
    if not paths:
        diagnostics.append(error(display_path(config.articles, config.root), 1, "articles",
                                 "no articles found (looked for .txt and .md files)",
                                 "add an article, or point --articles at the right folder"))
    visibility = visibility or Visibility(build_now())
    every_article = [a for path in paths for a in results[shown[path]][0]]
    shown_articles, held = select_visible(every_article, visibility, config.timezone)
    sets, pair_problems = pair_articles(shown_articles, config.languages)
    diagnostics += pair_problems
    failed = sorted({shown[p] for p in paths
                     if any(d.severity == "error" for d in results[shown[p]][1])}
                    | {d.path for d in pair_problems if d.severity == "error"})
    diagnostics += state_notes(config, (state.notes if state and store else [])
                               + [f"the saved result of {s} was damaged; it is read again"
                                  for s in damaged[:3]])
    return Collection(sets, diagnostics, failed, hashes.digests, hashes.signatures,
                      processed, len(paths) - processed,
                      held, visibility_states(shown_articles, held),
                      next_change(every_article, visibility, config.timezone))


def _read_all(config: Config, state: BuildState | None, store: bool, paths: list[str],
              shown: dict, hashes: FileHashes, jobs: int, progress
              ) -> tuple[dict[str, tuple[list[Article], list]], list[str], int]:
    """Every source's (articles, diagnostics) by display path, the sources whose stored
    result was damaged, and how many were processed. Fills in ``hashes``."""
    parsed = parse_fingerprint(config)
    stored = state.cached_sources(parsed) if state is not None else {}
    results: dict[str, tuple[list[Article], list]] = {}
    damaged, to_process, kept = [], [], 0
    digests = hashes.digests
    for path in paths:
        name = shown[path]
        data = None
        if name not in digests and hashes.kept(path, name) is None:
            data = hashes.read(path, name)[0]  # hashed as it is read, kept for parsing
        hit = stored.get(name)
        if hit is not None and hit[0] == digests[name] and digests[name]:
            try:
                results[name] = ([article_from_dict(a, state.path, hit[0])
                                  for a in json.loads(hit[1])], diagnostics_from_json(hit[2]))
                continue
            except (ValueError, KeyError, TypeError):
                damaged.append(name)  # read the source again; its row is replaced
        if data is not None and kept + len(data) > _KEEP_BYTES:
            data = None
        kept += len(data or b"")
        to_process.append((str(path), digests[name], data))
    del stored
    if state is None or not store:
        for path, problems, articles, _ in _process(config, to_process, state is not None,
                                                    False, jobs, progress):
            results[path] = (articles, list(problems))
        return results, damaged, len(to_process)
    with state.transaction():  # committed before rendering: workers read the blocks
        for path, problems, packed, detections in _process(config, to_process, True, True,
                                                           jobs, progress):
            state.save_detections(detections)
            articles = []  # a source with an error has none
            if not any(d.code in ("too-slow", "internal") for d in problems):
                # A slow moment on a busy machine must not stick until the file changes,
                # nor a failure until the code does.
                articles = state.put_source(path, digests[path], parsed, packed, problems)
            results[path] = (articles, list(problems))
        state.forget_sources(set(digests))
    return results, damaged, len(to_process)


def _process(config: Config, items: list, cached: bool, packed: bool, jobs: int, progress):
    """What ``SourceReader`` gives for each (path, digest, bytes) item, in order."""
    from .process import make_tagger

    if not items:
        return iter(())
    task = SourceReader(config, make_tagger(config, cached=cached), packed)
    return run_tasks(task, items, len(items), jobs, progress, "read")


def _passed_over(config: Config, links: list[tuple[str, str]]) -> list[Diagnostic]:
    """Warnings for links and anything else in the articles folder that is not read."""
    return [warning(f"{display_path(config.articles, config.root)}/{printable(name)}", 1,
                    "symlink" if what.startswith("a link") else "not-a-file",
                    f"this is {what}, and is not read", "copy the article into the articles "
                    "folder as an ordinary file") for name, what in links]


def state_notes(config: Config, messages: list[str]) -> list[Diagnostic]:
    """Notes for build state that could not be used: the build goes on without it."""
    where = display_path(config.cache, config.root)
    return [info(where, 1, "cache", message,
                 "nothing to do; if this repeats, check the disk or delete the folder")
            for message in messages]
