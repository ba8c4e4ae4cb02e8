"""`bilingual serve`: build, serve the site on 127.0.0.1, rebuild on every change, and
reload the open page.

The preview shows drafts and scheduled articles (with badges), so it is built into a
folder of its own, ``<cache>/preview``, never into the published ``output/``. The
pages on disk are what `bilingual build --drafts --future` would write: the reload
script and the error banner are added only to the HTML this server sends.
"""

from __future__ import annotations

import functools
import http.server
import json
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .config import ConfigError, load_config
from .model import Config

STATUS_PATH = "/__bilingual__/status"
#: Polls the status endpoint; reloads when the build version changes; shows problems.
LIVE_SCRIPT = """<script>/* added by bilingual serve, not part of the site */
(function () {
  var seen = null;
  function show(state) {
    var box = document.getElementById("bilingual-problems");
    if (!state.problems.length) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("pre");
      box.id = "bilingual-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:40%;" +
        "overflow:auto;margin:0;padding:1em;background:#5c0b0b;color:#fff;" +
        "font:14px/1.4 monospace;white-space:pre-wrap;z-index:2147483647";
      document.body.appendChild(box);
    }
    box.textContent = state.problems.join("\\n");
  }
  function poll() {
    fetch("STATUS_PATH", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (state) {
        if (seen !== null && state.version !== seen) { location.reload(); return; }
        seen = state.version;
        show(state);
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 700); });
  }
  poll();
})();
</script>""".replace("STATUS_PATH", STATUS_PATH)


class Preview:
    """The state shared by the builder and the web server."""

    def __init__(self, config_path: Path | None, overrides: dict, echo: Callable[[str], None],
                 published_only: bool = False):
        self.config_path = config_path
        self.overrides = overrides
        self.echo = echo
        self.published_only = published_only  #: show the site as `bilingual build` would
        self.version = 0
        self.problems: list[str] = []
        self.lock = threading.Lock()
        self.config: Config = self._load()

    def _load(self) -> Config:
        """The site's config, building into ``<cache>/preview`` unless --output was given."""
        config = load_config(self.config_path, **self.overrides)
        if self.overrides.get("output") is None:
            config = replace(config, output=config.cache / "preview")
        return config

    def rebuild(self) -> None:
        """Build again (incrementally); note what changed and what went wrong."""
        from .build import run
        from .report import held_summary
        from .schedule import Visibility, build_now

        started = time.perf_counter()
        try:
            self.config = self._load()
        except ConfigError as problem:
            self._publish([problem.diagnostic.format()], changed=True)
            self.echo(problem.diagnostic.format())
            return
        everything = not self.published_only
        report = run(self.config, jobs=1,
                     visibility=Visibility(build_now(), drafts=everything, future=everything))
        for line in held_summary(report.held):
            self.echo(line)
        problems = [d.format() for d in report.diagnostics if d.severity != "info"]
        changed = bool(report.written or report.removed)
        self._publish(problems, changed or problems != self.problems)
        for line in problems:
            self.echo(line)
        self.echo(f"Rebuilt in {time.perf_counter() - started:.2f} s: "
                  f"{len(report.written)} written, {len(report.removed)} removed, "
                  f"{sum(d.severity == 'error' for d in report.diagnostics)} errors.")

    def _publish(self, problems: list[str], changed: bool) -> None:
        """Store the latest problems; bump the version when pages changed."""
        with self.lock:
            self.problems = problems
            if changed:
                self.version += 1

    def state(self) -> bytes:
        """The JSON the reload script polls."""
        with self.lock:
            return json.dumps({"version": self.version, "problems": self.problems}).encode()


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder; adds the live-reload script to HTML."""

    preview: Preview

    def log_message(self, *args) -> None:  # the terminal is for build messages
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        """Serve a file, the status JSON, or HTML with the reload script."""
        if self.path.split("?")[0] == STATUS_PATH:
            body = self.preview.state()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            html = path.read_text(encoding="utf-8")
            if "</body>" in html:
                html = html.replace("</body>", LIVE_SCRIPT + "\n</body>", 1)
            body = html.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


def serve(config_path: Path | None, overrides: dict, port: int,
          echo: Callable[[str], None], stop: threading.Event | None = None,
          published_only: bool = False) -> None:
    """Build, serve on 127.0.0.1:``port`` and rebuild on changes until ``stop`` is set
    (or Ctrl-C). Drafts and scheduled articles are shown unless ``published_only``."""
    import logging

    import watchfiles

    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # we say "Stopped." ourselves
    preview = Preview(config_path, overrides, echo, published_only)
    preview.rebuild()
    handler = type("Handler", (PreviewHandler,), {"preview": preview})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port),
        functools.partial(handler, directory=str(preview.config.output)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    config = preview.config
    echo(f"Serving a preview at http://127.0.0.1:{server.server_address[1]}/ (only this "
         "computer can see it" + ("" if published_only else "; drafts and scheduled "
                                  "articles are shown with a badge")
         + "). Press Ctrl-C to stop.")
    watched = [p for p in (config.articles, config.templates) if p.is_dir()]
    if config.source is not None:
        watched.append(config.source)
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        import signal

        # A service manager (or a CI job) stops us with SIGTERM: shut down as for Ctrl-C.
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        for _ in watchfiles.watch(*watched, stop_event=stop, debounce=300,
                                  raise_interrupt=False):
            preview.rebuild()
    finally:
        server.shutdown()
        server.server_close()
        echo("Stopped.")
