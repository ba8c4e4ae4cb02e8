"""The end of a build: the --check comparison's report, or pruning, saving the build state
and the report of a build that wrote.
"""

from __future__ import annotations

import time

from .diagnostics import Diagnostic, diagnostic_to_list
from .display import display_path
from .manifest import Manifest, OutputRecord
from .model import BuildReport, Config
from .output_problems import blocked_diagnostics, failure_diagnostics
from .outputs import Plan, content_warnings
from .state import BuildState
from .suggest import suggestion_to_dict
from .unchanged import held_to_list
from .write import files_below, prune


def _diagnostics(config: Config, collection, outcomes) -> list[Diagnostic]:
    """Every problem of the build, each once, sorted by file and line."""
    found = set(collection.diagnostics + content_warnings(collection.sets))
    found.update(failure_diagnostics(outcomes.failures))
    found.update(blocked_diagnostics(outcomes.blocked, display_path(config.output,
                                                                      config.root)))
    return sorted(found, key=Diagnostic.sort_key)


def _summary(config: Config, collection, plan: Plan, outcomes, suggestions,
             on_disk: set[str]) -> dict:
    """The BuildReport fields a writing build and a check share (``on_disk``: what
    ``files_below`` found in the output folder)."""
    return {"articles": len(collection.sets), "failed": tuple(collection.failed),
            "processed": collection.processed, "reused": collection.reused,
            "rendered": tuple(outcomes.rendered), "held": tuple(collection.held),
            "extra": tuple(sorted(on_disk - {p.path for p in plan.planned})),
            "suggestions": suggestions}


def check_report(config: Config, collection, plan: Plan, outcomes, suggestions, lap
                 ) -> BuildReport:
    """The report of ``build --check``: what is missing or stale in the output folder."""
    failed = {path for _, path in outcomes.failures}
    planned = {p.path for p in plan.planned}
    lap("compare")
    return BuildReport(
        tuple(_diagnostics(config, collection, outcomes)), (),
        tuple(sorted(planned - set(outcomes.missing) - set(outcomes.stale) - failed)),
        missing=tuple(sorted(outcomes.missing)), stale=tuple(sorted(outcomes.stale)),
        timings=lap.timings, **_summary(config, collection, plan, outcomes, suggestions,
                                        files_below(config.output)))


def finish_build(config: Config, state: BuildState, previous: Manifest, collection,
                 plan: Plan, outcomes, suggestions, visibility, site: str, lap
                 ) -> BuildReport:
    """Prune what the site no longer makes, save the build record, and report."""
    diagnostics = _diagnostics(config, collection, outcomes)
    planned = {p.path for p in plan.planned}
    not_written = {path for _, path in outcomes.failures} | {b.path for b in outcomes.blocked}
    removed = prune(config.output, [name for name in previous.outputs if name not in planned])
    on_disk = files_below(config.output, remove_temporaries=True)
    lap("write")
    record = Manifest(
        # No fingerprint when an output is unwritten: the next build must try it again.
        "" if not_written else site, collection.digests, {},
        # Notes on damaged build state are news once: a later build must not repeat them.
        [diagnostic_to_list(d) for d in diagnostics if d.code != "cache"],
        len(collection.sets),
        visibility.policy,
        collection.next_change.isoformat() if collection.next_change else "",
        [held_to_list(h) for h in collection.held],
        [suggestion_to_dict(s) for s in suggestions],
        sorted(on_disk - planned))
    for path in sorted(planned - not_written):
        if path in outcomes.on_disk:
            record.outputs[path] = OutputRecord(plan.keys[path], *outcomes.on_disk[path])
        else:  # not rendered: intact, as the last build left it
            record.outputs[path] = previous.outputs[path]
    for path in sorted(not_written & set(previous.outputs)):
        # Still ours (to prune later), but with a key no rendering ever matches.
        record.outputs[path] = previous.outputs[path]._replace(key="")
    with state.transaction():  # the record and the history, together or not at all
        record.save(state, config.output, previous)
        state.record_history(collection.digests, time.time())  # for `bilingual status`
        state.save_file_hashes(collection.signatures)
    lap("save")
    rendered = set(outcomes.rendered)
    skipped = sorted(planned - rendered - not_written)
    return BuildReport(tuple(diagnostics), tuple(outcomes.written),
                       tuple(sorted(outcomes.unchanged + skipped)), removed=tuple(removed),
                       timings=lap.timings,
                       **_summary(config, collection, plan, outcomes, suggestions, on_disk))
