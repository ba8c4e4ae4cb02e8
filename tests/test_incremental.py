"""CI features of `bilingual build`: --check, incremental rebuilds, pruning, --jobs,
--json, and atomic writes that survive kill -9."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from pipeline.cli import main

from .conftest import ROOT, build_json, copy_bundled_site, retitle, run_build, tree_digest


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A copy of the bundled site (articles, config) in tmp_path, the current folder."""
    monkeypatch.chdir(tmp_path)
    return copy_bundled_site(tmp_path)


def test_rebuild_without_changes_parses_and_renders_nothing(site):
    code, first, _ = build_json(site)
    assert code == 0 and first["counts"]["sources_processed"] == 4
    code, second, _ = build_json(site)
    assert code == 0
    assert second["counts"]["sources_processed"] == 0
    assert second["counts"]["outputs_rendered"] == 0
    assert second["counts"]["written"] == 0
    assert second["counts"]["unchanged"] == first["counts"]["written"]
    assert set(second["timings"]) >= {"scan", "verify", "total"}


def test_an_edit_to_an_article_body_rerenders_its_page_and_feeds_but_no_list(site):
    build_json(site)
    source = site / "articles" / "klimatveckan.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "Förra veckan", "Förra månaden"), encoding="utf-8")
    code, report, _ = build_json(site)
    assert code == 0
    assert report["counts"]["sources_processed"] == 1
    assert report["counts"]["sources_reused"] == 3
    # The indexes and the sitemap show titles, dates and summaries: none of them changed.
    assert sorted(report["rendered"]) == [
        "sv/atom.xml", "sv/feed.json",
        "sv/klimatveckan-samlade-unga-fran-tre-lander/index.html",
        "sv/rss.xml",
    ]
    assert "sv/klimatveckan-samlade-unga-fran-tre-lander/index.html" in report["written"]


def test_a_new_title_rerenders_every_list_that_shows_it(site):
    build_json(site)
    source = site / "articles" / "klimatveckan.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "title: Klimatveckan samlade unga från tre länder",
        "title: Klimatveckan samlade unga från fyra länder"), encoding="utf-8")
    code, report, _ = build_json(site)
    assert code == 0
    assert sorted(report["rendered"]) == [
        "en/index.html",  # lists it under "Only in Swedish"
        "sitemap.xml",
        "sv/atom.xml", "sv/feed.json",
        "sv/index.html",
        "sv/klimatveckan-samlade-unga-fran-fyra-lander/index.html",
        "sv/rss.xml",
    ]
    index = (site / "output" / "sv" / "index.html").read_text(encoding="utf-8")
    assert "Klimatveckan samlade unga från fyra länder" in index
    assert "från tre länder" not in (site / "output" / "en" / "index.html").read_text(
        encoding="utf-8")


def test_a_template_change_rerenders_everything_that_uses_it(site):
    build_json(site)
    (site / "templates").mkdir()
    theme = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    (site / "templates" / "base.html").write_text(theme.replace("</footer>",
                                                                "<p>Ny sidfot</p></footer>"),
                                                  encoding="utf-8")
    code, report, _ = build_json(site)
    assert code == 0 and report["counts"]["sources_processed"] == 0
    assert len([p for p in report["written"] if p.endswith(".html")]) == 8


def test_removed_article_is_pruned_and_foreign_files_are_left_alone(site):
    build_json(site)
    foreign = site / "output" / "sv" / "notes.txt"
    foreign.write_text("mine", encoding="utf-8")
    (site / "articles" / "klimatveckan.md").unlink()
    code, report, _ = build_json(site)
    assert code == 0
    assert report["removed"] == ["sv/klimatveckan-samlade-unga-fran-tre-lander/index.html"]
    assert not (site / "output" / "sv" / "klimatveckan-samlade-unga-fran-tre-lander").exists()
    assert foreign.read_text(encoding="utf-8") == "mine"
    assert report["extra"] == ["sv/notes.txt"]
    result = CliRunner().invoke(main, ["build"])
    assert "not made by bilingual, left alone: sv/notes.txt" in result.stderr


def test_hand_edited_output_is_repaired(site):
    build_json(site)
    page = site / "output" / "sv" / "index.html"
    original = page.read_bytes()
    page.write_bytes(b"broken")
    code, report, _ = build_json(site)
    assert report["rendered"] == ["sv/index.html"] and page.read_bytes() == original


def test_check_passes_on_a_fresh_build_and_writes_nothing(site):
    build_json(site)
    before = tree_digest(site)
    result = CliRunner().invoke(main, ["build", "--check"])
    assert result.exit_code == 0, result.output
    assert "is up to date" in result.stdout
    assert tree_digest(site) == before


