"""The build, top to bottom: the one place where the stages are put in order.

read → parse → language → meta → assemble (per source), then pair → render → write.
A source with errors is left out; every other article still builds.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .characters import printable
from .detectors import detector_version
from .diagnostics import Diagnostic, error, info, warning
from .display import display_path, display_paths
from .manifest import (
    Manifest,
    SourceCache,
    diagnostic_to_list,
    fingerprint,
    sha256,
)
from .model import BuildReport, Config, OutputFile
from .read import scan_sources
from .schedule import (
    HeldBack,
    Visibility,
    build_now,
    next_change,
    select_visible,
    visibility_states,
)
from .status import record_history
from .suggest import suggest_translations, suggestion_to_dict

if TYPE_CHECKING:  # parsing and detection load only when a source must be read
    from .language import LanguageTagger
    from .process import SourceResult


@dataclass
class Collection:
    """Every article of a site, read, tagged and paired, with what was found on the way."""

    sets: list  #: ArticleSets sorted by translation key
    diagnostics: list  #: every Diagnostic from every source and from pairing
    failed: list  #: display paths of sources that could not be built
    digests: dict = field(default_factory=dict)  #: source display path → sha256 of its bytes
    processed: int = 0  #: sources parsed and detected in this run
    reused: int = 0  #: sources whose results came from the cache
    tagger: LanguageTagger | None = None  #: holds the detection cache to save
    sources: SourceCache | None = None  #: per-source results to save
    held: list[HeldBack] = field(default_factory=list)  #: drafts and scheduled, left out
    states: dict = field(default_factory=dict)  #: source → what the schedule did to it
    next_change: datetime.datetime | None = None  #: when the next article goes live


# Worker processes get the tagger and config by fork, not by pickling.
_WORKER: dict = {}


def _process_in_worker(item: tuple[str, str]) -> tuple[SourceResult, dict]:
    """Process one file in a worker; return its result and the detections it added."""
    from .process import process_file

    path, _ = item
    tagger = _WORKER["tagger"]
    result = process_file(Path(path), _WORKER["config"], tagger)
    return result, tagger.cache.take_new()


def _map(function, items: list, jobs: int, progress, stage: str) -> list:
    """``function`` over ``items`` in order, in ``jobs`` forked processes when worth it."""
    results = []
    if jobs > 1 and len(items) >= _PARALLEL_FROM:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            chunk = max(1, min(32, len(items) // (jobs * 8)))
            for result in pool.map(function, items, chunksize=chunk):
                results.append(result)
                if progress:
                    progress(stage, len(results), len(items))
        return results
    for item in items:
        results.append(function(item))
        if progress:
            progress(stage, len(results), len(items))
    return results


#: Fewer work items than this are done in the main process: forking costs ~50 ms.
_PARALLEL_FROM = 24


def parse_fingerprint(config: Config) -> str:
    """What reading a source depends on: this code, the detector and the languages."""
    return fingerprint(__version__, detector_version(config.detector),
                       ",".join(config.languages), f"html={config.allow_html}")


def collect(config: Config, *, jobs: int = 1, progress=None, digests: dict | None = None,
            scan: tuple | None = None, use_cache: bool = True,
            visibility: Visibility | None = None) -> Collection:
    """Read, parse, tag and pair every source; unchanged sources come from the cache.

    Drafts and articles whose moment has not come are held back unless ``visibility``
    asks for them (default: published articles only, "now" from ``build_now``).
    Nothing is written: the caller saves ``collection.tagger.cache`` and
    ``collection.sources`` when it wants them kept.
    """
    from .pair import pair_articles

    if not config.articles.is_dir():
        problem = error(display_path(config.articles, config.root), 1, "articles",
                        "the articles folder does not exist",
                        "create it, or point 'paths.articles' / --articles at your articles")
        return Collection([], [problem], [])
    paths, links = scan if scan is not None else scan_sources(config.articles)
    shown = display_paths(paths, config)
    if digests is None:
        digests = read_digests(paths, shown)
    cache = SourceCache(config.cache / "sources" if use_cache else None,
                        parse_fingerprint(config))
    results: dict[str, tuple[list, list]] = {}
    to_process = []
    for path in paths:
        cached = cache.get(shown[path], digests[shown[path]])
        if cached is not None:
            results[shown[path]] = cached
        else:
            to_process.append((str(path), shown[path]))
    from .process import make_tagger

    tagger = make_tagger(config)
    if to_process:
        _WORKER.update(config=config, tagger=tagger)
        try:
            processed = _map(_process_in_worker, to_process, jobs, progress, "read")
        finally:
            _WORKER.clear()
        for result, detections in processed:
            tagger.cache.merge(detections)
            results[result.path] = (list(result.articles), list(result.diagnostics))
            if not any(d.code == "too-slow" for d in result.diagnostics):
                # A slow moment on a busy machine must not stick until the file changes.
                cache.put(result.path, digests[result.path], result.articles,
                          result.diagnostics)
    ordered = [results[shown[path]] for path in paths]
    diagnostics = [d for _, problems in ordered for d in problems]
    for name, what in links:  # links and anything else that is not a plain file
        diagnostics.append(warning(
            f"{display_path(config.articles, config.root)}/{printable(name)}", 1,
            "symlink" if what.startswith("a link") else "not-a-file",
            f"this is {what}, and is not read", "copy the article into the articles "
            "folder as an ordinary file"))
    if not paths:
        diagnostics.append(error(display_path(config.articles, config.root), 1, "articles",
                                 "no articles found (looked for .txt and .md files)",
                                 "add an article, or point --articles at the right folder"))
    visibility = visibility or Visibility(build_now())
    every_article = [a for articles, _ in ordered for a in articles]
    shown_articles, held = select_visible(every_article, visibility, config.timezone)
    sets, pair_problems = pair_articles(shown_articles, config.languages)
    diagnostics += pair_problems
    failed = sorted({shown[p] for p in paths
                     if any(d.severity == "error" for d in results[shown[p]][1])}
                    | {d.path for d in pair_problems if d.severity == "error"})
    diagnostics += _cache_notes(config, tagger.cache.damaged, cache.damaged)
    return Collection(sets, diagnostics, failed, digests, len(to_process),
                      len(paths) - len(to_process), tagger, cache, held,
                      visibility_states(shown_articles, held),
                      next_change(every_article, visibility, config.timezone))


def _cache_notes(config: Config, detections: bool, sources: list[str],
                 manifest: bool = False) -> list[Diagnostic]:
    """Notes for damaged state files: thrown away, and the build goes on without them."""
    where = display_path(config.cache, config.root)
    names = (["the detection cache"] * detections + ["the build record"] * manifest
             + [f"the saved result of {source}" for source in sources[:3]])
    return [info(where, 1, "cache", f"{name} was damaged; it is thrown away and rebuilt",
                 "nothing to do; if this repeats, check the disk or delete the folder")
            for name in names]


def read_digests(paths: list[Path], shown: dict[Path, str]) -> dict[str, str]:
    """sha256 of every source's bytes ("" for a file that cannot be read)."""
    digests = {}
    for path in paths:
        try:
            digests[shown[path]] = sha256(path.read_bytes())
        except OSError:
            digests[shown[path]] = ""
    return digests


