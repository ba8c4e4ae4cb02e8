"""`bilingual serve` against hostile requests and failing rebuilds: it answers with a
status code, shows the failure in the banner, and keeps serving."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import urllib.request

import pytest

from pipeline.serve import serve

from .conftest import free_port, wait_for, write_site

ARTICLE = "---\ntitle: Rubrik\nlang: sv\ndate: 2025-01-01\n---\nText på svenska.\n"


class Running:
    """A preview server in a thread of this process, for one test."""

    def __init__(self, root, request_timeout: float = 15.0) -> None:
        self.root = root
        self.port = free_port()
        self.lines: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=serve, args=(root / "bilingual.toml", {}, self.port, self.lines.append),
            kwargs={"stop": self.stop, "request_timeout": request_timeout}, daemon=True)
        self.thread.start()
        self.wait(lambda: self.fetch("/sv/rubrik/"))

    def fetch(self, path: str) -> str:
        """The body at ``path``, as text."""
        url = f"http://127.0.0.1:{self.port}{path}"
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")

    def status(self) -> dict:
        """What the reload script sees."""
        return json.loads(self.fetch("/__bilingual__/status"))

    def raw(self, request: bytes) -> bytes:
        """Send ``request`` as it is and read the answer until the server closes."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as connection:
            connection.sendall(request)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
            return answer

    def get(self, path: str, host: str | None = "") -> bytes:
        """A GET with ``host`` as its Host header ("" for the right one, None for none)."""
        host = f"127.0.0.1:{self.port}" if host == "" else host
        header = b"" if host is None else b"Host: " + host.encode() + b"\r\n"
        return self.raw(b"GET " + path.encode() + b" HTTP/1.1\r\n" + header
                        + b"Connection: close\r\n\r\n")

    @staticmethod
    def wait(condition, seconds: float = 20.0):
        """The first true value of ``condition()``, tried until ``seconds`` have passed."""
        return wait_for(condition, seconds, pause=0.1)

    def change_until_rebuilt(self, change) -> None:
        """Call ``change(n)`` until a rebuild follows: the watchers start a moment after
        the server answers, so the first change may come before they look."""
        before = self.status()["version"]
        for attempt in range(20):
            change(attempt)
            try:
                self.wait(lambda: self.status()["version"] > before, seconds=2)
                return
            except AssertionError:
                continue
        raise AssertionError("no rebuild after 20 changes")

    def close(self) -> None:
        """Stop the server and wait for it."""
        self.stop.set()
        self.thread.join(timeout=20)
        assert not self.thread.is_alive()


@pytest.fixture
def running(tmp_path):
    """Factory: running(request_timeout=…) serves a one-article site from tmp_path."""
    servers: list[Running] = []

    def start(**options) -> Running:
        write_site(tmp_path, {"rubrik.md": ARTICLE})
        (tmp_path / "templates").mkdir()  # watched only if there when serve starts
        servers.append(Running(tmp_path, **options))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def status_line(answer: bytes) -> bytes:
    """``HTTP/1.0 404 File not found`` → ``404``."""
    return answer.split(b"\r\n", 1)[0].split(b" ")[1]


def test_only_requests_naming_this_computer_and_port_are_answered(running):
    server = running()
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}",
                 f"LOCALHOST:{server.port}", f"[::1]:{server.port}"):
        assert status_line(server.get("/sv/rubrik/", host)) == b"200", host
    # A page on attacker.example whose name now points at 127.0.0.1 (DNS rebinding)
    # still sends its own name: it must not read the preview.
    for host in (f"attacker.example:{server.port}", "attacker.example", "localhost",
                 f"127.0.0.1:{server.port + 1}", f"localhost.attacker.example:{server.port}",
                 None):
        answer = server.get("/sv/rubrik/", host)
        assert status_line(answer) == b"421", host
        assert b"Rubrik" not in answer
    assert status_line(server.get("/__bilingual__/status", "attacker.example")) == b"421"
    twice = server.raw(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                       "Host: attacker.example\r\nConnection: close\r\n\r\n".encode())
    assert status_line(twice) == b"421"


def test_bad_paths_get_400_or_404_and_never_a_traceback(running, capfd):
    server = running()
    for path in ("/%00", "/sv/%00/index.html", "/%FF", "/%ED%B2%80", "/%0d%0aSet-Cookie:x",
                 "/__bilingual__/status%00"):
        assert status_line(server.get(path)) == b"400", path
    missing = server.get("/sv/finns-inte/")
    assert status_line(missing) == b"404"
    assert b"/__bilingual__/status" in missing  # the banner and reload work there too
    assert status_line(server.get("/" + "a" * 5000 + ".css")) == b"404"
    head = server.raw(f"HEAD /%00 HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n\r\n".encode())
    assert status_line(head) == b"400"
    assert status_line(server.get("/sv/rubrik/")) == b"200"
    assert "Traceback" not in capfd.readouterr().err


