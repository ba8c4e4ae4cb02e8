"""Preview latency: `bilingual serve` beside `hugo server`, from a saved edit to the page.

    .venv/bin/python benchmarks/serve_latency.py [--pairs 1000] [--edits 5] [--markdown]

Both servers run at once on the same generated site (benchmarks/sitegen.py, Markdown
pairs), each with its defaults but the port: `bilingual serve` builds into
.cache/preview and serves it; `hugo server` (0.168) renders to disk by default too
(public/; its --renderToMemory is off) and adds its live-reload script. Once both serve
the first article's Swedish page, each edit appends a Swedish sentence holding a unique
marker to that article's file (each tool's own copy) and closes it; from then the page
is fetched every 10 ms (Cache-Control: no-cache) until its body holds the marker. The
latency is the time from the closed file to that first answer. Edits alternate between
the tools; a tool that has not shown an edit after --timeout seconds has failed.
benchmarks/build.py --serve runs this on its own sites.
"""

from __future__ import annotations

import argparse
import html
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import peers  # noqa: E402

POLL_SECONDS = 0.01
#: Pause after a tool showed an edit, so the rest of its rebuild (indexes, feeds) is
#: done before the next edit is saved.
SETTLE_SECONDS = 1.5
#: Pause between serving the page and the first edit: `bilingual serve` starts watching
#: the sources only after it serves, and an edit before that would never be seen.
WATCH_START_SECONDS = 3.0


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    """The body of ``url``, or None when the server does not answer with a page."""
    request = urllib.request.Request(url, headers={"Cache-Control": "no-cache"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.read().decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException):  # not up yet, 404 while building, reset
        return None


class Server:
    """A preview server of one tool, in a process group of its own."""

    def __init__(self, tool: peers.Tool, command: list[str], port: int, log: Path) -> None:
        self.tool = tool  #: whose site it serves, and which source to edit
        self.name = tool.name
        self.command = command
        self.port = port
        self.log = log  #: its terminal output, for when it fails
        self.url: str | None = None  #: the edited article's page, once found
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the server; its output goes to the log."""
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(self.command, cwd=self.tool.folder, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def failure(self, problem: str) -> str:
        """``problem`` with the end of the server's output."""
        tail = self.log.read_text(encoding="utf-8", errors="replace")[-1500:]
        return f"{self.name}: {problem} (log: {self.log}):\n{tail}"

    def page_url(self) -> str | None:
        """The Swedish page of the edited article, when it can be found yet."""
        base = f"http://127.0.0.1:{self.port}/"
        if self.name == "hugo":
            return f"{base}sv/posts/{self.tool.edited.name.removesuffix('.sv.md')}/"
        # bilingual makes the slug from the title: find the page that holds it.
        heading = f">{html.escape(peers.swedish_title(self.tool), quote=False)}<"
        for page in sorted((self.tool.folder / ".cache" / "preview" / "sv").glob(
                "*/index.html")):
            if heading in page.read_text(encoding="utf-8", errors="replace"):
                return f"{base}sv/{page.parent.name}/"
        return None

    def wait_ready(self, timeout: float) -> None:
        """Wait until the article's page is served; raise RuntimeError after ``timeout``."""
        title = html.escape(peers.swedish_title(self.tool), quote=False)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.failure(f"exited with {self.process.returncode} "
                                                "before serving the page"))
            self.url = self.url or self.page_url()
            if self.url and title in (fetch(self.url) or ""):
                return
            time.sleep(0.2)
        raise RuntimeError(self.failure(f"did not serve the article within {timeout:g} s"))

    def latency(self, edit: int, timeout: float) -> float:
        """Seconds from saving a marked sentence to the first page that holds it."""
        marker = f"m{uuid.uuid4().hex[:12]}"
        self.tool.edit(f"Det här är ändring nummer {edit} med märket {marker} i texten.")
        saved = time.perf_counter()
        while time.perf_counter() - saved < timeout:
            body = fetch(self.url)
            if body is not None and marker in body:
                return time.perf_counter() - saved
            if self.process.poll() is not None:
                raise RuntimeError(self.failure(f"exited with {self.process.returncode}"))
            time.sleep(POLL_SECONDS)
        raise RuntimeError(self.failure(f"never showed the edit within {timeout:g} s"))

    def stop(self) -> None:
        """SIGTERM to the whole process group; SIGKILL after 10 s."""
        if self.process is None or self.process.poll() is not None:
            return
        for sent in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.process.pid, sent)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=10)
                return
            except subprocess.TimeoutExpired:
                continue


