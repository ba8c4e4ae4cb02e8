"""Why an output was not written, told as the author's to fix: a mistake in the site's
own templates (file, line, what and a hint), or something in the way in the output folder.

A failure that involves none of the site's templates is a bug in bilingual and is not
turned into a diagnostic here: the caller re-raises it.
"""

from __future__ import annotations

import os
import traceback
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError

from .diagnostics import Diagnostic, error
from .environment import TemplateEncodingError
from .model import Config
from .write import OBSTACLES, Blocked

#: How many failed outputs a diagnostic names before "…".
_NAMED = 3


def _inside(filename: str | None, folder: str) -> bool:
    """True when ``filename`` lies in ``folder`` (both absolute)."""
    return bool(filename) and os.path.abspath(filename).startswith(folder + os.sep)


def _template_frames(problem: BaseException, folder: str) -> list[tuple[str, int]]:
    """(file, line) of every traceback frame in the site's templates, outermost first.

    Jinja rewrites tracebacks so that a frame of compiled template code carries the
    template's file name and line; walk_tb is used, not extract_tb, because an include
    loop leaves a thousand frames and their source lines are not needed.
    """
    return [(frame.f_code.co_filename, line)
            for frame, line in traceback.walk_tb(problem.__traceback__)
            if _inside(frame.f_code.co_filename, folder)]


def template_diagnostic(problem: Exception, config: Config) -> Diagnostic | None:
    """``problem``, raised while rendering, as an error in the site's own templates;
    None when none of them is involved (then it is a bug in bilingual)."""
    folder = os.path.abspath(config.templates)

    def shown(filename: str) -> str:
        """A template's path relative to the site root, as other diagnostics show files."""
        path = Path(filename).resolve()
        root = config.root.resolve()
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)

    if isinstance(problem, TemplateSyntaxError):
        if not _inside(problem.filename, folder):
            return None
        if isinstance(problem, TemplateEncodingError):
            return error(shown(problem.filename), problem.lineno, "template", problem.message,
                         "save the template as UTF-8 (most editors offer it under 'Save "
                         "as' or 'Encoding')")
        return error(shown(problem.filename), problem.lineno or 1, "template",
                     f"template syntax: {problem.message}",
                     "fix the Jinja syntax on this line: each {% if %}, {% for %}, "
                     "{% block %} and {% macro %} needs its {% end… %}, and each {{ needs its }}")
    frames = _template_frames(problem, folder)
    if not frames:
        return None
    filename, line = frames[-1]  # the innermost: where the template went wrong
    if isinstance(problem, RecursionError):
        loop = _loop(frames)
        steps = " → ".join(f"{shown(name)}:{number}" for name, number in loop)
        return error(shown(loop[0][0]), loop[0][1], "template",
                     f"an include or macro loop never ends: {steps} → again",
                     "an include or a macro that calls itself needs an {% if %} that "
                     "stops it; remove the loop")
    if isinstance(problem, TemplateNotFound):
        return error(shown(filename), line, "template",
                     f"'{problem.name}' is not in {shown(folder)}/ nor in the built-in theme",
                     f"create {shown(folder)}/{problem.name}, or correct the name (it is "
                     f"relative to {shown(folder)}/)")
    if isinstance(problem, UndefinedError):
        # Templates get dicts: "'dict object' has no attribute" means a misspelt field.
        what = (problem.message or "").replace("'dict object' has no attribute",
                                                "the data has no field")
        return error(shown(filename), line, "template", f"undefined: {what}",
                     "check the spelling: pages get 'page', feeds 'feed', the sitemap "
                     "'entries' and newsletters 'mail', with the fields the built-in "
                     "templates use; test a field that may be missing with "
                     "{% if … is defined %}")
    if isinstance(problem, SecurityError):
        return error(shown(filename), line, "template",
                     f"not allowed in a template: {str(problem).rstrip('.')}",
                     "templates are sandboxed: they can show the data they are given but "
                     "not reach into Python; remove this expression")
    return error(shown(filename), line, "template", f"{type(problem).__name__}: {problem}",
                 "fix the expression on this line")


def _loop(frames: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The places of an include (or macro call) loop, from where it is first entered:
    the same for every page, however deep the stack was when Python gave up."""
    for start, frame in enumerate(frames):
        if frame in frames[start + 1:]:
            return frames[start:frames.index(frame, start + 1)]
    return frames[-1:]  # recursion without a repeated line: name the innermost


def failure_diagnostics(failures: list[tuple[Diagnostic, str]]) -> list[Diagnostic]:
    """One diagnostic per template mistake, whatever the number of outputs it stopped,
    each naming the outputs that were not written."""
    stopped: dict[Diagnostic, list[str]] = defaultdict(list)
    for diagnostic, path in failures:
        stopped[diagnostic].append(path)
    return [replace(d, message=f"{d.message} ({_not_written(paths)})")
            for d, paths in stopped.items()]


def _not_written(paths: list[str]) -> str:
    """"not written: sv/index.html" / "3 outputs not written: a, b, c" / "… , …"."""
    named = ", ".join(sorted(paths)[:_NAMED]) + (", …" if len(paths) > _NAMED else "")
    return f"not written: {named}" if len(paths) == 1 else (
        f"{len(paths)} outputs not written: {named}")


def blocked_diagnostics(blocked: list[Blocked], shown_output: str) -> list[Diagnostic]:
    """One error per obstacle in the output folder, naming the outputs it stopped."""
    by_obstacle: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in blocked:
        by_obstacle[(item.obstacle, item.what)].append(item.path)
    return [error(shown_output if obstacle == "." else f"{shown_output}/{obstacle}", 1,
                  "output-blocked", f"this is {OBSTACLES[what]}; {_not_written(paths)}",
                  "move or delete it yourself (bilingual never deletes, replaces or "
                  "follows what it did not write), then build again")
            for (obstacle, what), paths in sorted(by_obstacle.items())]
