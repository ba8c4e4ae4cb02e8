"""`bilingual newsletter` as one call: read the site, choose the articles, render the
issue (pipeline.newsletter, no disk access) and write its files into their folder.

Like ``build.run`` it returns a report instead of printing: the command prints it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from pathlib import Path

from .build import collect
from .config import CONFIG_NAME
from .diagnostics import Diagnostic
from .display import display_path
from .model import ArticleSet, Config
from .newsletter import (
    GMAIL_CLIP_BYTES,
    Newsletter,
    NewsletterTemplateError,
    Selection,
    SelectionError,
    make_newsletter,
    select_articles,
)
from .output_problems import blocked_diagnostics
from .render import language_name, make_environment
from .write import write_outputs


@dataclass(frozen=True, slots=True)
class NewsletterReport:
    """What `bilingual newsletter` did: the files it wrote, or why it wrote none."""

    date: datetime.date  #: the issue date, also the default folder's name
    folder: Path  #: the folder the files go to, resolved
    diagnostics: tuple[Diagnostic, ...]  #: the sources' problems sorted by file and line,
    #: then a mistake in the newsletter templates or the outputs something blocked
    refusal: str | None = None  #: why nothing was written (the selection, the folder),
    #: one sentence without a full stop; None otherwise
    issue: Newsletter | None = None  #: the rendered files, once written (but for
    #: ``blocked``); None when nothing was written
    selection: Selection | None = None  #: the articles chosen, and those a date could not
    blocked: tuple[str, ...] = ()  #: files not written: something not ours is in the way
    notices: tuple[str, ...] = ()  #: warnings for the editor, one line each: articles
    #: left out, no unsubscribe link, a message Gmail clips

    @property
    def exit_code(self) -> int:
        """0 when every file was written and no source has an error, else 1."""
        failed = self.issue is None or self.blocked
        return 1 if failed or any(d.severity == "error" for d in self.diagnostics) else 0


def build_newsletter(config: Config, *, date: datetime.date,
                     since: datetime.date | None = None, keys: tuple[str, ...] = (),
                     lang: str = "both", subject: str | None = None,
                     output: Path | None = None) -> NewsletterReport:
    """Write the newsletter of ``date`` for the articles dated ``since`` or later, or
    those with the translation ``keys`` (give one of the two).

    ``lang`` is "sv", "en" or "both" (each language plus both.*); the files go to
    ``output``, by default <output>/newsletter/<date>/. Nothing is written when the
    selection, a newsletter template or the folder is wrong; unchanged files are kept.
    """
    collection = collect(config, jobs=1)
    diagnostics = tuple(sorted(collection.diagnostics, key=lambda d: d.sort_key()))
    target = (output or config.output / "newsletter" / date.isoformat()).resolve()
    refused = NewsletterReport(date, target, diagnostics)
    try:
        selection = select_articles(collection.sets, since=since, keys=keys,
                                    held=collection.held)
        issue = make_newsletter(config, make_environment(config), selection.articles,
                                lang=lang, date=date, subject=subject)
    except NewsletterTemplateError as problem:
        return replace(refused, diagnostics=(*diagnostics, problem.diagnostic))
    except SelectionError as problem:
        return replace(refused, refusal=str(problem))
    for name, folder in (("articles", config.articles), ("templates", config.templates)):
        if target == folder or target.is_relative_to(folder) or config.root == target:
            return replace(refused, refusal=f"refusing to write the newsletter into the "
                                            f"{name} folder {folder}; choose another --output")
    blocked: list = []
    write_outputs(target, issue.files, blocked)
    # --output is relative to the working folder, so obstacles are named from there too.
    problems = blocked_diagnostics(blocked, display_path(target, Path.cwd()))
    return NewsletterReport(date, target, (*diagnostics, *problems), issue=issue,
                            selection=selection, blocked=tuple(b.path for b in blocked),
                            notices=tuple(_notices(config, issue, selection)))


def _notices(config: Config, issue: Newsletter, selection: Selection) -> list[str]:
    """What the editor should know about a written newsletter, one warning per line."""
    lines = []
    for code, missing in issue.left_out.items():
        if missing:
            name = language_name(code, "en")
            lines.append(f"Left out of the {name} part (no {name} version): "
                         f"{_keys_and_sources(missing)}")
    if selection.undated:
        lines.append("Left out (no date, so --since cannot choose them): "
                     f"{_keys_and_sources(selection.undated)}. Add a date (front matter "
                     "'date: YYYY-MM-DD' or a dated byline), or name them with --articles.")
    if not config.newsletter.unsubscribe:
        lines.append("warning: the newsletter has no unsubscribe link; Gmail and Yahoo "
                     "require one-click unsubscribe from bulk senders. Set unsubscribe in "
                     "the [newsletter] table of "
                     f"{config.source.name if config.source else CONFIG_NAME}, for example: "
                     'unsubscribe = "https://www.example.org/nyhetsbrev/avsluta"')
    for name, size in issue.oversized:
        lines.append(f"warning: {name} is {size / 1024:.0f} KB; Gmail clips messages over "
                     f"{GMAIL_CLIP_BYTES // 1024} KB. Choose fewer articles.")
    return lines


def _keys_and_sources(sets: list[ArticleSet]) -> str:
    """"key (articles/key.md), …": how the newsletter names articles it left out."""
    return ", ".join(f"{s.key} ({next(iter(s.variants.values())).source})" for s in sets)
