"""Render the planned outputs that need it and write (or, with --check, compare) each one
as soon as it is rendered, in worker processes; only a small record of each comes back.

No output's bytes wait in memory for the others, so memory does not grow with the site.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic
from .model import ArticleSet, Config
from .outputs import PlannedOutput
from .workers import run_tasks
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
    """The rendering task: a planned output's index in, a Made record out."""

    def __init__(self, config: Config, sets: list[ArticleSet], planned: list[PlannedOutput],
                 check: bool) -> None:
        from .render import make_environment

        self.config, self.sets, self.planned, self.check = config, sets, planned, check
        self.environment = make_environment(config)
        self.by_key = {s.key: s for s in sets}
        self.root = os.path.realpath(config.output)  # the folder may be a link: the user's
        self.clear: set[str] = set()  #: folders found to be real folders (find_obstacle)

    def __call__(self, index: int) -> Made:
        """Render output ``index`` of the plan and write or compare it."""
        from .output_problems import template_diagnostic
        from .outputs import render_output

        planned = self.planned[index]
        try:
            file = render_output(planned, self.config, self.sets, self.environment,
                                 self.by_key)
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
    task = OutputMaker(config, sets, planned, check)
    for made in run_tasks(task, chosen, len(chosen), jobs, progress, "render"):
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
    return outcomes
