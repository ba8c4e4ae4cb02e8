"""The ``bilingual`` command: read options, call the library, print, set the exit code.

Exit codes: 0 when everything built, 1 when any source or the config has an error
(the good articles are still built), 2 when the command line itself is wrong.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from .build import collect, run
from .config import CONFIG_NAME, ConfigError, find_config, load_config
from .model import Config
from .process import display_path, make_tagger, process_file
from .report import describe_source, describe_source_text


def _print_diagnostics(diagnostics) -> None:
    """Every diagnostic on stderr, errors and warnings coloured on a terminal."""
    for diagnostic in diagnostics:
        colour = "red" if diagnostic.severity == "error" else "yellow"
        click.secho(diagnostic.format(), fg=colour, err=True)


def _load(config_path: Path | None, **overrides: Path | None) -> Config:
    """Load the given config, ./bilingual.toml, or the defaults; exit 1 on a bad config."""
    path = config_path or find_config()
    try:
        config = load_config(path, **overrides)
    except ConfigError as problem:
        _print_diagnostics([problem.diagnostic])
        sys.exit(1)
    if path is None:
        click.secho(f"note: no {CONFIG_NAME} in {Path.cwd()}; using the defaults "
                    f"(languages sv, en; base_url {config.base_url})", fg="yellow", err=True)
    return config


def _plural(count: int, word: str) -> str:
    """"1 error", "2 errors"."""
    return f"{count} {word}{'' if count == 1 else 's'}"


class _Commands(click.Group):
    """Click group that turns an unexpected exception into a short message and exit 2:
    people using bilingual should never face a Python traceback."""

    def invoke(self, ctx: click.Context):
        """Run the command; map unexpected failures to short messages."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except BrokenPipeError:
            # The reader went away (`bilingual status | head`): stop quietly, as Unix
            # tools do, instead of reporting a bug.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(141)
        except KeyboardInterrupt:
            click.secho("Interrupted. Files already written are complete; run the command "
                        "again to finish.", fg="yellow", err=True)
            sys.exit(130)
        except Exception as problem:  # noqa: BLE001 - the last line of defence
            if os.environ.get("BILINGUAL_DEBUG"):
                raise
            click.secho(f"internal error: {type(problem).__name__}: {problem}", fg="red",
                        err=True)
            click.echo("  hint: this is a bug in bilingual, not a mistake in your articles. "
                       "Please report it with the command you ran; BILINGUAL_DEBUG=1 shows "
                       "the details.", err=True)
            sys.exit(2)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bilingual")
def main() -> None:
    """Turn Swedish/English articles into paired, language-tagged web pages.

    \b
    Examples:
      bilingual init min-webbplats     start a new site
      bilingual new "Öppet hus"        start a new article
      bilingual serve                  preview at http://127.0.0.1:8000/
      bilingual status                 which translations are missing or stale
      bilingual build                  write the site to output/
    """