def test_html_that_is_not_utf8_is_served_as_its_bytes(running, capfd):
    server = running()
    preview = server.root / ".cache" / "preview"
    (preview / "latin1.html").write_bytes(
        b'<html><head><meta charset="iso-8859-1"></head><body>Caf\xe9 \xff</body></html>')
    (preview / "utf16.html").write_bytes("<html><body>Å</body></html>".encode("utf-16"))
    answer = server.get("/latin1.html")
    head, body = answer.split(b"\r\n\r\n", 1)
    assert status_line(answer) == b"200"
    assert b"Content-Type: text/html\r\n" in head + b"\r\n"  # no charset: the page's own
    assert body.startswith(b'<html><head><meta charset="iso-8859-1"></head><body>Caf\xe9 \xff')
    assert b"/__bilingual__/status" in body and body.endswith(b"</body></html>")
    utf16 = server.get("/utf16.html")
    assert utf16.split(b"\r\n\r\n", 1)[1] == "<html><body>Å</body></html>".encode("utf-16")
    assert "Traceback" not in capfd.readouterr().err


def test_a_half_sent_request_is_closed_after_the_timeout(running):
    server = running(request_timeout=0.5)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(b"GET /sv/rubrik/ HTTP/1.1\r\nHost: 127.0.0.1")  # and no more
        started = time.monotonic()
        assert connection.recv(1024) == b""  # closed by the server, with no answer
        assert time.monotonic() - started < 5
    assert status_line(server.get("/sv/rubrik/")) == b"200"


def test_a_rebuild_that_raises_is_shown_and_the_server_keeps_serving(running, monkeypatch):
    import pipeline.build

    server = running()
    source = server.root / "articles" / "rubrik.md"
    server.change_until_rebuilt(lambda n: source.write_text(
        ARTICLE.replace("Text på svenska.", f"Text på svenska, version {n}."), "utf-8"))
    real_run = pipeline.build.run
    calls = []

    def run_failing_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("bygget gick sönder")
        return real_run(*args, **kwargs)

    monkeypatch.setattr(pipeline.build, "run", run_failing_once)
    source.write_text(ARTICLE.replace("Rubrik", "Rubrik ett"), "utf-8")
    problems = server.wait(lambda: server.status()["problems"])
    assert "error[rebuild]: the build failed: RuntimeError: bygget gick sönder" in problems[0]
    assert any("RuntimeError: bygget gick sönder" in line for line in server.lines)
    assert "Rubrik" in server.fetch("/sv/rubrik/")  # the last good pages stay served
    # The next change builds again, and the banner clears.
    source.write_text(ARTICLE.replace("Rubrik", "Rubrik två"), "utf-8")
    server.wait(lambda: not server.status()["problems"])
    assert "Rubrik två" in server.fetch("/sv/rubrik-tva/")
    assert server.thread.is_alive()


def test_a_broken_template_names_its_line_in_the_banner(running):
    server = running()
    template = server.root / "templates" / "base.html"
    server.change_until_rebuilt(lambda n: template.write_text(
        "{{ page.title( }}\n" + " " * n, "utf-8"))
    # Whether the build reports it (error[template]) or raises (error[rebuild]), the
    # banner names the template's line and the server stays up.
    problems = server.wait(lambda: server.status()["problems"])
    assert problems[0].startswith("templates/base.html:1: error[")
    assert "expected ')'" in problems[0]
    template.unlink()
    server.wait(lambda: not server.status()["problems"])
    assert "Rubrik" in server.fetch("/sv/rubrik/")


def test_saving_the_config_by_renaming_a_new_file_over_it_rebuilds_every_time(running):
    server = running()
    config = server.root / "bilingual.toml"
    original = config.read_text("utf-8")

    def save_atomically(title: str) -> None:
        """What editors do: write a new file beside it, then rename it over the old."""
        temporary = server.root / ".bilingual.toml.swp"
        temporary.write_text(original.replace('sv = "Nyheter"', f'sv = "{title}"'), "utf-8")
        os.replace(temporary, config)

    server.change_until_rebuilt(lambda n: save_atomically(f"Första {n}"))
    # A watch on the file itself would now follow the old, replaced file: the next save
    # is the one that used to be missed.
    for title in ("Andra titeln", "Tredje titeln"):
        save_atomically(title)
        server.wait(lambda title=title: title in server.fetch("/sv/"))
