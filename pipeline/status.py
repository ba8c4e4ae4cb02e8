"""Translation status: which articles lack a language, only summarise, or fell behind.

"Stale" is decided by content: a variant is stale when its counterpart's source changed
after its own last change. The time of a change comes from git (the last commit that
touched the file; uncommitted edits count as now) when the site is in a git repository,
else from the build state's history (``pipeline.state``), where every status run and
build notes when each source's bytes were first seen.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass

from .model import ArticleSet, Config
from .state import BuildState


@dataclass(frozen=True, slots=True)
class StatusRow:
    """One article and the state of its translations."""

    key: str  #: translation key
    title: str  #: title in the first language it has
    languages: tuple[str, ...]  #: languages it has
    missing: tuple[str, ...]  #: site languages it lacks
    summaries: tuple[str, ...]  #: languages whose variant only summarises
    stale: tuple[str, ...]  #: languages whose variant changed before its counterpart did
    unsure_blocks: int  #: blocks whose language was decided on thin evidence
    sources: tuple[str, ...]  #: display paths of its sources
    held: tuple = ()  #: HeldBack records of its variants that are drafts or scheduled
    published: bool = True  #: False when no variant is published yet (drafts only)


def change_times(config: Config, digests: dict[str, str]) -> dict[str, float]:
    """When each source's content last changed (seconds since the epoch)."""
    times = _git_times(config, list(digests))
    if times is not None:
        return times
    return record_history(config, digests)


def record_history(config: Config, digests: dict[str, str]) -> dict[str, float]:
    """Note when each source's current bytes were first seen (in the build state); return
    that time per source."""
    state = BuildState.open(config.cache)
    try:
        with state.transaction():
            return state.record_history(digests, time.time())
    finally:
        state.close()


def _git_times(config: Config, sources: list[str]) -> dict[str, float] | None:
    """Last commit time per file, or now for uncommitted changes; None outside git."""
    def git(*arguments: str) -> subprocess.CompletedProcess:
        """Run git in the site folder."""
        return subprocess.run(["git", *arguments], cwd=config.root, capture_output=True,
                              text=True, check=False)

    try:
        if git("rev-parse", "--is-inside-work-tree").stdout.strip() != "true":
            return None
    except OSError:
        return None
    # -z: paths as they are, NUL-separated; without it git quotes any path holding
    # å, ä or ö ("\303\245"), and such a file never looked edited.
    changed = git("status", "--porcelain", "-z", "--no-renames", "-uall", "--",
                  *sources).stdout.split("\0")
    dirty = {entry[3:] for entry in changed if len(entry) > 3}
    prefix = git("rev-parse", "--show-prefix").stdout.strip()
    now = time.time()
    times = {}
    for source in sources:
        if prefix + source in dirty or source in dirty:
            times[source] = now
            continue
        stamp = git("log", "-1", "--format=%ct", "--", source).stdout.strip()
        times[source] = float(stamp) if stamp else now
    return times


def translation_status(config: Config, sets: list[ArticleSet], diagnostics,
                       digests: dict[str, str], held=()) -> list[StatusRow]:
    """One row per article, in key order: published ones (``sets``), then those with
    no published variant yet (only drafts or scheduled variants in ``held``)."""
    held_by_key: dict[str, list] = {}
    for item in held:
        held_by_key.setdefault(item.key, []).append(item)
    times = change_times(config, digests)
    unsure: dict[str, int] = {}
    for diagnostic in diagnostics:
        if diagnostic.code == "low-confidence":
            unsure[diagnostic.path] = unsure.get(diagnostic.path, 0) + 1
    rows = []
    for article_set in sets:
        variants = article_set.variants
        sources = {lang: a.source for lang, a in variants.items()}
        stale = []
        if len(set(sources.values())) > 1:  # one mixed file cannot fall behind itself
            newest = max(times.get(source, 0.0) for source in sources.values())
            stale = [lang for lang, source in sources.items()
                     if times.get(source, 0.0) < newest]
        first = next(iter(variants.values()))
        rows.append(StatusRow(
            key=article_set.key, title=first.title, languages=tuple(variants),
            missing=article_set.missing(config.languages),
            summaries=tuple(lang for lang in variants if lang in article_set.summaries),
            stale=tuple(stale),
            unsure_blocks=sum(unsure.get(s, 0) for s in set(sources.values())),
            sources=tuple(sorted(set(sources.values()))),
            held=tuple(held_by_key.pop(article_set.key, ()))))
    for key, items in sorted(held_by_key.items()):
        rows.append(StatusRow(
            key=key, title=items[0].title, languages=(),
            missing=tuple(config.languages), summaries=(), stale=(), unsure_blocks=0,
            sources=tuple(sorted({i.source for i in items})), held=tuple(items),
            published=False))
    return rows


def _cell(row: StatusRow, lang: str) -> str:
    """One language's state in the table: held-back variants say why."""
    held = next((h for h in row.held if h.lang == lang), None)
    if held is not None:
        return held.reason
    if lang in row.missing:
        return "missing"
    if lang in row.stale:
        return "stale"
    return "summary" if lang in row.summaries else "ok"


def status_table(rows: list[StatusRow], languages: tuple[str, ...]) -> str:
    """The status as a table for a terminal."""
    header = ["article", *languages, "notes"]
    lines = []
    for row in rows:
        cells = [row.key, *(_cell(row, lang) for lang in languages)]
        notes = [f"{row.unsure_blocks} unsure block(s)"] if row.unsure_blocks else []
        notes += [f"{h.lang} goes live {h.moment:%Y-%m-%d %H:%M}" for h in row.held
                  if h.reason == "scheduled"]
        lines.append(cells + ["; ".join(notes)])
    widths = [max(len(str(r[i])) for r in [header, *lines]) for i in range(len(header))]
    text = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    text += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in lines]
    published = [r for r in rows if r.published]  # drafts stay out of the totals
    missing = sum(len(r.missing) for r in published)
    stale = sum(len(r.stale) for r in published)
    summaries = sum(len(r.summaries) for r in published)
    text.append(f"\n{len(published)} articles: {missing} missing, {stale} stale, {summaries} "
                "summary-only translations.")
    held = [h for r in rows for h in r.held]
    drafts = sorted({h.source for h in held if h.reason == "draft"})
    scheduled = sorted({(h.moment, h.source) for h in held if h.reason == "scheduled"})
    if drafts:
        text.append(f"Drafts, not published: {', '.join(drafts)}.")
    for moment, source in scheduled:
        text.append(f"Scheduled: {source} goes live {moment:%Y-%m-%d %H:%M %Z}.")
    return "\n".join(text)


#: The states ``status --fail-on`` can name.
FAIL_STATES = ("missing", "stale", "summary")


def status_exit_code(rows: list[StatusRow], fail_on: set[str]) -> int:
    """1 when a published article has a translation in one of the ``fail_on`` states
    (missing, stale, summary), else 0: an unpublished draft fails nothing yet."""
    published = [r for r in rows if r.published]
    failing = {"missing": any(r.missing for r in published),
               "stale": any(r.stale for r in published),
               "summary": any(r.summaries for r in published)}
    return 1 if any(failing[state] for state in fail_on) else 0