def test_check_lists_missing_stale_and_extra_files_and_exits_1(site):
    build_json(site)
    (site / "output" / "robots.txt").unlink()
    source = site / "articles" / "oppet-hus.en.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nOne more sentence.\n",
                      encoding="utf-8")
    (site / "output" / "leftover.html").write_text("old", encoding="utf-8")
    (site / "output" / "newsletter" / "2025-01-01").mkdir(parents=True)
    (site / "output" / "newsletter" / "2025-01-01" / "sv.html").write_text("x")
    before = tree_digest(site)
    result = CliRunner().invoke(main, ["build", "--check"])
    assert result.exit_code == 1
    assert "missing: output/robots.txt" in result.stderr
    assert ("stale: output/en/open-day-at-the-town-hall-about-our-international-work/"
            "index.html") in result.stderr
    assert "extra: output/leftover.html" in result.stderr
    assert "newsletter" not in result.stderr  # newsletters are not part of the build
    assert "1 missing" in result.stdout
    assert tree_digest(site) == before, "--check must not write anything"


def test_check_on_a_site_never_built_reports_everything_missing(site):
    result = CliRunner().invoke(main, ["build", "--check"])
    assert result.exit_code == 1
    assert not (site / "output").exists() and not (site / ".cache").exists()


def test_jobs_give_the_same_output_as_one_job(tmp_path, sitegen):
    articles = sitegen.generate(40, seed=3, source="owned")
    trees = []
    for jobs in (1, 2):
        folder = tmp_path / f"jobs-{jobs}"
        sitegen.write_bilingual_site(folder, articles)
        run_build(folder, jobs=jobs, check=True)
        trees.append(tree_digest(folder / "output"))
    assert trees[0] == trees[1]
    assert len(trees[0]) == 40 * 2 + 12


def test_killed_build_leaves_whole_files_and_the_next_build_repairs_it(tmp_path, sitegen):
    """kill -9 in the middle of writing: every file is the old or the new version."""
    articles = sitegen.generate(300, seed=5, source="owned")
    references = {}
    for name in ("old", "new"):
        folder = tmp_path / f"reference-{name}"
        sitegen.write_bilingual_site(folder, articles)
        retitle(folder, sv=f"Nyheter {name}", en=f"News {name}")
        run_build(folder, check=True)
        references[name] = tree_digest(folder / "output")
    site = tmp_path / "site"
    sitegen.write_bilingual_site(site, articles)
    retitle(site, sv="Nyheter old", en="News old")
    run_build(site, check=True)
    retitle(site, sv="Nyheter new", en="News new")  # every page shows it: every page changes
    watched = site / "output" / "en" / "index.html"
    before = watched.stat().st_mtime_ns
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--jobs", "1"],
                               cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if watched.stat().st_mtime_ns != before:
            break  # writing has started
        time.sleep(0.001)
    process.kill()  # SIGKILL: no chance to clean up
    assert process.wait() == -signal.SIGKILL, "the build ended before it could be killed"
    interrupted = {name: digest for name, digest in tree_digest(site / "output").items()
                   if not name.rsplit("/", 1)[-1].startswith(".")}  # temporary files aside
    for name, digest in interrupted.items():
        assert digest in (references["old"].get(name), references["new"].get(name)), name
    assert sum(interrupted[n] == references["new"][n] for n in interrupted) > 0
    run_build(site, check=True)
    assert tree_digest(site / "output") == references["new"]


def test_a_build_into_another_folder_never_prunes_this_one(site):
    """The manifest of --output preview must not decide what is deleted from output/."""
    build_json(site, "--output", "preview")
    page = "sv/klimatveckan-samlade-unga-fran-tre-lander/index.html"
    mine = site / "output" / page  # the user's own file at a path the build used elsewhere
    mine.parent.mkdir(parents=True)
    mine.write_text("my own page", encoding="utf-8")
    (site / "articles" / "klimatveckan.md").unlink()
    code, report, _ = build_json(site)
    assert code == 0 and report["removed"] == []
    assert mine.read_text(encoding="utf-8") == "my own page"
    code, report, _ = build_json(site, "--output", "preview")
    assert report["removed"] == [page]


def test_leftover_temporary_files_are_removed_and_the_users_are_not(site):
    build_json(site)
    output = site / "output"
    leftovers = [output / "sv" / ".index.html.k3j9x2ab.tmp",
                 output / "newsletter" / ".2025-01-01.html.a1b2c3d4.tmp"]
    mine = [output / ".anteckningar.tmp", output / "newsletter" / "utkast.html"]
    for path in leftovers + mine:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    source = site / "articles" / "klimatveckan.md"  # a real change: the build writes
    source.write_text(source.read_text(encoding="utf-8") + "\nEn rad till.\n",
                      encoding="utf-8")
    code, report, _ = build_json(site)
    assert code == 0
    assert not any(path.exists() for path in leftovers)
    assert all(path.exists() for path in mine)
    assert report["extra"] == []  # neither the user's .tmp nor newsletters count as extra
