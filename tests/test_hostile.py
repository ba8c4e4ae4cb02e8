"""Hostile input, round two: front matter, markers, names, the file system and damaged
state. Each case gives a diagnostic naming the file (or a note), and the good article
still builds."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import unicodedata
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

from .conftest import run_build, tree_digest, write_site

GOOD = ("---\ntitle: En artikel som fungerar\nlang: sv\ndate: 2025-01-15\n---\n\n"
        "Den här artikeln har inga fel och ska byggas även när en annan är trasig.\n")
#: Nine levels of aliases, ten references each: 10^9 strings if anything expanded them.
BOMB = "\n".join(["a0: &a0 [\"ha\",\"ha\",\"ha\",\"ha\",\"ha\",\"ha\",\"ha\",\"ha\",\"ha\",\"ha\"]"]
                 + [f"a{i}: &a{i} [{','.join(['*a' + str(i - 1)] * 10)}]" for i in range(1, 9)])


def built_ok(site: Path) -> bool:
    """The good article's page is there."""
    return (site / "output" / "sv" / "en-artikel-som-fungerar" / "index.html").is_file()


@pytest.mark.parametrize("key", ["lang", "date", "slug", "summary_only"])
def test_an_alias_bomb_in_front_matter_is_refused_before_it_expands(tmp_path, key):
    front = BOMB + f"\n{key}: *a8\ntitle: Bomben\n"
    write_site(tmp_path, {"bomb.md": f"---\n{front}---\nText.\n", "bra.md": GOOD})
    code, _, stderr = run_build(tmp_path)
    assert code == 1
    assert "articles/bomb.md:2: error[front-matter]: anchors and aliases" in stderr
    assert built_ok(tmp_path) and "MemoryError" not in stderr


def test_front_matter_nested_a_thousand_deep_is_refused(tmp_path):
    deep = "title: " + "[" * 1000 + "]" * 1000
    write_site(tmp_path, {"djup.md": f"---\n{deep}\n---\nText.\n", "bra.md": GOOD})
    code, _, stderr = run_build(tmp_path)
    assert code == 1 and "RecursionError" not in stderr
    assert "articles/djup.md:2: error[front-matter]: the front matter is nested more" in stderr
    assert built_ok(tmp_path)


def test_a_key_given_twice_is_an_error_naming_both_lines(tmp_path):
    write_site(tmp_path, {"dubbel.md": "---\ntitle: Första\nlang: sv\ntitle: Andra\n---\nText.\n",
                          "bra.md": GOOD})
    code, _, stderr = run_build(tmp_path)
    assert code == 1
    assert "articles/dubbel.md:4: error[front-matter]: 'title' is given twice (first on line 2)" \
        in stderr
    assert built_ok(tmp_path)


def test_control_characters_from_yaml_escapes_never_reach_the_feeds(tmp_path):
    write_site(tmp_path, {"kontroll.md": '---\ntitle: "Hej\\x0cdär\\x00"\nlang: sv\n'
                                         'date: 2025-02-01\nsummary: "Kort\\x1b[2J"\n---\n'
                                         "Text på svenska om ingenting.\n", "bra.md": GOOD})
    code, _, stderr = run_build(tmp_path)
    assert code == 0
    assert "articles/kontroll.md:2: warning[characters]: 'title' holds a control" in stderr
    for name in ("atom.xml", "rss.xml", "../sitemap.xml"):
        ElementTree.parse(tmp_path / "output" / "sv" / name)  # well-formed XML
    atom = (tmp_path / "output" / "sv" / "atom.xml").read_text("utf-8")
    assert "Hejdär" in atom and "\x0c" not in atom and "\x1b" not in atom


def test_terminal_escapes_in_a_title_never_reach_the_terminal(tmp_path):
    # An undated article is warned about by title: the title must arrive defanged.
    write_site(tmp_path, {"titel.md": '---\ntitle: "Rubrik\\x1b]0;kapad\\x07\\x1b[2J"\n'
                                      "lang: sv\n---\nText på svenska.\n", "bra.md": GOOD})
    code, stdout, stderr = run_build(tmp_path)
    assert code == 0 and "no-date" in stderr
    assert "\x1b" not in stdout + stderr and "\x07" not in stdout + stderr


def test_a_newline_in_a_file_name_cannot_forge_a_ci_command(tmp_path):
    name = "x\n::error file=bilingual.toml,line=1::FAKE\ny.md"
    write_site(tmp_path, {name: "Rubrik\n\nEn rad text.\n", "bra.md": GOOD})
    code, stdout, stderr = run_build(tmp_path)
    assert code == 0
    assert not any(line.startswith("::") for line in (stdout + stderr).splitlines())
    assert "x\\n::error file=bilingual.toml" in stderr  # shown, escaped


def test_a_marker_for_a_language_the_site_lacks_is_an_error_in_that_file(tmp_path):
    write_site(tmp_path, {"tysk.txt": "Rubrik på svenska\n\nEn kort text på svenska här.\n\n"
                                      "<!-- lang: de -->\n\nEine Überschrift\n\n"
                                      "Ein kurzer deutscher Text.\n", "bra.md": GOOD})
    code, stdout, stderr = run_build(tmp_path)
    assert code == 1 and "internal error" not in stderr
    assert ("articles/tysk.txt:7: error[language]: the text from this line is marked as "
            "'de', a language this site does not have (sv, en)") in stderr
    assert "Not built because of errors: articles/tysk.txt" in stderr
    assert built_ok(tmp_path)


