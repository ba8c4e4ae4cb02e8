"""Render the planned outputs that need it and write (or, with --check, compare) each one
as soon as it is rendered, in worker processes; only a small record of each comes back.

No output's bytes wait in memory for the others, so memory does not grow with the site.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from .diagnostics import Diagnostic
from .model import ArticleSet, Config
from .outputs import PlannedOutput
from .workers import PARALLEL_FROM, run_tasks
from .write import Blocked, find_obstacle, write_atomic


@dataclass(frozen=True, slots=True)
class Made:
    """What became of one planned output."""

    path: str  #: below the output folder
    outcome: str  #: written, unchanged, missing, stale (--check), blocked or failed
    problem: Diagnostic | Blocked | None = None  #: the template mistake or the obstacle
    size: int = 0  #: bytes on disk after writing (written, unchanged)
    mtime_ns: int = 0  #: modification time on disk after writing (written, unchanged)


@dataclass
class Outcomes:
    """Every Made record of a build, sorted into lists of output paths."""

    written: list[str] = field(default_factory=list)  #: bytes changed on disk
    unchanged: list[str] = field(default_factory=list)  #: already held these bytes
    missing: list[str] = field(default_factory=list)  #: --check: not on disk
    stale: list[str] = field(default_factory=list)  #: --check: other bytes on disk
    rendered: list[str] = field(default_factory=list)  #: rendered in this run
    failures: list[tuple[Diagnostic, str]] = field(default_factory=list)  #: template
    #: mistakes, with the output each one stopped
    blocked: list[Blocked] = field(default_factory=list)  #: something in the way
    on_disk: dict[str, tuple[int, int]] = field(default_factory=dict)  #: path → size, mtime


class OutputMaker:
    """The rendering task: a planned output's index in, a Made record out. An article
    page may come as (index, its ArticleSet): a worker then needs no other article."""

    def __init__(self, config: Config, sets: list[ArticleSet], planned: list[PlannedOutput],
                 check: bool) -> None:
        from .render import make_environment

        self.config, self.sets, self.planned, self.check = config, sets, planned, check
        self.environment = make_environment(config)
        self.by_key = {s.key: s for s in sets}
        self.root = os.path.realpath(config.output)  # the folder may be a link: the user's
        self.clear: set[str] = set()  #: folders found to be real folders (find_obstacle)

    def __call__(self, item: int | tuple[int, ArticleSet]) -> Made:
        """Render output ``item`` of the plan and write or compare it."""
        from .output_problems import template_diagnostic
        from .outputs import render_output

        index, sets, by_key = item, self.sets, self.by_key
        if isinstance(item, tuple):
            index, article_set = item
            sets, by_key = [article_set], {article_set.key: article_set}
        planned = self.planned[index]
        try:
            file = render_output(planned, self.config, sets, self.environment, by_key)
        except Exception as problem:  # noqa: BLE001 - sorted into the author's and ours
            diagnostic = template_diagnostic(problem, self.config)
            if diagnostic is None:
                raise
            return Made(planned.path, "failed", diagnostic)
        obstacle = find_obstacle(self.root, file.path, self.clear)
        if obstacle is not None:
            return Made(file.path, "blocked", Blocked(file.path, *obstacle))
        target = Path(self.root, file.path)
        try:
            same = target.read_bytes() == file.content
        except FileNotFoundError:
            same = None
        if self.check:
            return Made(file.path, "missing" if same is None else
                        "unchanged" if same else "stale")
        if not same:
            write_atomic(target, file.content)
        status = os.stat(target)
        return Made(file.path, "unchanged" if same else "written", None, status.st_size,
                    status.st_mtime_ns)


def make_outputs(config: Config, sets: list[ArticleSet], planned: list[PlannedOutput],
                 chosen: list[int], *, check: bool, jobs: int, progress) -> Outcomes:
    """Render the ``chosen`` planned outputs; write them, or with ``check`` compare them
    with the output folder. Nothing is written with ``check``."""
    outcomes = Outcomes()
    maker = OutputMaker(config, sets, planned, check)
    pages = [i for i in chosen if planned[i].kind == "article"]
    lists = [i for i in chosen if planned[i].kind != "article"]
    if jobs <= 1 or len(pages) < PARALLEL_FROM:
        records = chain((maker(i) for i in lists),
                        run_tasks(maker, pages, len(pages), 1, progress, "render"))
    else:
        records = _in_parallel(maker, OutputMaker(config, [], planned, check), pages,
                               lists, jobs, progress)
    for made in records:  # sorted as they come: no list of every record first
        if made.outcome == "failed":
            outcomes.failures.append((made.problem, made.path))
            continue
        outcomes.rendered.append(made.path)
        if made.outcome == "blocked":
            outcomes.blocked.append(made.problem)
            if check:
                outcomes.missing.append(made.path)
            continue
        getattr(outcomes, made.outcome).append(made.path)
        if made.size or made.mtime_ns:
            outcomes.on_disk[made.path] = (made.size, made.mtime_ns)
    for paths in (outcomes.written, outcomes.unchanged, outcomes.missing, outcomes.stale,
                  outcomes.rendered):
        paths.sort()  # the same report however the work was shared out
    return outcomes


def _in_parallel(maker: OutputMaker, page_maker: OutputMaker, pages: list[int],
                 lists: list[int], jobs: int, progress) -> Iterator[Made]:
    """Article pages in the workers, each sent with its own ArticleSet, and meanwhile
    the outputs that show every article (indexes, feeds, sitemap) in a thread here.

    The workers are forked before the thread starts, and they never touch the other
    articles: pages they share with this process stay shared, so memory does not grow
    with the site once per worker.
    """
    import threading

    by_key = maker.by_key
    listed: list[Made] = []
    failure: list[BaseException] = []

    def render_lists() -> None:
        """Render what shows every article, keeping any bug to raise in the caller."""
        try:
            listed.extend(maker(i) for i in lists)
        except BaseException as problem:  # noqa: BLE001 - raised again below
            failure.append(problem)

    thread = threading.Thread(target=render_lists, daemon=True)
    items = ((i, by_key[maker.planned[i].key]) for i in pages)
    yield from run_tasks(page_maker, items, len(pages), jobs, progress, "render",
                         on_started=thread.start)
    thread.join()
    if failure:
        raise failure[0]
    yield from listed