def templates_fingerprint(config: Config) -> str:
    """One hash over every template the site can use (its own and the theme's)."""
    from .render import builtin_theme

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


_RENDER: dict = {}


def _render_in_worker(index: int) -> OutputFile | Diagnostic:
    """Render one planned output in a worker (state shared by fork). A mistake in the
    site's own templates comes back as its Diagnostic; anything else is a bug: it raises."""
    from .output_problems import template_diagnostic
    from .outputs import render_output

    try:
        return render_output(_RENDER["planned"][index], _RENDER["config"], _RENDER["sets"],
                             _RENDER["environment"], _RENDER["by_key"])
    except Exception as problem:  # noqa: BLE001 - sorted into the author's and ours
        diagnostic = template_diagnostic(problem, _RENDER["config"])
        if diagnostic is None:
            raise
        return diagnostic


def _render(config: Config, sets: list, planned: list, chosen: list[int], jobs: int,
            progress) -> tuple[list[OutputFile], list[tuple[Diagnostic, str]]]:
    """Render the ``chosen`` planned outputs: the files, and (template mistake, output
    path) for each output a mistake in the site's templates stopped."""
    from .render import make_environment

    _RENDER.update(config=config, sets=sets, planned=planned,
                   environment=make_environment(config), by_key={s.key: s for s in sets})
    try:
        results = _map(_render_in_worker, chosen, jobs, progress, "render")
    finally:
        _RENDER.clear()
    return ([r for r in results if isinstance(r, OutputFile)],
            [(r, planned[i].path) for i, r in zip(chosen, results, strict=True)
             if isinstance(r, Diagnostic)])


def run(config: Config, *, check: bool = False, jobs: int = 1, progress=None,
        visibility: Visibility | None = None, on_wait=None) -> BuildReport:
    """Build the site described by ``config`` into ``config.output``.

    Incremental: sources whose bytes did not change are not parsed again, outputs whose
    inputs did not change are not rendered again, and outputs of removed articles are
    pruned (only files this pipeline wrote). With ``check`` everything is rendered in
    memory and compared with the output folder; nothing is written. ``visibility``
    says whether drafts and scheduled articles are shown (default: neither).

    One build of a site at a time (pipeline.lock): a second one waits for the first,
    telling ``on_wait`` once (default: a line on stderr), and gives up with an error
    after BILINGUAL_LOCK_TIMEOUT seconds (120). ``check`` waits only for a writer.
    """
    from .lock import LockTimeout, build_lock, timeout_diagnostic

    try:
        with build_lock(config.cache, shared=check, on_wait=on_wait):
            return _build(config, check, jobs, progress, visibility or Visibility(build_now()))
    except LockTimeout as problem:
        shown = display_path(problem.path, config.root)
        return BuildReport((timeout_diagnostic(problem, shown),), (), (), 0, ())


