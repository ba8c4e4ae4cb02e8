"""The command line: exit codes, messages, bad input and byte-identical builds."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.diagnostics import Diagnostic
from pipeline.model import BuildReport

from .conftest import ROOT, run_build, tree_digest, write_site

INVALID = Path(__file__).parent / "sites" / "invalid"


@pytest.fixture
def in_folder(monkeypatch):
    def enter(folder: Path) -> Path:
        monkeypatch.chdir(folder)
        return folder
    return enter


@pytest.mark.parametrize("case", sorted(p.name for p in INVALID.iterdir()))
def test_each_invalid_site_reports_file_line_and_still_builds_the_rest(case, tmp_path,
                                                                       in_folder):
    site = in_folder(shutil.copytree(INVALID / case, tmp_path / case))
    before = tree_digest(site / "articles") | {"bilingual.toml": tree_digest(site)[
        "bilingual.toml"]}
    expected = (site / "expected.txt").read_text(encoding="utf-8").strip()
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1, result.output
    assert expected in result.stderr
    assert "hint:" in result.stderr
    after = tree_digest(site / "articles") | {"bilingual.toml": tree_digest(site)[
        "bilingual.toml"]}
    assert after == before, "the build changed a file the user wrote"
    good_page = site / "output" / "sv" / "en-artikel-som-fungerar" / "index.html"
    if case == "unknown-config-key":
        assert not (site / "output").exists()
    else:
        assert good_page.is_file()
        assert "Not built because of errors" in result.stderr


def test_build_of_the_bundled_site_exits_0_and_reports_counts(tmp_path, in_folder):
    in_folder(ROOT)
    result = CliRunner().invoke(main, ["build", "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Built 3 articles" in result.stdout
    assert "0 errors, 0 warnings" in result.stdout
    again = CliRunner().invoke(main, ["build", "--output", str(tmp_path / "out")])
    assert "0 written, 17 unchanged" in again.stdout


def test_two_builds_are_byte_identical(tmp_path, in_folder):
    in_folder(ROOT)
    for name in ("one", "two"):
        result = CliRunner().invoke(main, ["build", "--output", str(tmp_path / name)])
        assert result.exit_code == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")
    assert len(tree_digest(tmp_path / "one")) == 17


def test_builds_in_separate_processes_with_different_hash_seeds_are_identical(tmp_path):
    digests = []
    for seed in ("1", "2"):
        output = tmp_path / seed
        run_build(ROOT, "--output", str(output), jobs=None, env={"PYTHONHASHSEED": seed},
                  check=True)
        digests.append(tree_digest(output))
    assert digests[0] == digests[1]


def test_weekday_mismatch_is_a_warning_and_exit_0(tmp_path, in_folder):
    write_site(tmp_path, {"a.txt": "Rubrik här\n\nEtt stycke på svenska om något viktigt som "
                                   "hände.\n\nPublicerat av Nordvik Fredag 21 november 2019\n"})
    in_folder(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0
    assert "articles/a.txt:5: warning[weekday]: 'Fredag' does not match 2019-11-21" in \
        result.stderr


def test_missing_config_file_given_on_the_command_line_is_an_error(tmp_path, in_folder):
    in_folder(tmp_path)
    result = CliRunner().invoke(main, ["build", "--config", "nope.toml"])
    assert result.exit_code == 1
    assert "nope.toml:1: error[config]: the config file does not exist" in result.stderr


def test_missing_articles_folder_is_an_error(tmp_path, in_folder):
    write_site(tmp_path, {})
    in_folder(tmp_path)
    result = CliRunner().invoke(main, ["build", "--articles", "missing"])
    assert result.exit_code == 1
    assert "error[articles]: the articles folder does not exist" in result.stderr


def test_output_folder_may_not_be_the_articles_folder(tmp_path, in_folder):
    write_site(tmp_path, {"a.md": "# Rubrik\n\nText.\n"})
    in_folder(tmp_path)
    result = CliRunner().invoke(main, ["build", "--output", "articles"])
    assert result.exit_code == 1
    assert "would hold or overwrite" in result.stderr
    assert sorted(p.name for p in (tmp_path / "articles").iterdir()) == ["a.md"]


def test_unknown_option_is_a_usage_error_with_exit_2():
    result = CliRunner().invoke(main, ["build", "--nonsense"])
    assert result.exit_code == 2


def test_split_json_is_one_object_per_file_with_the_documented_fields(in_folder):
    in_folder(ROOT)
    result = CliRunner().invoke(main, ["split", "--format", "json",
                                       "articles/vanortssamarbete-kisumu.txt",
                                       "articles/klimatveckan.md"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    kisumu = json.loads(lines[0])
    assert set(kisumu) == {"source", "metadata", "blocks", "variants", "diagnostics"}
    assert kisumu["source"] == "articles/vanortssamarbete-kisumu.txt"
    assert kisumu["metadata"] == {"date": "2025-03-12",
                                  "publisher": "Nordvik kommun – Internationella enheten"}
    first = kisumu["blocks"][0]
    assert set(first) == {"line", "end_line", "kind", "lang", "confidence", "how", "text",
                          "spans"}
    assert (first["line"], first["kind"], first["lang"]) == (1, "heading", "sv")
    byline = next(b for b in kisumu["blocks"] if b["kind"] == "byline")
    assert byline["line"] == 9
    assert set(kisumu["variants"]) == {"sv", "en"}
    english = kisumu["variants"]["en"]
    assert english["slug"] == "ten-years-of-partnership-with-kisumu"
    assert [kisumu["blocks"][i]["lang"] for i in english["blocks"]] == ["en"]
    klimat = json.loads(lines[1])
    assert [b["how"] for b in klimat["blocks"] if b["kind"] == "quote"] == ["marker"]


def test_split_text_format_and_unreadable_file(tmp_path, in_folder):
    in_folder(ROOT)
    result = CliRunner().invoke(main, ["split", "articles/oppet-hus.sv.md"])
    assert result.exit_code == 0
    assert "sv: 'Öppet hus i stadshuset om vårt internationella arbete'" in result.stdout
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Rubrik\n\n\xff\n")
    result = CliRunner().invoke(main, ["split", "--format", "json", str(bad)])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["diagnostics"][0]["code"] == "encoding"


def test_python_dash_m_pipeline_runs_the_same_command():
    result = subprocess.run([sys.executable, "-m", "pipeline", "--help"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    assert "build" in result.stdout and "split" in result.stdout


def test_detections_are_kept_in_the_build_state_and_reused(tmp_path, in_folder):
    paragraph = "Ett stycke på svenska om något viktigt som hände i kommunen."
    write_site(tmp_path, {"a.txt": f"Rubrik här\n\n{paragraph}\n"})
    in_folder(tmp_path)
    assert CliRunner().invoke(main, ["build"]).exit_code == 0

    def stored() -> set[str]:
        with sqlite3.connect(tmp_path / ".cache" / "build.db") as connection:
            return {key for (key,) in connection.execute("SELECT key FROM detections")}

    first = stored()
    assert len(first) >= 2
    from pipeline.config import load_config
    from pipeline.process import make_tagger
    tagger = make_tagger(load_config(tmp_path / "bilingual.toml"))
    tagger.detect(paragraph)
    assert (tagger.cache.hits, tagger.cache.misses) == (1, 0)
    with (tmp_path / "articles" / "a.txt").open("a", encoding="utf-8") as article:
        article.write("\nEtt nytt stycke om vad som händer nästa vecka i skolan.\n")
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    second = stored()
    assert first < second and len(second - first) <= 2  # only the new text was detected


# The build's exit-code policy, on BuildReport objects (the `build` command applies it).

def _report(*severities: str, **lists: tuple[str, ...]) -> BuildReport:
    """A report with one diagnostic per severity given, and the given output lists."""
    return BuildReport(diagnostics=tuple(Diagnostic("articles/a.md", 1, severity, "x", "m")
                                         for severity in severities),
                       written=(), unchanged=(), articles=1, failed=(), **lists)


@pytest.mark.parametrize(("report", "strict", "check", "code"), [
    (_report(), False, False, 0),
    (_report("warning", "info"), False, False, 0),
    (_report("info"), True, True, 0),
    (_report("error"), False, False, 1),
    (_report("error"), False, True, 1),
    (_report("warning"), True, False, 1),
    (_report("warning"), True, True, 1),
    (_report(missing=("sv/index.html",)), False, True, 1),
    (_report(stale=("sv/index.html",)), False, True, 1),
    (_report(extra=("notes.txt",)), False, True, 1),
    (_report(extra=("notes.txt",)), False, False, 0),  # without --check: only a note
], ids=["clean", "warning", "info-strict-check", "error", "error-check", "strict-warning",
        "strict-warning-check", "check-missing", "check-stale", "check-extra",
        "extra-without-check"])
def test_build_report_exit_code(report, strict, check, code):
    assert report.exit_code(strict=strict, check=check) == code


def test_locked_build_report_exits_1():
    locked = BuildReport((Diagnostic(".cache/build.lock", 1, "error", "locked", "m"),),
                         (), (), 0, ())
    assert locked.exit_code(strict=False, check=True) == 1


def test_strict_and_check_exit_codes_from_the_command(tmp_path, in_folder):
    write_site(tmp_path, {"a.txt": "Rubrik här\n\nEtt stycke på svenska om något viktigt som "
                                   "hände.\n\nPublicerat av Nordvik Fredag 21 november 2019\n"})
    in_folder(tmp_path)
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    assert CliRunner().invoke(main, ["build", "--check"]).exit_code == 0
    assert CliRunner().invoke(main, ["build", "--check", "--strict"]).exit_code == 1
    (tmp_path / "output" / "notes.txt").write_text("mine", encoding="utf-8")
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    result = CliRunner().invoke(main, ["build", "--check"])
    assert result.exit_code == 1 and "extra: output/notes.txt" in result.stderr


def test_status_json_is_one_row_per_article_from_the_library(in_folder):
    in_folder(ROOT)
    result = CliRunner().invoke(main, ["status", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 3
    assert set(rows[0]) == {"key", "title", "languages", "missing", "summary", "stale",
                            "unsure_blocks", "sources", "published", "held",
                            "looks_like_translation_of"}
