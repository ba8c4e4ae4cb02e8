"""`bilingual serve`: build, serve the site on 127.0.0.1, rebuild on every change, and
reload the open page.

The preview shows drafts and scheduled articles (with badges), so it is built into a
folder of its own, ``<cache>/preview``, never into the published ``output/``. The
pages on disk are what `bilingual build --drafts --future` would write: the reload
script and the error banner are added only to the HTML this server sends. Nothing a
request or a rebuild does stops the server: failures show in the banner instead.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import sys
import threading
import time
import traceback
import unicodedata
import urllib.parse
from collections.abc import Callable
from dataclasses import replace
from http import HTTPStatus
from pathlib import Path

from .config import ConfigError, load_config
from .diagnostics import error
from .model import Config

STATUS_PATH = "/__bilingual__/status"
#: Seconds a connection may stay silent. A browser sends its request at once; without a
#: limit, a half-sent request would hold its thread for as long as the server runs.
REQUEST_TIMEOUT = 15.0
#: The names this computer reaches the server by. A page elsewhere can point its own
#: name at 127.0.0.1 (DNS rebinding), but its requests still carry that name as Host.
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
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
        """Build again (incrementally); note what changed and what went wrong.

        Never raises for a failed build, not even for a bug: the failure is shown in the
        page and the terminal, the last good pages stay served, and the next change
        builds again.
        """
        from .build import run
        from .report import held_summary
        from .schedule import Visibility, build_now

        started = time.perf_counter()
        try:
            self.config = self._load()
            everything = not self.published_only
            report = run(self.config, jobs=1,
                         visibility=Visibility(build_now(), drafts=everything,
                                               future=everything), on_wait=self.echo)
        except ConfigError as problem:
            self._fail("\n".join(d.format() for d in problem.diagnostics))
            return
        except Exception as exc:  # noqa: BLE001 - a preview must outlive any one build
            self._fail(describe_failure(exc, self.config.root))
            return
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

    def _fail(self, problem: str) -> None:
        """Show a build that could not run, in the banner and in the terminal."""
        self._publish([problem], changed=True)
        self.echo(problem)

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


def describe_failure(exc: Exception, root: Path) -> str:
    """A build that raised, as the banner shows it: where (the template line when a
    template failed, else the innermost line of code), what, and what to do."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not (isinstance(filename, str) and isinstance(line, int)):
        frames = traceback.extract_tb(exc.__traceback__)
        # Jinja adds a frame for each template line it ran; prefer those to Python's
        # (and to "<frozen …>" frames, which name no file).
        in_templates = [frame for frame in frames
                        if not frame.filename.endswith(".py") and frame.filename[:1] != "<"]
        frame = (in_templates or frames or [None])[-1]
        filename, line = (frame.filename, frame.lineno or 1) if frame else ("bilingual", 1)
    try:
        shown = Path(filename).resolve().relative_to(root).as_posix()
    except (OSError, ValueError):
        shown = filename
    return error(shown, line, "rebuild", f"the build failed: {type(exc).__name__}: {exc}",
                 "the preview shows the last good build; save a file to build again. If "
                 "the place named is no template of yours, this is a bug in bilingual: "
                 "please report it").format()


def decoded_path(target: str) -> str | None:
    """The path of a request target, percent-decoded; None when it cannot name a file
    the build wrote: bytes that are not UTF-8, or control characters such as NUL (which
    would make the file system calls raise instead of answering 404)."""
    try:
        path = urllib.parse.unquote(target.split("?", 1)[0].split("#", 1)[0],
                                    errors="strict")
    except UnicodeDecodeError:
        return None
    if any(unicodedata.category(char) == "Cc" for char in path):
        return None
    return path


