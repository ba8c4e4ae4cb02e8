"""The shortcut of a build that finds nothing to do: whether the last build into an
output folder had exactly these inputs, and the report it then repeats.

The build record (pipeline.manifest) keeps what that report needs (diagnostics,
held-back articles, suggestions), so a build with nothing to do neither parses nor
renders anything.
"""

from __future__ import annotations

import datetime

from .diagnostics import diagnostic_from_list
from .manifest import Manifest
from .model import BuildReport, Config
from .schedule import HeldBack, Visibility
from .write import sizes_below


def held_to_list(item: HeldBack) -> list:
    """A HeldBack record as a JSON list (the manifest repeats it when nothing changed)."""
    return [item.source, item.key, item.lang, item.title, item.reason,
            item.moment.isoformat() if item.moment else None]


def held_from_list(data: list) -> HeldBack:
    """The inverse of ``held_to_list``."""
    moment = datetime.datetime.fromisoformat(data[5]) if data[5] else None
    return HeldBack(*data[:5], moment)


def nothing_changed(manifest: Manifest, config: Config, global_fingerprint: str,
                    digests: dict, visibility: Visibility) -> dict | None:
    """The output folder's files (path → size, modification time) when the last build
    into it had exactly these inputs, its files are untouched, and no scheduled article
    has gone live since; otherwise None. A build that left an output unwritten saves no
    fingerprint, so the next one never takes this shortcut."""
    upcoming = manifest.next_change
    if not (bool(digests) and manifest.fingerprint == global_fingerprint
            and manifest.sources == digests and manifest.policy == visibility.policy
            and (not upcoming or visibility.now < datetime.datetime.fromisoformat(upcoming))):
        return None
    on_disk = sizes_below(config.output)  # one walk: whether they are intact, and extras
    if any(on_disk.get(name) != (record.size, record.mtime_ns)
           for name, record in manifest.outputs.items()):
        return None
    return on_disk


def unchanged_report(manifest: Manifest, config: Config, on_disk: dict, timings: dict
                     ) -> BuildReport:
    """The report of a build that found nothing to do: the last build's, repeated."""
    from .suggest import suggestion_from_dict

    diagnostics = [diagnostic_from_list(d) for d in manifest.diagnostics]
    return BuildReport(
        tuple(diagnostics), (), tuple(sorted(manifest.outputs)), manifest.articles,
        tuple(sorted({d.path for d in diagnostics if d.severity == "error"})),
        extra=tuple(sorted(set(on_disk) - set(manifest.outputs))),
        timings=timings, held=tuple(held_from_list(h) for h in manifest.held),
        suggestions=tuple(suggestion_from_dict(s) for s in manifest.suggestions))
