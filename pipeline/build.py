"""The build, top to bottom: the one place where the stages are put in order.

read → parse → language → meta → assemble (per source), then pair → render → write.
A source with errors is left out; every other article still builds.
"""

from __future__ import annotations

import datetime
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .characters import printable
from .detectors import detector_version
from .diagnostics import Diagnostic, error, info, warning
from .language import LanguageTagger
from .manifest import (
    Manifest,
    SourceCache,
    diagnostic_from_list,
    diagnostic_to_list,
    fingerprint,
    sha256,
)
from .model import BuildReport, Config, OutputFile
from .process import (
    SourceResult,
    display_path,
    display_paths,
    make_tagger,
    process_file,
)
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
from .suggest import suggest_translations, suggestion_from_dict, suggestion_to_dict


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
            cache.put(result.path, digests[result.path], result.articles, result.diagnostics)
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


def _render_in_worker(index: int) -> OutputFile:
    """Render one planned output in a worker (state shared by fork)."""
    from .outputs import render_output

    return render_output(_RENDER["planned"][index], _RENDER["config"], _RENDER["sets"],
                         _RENDER["environment"], _RENDER["by_key"])


def _no_date_warnings(sets) -> list[Diagnostic]:
    """Articles without a date cannot go in feeds; say so."""
    return [warning(a.source, a.title_line, "no-date",
                    f"'{a.title}' has no date, so it is left out of the feeds and listed last",
                    "add 'date: 2025-03-12' to the front matter or a byline such as "
                    "'Publicerad: 2025-03-12'")
            for s in sets for a in s.variants.values() if a.date is None]


def _files_below(output: Path) -> set[str]:
    """Every file below ``output`` (posix paths), except newsletters and temporary files."""
    found = set()
    for folder, subfolders, files in os.walk(output):
        relative = os.path.relpath(folder, output).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        if prefix == NEWSLETTER_FOLDER:
            subfolders[:] = []
            continue
        found.update(prefix + name for name in files
                     if not (name.startswith(".") and name.endswith(".tmp")))
    return found


#: Newsletters live in output/newsletter/ but are not part of the site build.
NEWSLETTER_FOLDER = "newsletter/"


def _held_to_list(item: HeldBack) -> list:
    """A HeldBack record as a JSON list (the manifest repeats it when nothing changed)."""
    return [item.source, item.key, item.lang, item.title, item.reason,
            item.moment.isoformat() if item.moment else None]


def _held_from_list(data: list) -> HeldBack:
    """The inverse of ``_held_to_list``."""
    moment = datetime.datetime.fromisoformat(data[5]) if data[5] else None
    return HeldBack(*data[:5], moment)


def _nothing_changed(manifest: Manifest, config: Config, global_fingerprint: str,
                     digests: dict, visibility: Visibility) -> bool:
    """True when the last build into this folder had exactly these inputs, its files are
    untouched, and no scheduled article has gone live since."""
    upcoming = manifest.next_change
    return (bool(digests) and manifest.fingerprint == global_fingerprint
            and manifest.sources == digests and manifest.policy == visibility.policy
            and (not upcoming or visibility.now < datetime.datetime.fromisoformat(upcoming))
            and all(manifest.intact(config.output, name) for name in manifest.outputs))


def _unchanged_report(manifest: Manifest, config: Config, timings: dict) -> BuildReport:
    """The report of a build that found nothing to do: the last build's, repeated."""
    diagnostics = [diagnostic_from_list(d) for d in manifest.diagnostics]
    return BuildReport(
        tuple(diagnostics), (), tuple(sorted(manifest.outputs)), manifest.articles,
        tuple(sorted({d.path for d in diagnostics if d.severity == "error"})),
        extra=tuple(sorted(_files_below(config.output) - set(manifest.outputs))),
        timings=timings, held=tuple(_held_from_list(h) for h in manifest.held),
        suggestions=tuple(suggestion_from_dict(s) for s in manifest.suggestions))


