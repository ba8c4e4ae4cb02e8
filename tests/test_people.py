"""The commands for people: serve, new, init and status."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main

from .conftest import copy_bundled_site, free_port, tree_digest, wait_for, write_site


def fetch(url: str) -> str:
    """The body at ``url``, as text."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def test_serve_answers_on_localhost_and_rebuilds_after_a_change(tmp_path):
    copy_bundled_site(tmp_path)
    (tmp_path / "articles" / "halvfardig.md").write_text(
        "---\ntitle: Halvfärdig text om budgeten\nlang: sv\ndate: 2025-04-01\n"
        "draft: true\n---\nHär kommer det mer text om budgeten senare.\n", "utf-8")
    port = free_port()
    # CI may start us with SIGINT ignored (a non-interactive shell's background job);
    # give the server the default handling a terminal's Ctrl-C would meet.
    server = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port)],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True,
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    base = f"http://127.0.0.1:{port}"
    try:
        page = wait_for(lambda: fetch(f"{base}/sv/"))
        assert "Klimatveckan samlade unga" in page
        assert "/__bilingual__/status" in page  # the reload script, added by the server
        # The preview shows drafts, with a badge, and keeps them from search engines.
        assert "Halvfärdig text om budgeten" in page and ">Utkast</span>" in page
        draft = fetch(f"{base}/sv/halvfardig-text-om-budgeten/")
        assert '<meta name="robots" content="noindex">' in draft and ">Utkast</span>" in draft
        first = json.loads(fetch(f"{base}/__bilingual__/status"))
        source = tmp_path / "articles" / "klimatveckan.md"
        source.write_text(source.read_text("utf-8").replace(
            "title: Klimatveckan samlade unga från tre länder",
            "title: Klimatveckan samlade unga från fyra länder"), encoding="utf-8")
        wait_for(lambda: json.loads(fetch(f"{base}/__bilingual__/status"))["version"]
                 > first["version"])
        assert "Klimatveckan samlade unga från fyra länder" in fetch(f"{base}/sv/")
        (tmp_path / "articles" / "trasig.md").write_text("---\ntitle: [\n---\n", "utf-8")
        problems = wait_for(lambda: json.loads(fetch(f"{base}/__bilingual__/status"))[
            "problems"])
        assert problems[0].startswith("articles/trasig.md:2: error[front-matter]")
    finally:
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=20)
    assert server.returncode == 0
    assert "Stopped." in stderr and "Traceback" not in stderr
    # The preview is built beside the cache, never into the published output/.
    assert not (tmp_path / "output").exists()
    on_disk = (tmp_path / ".cache" / "preview" / "sv" / "index.html").read_text("utf-8")
    assert "__bilingual__" not in on_disk


def test_serve_stops_cleanly_on_sigterm(tmp_path):
    write_site(tmp_path, {"a.md": "---\ntitle: Rubrik\nlang: sv\ndate: 2025-01-01\n---\n"
                                  "Text på svenska.\n"})
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port)],
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        wait_for(lambda: fetch(f"http://127.0.0.1:{port}/sv/rubrik/"))
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=20)
    assert server.returncode == 0 and "Stopped." in stderr


def test_serve_listens_on_localhost_only(tmp_path):
    import threading

    from pipeline.serve import serve
    write_site(tmp_path, {"a.md": "---\ntitle: Rubrik\nlang: sv\ndate: 2025-01-01\n---\n"
                                  "Text på svenska.\n"})
    stop = threading.Event()
    port = free_port()
    lines: list[str] = []
    thread = threading.Thread(target=serve, args=(tmp_path / "bilingual.toml", {}, port,
                                                   lines.append, stop), daemon=True)
    thread.start()
    wait_for(lambda: fetch(f"http://127.0.0.1:{port}/sv/rubrik/"))
    with socket.socket() as probe:
        probe.connect(("127.0.0.1", port))
        assert probe.getsockname()[0] == "127.0.0.1"
    assert any("http://127.0.0.1:" in line for line in lines)
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()