def measure(tools: list[peers.Tool], hugo: Path, edits: int, timeout: float,
            ready_timeout: float) -> dict[str, list[float] | str]:
    """Latencies per tool (bilingual, hugo), or the reason a tool failed."""
    by_name = {tool.name: tool for tool in tools}
    ports = {"bilingual": free_port(), "hugo": free_port()}
    commands = {"bilingual": [str(peers.BILINGUAL), "serve", "--port", str(ports["bilingual"])],
                "hugo": [str(hugo), "server", "--port", str(ports["hugo"])]}
    servers = [Server(by_name[name], commands[name], ports[name],
                      by_name[name].folder.parent / f"serve-{name}.log")
               for name in ("bilingual", "hugo")]
    results: dict[str, list[float] | str] = {server.name: [] for server in servers}
    try:
        for server in servers:
            server.start()
        for server in servers:
            try:
                server.wait_ready(ready_timeout)
            except RuntimeError as problem:
                results[server.name] = str(problem)
        time.sleep(WATCH_START_SECONDS)
        for edit in range(edits):
            order = servers if edit % 2 == 0 else servers[::-1]
            for server in order:
                if isinstance(results[server.name], str):
                    continue  # failed already: later markers would tell nothing
                try:
                    results[server.name].append(server.latency(edit, timeout))
                except RuntimeError as problem:
                    results[server.name] = str(problem)
                    continue
                print(f"  edit {edit + 1} {server.name:<9} {results[server.name][-1]:6.3f} s",
                      file=sys.stderr)
                time.sleep(SETTLE_SECONDS)
    finally:
        for server in servers:
            server.stop()
    return results


def table(size: int, results: dict[str, list[float] | str], markdown: bool,
          edits: int) -> str:
    """Median, fastest and slowest latency per tool, bilingual's median over Hugo's, and
    the reason for each failure below the table."""
    header = ["N pairs", "server", "edits shown", "median s", "fastest s", "slowest s"]
    rows = []
    for name, label in (("bilingual", "bilingual serve"), ("hugo", "hugo server")):
        value = results[name]
        if isinstance(value, str):
            rows.append([str(size), label, f"0/{edits}", "failed", "-", "-"])
        else:
            rows.append([str(size), label, f"{len(value)}/{edits}",
                         f"{statistics.median(value):.3f}", f"{min(value):.3f}",
                         f"{max(value):.3f}"])
    if all(isinstance(value, list) for value in results.values()):
        ratio = statistics.median(results["bilingual"]) / statistics.median(results["hugo"])
        rows.append([str(size), "bilingual/hugo (medians)", "", f"{ratio:.2f}", "", ""])
    lines = [peers.format_table(header, rows, markdown)]
    lines += [f"\n{value}" for value in results.values() if isinstance(value, str)]
    return "\n".join(lines)


NOTE = ("Serve latency: seconds from saving an edit (a sentence appended to one Swedish "
        "article, file closed) to the first answer of the article's page that shows it, "
        f"polled every {POLL_SECONDS * 1000:.0f} ms with Cache-Control: no-cache; median "
        "over the edits, alternating the tools; both servers with their defaults but the "
        "port (bilingual serve: .cache/preview; hugo server: fast render mode, live "
        "reload, rendering to disk).")


def main() -> int:
    """Write the sites, run both servers, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds an edit may take to show (default 30)")
    parser.add_argument("--markdown", action="store_true")
    options = parser.parse_args()
    peers.install_bilingual()
    pelican, hugo = peers.peer_binaries()
    tools = peers.prepare(options.pairs, options.seed, "pairs", pelican, hugo)
    results = measure(tools, hugo, options.edits, options.timeout,
                      ready_timeout=120 + options.pairs * 0.5)
    print(table(options.pairs, results, options.markdown, options.edits))
    print("\n" + NOTE + " Versions: " + ", ".join(
        f"{name} {version}" for name, version in peers.versions(hugo=hugo).items())
        + f"; {os.cpu_count()} cores.")
    return 0 if all(isinstance(v, list) for v in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