def _compare(config: Config, rendered: list[OutputFile]) -> tuple[list[str], list[str]]:
    """With --check: the rendered files missing from the output folder, and those there
    with other bytes."""
    missing, stale = [], []
    for file in rendered:
        target = config.output / file.path
        if not target.is_file():
            missing.append(file.path)
        elif target.read_bytes() != file.content:
            stale.append(file.path)
    return missing, stale


def run(config: Config, *, check: bool = False, jobs: int = 1, progress=None,
        visibility: Visibility | None = None) -> BuildReport:
    """Build the site described by ``config`` into ``config.output``.

    Incremental: sources whose bytes did not change are not parsed again, outputs whose
    inputs did not change are not rendered again, and outputs of removed articles are
    pruned (only files this pipeline wrote). With ``check`` everything is rendered in
    memory and compared with the output folder; nothing is written. ``visibility``
    says whether drafts and scheduled articles are shown (default: neither).
    """
    from .outputs import input_key, plan_outputs
    from .render import make_environment
    from .write import prune, remove_temporaries, write_outputs

    visibility = visibility or Visibility(build_now())
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
    if not check and _nothing_changed(manifest, config, global_fingerprint, digests,
                                      visibility):
        lap("verify")  # nothing changed: no parsing, no detection, no rendering
        return _unchanged_report(manifest, config, timings)

    collection = collect(config, jobs=jobs, progress=progress, digests=digests, scan=scan,
                         visibility=visibility)
    lap("read")
    if not config.articles.is_dir():
        return BuildReport(tuple(collection.diagnostics), (), (), 0, (), timings=timings)
    sets = collection.sets
    suggestions = tuple(suggest_translations(sets, config.languages, collection.held))
    lap("suggest")
    # A set: the same problem is never reported twice.
    diagnostics = sorted(set(collection.diagnostics + _no_date_warnings(sets) + damaged),
                         key=Diagnostic.sort_key)
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
    _RENDER.update(config=config, sets=sets, planned=planned,
                   environment=make_environment(config), by_key={s.key: s for s in sets})
    try:
        rendered = _map(_render_in_worker, chosen, jobs, progress, "render")
    finally:
        _RENDER.clear()
    lap("render")

    planned_paths = {p.path for p in planned}
    summary = {"articles": len(sets), "failed": tuple(collection.failed),
               "processed": collection.processed, "reused": collection.reused,
               "rendered": tuple(f.path for f in rendered), "held": tuple(collection.held),
               "extra": tuple(sorted(_files_below(config.output) - planned_paths)),
               "suggestions": suggestions}
    if check:
        missing, stale = _compare(config, rendered)
        lap("compare")
        return BuildReport(tuple(diagnostics), (), tuple(sorted(
            planned_paths - set(missing) - set(stale))), missing=tuple(missing),
            stale=tuple(stale), timings=timings, **summary)

    remove_temporaries(config.output)
    written, unchanged = write_outputs(config.output, rendered)
    skipped = sorted(planned_paths - {f.path for f in rendered})
    lap("write")
    removed = prune(config.output, [name for name in manifest.outputs
                                    if name not in planned_paths])
    summary["extra"] = tuple(sorted(_files_below(config.output) - planned_paths))
    new_manifest = Manifest(
        global_fingerprint, digests, {}, [diagnostic_to_list(d) for d in diagnostics],
        len(sets), visibility.policy,
        collection.next_change.isoformat() if collection.next_change else "",
        [_held_to_list(h) for h in collection.held],
        [suggestion_to_dict(s) for s in suggestions])
    for path in sorted(planned_paths):
        new_manifest.record(config.output, path, keys[path])
    collection.tagger.cache.save()
    collection.sources.save(set(digests))
    record_history(config, digests)  # lets `bilingual status` tell stale translations
    new_manifest.save(manifest_path)
    lap("save")
    return BuildReport(tuple(diagnostics), tuple(written), tuple(sorted(unchanged + skipped)),
                       removed=tuple(removed), timings=timings, **summary)