class Progress:
    """A progress bar on stderr, shown only on a terminal and only once a build has run
    for a second (short builds stay quiet; CI logs get the one summary line)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.perf_counter()
        self.drawn = 0.0  # when the bar was last drawn
        self.stage = ""

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
        click.echo(f"\r{label:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
                   err=True, nl=False)
        self.stage = stage
        if done == total:
            click.echo(err=True)


@main.command()
@click.option("--articles", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of source articles (default: paths.articles, 'articles').")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the site to (default: paths.output, 'output').")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Config file (default: ./{CONFIG_NAME}).")
@click.option("--check", is_flag=True,
              help="Render in memory and compare with the output folder; write nothing; "
                   "exit 1 if anything is missing, stale or extra.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes for reading and rendering (default: the number of cores).")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON report (counts, diagnostics, timings) on stdout.")
@click.option("--strict", is_flag=True,
              help="Treat warnings as errors: exit 1 if there is any (for CI).")
@click.option("--drafts", is_flag=True,
              help="Include articles marked 'draft: true' (shown with a Draft badge).")
@click.option("--future", is_flag=True,
              help="Include articles whose date or publish_at has not come yet.")
def build(articles: Path | None, output: Path | None, config_path: Path | None, check: bool,
          jobs: int | None, as_json: bool, strict: bool, drafts: bool, future: bool) -> None:
    """Build every article into HTML pages, feeds and a sitemap.

    Only what changed is redone: unchanged sources are not read again and unchanged
    pages not rendered again; pages of removed articles are deleted.

    \b
    Examples:
      bilingual build
      bilingual build --articles drafts --output preview
      bilingual build --check          (in CI, when output/ is committed)
      bilingual build --drafts --future --output preview
    """
    from .report import build_report_json, held_summary
    from .schedule import Visibility, build_now

    config = _load(config_path, articles=articles, output=output)
    started = time.perf_counter()
    progress = Progress(enabled=sys.stderr.isatty() and not as_json)
    report = run(config, check=check, jobs=jobs or os.cpu_count() or 1, progress=progress,
                 visibility=Visibility(build_now(), drafts=drafts, future=future))
    seconds = time.perf_counter() - started
    _print_diagnostics(report.diagnostics)
    if as_json:
        click.echo(build_report_json(report, seconds))
    errors = sum(d.severity == "error" for d in report.diagnostics)
    warnings = len(report.diagnostics) - errors
    target = display_path(config.output, Path.cwd())
    if check:
        for label, names in (("missing", report.missing), ("stale", report.stale),
                             ("extra", report.extra)):
            for name in names:
                click.secho(f"{label}: {target}/{name}", fg="red", err=True)
        out_of_date = len(report.missing) + len(report.stale) + len(report.extra)
        if not as_json:
            verdict = "is up to date" if not out_of_date else (
                f"is out of date: {len(report.missing)} missing, {len(report.stale)} stale, "
                f"{len(report.extra)} extra (run `bilingual build`)")
            click.echo(f"Checked {_plural(report.articles, 'article')}: {target}/ {verdict}; "
                       f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}.")
        sys.exit(0 if report.ok and not out_of_date and not (strict and warnings) else 1)
    if not as_json:
        removed = f", {len(report.removed)} removed" if report.removed else ""
        click.echo(f"Built {_plural(report.articles, 'article')} into {target}/ in "
                   f"{seconds:.2f} s: {len(report.written)} written, "
                   f"{len(report.unchanged)} unchanged{removed}; "
                   f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}.")
    for line in held_summary(report.held):
        click.echo(line, err=True)
    if report.extra:
        click.secho(f"note: {_plural(len(report.extra), 'file')} in {target}/ not made by "
                    f"bilingual, left alone: {', '.join(report.extra[:5])}"
                    + (" …" if len(report.extra) > 5 else ""), fg="yellow", err=True)
    if report.failed:
        click.secho(f"Not built because of errors: {', '.join(report.failed)}", fg="red",
                    err=True)
    if strict and warnings:
        click.secho(f"--strict: {_plural(warnings, 'warning')} count as errors.", fg="red",
                    err=True)
    sys.exit(0 if report.ok and not (strict and warnings) else 1)


@main.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="text for people, json (one object per line) for programs.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Config file (default: ./{CONFIG_NAME} if present).")
def split(files: tuple[Path, ...], output_format: str, config_path: Path | None) -> None:
    """Show how sources are split into blocks, languages and variants.

    \b
    Example:
      bilingual split articles/vanortssamarbete-kisumu.txt
      bilingual split --format json articles/*.md
    """
    config = _load(config_path) if (config_path or find_config()) else load_config(None)
    tagger = make_tagger(config)  # reads the build's detection cache, never writes it
    failed = False
    for path in files:
        result = process_file(path, config, tagger)
        failed = failed or result.failed
        if output_format == "json":
            click.echo(json.dumps(describe_source(result), ensure_ascii=False, sort_keys=False))
        else:
            click.echo(describe_source_text(result))
        _print_diagnostics(result.diagnostics)
    sys.exit(1 if failed else 0)



def _issue_date(given: datetime.datetime | None) -> datetime.date:
    """--date, else SOURCE_DATE_EPOCH (reproducible builds), else today."""
    if given is not None:
        return given.date()
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.UTC).date()
    return datetime.date.today()


def _keys_and_sources(sets) -> str:
    """"key (articles/key.md), …": how the newsletter names articles it left out."""
    return ", ".join(f"{s.key} ({next(iter(s.variants.values())).source})" for s in sets)


@main.command()
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]),
              help="Every article dated on or after this day (YYYY-MM-DD).")
@click.option("--articles", "keys", multiple=True, metavar="KEY",
              help="An article by its key (file name without .txt/.md/.sv.md); repeat the "
                   "option or separate keys with commas.")
@click.option("--lang", type=click.Choice(["sv", "en", "both"]), default="both",
              show_default=True, help="One language, or each language plus both.html.")
@click.option("--subject", help="Subject line (default: 'Nyheter från …' / 'News from …').")
@click.option("--date", "issue_date", type=click.DateTime(["%Y-%m-%d"]),
              help="Issue date for the folder name and Date: header (default: today, or "
                   "SOURCE_DATE_EPOCH).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the files (default: <output>/newsletter/<date>/).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Config file (default: ./{CONFIG_NAME}).")
def newsletter(since, keys, lang, subject, issue_date, output, config_path) -> None:
    """Write an e-mail newsletter: HTML, plain text and a draft .eml per language.

    \b
    Examples:
      bilingual newsletter --since 2025-03-01
      bilingual newsletter --articles oppet-hus,klimatveckan --lang sv
    """
    from .newsletter import GMAIL_CLIP_BYTES, SelectionError, make_newsletter, select_articles
    from .render import language_name, make_environment
    from .write import write_outputs

    config = _load(config_path)
    keys = tuple(key.strip() for value in keys for key in value.split(",") if key.strip())
    if since and keys:
        raise click.UsageError("use either --since or --articles, not both")
    if not since and not keys:
        click.secho("error: no articles chosen; add --since YYYY-MM-DD or --articles KEY",
                    fg="red", err=True)
        sys.exit(1)
    date = _issue_date(issue_date)
    collection = collect(config, jobs=1)
    _print_diagnostics(sorted(collection.diagnostics, key=lambda d: d.sort_key()))
    try:
        selection = select_articles(collection.sets, since=since.date() if since else None,
                                    keys=keys, held=collection.held)
        selected = selection.articles
        issue = make_newsletter(config, make_environment(config), selected, lang=lang,
                                date=date, subject=subject)
    except SelectionError as problem:
        click.secho(f"error: {problem}. Nothing was written.", fg="red", err=True)
        sys.exit(1)
    target = (output or config.output / "newsletter" / date.isoformat()).resolve()
    for name, folder in (("articles", config.articles), ("templates", config.templates)):
        if target == folder or target.is_relative_to(folder) or config.root == target:
            click.secho(f"error: refusing to write the newsletter into the {name} folder "
                        f"{folder}; choose another --output. Nothing was written.",
                        fg="red", err=True)
            sys.exit(1)
    write_outputs(target, issue.files)
    shown = display_path(target, Path.cwd())
    click.echo(f"Newsletter {date.isoformat()} with {_plural(len(selected), 'article')} "
               f"in {shown}/:")
    for file in issue.files:
        click.echo(f"  {file.path:<10} {len(file.content) / 1024:6.1f} KB")
    for code, missing in issue.left_out.items():
        if missing:
            name = language_name(code, "en")
            click.secho(f"Left out of the {name} part (no {name} version): "
                        f"{_keys_and_sources(missing)}", fg="yellow", err=True)
    if selection.undated:
        click.secho("Left out (no date, so --since cannot choose them): "
                    f"{_keys_and_sources(selection.undated)}. Add a date (front matter "
                    "'date: YYYY-MM-DD' or a dated byline), or name them with --articles.",
                    fg="yellow", err=True)
    if not config.newsletter.unsubscribe:
        click.secho("warning: the newsletter has no unsubscribe link; Gmail and Yahoo "
                    "require one-click unsubscribe from bulk senders. Set unsubscribe in the "
                    f"[newsletter] table of {config.source.name if config.source else CONFIG_NAME}"
                    ', for example: unsubscribe = "https://www.example.org/nyhetsbrev/avsluta"',
                    fg="yellow", err=True)
    for name, size in issue.oversized:
        click.secho(f"warning: {name} is {size / 1024:.0f} KB; Gmail clips messages over "
                    f"{GMAIL_CLIP_BYTES // 1024} KB. Choose fewer articles.", fg="yellow",
                    err=True)
    sys.exit(1 if any(d.severity == "error" for d in collection.diagnostics) else 0)


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--articles", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of source articles (default: paths.articles).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to build the preview into (default: <paths.cache>/preview, so "
                   "the published output/ never holds drafts).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Config file (default: ./{CONFIG_NAME}).")
@click.option("--published-only", is_flag=True,
              help="Leave drafts and scheduled articles out, as `bilingual build` does.")
def serve(port: int, articles: Path | None, output: Path | None,
          config_path: Path | None, published_only: bool) -> None:
    """Preview the site: build, serve it on this computer, rebuild on every change.

    Open the address it prints in a browser. Every time you save an article, a template
    or bilingual.toml the site is rebuilt and the page reloads; problems show at the
    bottom of the page and here. Drafts and articles scheduled for later are shown,
    with a badge. Ctrl-C stops it.

    \b
    Example:
      bilingual serve
      bilingual serve --port 8080
    """
    from .serve import serve as run_server

    path = config_path or find_config()
    try:
        run_server(path, {"articles": articles, "output": output}, port,
                   lambda line: click.echo(line, err=True), published_only=published_only)
    except ConfigError as problem:
        _print_diagnostics([problem.diagnostic])
        sys.exit(1)
    except OSError as problem:
        click.secho(f"error: cannot serve on port {port}: {problem.strerror}", fg="red",
                    err=True)
        click.echo("  hint: another program uses it; try --port 8080", err=True)
        sys.exit(1)


@main.command()
@click.argument("title")
@click.option("--lang", type=click.Choice(["sv", "en"]), default=None,
              help="Language of the article (default: default_language).")
@click.option("--pair", is_flag=True, help="Write both slug.sv.md and slug.en.md.")
@click.option("--format", "kind", type=click.Choice(["md", "txt"]), default="md",
              show_default=True, help="Markdown with front matter, or plain text.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Config file (default: ./{CONFIG_NAME}).")
def new(title: str, lang: str | None, pair: bool, kind: str, config_path: Path | None) -> None:
    """Start a new article with its front matter filled in.

    The file name comes from the title (å→a, ä→a, ö→o); the date is today's. The
    article starts as a draft (draft: true): it is published once you delete that line.
    An existing file is never overwritten.

    \b
    Examples:
      bilingual new "Öppet hus i stadshuset"
      bilingual new "Open day" --lang en
      bilingual new "Öppet hus" --pair
    """
    from .scaffold import ScaffoldError, new_article

    config = _load(config_path)
    try:
        created = new_article(config.articles, title, lang=lang or config.default_language,
                              pair=pair, kind=kind, languages=config.languages,
                              today=_issue_date(None))
    except ScaffoldError as problem:
        click.secho(f"error: {problem}", fg="red", err=True)
        sys.exit(1)
    for path in created:
        click.echo(f"Created {display_path(path, Path.cwd())}")
    click.echo(f"{'They are drafts' if len(created) > 1 else 'It is a draft'}: "
               "`bilingual serve` shows it, `bilingual build` leaves it out. To publish, "
               "delete the line 'draft: true' at the top.")


@main.command()
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path),
                default=Path("."))
@click.option("--force", is_flag=True,
              help="Use a folder that is not empty (existing files are never changed).")
def init(folder: Path, force: bool) -> None:
    """Create a new site: bilingual.toml, example articles, .gitignore, a CI workflow and
    requirements.txt (naming this version of bilingual, for CI).

    \b
    Example:
      bilingual init min-webbplats
      cd min-webbplats && bilingual serve
    """
    from .scaffold import ScaffoldError, init_site

    try:
        created = init_site(folder, force=force)
    except ScaffoldError as problem:
        click.secho(f"error: {problem}", fg="red", err=True)
        sys.exit(1)
    for path in created:
        click.echo(f"Created {display_path(path, Path.cwd())}")
    click.echo(f"Next: edit {display_path(folder / CONFIG_NAME, Path.cwd())}, then run "
               "`bilingual serve` in that folder.")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (for CI) instead of a table.")
@click.option("--fail-on", "fail_on", default="",
              help="Exit 1 if any translation is in these states: missing,stale,summary.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Config file (default: ./{CONFIG_NAME}).")
def status(as_json: bool, fail_on: str, config_path: Path | None) -> None:
    """Show which articles lack a translation, only summarise, or fell behind.

    A translation is stale when the other language's source changed after it (by git
    history when the site is in git, else by when bilingual first saw each version).

    \b
    Examples:
      bilingual status
      bilingual status --json --fail-on missing,stale
    """
    from .status import status_table, translation_status

    states = {state.strip() for state in fail_on.split(",") if state.strip()}
    unknown = states - {"missing", "stale", "summary"}
    if unknown:
        raise click.UsageError(f"--fail-on takes missing, stale, summary; not "
                               f"{', '.join(sorted(unknown))}")
    config = _load(config_path)
    collection = collect(config, jobs=1)
    _print_diagnostics([d for d in collection.diagnostics if d.severity == "error"])
    rows = translation_status(config, collection.sets, collection.diagnostics,
                              collection.digests, collection.held)
    if as_json:
        from .report import held_view

        click.echo(json.dumps([{
            "key": r.key, "title": r.title, "languages": list(r.languages),
            "missing": list(r.missing), "summary": list(r.summaries), "stale": list(r.stale),
            "unsure_blocks": r.unsure_blocks, "sources": list(r.sources),
            "published": r.published, "held": [held_view(h) for h in r.held]}
            for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(status_table(rows, config.languages))
    published = [r for r in rows if r.published]  # an unpublished draft fails nothing yet
    failing = {"missing": any(r.missing for r in published),
               "stale": any(r.stale for r in published),
               "summary": any(r.summaries for r in published)}
    sys.exit(1 if any(failing[state] for state in states) else 0)
