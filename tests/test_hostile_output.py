"""The output folder and the cache as others leave them: things in the way of an
output, links that lead elsewhere, and a second build of the same site at the same time.

The build never deletes, replaces or follows what it did not write: something in the
way is an error naming it, and every other output is still written. Two builds of one
site take turns (a lock in the cache folder), and a build that waits says so.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline.write import find_obstacle

from .conftest import build_json, retitle, run_build, tree_digest, write_site

SWEDISH = ("---\ntitle: Ny cykelväg till hamnen\nlang: sv\ndate: 2025-05-06\n---\n\n"
           "Kommunen bygger en ny cykelväg från centrum till hamnen under sommaren.\n")
ENGLISH = ("---\ntitle: New cycle path to the harbour\nlang: en\ndate: 2025-05-06\n"
           "translation_key: cykelvag\n---\n\n"
           "The municipality builds a new cycle path from the centre to the harbour.\n")
SV_PAGE = "sv/ny-cykelvag-till-hamnen/index.html"
EN_PAGE = "en/new-cycle-path-to-the-harbour/index.html"


build = build_json  # `bilingual build --json` in a folder (conftest)


def make_site(root: Path) -> Path:
    """A paired article in Swedish and English, built once."""
    site = root / "site"
    write_site(site, {"cykelvag.md": SWEDISH, "cycle-path.en.md": ENGLISH})
    assert build(site)[0] == 0
    return site


def blocked(report: dict) -> dict[str, dict]:
    """The output-blocked errors by path."""
    return {d["path"]: d for d in report["diagnostics"] if d["code"] == "output-blocked"}


def test_a_file_where_a_folder_is_needed_is_named_and_left_alone(tmp_path):
    site = make_site(tmp_path)
    output = site / "output"
    for path in sorted(output.rglob("*"), reverse=True):
        if path.is_relative_to(output / "sv"):
            path.unlink() if path.is_file() else path.rmdir()
    (output / "sv").write_text("anteckningar, inte en mapp\n", encoding="utf-8")
    config = site / "bilingual.toml"
    config.write_text(config.read_text("utf-8").replace("Nyheter", "Nyheter från kommunen")
                      .replace("News", "News from the town"), "utf-8")
    code, report, stderr = build(site)
    assert code == 1 and "internal error" not in stderr
    [problem] = blocked(report).values()
    assert (problem["path"], problem["line"], problem["severity"]) == ("output/sv", 1, "error")
    assert problem["message"].startswith("this is a file, where a folder is needed; 5 "
                                         "outputs not written: sv/atom.xml, sv/feed.json, ")
    assert "move or delete it yourself" in problem["hint"]
    assert (output / "sv").read_text("utf-8") == "anteckningar, inte en mapp\n"
    # Everything else is written (every page shows the site title, so every page changed).
    assert "Nyheter från kommunen" in (output / "index.html").read_text("utf-8")
    assert (output / EN_PAGE).is_file() and EN_PAGE in report["written"]


def test_a_folder_where_a_page_goes_is_named_and_left_alone(tmp_path):
    site = make_site(tmp_path)
    page = site / "output" / SV_PAGE
    page.unlink()
    page.mkdir()
    (page / "egen.txt").write_text("min fil\n", encoding="utf-8")
    code, report, _ = build(site)
    assert code == 1
    [problem] = blocked(report).values()
    assert problem["path"] == f"output/{SV_PAGE}"
    assert problem["message"] == f"this is a folder, where a file goes; not written: {SV_PAGE}"
    assert (page / "egen.txt").read_text("utf-8") == "min fil\n"
    assert (site / "output" / EN_PAGE).is_file()


def test_a_link_to_a_folder_outside_is_never_written_through(tmp_path):
    site = make_site(tmp_path)
    output = site / "output"
    elsewhere = tmp_path / "elsewhere"
    (output / "en").rename(elsewhere)
    before = tree_digest(elsewhere)
    (output / "en").symlink_to(elsewhere, target_is_directory=True)
    (site / "articles" / "cycle-path.en.md").write_text(
        ENGLISH.replace("harbour.\n", "harbour this summer.\n"), encoding="utf-8")
    code, report, _ = build(site)
    assert code == 1
    [problem] = blocked(report).values()
    assert problem["path"] == "output/en"
    assert "symbolic link, which the build never writes through" in problem["message"]
    assert tree_digest(elsewhere) == before
    assert (output / "en").is_symlink() and (output / SV_PAGE).is_file()


def test_a_link_to_a_folder_inside_is_not_followed_either(tmp_path):
    site = make_site(tmp_path)
    output = site / "output"
    swedish = tree_digest(output / "sv")
    for path in sorted((output / "en").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (output / "en").rmdir()
    (output / "en").symlink_to("sv", target_is_directory=True)
    code, report, _ = build(site)
    assert code == 1 and set(blocked(report)) == {"output/en"}
    assert tree_digest(output / "sv") == swedish


def _english_moved_behind_a_link(site: Path, tmp_path: Path) -> Path:
    """Move output/en out of the site and leave a link to it in its place; return where
    it went."""
    elsewhere = tmp_path / "elsewhere"
    (site / "output" / "en").rename(elsewhere)
    (site / "output" / "en").symlink_to(elsewhere, target_is_directory=True)
    return elsewhere


def test_pruning_never_follows_a_link_to_delete(tmp_path):
    """A removed article's old page is pruned, but not through a link someone put there."""
    site = make_site(tmp_path)
    elsewhere = _english_moved_behind_a_link(site, tmp_path)
    (site / "articles" / "cycle-path.en.md").unlink()
    code, report, _ = build(site)
    assert code == 1 and "output/en" in blocked(report)
    assert EN_PAGE not in report["removed"]
    assert (elsewhere / "new-cycle-path-to-the-harbour" / "index.html").is_file()


