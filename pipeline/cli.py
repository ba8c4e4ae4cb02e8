"""The ``bilingual`` command: read options, call the library, print, set the exit code.

Exit codes, for every command:

- 0: the command did its work (warnings allowed).
- 1: an error in the config, a source, a template or the output folder (``build``
  still builds the good articles); a refusal (an empty newsletter selection, a file
  that exists, a port in use); ``build --strict`` and a warning; ``build --check`` and
  an output missing, stale or extra; ``status --fail-on`` and a translation in that
  state.
  ``BuildReport.exit_code`` holds the build's policy.
- 2: a wrong command line, or an internal error (a bug, reported in one short message).
- 130: interrupted (Ctrl-C); 141: the reader of the output went away
  (``bilingual status | head``).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .commands import init, new, newsletter, status
from .config import CONFIG_NAME, ConfigError, find_config, load_config
from .console import guarded, load_or_exit, print_diagnostics


class _Commands(click.Group):
    """Click group that turns an unexpected exception into a short message and exit 2
    (``console.guarded``): people using bilingual should never face a Python traceback."""

    def invoke(self, ctx: click.Context):
        """Run the command; map unexpected failures to short messages."""
        return guarded(lambda: super(_Commands, self).invoke(ctx),
                       (click.ClickException, click.exceptions.Exit, click.Abort))


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
    from .build_command import BuildOptions, build_command

    sys.exit(build_command(BuildOptions(articles, output, config_path, check, jobs, as_json,
                                        strict, drafts, future)))


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
    config = load_or_exit(config_path) if (config_path or find_config()) else load_config(None)
    from .process import make_tagger, process_file
    from .report import describe_source_json, describe_source_text

    tagger = make_tagger(config)  # reads the build's detection cache, never writes it
    failed = False
    for path in files:
        result = process_file(path, config, tagger)
        failed = failed or result.failed
        if output_format == "json":
            click.echo(describe_source_json(result))
        else:
            click.echo(describe_source_text(result))
        print_diagnostics(result.diagnostics, notes=True)
    sys.exit(1 if failed else 0)


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
        print_diagnostics(list(problem.diagnostics))
        sys.exit(1)
    except OSError as problem:
        click.secho(f"error: cannot serve on port {port}: {problem.strerror}", fg="red",
                    err=True)
        click.echo("  hint: another program uses it; try --port 8080", err=True)
        sys.exit(1)


for _command in (newsletter, new, init, status):
    main.add_command(_command)