def with_reload_script(html: bytes) -> bytes:
    """``html`` with the reload script before its last ``</body>``. Bytes, not text, so
    a page in another encoding is served as it is; the script is ASCII."""
    end = html.lower().rfind(b"</body>")
    if end < 0:
        return html
    return html[:end] + LIVE_SCRIPT.encode("ascii") + b"\n" + html[end:]


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the output folder; adds the live-reload script to HTML."""

    preview: Preview
    timeout = REQUEST_TIMEOUT  # StreamRequestHandler applies it to every connection

    def log_message(self, *args) -> None:  # the terminal is for build messages
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        """Serve a file, the status JSON, or HTML with the reload script."""
        self._answer(head_only=False)

    def do_HEAD(self) -> None:  # noqa: N802 - the http.server API
        """As GET, without the body."""
        self._answer(head_only=True)

    def _answer(self, head_only: bool) -> None:
        """Check the Host and the path, then send what was asked for."""
        port = self.server.server_address[1]
        if not self._from_this_computer(port):
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, "Unknown host",
                            f"This preview answers only at http://127.0.0.1:{port}/")
            return
        path = decoded_path(self.path)
        if path is None:
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad path")
            return
        if path == STATUS_PATH:
            self._send(self.preview.state(), "application/json", head_only)
            return
        file = Path(self.translate_path(self.path))
        if path.endswith("/") or os.path.isdir(file):  # False, not OSError, for a long name
            file = file / "index.html"
        if file.suffix == ".html":
            try:
                html = file.read_bytes()
            except OSError:  # missing, or a folder named x.html: the page of errors
                self._send(_NOT_FOUND, "text/html; charset=utf-8", head_only,
                           HTTPStatus.NOT_FOUND)
                return
            try:
                html.decode("utf-8")
                kind = "text/html; charset=utf-8"
            except UnicodeDecodeError:
                kind = "text/html"  # let the browser read the page's own charset
            self._send(with_reload_script(html), kind, head_only)
            return
        if head_only:
            super().do_HEAD()
        else:
            super().do_GET()

    def _from_this_computer(self, port: int) -> bool:
        """True when the one Host header names this computer and this port (a browser
        leaves the port out only for 80)."""
        hosts = self.headers.get_all("Host") or []
        allowed = {f"{name}:{port}" for name in LOCAL_NAMES}
        if port == 80:
            allowed.update(LOCAL_NAMES)
        return len(hosts) == 1 and hosts[0].strip().lower() in allowed

    def _send(self, body: bytes, kind: str, head_only: bool,
              status: HTTPStatus = HTTPStatus.OK) -> None:
        """Answer with ``body``, never cached: the next build may change it."""
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)


#: A page that is not there (yet): it still carries the banner and reloads once built.
_NOT_FOUND = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>Not found</title>"
              "</head><body><h1>Not found</h1><p>No page here in the preview (yet).</p>"
              f"{LIVE_SCRIPT}</body></html>").encode()


class PreviewServer(http.server.ThreadingHTTPServer):
    """The HTTP server, quiet about browsers that hang up and never printing a traceback."""

    echo: Callable[[str], None] = staticmethod(lambda line: None)

    def handle_error(self, request, client_address) -> None:
        """A browser that closes a connection mid-answer (it reloads) or times out is
        normal: stay quiet. Anything else is one line; the server keeps serving."""
        problem = sys.exc_info()[1]
        if isinstance(problem, ConnectionError | TimeoutError):
            return
        self.echo(f"error: the preview could not answer a request: "
                  f"{type(problem).__name__}: {problem}")


def serve(config_path: Path | None, overrides: dict, port: int,
          echo: Callable[[str], None], stop: threading.Event | None = None,
          published_only: bool = False, request_timeout: float = REQUEST_TIMEOUT) -> None:
    """Build, serve on 127.0.0.1:``port`` and rebuild on changes until ``stop`` is set
    (or Ctrl-C). Drafts and scheduled articles are shown unless ``published_only``.
    A connection silent for ``request_timeout`` seconds is closed."""
    preview = Preview(config_path, overrides, echo, published_only)
    stop = stop or threading.Event()
    changed = threading.Event()
    # Watch before the first build: a file saved while it runs is built right after it.
    watchers = watch_sources(preview.config, stop, changed, echo)
    preview.rebuild()
    handler = type("Handler", (PreviewHandler,), {"preview": preview,
                                                  "timeout": request_timeout})
    try:
        server = PreviewServer(("127.0.0.1", port),
                               functools.partial(handler, directory=str(preview.config.output)))
    except BaseException:
        stop.set()  # the port is taken, say: the watchers stop too
        raise
    server.echo = echo
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    echo(f"Serving a preview at http://127.0.0.1:{server.server_address[1]}/ (only this "
         "computer can see it" + ("" if published_only else "; drafts and scheduled "
                                  "articles are shown with a badge")
         + "). Press Ctrl-C to stop.")
    if threading.current_thread() is threading.main_thread():
        import signal

        # A service manager (or a CI job) stops us with SIGTERM: shut down as for Ctrl-C.
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        # Every rebuild runs here, one at a time, whichever watcher saw the change.
        while not stop.is_set():
            if changed.wait(timeout=0.2):
                changed.clear()
                preview.rebuild()
    except KeyboardInterrupt:
        pass  # Ctrl-C: stop as asked, without a traceback
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        for watcher in watchers:
            watcher.join(timeout=2)
        echo("Stopped.")


def watch_sources(config: Config, stop: threading.Event, changed: threading.Event,
                  echo: Callable[[str], None]) -> list[threading.Thread]:
    """Start threads that set ``changed`` whenever an article, a template or the config
    file changes, until ``stop`` is set."""
    import logging

    import watchfiles

    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # we say "Stopped." ourselves

    def follow(paths: list[Path], **options) -> None:
        """Set ``changed`` after each batch of changes below ``paths``."""
        try:
            # step: yield 10 ms after the last change (an editor's save is a burst of
            # events within a few ms); debounce: at most 300 ms of a longer burst.
            for _ in watchfiles.watch(*paths, stop_event=stop, debounce=300, step=10,
                                      raise_interrupt=False, **options):
                changed.set()
        except Exception as exc:  # noqa: BLE001 - say it, and keep serving what is built
            echo(f"error: stopped watching {', '.join(map(str, paths))} for changes: {exc}")

    jobs: list[tuple[list[Path], dict]] = []
    folders = [folder for folder in (config.articles, config.templates) if folder.is_dir()]
    if folders:
        jobs.append((folders, {}))
    if config.source is not None:
        name = config.source.name
        # Editors save by writing a new file and renaming it over the old one. A watch
        # on the file would stay on the old, deleted file and miss every later save, so
        # watch the folder holding it (not below it: that holds the cache) for that name.
        jobs.append(([config.source.parent], {
            "recursive": False,
            "watch_filter": lambda _change, path: os.path.basename(path) == name}))
    watchers = [threading.Thread(target=follow, args=(paths,), kwargs=options, daemon=True)
                for paths, options in jobs]
    for watcher in watchers:
        watcher.start()
    return watchers