def test_after_the_obstacle_is_gone_the_next_build_writes_what_it_could_not(tmp_path):
    """Nothing else changed, yet the build does not say 'nothing to do'."""
    site = make_site(tmp_path)
    page = site / "output" / SV_PAGE
    page.unlink()
    page.mkdir()
    assert build(site)[0] == 1
    assert build(site)[0] == 1  # the same problem, found again
    page.rmdir()
    code, report, _ = build(site)
    assert code == 0 and report["written"] == [SV_PAGE]
    assert page.is_file()


def test_check_reads_nothing_through_a_link(tmp_path):
    site = make_site(tmp_path)
    _english_moved_behind_a_link(site, tmp_path)
    code, report, _ = build(site, "--check")
    assert code == 1
    assert "output/en" in blocked(report) and EN_PAGE in report["missing"]


def test_find_obstacle_looks_at_every_part_without_following_links(tmp_path):
    root = tmp_path / "output"
    (root / "sv" / "sida").mkdir(parents=True)
    (root / "sv" / "sida" / "index.html").write_text("x", encoding="utf-8")
    (root / "fil").write_text("x", encoding="utf-8")
    (root / "mapp.html").mkdir()
    (root / "länk").symlink_to(tmp_path)
    os.mkfifo(root / "rör.xml")
    real = str(root)
    assert find_obstacle(real, "sv/sida/index.html") is None
    assert find_obstacle(real, "sv/ny/index.html") is None
    assert find_obstacle(real, "fil/index.html") == ("fil", "file")
    assert find_obstacle(real, "mapp.html") == ("mapp.html", "folder")
    assert find_obstacle(real, "länk/index.html") == ("länk", "link")
    assert find_obstacle(real, "rör.xml") == ("rör.xml", "special")
    assert find_obstacle(real, "../utanför.html") == ("../utanför.html", "outside")
    assert find_obstacle(str(root / "fil"), "index.html") == (".", "file")


# --- two builds at once -----------------------------------------------------------------