def test_decomposed_and_composed_names_pair(tmp_path):
    composed = unicodedata.normalize("NFC", "möte")
    decomposed = unicodedata.normalize("NFD", "möte")
    assert composed != decomposed
    write_site(tmp_path, {
        f"{composed}.sv.md": "---\ntitle: Mötet\ndate: 2025-03-01\n---\nVi ses på mötet.\n",
        f"{decomposed}.en.md": "---\ntitle: The meeting\ndate: 2025-03-01\n---\n"
                               "See you at the meeting.\n"})
    code, _, stderr = run_build(tmp_path)
    assert code == 0, stderr
    page = (tmp_path / "output" / "sv" / "motet" / "index.html").read_text("utf-8")
    assert 'hreflang="en" href="https://example.org/en/the-meeting/"' in page


def test_status_sees_uncommitted_edits_to_files_with_swedish_letters(tmp_path, monkeypatch):
    write_site(tmp_path, {"möte.sv.md": "---\ntitle: Mötet\n---\nVi ses på mötet i dag.\n",
                          "möte.en.md": "---\ntitle: The meeting\n---\nSee you today.\n"})
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "start", "--date", "2020-01-01T00:00:00"],
                   cwd=tmp_path, check=True,
                   env={**os.environ, "GIT_COMMITTER_DATE": "2020-01-01T00:00:00"})
    (tmp_path / "articles" / "möte.sv.md").write_text(
        "---\ntitle: Mötet\n---\nVi ses på mötet i morgon i stället.\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["status", "--json"])
    [row] = json.loads(result.stdout)
    assert row["stale"] == ["en"]  # the Swedish file was edited after the English one


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_named_pipe_among_the_articles_is_passed_over_not_waited_for(tmp_path):
    write_site(tmp_path, {"bra.md": GOOD})
    os.mkfifo(tmp_path / "articles" / "ror.md")
    (tmp_path / "articles" / "mapp.md").mkdir()
    (tmp_path / "articles" / "mapp.md" / "inne.md").write_text(GOOD.replace(
        "En artikel som fungerar", "En artikel i en mapp"), "utf-8")
    code, _, stderr = run_build(tmp_path, timeout=120)  # would hang for ever on the pipe
    assert code == 0, stderr
    assert "articles/ror.md:1: warning[not-a-file]: this is not a regular file" in stderr
    assert built_ok(tmp_path)
    assert (tmp_path / "output" / "sv" / "en-artikel-i-en-mapp" / "index.html").is_file()


def _damage(database: Path, how: str) -> None:
    """Spoil the build state at ``database`` in one of the ways a disk or a person can."""
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    if how == "garbage":
        database.write_bytes(b"\x00garbage" * 1000)
    elif how == "truncated":
        with database.open("r+b") as stream:
            stream.truncate(database.stat().st_size // 3)
    elif how == "older":  # another version's tables, under another schema number
        database.unlink()
        with sqlite3.connect(database) as connection:
            connection.execute("CREATE TABLE manifest (path TEXT, digest TEXT)")
    else:  # a row whose JSON no longer reads
        with sqlite3.connect(database) as connection:
            table, column = how.split(".")
            connection.execute(f"UPDATE {table} SET {column} = '{{\"x\": 1}}'")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "older", "builds.report",
                                    "sources.articles", "sources.diagnostics"])
def test_damaged_build_state_is_thrown_away_with_a_note(tmp_path, damage):
    files = {"bra.md": GOOD, "annan.md": GOOD.replace("fungerar", "också")}
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    write_site(site, files)
    assert run_build(site)[0] == 0
    _damage(site / ".cache" / "build.db", damage)
    edited = GOOD + "Och nu har den en rad till.\n"  # the next real change
    (site / "articles" / "bra.md").write_text(edited, "utf-8")
    write_site(fresh, {**files, "bra.md": edited})
    assert run_build(fresh)[0] == 0
    code, _, stderr = run_build(site)
    assert code == 0, stderr
    assert "internal error" not in stderr
    assert re.search(r"\.cache:1: info\[cache\]: .*(damaged|another version)", stderr), stderr
    assert tree_digest(site / "output") == tree_digest(fresh / "output")
    code, stdout, stderr = run_build(site)  # and the next build is an ordinary one
    assert code == 0 and "[cache]" not in stderr and "0 written" in stdout + stderr
    with sqlite3.connect(site / ".cache" / "build.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_subject_with_a_line_break_is_a_usage_error_not_a_crash(tmp_path, monkeypatch):
    write_site(tmp_path, {"bra.md": GOOD})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["newsletter", "--since", "2025-01-01", "--subject",
                                       "Hej\nBcc: alla@example.org"])
    assert result.exit_code == 2 and "internal error" not in result.output
    assert "write the subject on one line" in result.output
    assert not (tmp_path / "output" / "newsletter").exists()


def test_init_force_says_which_links_it_left_alone(tmp_path, monkeypatch):
    site = tmp_path / "ny"
    site.mkdir()
    (site / "bilingual.toml").symlink_to(tmp_path / "utanfor.toml")  # dangling
    result = CliRunner().invoke(main, ["init", str(site), "--force"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "utanfor.toml").exists()
    assert "bilingual.toml" in result.stderr