def test_new_writes_a_source_that_builds_and_never_overwrites(empty_site):
    result = CliRunner().invoke(main, ["new", "Öppet hus på Åre"])
    assert result.exit_code == 0 and "Created articles/oppet-hus-pa-are.md" in result.stdout
    source = empty_site / "articles" / "oppet-hus-pa-are.md"
    text = source.read_text("utf-8")
    assert 'title: "Öppet hus på Åre"' in text and "lang: sv" in text and "date: " in text
    source.write_text(text + "\nMin egen text.\n", encoding="utf-8")
    again = CliRunner().invoke(main, ["new", "Öppet hus på Åre"])
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert source.read_text("utf-8").endswith("Min egen text.\n")
    pair = CliRunner().invoke(main, ["new", "Höstens program", "--pair"])
    assert pair.exit_code == 0
    assert (empty_site / "articles" / "hostens-program.sv.md").is_file()
    assert (empty_site / "articles" / "hostens-program.en.md").is_file()
    text_post = CliRunner().invoke(main, ["new", "A short note", "--lang", "en", "--format",
                                          "txt"])
    assert text_post.exit_code == 0 and "It is a draft" in text_post.stdout
    assert "delete the line 'draft: true'" in text_post.stdout
    note = empty_site / "articles" / "a-short-note.txt"
    assert note.read_text("utf-8").startswith("---\ndraft: true")
    assert "\n---\nA short note\n" in note.read_text("utf-8")
    # New articles are drafts: their placeholder text is never published by accident.
    build = CliRunner().invoke(main, ["build"])
    assert build.exit_code == 0, build.output
    assert "Built 0 articles" in build.stdout and "0 errors" in build.stdout
    assert "Left out 4 drafts (draft: true)" in build.stderr
    assert not (empty_site / "output" / "en" / "a-short-note").exists()
    with_drafts = CliRunner().invoke(main, ["build", "--drafts"])
    assert with_drafts.exit_code == 0 and "Built 3 articles" in with_drafts.stdout
    assert ">Draft</span>" in (empty_site / "output" / "en" / "a-short-note" / "index.html"
                               ).read_text("utf-8")
    # Deleting the line publishes it, and the next plain build drops the other drafts.
    note.write_text("\n".join(line for line in note.read_text("utf-8").splitlines()
                              if not line.startswith("draft:")) + "\n", encoding="utf-8")
    published = CliRunner().invoke(main, ["build"])
    assert "Built 1 article " in published.stdout and "Left out 3 drafts" in published.stderr
    page = (empty_site / "output" / "en" / "a-short-note" / "index.html").read_text("utf-8")
    assert "A short note" in page and "Draft</span>" not in page and "noindex" not in page
    assert not (empty_site / "output" / "sv" / "oppet-hus-pa-are").exists()


def test_init_makes_a_site_that_builds_cleanly_and_refuses_a_full_folder(tmp_path,
                                                                        monkeypatch):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "ny")])
    assert result.exit_code == 0, result.output
    for name in ("bilingual.toml", ".gitignore", ".github/workflows/build.yml",
                 "requirements.txt", "articles/valkommen.txt", "articles/citat.md",
                 "articles/oversattning.sv.md", "articles/oversattning.en.md"):
        assert (tmp_path / "ny" / name).is_file(), name
    monkeypatch.chdir(tmp_path / "ny")
    build = CliRunner().invoke(main, ["build", "--strict"])
    assert build.exit_code == 0, build.output
    assert "0 errors, 0 warnings" in build.stdout
    before = tree_digest(tmp_path / "ny" / "articles")
    refused = CliRunner().invoke(main, ["init", str(tmp_path / "ny")])
    assert refused.exit_code == 1 and "not empty" in refused.stderr
    (tmp_path / "ny" / ".gitignore").unlink()
    # requirements.txt is generated (it names this version), yet a pinned older version
    # is the site's choice and stays.
    (tmp_path / "ny" / "requirements.txt").write_text("bilingual-publish==0.0.1\n")
    forced = CliRunner().invoke(main, ["init", str(tmp_path / "ny"), "--force"])
    assert forced.exit_code == 0 and forced.stdout.count("Created") == 1
    assert "Created" in forced.stdout and ".gitignore" in forced.stdout
    assert tree_digest(tmp_path / "ny" / "articles") == before
    assert (tmp_path / "ny" / "requirements.txt").read_text() == "bilingual-publish==0.0.1\n"