def cli_build(site: Path, *options: str, env: dict | None = None) -> subprocess.Popen:
    """`bilingual build` in a process of its own."""
    return subprocess.Popen([sys.executable, "-m", "pipeline", "build", *options], cwd=site,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def test_three_builds_at_once_all_succeed_with_one_builds_output(tmp_path, sitegen):
    """Without the lock one build deleted another's temporary files (exit 2), in about
    one round of three in 150 articles; two rounds, the second rewriting every page."""
    articles = sitegen.generate(150, seed=13, source="owned")
    reference = tmp_path / "reference"
    sitegen.write_bilingual_site(reference, articles)
    retitle(reference, sv="Nytt i kommunen", en="Town news")
    run_build(reference, check=True)
    site = tmp_path / "site"
    sitegen.write_bilingual_site(site, articles)
    for round_ in range(2):
        if round_:
            # every page shows the site's title: every page is written again
            retitle(site, sv="Nytt i kommunen", en="Town news")
        builds = [cli_build(site, "--jobs", "1") for _ in range(3)]
        results = [process.communicate(timeout=300) for process in builds]
        assert [p.returncode for p in builds] == [0, 0, 0], [err for _, err in results]
    assert tree_digest(site / "output") == tree_digest(reference / "output")
    assert not list((site / "output").rglob("*.tmp"))
    # The build state is whole and agrees with the output: the next build has nothing to do.
    with sqlite3.connect(site / ".cache" / "build.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    code, stdout, stderr = run_build(site)
    assert code == 0 and "0 written" in stdout + stderr


def hold_lock(site: Path) -> int:
    """Take the site's build lock as a build would, in this process; the descriptor."""
    (site / ".cache").mkdir(exist_ok=True)
    descriptor = os.open(site / ".cache" / "build.lock", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    os.ftruncate(descriptor, 0)
    os.write(descriptor, f"{os.getpid()}\n".encode())
    return descriptor


def test_a_build_gives_up_with_an_error_when_another_holds_the_lock_too_long(tmp_path):
    site = make_site(tmp_path)
    descriptor = hold_lock(site)
    try:
        process = cli_build(site, env={"BILINGUAL_LOCK_TIMEOUT": "1"})
        stdout, stderr = process.communicate(timeout=60)
    finally:
        os.close(descriptor)
    assert process.returncode == 1
    assert (f"waiting for another build of this site (pid {os.getpid()}) to finish…"
            in stderr)
    assert (f".cache/build.lock:1: error[locked]: another build of this site "
            f"(pid {os.getpid()}) was still running after 1 s of waiting; this build did "
            "nothing") in stderr
    assert "BILINGUAL_LOCK_TIMEOUT" in stderr


def test_a_build_waits_for_the_lock_then_builds(tmp_path):
    site = make_site(tmp_path)
    (site / "articles" / "cykelvag.md").write_text(
        SWEDISH.replace("sommaren.", "sommaren och hösten."), encoding="utf-8")
    descriptor = hold_lock(site)
    threading.Timer(1.5, os.close, [descriptor]).start()
    started = time.monotonic()
    process = cli_build(site)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    assert time.monotonic() - started >= 1.5
    assert "waiting for another build of this site" in stderr
    assert "sommaren och hösten" in (site / "output" / SV_PAGE).read_text("utf-8")


def test_check_waits_for_a_writing_build_but_creates_no_lock(tmp_path):
    write_site(tmp_path, {"cykelvag.md": SWEDISH})
    code, _, stderr = build(tmp_path, "--check")
    assert code == 1 and not (tmp_path / ".cache").exists()
    site = make_site(tmp_path)
    descriptor = hold_lock(site)
    try:
        process = cli_build(site, "--check", env={"BILINGUAL_LOCK_TIMEOUT": "0.5"})
        _, stderr = process.communicate(timeout=60)
    finally:
        os.close(descriptor)
    assert process.returncode == 1 and "error[locked]" in stderr
    assert build(site, "--check")[0] == 0


def test_without_fcntl_a_lock_file_with_the_pid_stands_in(tmp_path, monkeypatch):
    import pipeline.lock

    monkeypatch.setattr(pipeline.lock, "fcntl", None)
    monkeypatch.setenv("BILINGUAL_LOCK_TIMEOUT", "0.3")
    site = make_site(tmp_path)
    assert not (site / ".cache" / "build.lock").exists()  # deleted after each build
    (site / ".cache" / "build.lock").write_text("4242\n", encoding="ascii")
    code, report, stderr = build(site)
    assert code == 1
    assert "waiting for another build of this site (pid 4242) to finish…" in stderr
    [problem] = report["diagnostics"]
    assert problem["code"] == "locked" and "delete .cache/build.lock" in problem["hint"]
    (site / ".cache" / "build.lock").unlink()
    assert build(site)[0] == 0


@pytest.mark.parametrize("value, expected", [("7", 7.0), ("nonsense", 120.0), ("-3", 0.0)])
def test_the_lock_timeout_comes_from_the_environment(monkeypatch, value, expected):
    from pipeline.lock import lock_timeout

    monkeypatch.setenv("BILINGUAL_LOCK_TIMEOUT", value)
    assert lock_timeout() == expected
