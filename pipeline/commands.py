"""The commands for content work: `new`, `init`, `status` and `newsletter`.

``pipeline.cli`` adds them to the ``bilingual`` group; like every command they only
read options, call the library, print and set the exit code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .config import CONFIG_NAME
from .console import chosen_date, load_or_exit, plural, print_diagnostics
from .display import display_path


@click.command()
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]),
              help="Every article dated on or after this day (YYYY-MM-DD).")
@click.option("--articles", "keys", multiple=True, metavar="KEY",
              help="An article by its key (file name without .txt/.md/.sv.md); repeat the "
                   "option or separate keys with commas.")
@click.option("--lang", type=click.Choice(["sv", "en", "both"]), default="both",
              show_default=True, help="One language, or each language plus both.html.")
@click.option("--subject", callback=lambda ctx, param, value: _one_line(value),
              help="Subject line (default: 'Nyheter från …' / 'News from …').")
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
    from .newsletter_build import build_newsletter

    config = load_or_exit(config_path)
    keys = tuple(key.strip() for value in keys for key in value.split(",") if key.strip())
    if since and keys:
        raise click.UsageError("use either --since or --articles, not both")
    if not since and not keys:
        click.secho("error: no articles chosen; add --since YYYY-MM-DD or --articles KEY",
                    fg="red", err=True)
        sys.exit(1)
    report = build_newsletter(config, date=chosen_date(issue_date),
                              since=since.date() if since else None, keys=keys, lang=lang,
                              subject=subject, output=output)
    print_diagnostics(report.diagnostics)
    if report.issue is None:
        click.secho(f"error: {report.refusal}. Nothing was written." if report.refusal
                    else "Nothing was written.", fg="red", err=True)
        sys.exit(report.exit_code)
    if report.blocked:  # something the build did not make is in the way: left alone, named
        sys.exit(report.exit_code)
    click.echo(f"Newsletter {report.date.isoformat()} with "
               f"{plural(len(report.selection.articles), 'article')} in "
               f"{display_path(report.folder, Path.cwd())}/:")
    for file in report.issue.files:
        click.echo(f"  {file.path:<10} {len(file.content) / 1024:6.1f} KB")
    for line in report.notices:
        click.secho(line, fg="yellow", err=True)
    sys.exit(report.exit_code)


def _one_line(value: str | None) -> str | None:
    """--subject becomes the Subject: header, where a line break would start headers of
    its own: refuse it as a usage error (exit 2)."""
    from .config_checks import control_character_problem

    problem = value and control_character_problem(value)
    if problem:
        raise click.BadParameter(f"{problem}; write the subject on one line")
    return value


def _create(make) -> list[Path]:
    """Run ``make`` (new_article or init_site), print each file it created, and exit 1
    with its message when it refused (it then wrote nothing)."""
    from .scaffold import ScaffoldError

    try:
        created = make()
    except ScaffoldError as problem:
        click.secho(f"error: {problem}", fg="red", err=True)
        sys.exit(1)
    for path in created:
        click.echo(f"Created {display_path(path, Path.cwd())}")
    return created


@click.command()
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
    from .scaffold import new_article

    config = load_or_exit(config_path)
    created = _create(lambda: new_article(
        config.articles, title, lang=lang or config.default_language, pair=pair, kind=kind,
        languages=config.languages, today=chosen_date(None)))
    click.echo(f"{'They are drafts' if len(created) > 1 else 'It is a draft'}: "
               "`bilingual serve` shows it, `bilingual build` leaves it out. To publish, "
               "delete the line 'draft: true' at the top.")


@click.command()
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
    from .scaffold import init_site

    _create(lambda: init_site(folder, force=force,
                              note=lambda line: click.secho(line, fg="yellow", err=True)))
    click.echo(f"Next: edit {display_path(folder / CONFIG_NAME, Path.cwd())}, then run "
               "`bilingual serve` in that folder.")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (for CI) instead of a table.")
@click.option("--fail-on", "fail_on", default="",
              help="Exit 1 if any translation is in these states: missing,stale,summary.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help=f"Config file (default: ./{CONFIG_NAME}).")
def status(as_json: bool, fail_on: str, config_path: Path | None) -> None:
    """Show which articles lack a translation, only summarise, or fell behind.

    A translation is stale when the other language's source changed after it (by git
    history when the site is in git, else by when bilingual first saw each version).
    Articles in different languages that look like translations of each other but are
    not paired are listed below the table, with what they share and how to pair them.

    \b
    Examples:
      bilingual status
      bilingual status --json --fail-on missing,stale
    """
    from .status import FAIL_STATES, status_exit_code, status_table, translation_status
    from .suggest import suggest_translations, suggestion_lines

    states = {state.strip() for state in fail_on.split(",") if state.strip()}
    unknown = states - set(FAIL_STATES)
    if unknown:
        raise click.UsageError(f"--fail-on takes {', '.join(FAIL_STATES)}; not "
                               f"{', '.join(sorted(unknown))}")
    config = load_or_exit(config_path)
    from .build import collect

    collection = collect(config, jobs=1)
    print_diagnostics([d for d in collection.diagnostics if d.severity == "error"])
    rows = translation_status(config, collection.sets, collection.diagnostics,
                              collection.digests, collection.held)
    suggestions = suggest_translations(collection.sets, config.languages, collection.held)
    if as_json:
        from .report import status_report_json

        click.echo(status_report_json(rows, suggestions))
    else:
        click.echo("\n".join([status_table(rows, config.languages),
                              *suggestion_lines(suggestions)]))
    sys.exit(status_exit_code(rows, states))
