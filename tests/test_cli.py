"""The command line: exit codes, messages, bad input and byte-identical builds."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

from .conftest import ROOT, write_site

INVALID = Path(__file__).parent / "sites" / "invalid"


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file below folder, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


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
        subprocess.run([sys.executable, "-m", "pipeline", "build", "--output", str(output)],
                       cwd=ROOT, check=True, capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
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


def test_detection_cache_is_kept_between_builds_and_reused(tmp_path, in_folder):
    write_site(tmp_path, {"a.txt": "Rubrik här\n\nEtt stycke på svenska om något viktigt som "
                                   "hände i kommunen.\n"})
    in_folder(tmp_path)
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    cache = tmp_path / ".cache" / "detection-langdetect.json"
    data = json.loads(cache.read_text(encoding="utf-8"))
    assert data["detector"].startswith("langdetect/")
    assert len(data["entries"]) >= 2
    from pipeline.config import load_config
    from pipeline.process import make_tagger
    tagger = make_tagger(load_config(tmp_path / "bilingual.toml"))
    tagger.detect("Ett stycke på svenska om något viktigt som hände i kommunen.")
    assert (tagger.cache.hits, tagger.cache.misses) == (1, 0)
    before = cache.read_bytes()
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    assert cache.read_bytes() == before