def _build(config: Config, check: bool, jobs: int, progress, visibility: Visibility
           ) -> BuildReport:
    """The build itself, stage by stage, under the lock (see ``run``)."""
    from .output_problems import blocked_diagnostics, failure_diagnostics
    from .outputs import content_warnings, input_key, plan_outputs
    from .unchanged import held_to_list, nothing_changed, unchanged_report
    from .write import compare_outputs, files_below, prune, remove_temporaries, write_outputs

    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        """Record the time since the last lap under ``stage``."""
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 4)
        clock = now

    # One manifest per output folder: what was written to `preview/` must never decide
    # what is pruned from `output/`.
    manifest_path = config.cache / f"manifest-{sha256(str(config.output).encode())[:12]}.json"
    manifest = Manifest.load(manifest_path)
    damaged = _cache_notes(config, False, [], manifest=manifest.damaged)
    global_fingerprint = site_fingerprint(config)
    scan = scan_sources(config.articles) if config.articles.is_dir() else ([], [])
    digests = read_digests(scan[0], display_paths(scan[0], config))
    lap("scan")
    if not check and nothing_changed(manifest, config, global_fingerprint, digests,
                                     visibility):
        lap("verify")  # nothing changed: no parsing, no detection, no rendering
        return unchanged_report(manifest, config, timings)

    collection = collect(config, jobs=jobs, progress=progress, digests=digests, scan=scan,
                         visibility=visibility)
    lap("read")
    if not config.articles.is_dir():
        return BuildReport(tuple(collection.diagnostics), (), (), 0, (), timings=timings)
    sets = collection.sets
    suggestions = tuple(suggest_translations(sets, config.languages, collection.held))
    lap("suggest")
    # A set: the same problem is never reported twice.
    diagnostics = set(collection.diagnostics + content_warnings(sets) + damaged)
    planned = plan_outputs(config, sets)
    # A source's schedule state counts as part of its content: holding it back,
    # releasing it or dropping its badge renders what shows it again.
    effective = {source: digest + (f"|{collection.states[source]}"
                                   if source in collection.states else "")
                 for source, digest in digests.items()}
    all_digest = fingerprint(*(f"{k}:{v}" for k, v in sorted(effective.items())))
    keys = {p.path: input_key(p, global_fingerprint, effective, all_digest) for p in planned}
    chosen = [i for i, p in enumerate(planned) if check
              or manifest.outputs.get(p.path, {}).get("key") != keys[p.path]
              or not manifest.intact(config.output, p.path)]
    lap("plan")
    rendered, failures = _render(config, sets, planned, chosen, jobs, progress)
    diagnostics.update(failure_diagnostics(failures))
    lap("render")

    planned_paths = {p.path for p in planned}
    failed_paths = {path for _, path in failures}
    shown_output = display_path(config.output, config.root)
    summary = {"articles": len(sets), "failed": tuple(collection.failed),
               "processed": collection.processed, "reused": collection.reused,
               "rendered": tuple(f.path for f in rendered), "held": tuple(collection.held),
               "extra": tuple(sorted(files_below(config.output) - planned_paths)),
               "suggestions": suggestions}
    if check:
        missing, stale, blocked = compare_outputs(config.output, rendered)
        diagnostics.update(blocked_diagnostics(blocked, shown_output))
        lap("compare")
        return BuildReport(tuple(sorted(diagnostics, key=Diagnostic.sort_key)), (), tuple(
            sorted(planned_paths - set(missing) - set(stale) - failed_paths)),
            missing=tuple(missing), stale=tuple(stale), timings=timings, **summary)

    remove_temporaries(config.output)
    blocked = []
    written, unchanged = write_outputs(config.output, rendered, blocked)
    diagnostics = sorted(diagnostics | set(blocked_diagnostics(blocked, shown_output)),
                         key=Diagnostic.sort_key)
    not_written = failed_paths | {b.path for b in blocked}
    skipped = sorted(planned_paths - {f.path for f in rendered} - not_written)
    lap("write")
    removed = prune(config.output, [name for name in manifest.outputs
                                    if name not in planned_paths])
    summary["extra"] = tuple(sorted(files_below(config.output) - planned_paths))
    new_manifest = Manifest(
        # No fingerprint when an output is unwritten: the next build must try it again.
        "" if not_written else global_fingerprint, digests, {},
        [diagnostic_to_list(d) for d in diagnostics], len(sets), visibility.policy,
        collection.next_change.isoformat() if collection.next_change else "",
        [held_to_list(h) for h in collection.held],
        [suggestion_to_dict(s) for s in suggestions])
    for path in sorted(planned_paths - not_written):
        new_manifest.record(config.output, path, keys[path])
    for path in sorted(not_written & set(manifest.outputs)):
        # Still ours (to prune later), but with a key no rendering ever matches.
        new_manifest.outputs[path] = {**manifest.outputs[path], "key": ""}
    collection.tagger.cache.save()
    collection.sources.save(set(digests))
    record_history(config, digests)  # lets `bilingual status` tell stale translations
    new_manifest.save(manifest_path)
    lap("save")
    return BuildReport(tuple(diagnostics), tuple(written), tuple(sorted(unchanged + skipped)),
                       removed=tuple(removed), timings=timings, **summary)