def _git(folder: Path, *arguments: str, when: int | None = None) -> None:
    environment = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.org",
                   "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if when is not None:
        environment["GIT_AUTHOR_DATE"] = environment["GIT_COMMITTER_DATE"] = f"{when} +0000"
    subprocess.run(["git", *arguments], cwd=folder, env=environment, check=True,
                   capture_output=True)


STATUS_SITE = {
    "bara-svenska.md": "---\ntitle: Bara svenska\nlang: sv\ndate: 2025-01-01\n---\n\n"
                       "En artikel som bara finns på svenska om kommunens arbete.\n",
    "kort.sv.md": "---\ntitle: Lång svensk\ndate: 2025-01-02\n---\n\n" + (
        "Ett långt svenskt stycke om kommunens internationella samarbete och vad det har "
        "gett under åren.\n\n" * 6),
    "kort.en.md": "---\ntitle: Short English\ndate: 2025-01-02\n---\n\nA short summary.\n",
    "par.sv.md": "---\ntitle: Par på svenska\ndate: 2025-01-03\n---\n\n"
                 "Den svenska texten om samarbetet med Kisumu och vad som hände i år.\n",
    "par.en.md": "---\ntitle: Pair in English\ndate: 2025-01-03\n---\n\n"
                 "The English text about the partnership with Kisumu and this year.\n",
}


def test_status_finds_missing_summary_and_stale_translations_with_git(empty_site):
    write_site(empty_site, STATUS_SITE)
    _git(empty_site, "init", "-q")
    _git(empty_site, "add", "-A")
    _git(empty_site, "commit", "-qm", "first", when=1_700_000_000)
    swedish = empty_site / "articles" / "par.sv.md"
    swedish.write_text(swedish.read_text("utf-8") + "\nEtt nytt stycke på svenska.\n", "utf-8")
    _git(empty_site, "commit", "-qam", "Swedish changed", when=1_700_100_000)
    result = CliRunner().invoke(main, ["status", "--json"])
    assert result.exit_code == 0
    rows = {row["key"]: row for row in json.loads(result.stdout)}
    assert rows["bara-svenska"]["missing"] == ["en"]
    assert rows["kort"]["summary"] == ["en"]
    assert rows["par"]["stale"] == ["en"]  # Swedish changed after English
    assert rows["par"]["missing"] == [] and rows["kort"]["stale"] == []
    table = CliRunner().invoke(main, ["status"]).stdout
    assert "missing" in table and "stale" in table and "summary" in table
    assert CliRunner().invoke(main, ["status", "--fail-on", "missing,stale"]).exit_code == 1
    assert CliRunner().invoke(main, ["status", "--fail-on", "summary"]).exit_code == 1
    assert CliRunner().invoke(main, ["status", "--fail-on", "nonsense"]).exit_code == 2


def test_status_without_git_uses_the_history_in_the_cache(empty_site):
    write_site(empty_site, {k: v for k, v in STATUS_SITE.items() if k.startswith("par")})
    first = json.loads(CliRunner().invoke(main, ["status", "--json"]).stdout)
    assert first[0]["stale"] == []
    time.sleep(0.05)
    english = empty_site / "articles" / "par.en.md"
    english.write_text(english.read_text("utf-8") + "\nA new paragraph in English.\n",
                       "utf-8")
    second = json.loads(CliRunner().invoke(main, ["status", "--json"]).stdout)
    assert second[0]["stale"] == ["sv"]
    assert CliRunner().invoke(main, ["status", "--fail-on", "stale"]).exit_code == 1
    assert CliRunner().invoke(main, ["status", "--fail-on", "missing"]).exit_code == 0


def test_every_command_explains_itself_with_an_example():
    assert "Examples:" in CliRunner().invoke(main, ["--help"]).stdout
    for command in ("build", "split", "newsletter", "serve", "new", "init", "status"):
        text = CliRunner().invoke(main, [command, "--help"]).stdout
        assert "Example" in text and f"bilingual {command}" in text, command
