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


def held_to_list(item: HeldBack) -> list:
    """A HeldBack record as a JSON list (the manifest repeats it when nothing changed)."""
    return [item.source, item.key, item.lang, item.title, item.reason,
            item.moment.isoformat() if item.moment else None]


def held_from_list(data: list) -> HeldBack:
    """The inverse of ``held_to_list``."""
    moment = datetime.datetime.fromisoformat(data[5]) if data[5] else None
    return HeldBack(*data[:5], moment)


def nothing_changed(manifest: Manifest, config: Config, global_fingerprint: str,
                    digests: dict, visibility: Visibility) -> bool:
    """True when the last build into this folder had exactly these inputs, its files are
    untouched, and no scheduled article has gone live since. A build that left an output
    unwritten saves no fingerprint, so the next one never takes this shortcut."""
    upcoming = manifest.next_change
    return (bool(digests) and manifest.fingerprint == global_fingerprint
            and manifest.sources == digests and manifest.policy == visibility.policy
            and (not upcoming or visibility.now < datetime.datetime.fromisoformat(upcoming))
            and all(manifest.intact(config.output, name) for name in manifest.outputs))


def unchanged_report(manifest: Manifest, timings: dict) -> BuildReport:
    """The report of a build that found nothing to do: the last build's, repeated.

    Its files not made by bilingual are those the last build found: a file put into the
    output folder since then is listed by the next build that has something to do (or
    by ``--check``, which always looks). Walking thousands of folders to find it would
    be most of a build that has nothing to do."""
    suggestions = ()
    if manifest.suggestions:  # finding them loads the text features; reading them too
        from .suggest import suggestion_from_dict

        suggestions = tuple(suggestion_from_dict(s) for s in manifest.suggestions)
    diagnostics = [diagnostic_from_list(d) for d in manifest.diagnostics]
    return BuildReport(
        tuple(diagnostics), (), tuple(sorted(manifest.outputs)), manifest.articles,
        tuple(sorted({d.path for d in diagnostics if d.severity == "error"})),
        extra=tuple(manifest.extra), timings=timings,
        held=tuple(held_from_list(h) for h in manifest.held),
        suggestions=suggestions)
