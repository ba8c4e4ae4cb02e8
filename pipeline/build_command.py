"""``bilingual build`` once its options are read: load the config, build, print, and
give the exit code. Click reads the options (``cli.build``); ``entry`` calls this
directly for a bare ``bilingual build``, so the command CI runs most never loads Click.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .console import load_or_exit, plural, print_diagnostics, say
from .display import display_path


@dataclass(frozen=True)
class BuildOptions:
    """The options of ``bilingual build`` (see ``cli.build`` for their help)."""

    articles: Path | None = None
    output: Path | None = None
    config_path: Path | None = None
    check: bool = False
    jobs: int | None = None
    as_json: bool = False
    strict: bool = False
    drafts: bool = False
    future: bool = False


class Progress:
    """A progress bar on stderr, shown only on a terminal and only once a build has run
    for a second (short builds stay quiet; CI logs get the one summary line)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.perf_counter()
        self.drawn = 0.0  # when the bar was last drawn

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Draw the bar for ``stage`` at ``done`` of ``total``."""
        now = time.perf_counter()
        if not self.enabled or now - self.started < 1.0:
            return
        if done < total and now - self.drawn < 0.1:
            return  # ten redraws a second are plenty
        self.drawn = now
        width = 30
        filled = width * done // max(total, 1)
        label = {"read": "Reading", "render": "Rendering"}.get(stage, stage)
        sys.stderr.write(f"\r{label:<10} [{'#' * filled}{'.' * (width - filled)}] "
                         f"{done}/{total}" + ("\n" if done == total else ""))
        sys.stderr.flush()


def build_command(options: BuildOptions) -> int:
    """Run one build as the command line asked; print its report; its exit code."""
    from .build import run  # the build's modules load only for the commands that build
    from .report import build_report_json
    from .schedule import Visibility, build_now

    config = load_or_exit(options.config_path, articles=options.articles,
                          output=options.output)
    started = time.perf_counter()
    progress = Progress(enabled=sys.stderr.isatty() and not options.as_json)
    report = run(config, check=options.check, jobs=options.jobs or os.cpu_count() or 1,
                 progress=progress,
                 visibility=Visibility(build_now(), drafts=options.drafts,
                                       future=options.future),
                 on_wait=lambda line: say(line, "yellow", err=True))
    seconds = time.perf_counter() - started
    print_diagnostics(report.diagnostics)
    if options.as_json:
        say(build_report_json(report, seconds))
    if any(d.code == "locked" for d in report.diagnostics):
        # Another build kept the site: nothing was built or checked, so nothing to list.
        return report.exit_code(strict=options.strict, check=options.check)
    target = display_path(config.output, Path.cwd())
    if options.check:
        _print_check(report, target, options.as_json)
        return report.exit_code(strict=options.strict, check=True)
    _print_build(report, target, seconds, options)
    return report.exit_code(strict=options.strict)


def _counts(report) -> str:
    """"0 errors, 2 warnings"."""
    errors = sum(d.severity == "error" for d in report.diagnostics)
    warnings = sum(d.severity == "warning" for d in report.diagnostics)
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')}"


def _print_check(report, target: str, as_json: bool) -> None:
    """What ``--check`` found: each output missing, stale or extra, and the verdict."""
    from .suggest import note_line

    for label, names in (("missing", report.missing), ("stale", report.stale),
                         ("extra", report.extra)):
        for name in names:
            say(f"{label}: {target}/{name}", "red", err=True)
    out_of_date = len(report.missing) + len(report.stale) + len(report.extra)
    if not as_json:
        verdict = "is up to date" if not out_of_date else (
            f"is out of date: {len(report.missing)} missing, {len(report.stale)} stale, "
            f"{len(report.extra)} extra (run `bilingual build`)")
        say(f"Checked {plural(report.articles, 'article')}: {target}/ {verdict}; "
            f"{_counts(report)}.")
    if report.suggestions:
        say(note_line(report.suggestions), err=True)


def _print_build(report, target: str, seconds: float, options: BuildOptions) -> None:
    """The summary line of a build, then what was held back, suggested, left alone or
    not built."""
    from .report import held_summary

    if not options.as_json:
        removed = f", {len(report.removed)} removed" if report.removed else ""
        say(f"Built {plural(report.articles, 'article')} into {target}/ in "
            f"{seconds:.2f} s: {len(report.written)} written, "
            f"{len(report.unchanged)} unchanged{removed}; {_counts(report)}.")
    for line in held_summary(report.held):
        say(line, err=True)
    if report.suggestions:  # information, never a warning: --strict ignores it
        from .suggest import note_line

        say(note_line(report.suggestions), err=True)
    if report.extra:
        say(f"note: {plural(len(report.extra), 'file')} in {target}/ not made by "
            f"bilingual, left alone: {', '.join(report.extra[:5])}"
            + (" …" if len(report.extra) > 5 else ""), "yellow", err=True)
    if report.failed:
        say(f"Not built because of errors: {', '.join(report.failed)}", "red", err=True)
    warnings = sum(d.severity == "warning" for d in report.diagnostics)
    if options.strict and warnings:
        say(f"--strict: {plural(warnings, 'warning')} count as errors.", "red", err=True)
