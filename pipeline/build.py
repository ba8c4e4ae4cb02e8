"""The build, top to bottom: the one place where the stages are put in order.

scan → (nothing changed? repeat the last report) → read, parse, tag, pair (collect) →
suggest → plan → render and write → prune and save the build state.
A source with errors is left out; every other article still builds.
"""

from __future__ import annotations

import sqlite3
import time

from .collect import collect, parse_fingerprint, read_digests
from .display import display_path, display_paths
from .filehashes import FileHashes
from .manifest import Manifest, fingerprint, sha256
from .model import BuildReport, Config
from .read import scan_sources
from .schedule import Visibility, build_now
from .state import BuildState


def templates_fingerprint(config: Config) -> str:
    """One hash over every template the site can use (its own and the theme's)."""
    from .themes import builtin_theme

    parts = []
    for folder in (config.templates, builtin_theme()):
        if folder.is_dir():
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                parts.append(f"{path.relative_to(folder).as_posix()}:{sha256(path.read_bytes())}")
        parts.append("|")
    return fingerprint(*parts)


def site_fingerprint(config: Config) -> str:
    """Everything global an output depends on: code, detector, config and templates."""
    return fingerprint(parse_fingerprint(config), repr(config), templates_fingerprint(config))


class Laps:
    """Seconds per stage, for ``BuildReport.timings``."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._clock = time.perf_counter()

    def __call__(self, stage: str) -> None:
        """Record the time since the last lap under ``stage``."""
        now = time.perf_counter()
        self.timings[stage] = round(now - self._clock, 4)
        self._clock = now


def run(config: Config, *, check: bool = False, jobs: int = 1, progress=None,
        visibility: Visibility | None = None, on_wait=None) -> BuildReport:
    """Build the site described by ``config`` into ``config.output``.

    Incremental: sources whose bytes did not change are not parsed again, outputs whose
    inputs did not change are not rendered again, and outputs of removed articles are
    pruned (only files this pipeline wrote). With ``check`` everything is rendered and
    compared with the output folder; nothing is written, not even the build state.
    ``visibility`` says whether drafts and scheduled articles are shown (default:
    neither).

    One build of a site at a time (pipeline.lock): a second one waits for the first,
    telling ``on_wait`` once (default: a line on stderr), and gives up with an error
    after BILINGUAL_LOCK_TIMEOUT seconds (120). ``check`` waits only for a writer.
    """
    from .lock import LockTimeout, build_lock, timeout_diagnostic

    try:
        with build_lock(config.cache, shared=check, on_wait=on_wait):
            visibility = visibility or Visibility(build_now())
            with BuildState.opened(config.cache, create=not check) as state:
                try:
                    return _build(config, state, check, jobs, progress, visibility)
                except sqlite3.DatabaseError as problem:  # damaged in a way opening it
                    if isinstance(problem, sqlite3.OperationalError):  # did not show
                        raise  # locked, read-only or a full disk: not damage
            with BuildState.opened(config.cache, create=not check, discard=True) as state:
                return _build(config, state, check, jobs, progress, visibility)
    except LockTimeout as problem:
        shown = display_path(problem.path, config.root)
        return BuildReport((timeout_diagnostic(problem, shown),), (), (), 0, ())


def _build(config: Config, state: BuildState | None, check: bool, jobs: int, progress,
           visibility: Visibility) -> BuildReport:
    """The build itself, stage by stage, under the lock (see ``run``)."""
    from .unchanged import nothing_changed, unchanged_report

    lap = Laps()
    previous = Manifest.load(state, config.output) if state else Manifest()
    if previous.damaged:
        state.notes.append("the record of the last build was damaged; everything is "
                           "checked again")
    site = site_fingerprint(config)
    scan = scan_sources(config.articles) if config.articles.is_dir() else ([], [])
    hashes = FileHashes(state.file_hashes() if state and not check else {})
    shown = display_paths(scan[0], config)
    # Hashing every source first only pays when the last build may still be right;
    # otherwise reading hashes each source as it reads it.
    digests = (read_digests(scan[0], shown, hashes)
               if previous.fingerprint == site and not check else None)
    lap("scan")
    if nothing_changed(previous, config, site, digests, visibility):
        lap("verify")  # nothing changed: no parsing, no detection, no rendering
        return unchanged_report(previous, lap.timings)

    from .finish import check_report, finish_build  # rendering loads only when needed
    from .generate import make_outputs
    from .outputs import plan_build
    from .suggest import suggest_translations

    collection = collect(config, state=state, store=not check, jobs=jobs, progress=progress,
                         hashes=hashes, scan=scan, shown=shown, visibility=visibility)
    del scan, shown, hashes  # what rendering needs of them the collection holds
    lap("read")
    if not config.articles.is_dir():
        return BuildReport(tuple(collection.diagnostics), (), (), 0, (), timings=lap.timings)
    suggestions = tuple(suggest_translations(collection.sets, config.languages,
                                             collection.held))
    lap("suggest")
    plan = plan_build(config, collection, previous, site, check)
    lap("plan")
    outcomes = make_outputs(config, collection.sets, plan.planned, plan.chosen, check=check,
                            jobs=jobs, progress=progress)
    lap("render")
    if check:
        return check_report(config, collection, plan, outcomes, suggestions, lap)
    return finish_build(config, state, previous, collection, plan, outcomes, suggestions,
                        visibility, site, lap)
