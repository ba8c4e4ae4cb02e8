"""The build state (one SQLite database under .cache): killed builds, saves that write only
what changed, check mode, and the JSON files of earlier versions."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from pipeline.manifest import Manifest, OutputRecord
from pipeline.state import BuildState

from .conftest import retitle, run_build, tree_digest, write_site

#: Where a build is stopped, as (module, function, which call): the build pauses right
#: after that call (so it holds whatever it has written so far) and is killed there.
KILL_POINTS = {
    # Inside the reading transaction, with some source results stored, none committed.
    "while storing what was read": ("pipeline.state", "BuildState.put_source", 5),
    # Caches committed, every output written, the build record not yet saved.
    "after writing, before saving": ("pipeline.generate", "make_outputs", 1),
    # Inside the saving transaction: the build row written, the output records not.
    "while saving the build record": ("pipeline.manifest", "write_changed_rows", 1),
}

PAUSED_BUILD = """
import importlib, sys, time
module = importlib.import_module({module!r})
owner, name = ({owner!r}, {name!r})
target = getattr(module, owner) if owner else module
original = getattr(target, name)
calls = 0
def paused(*arguments, **options):
    global calls
    result = original(*arguments, **options)
    calls += 1
    if calls == {call}:
        print("PAUSED", flush=True)
        time.sleep(120)
    return result
setattr(target, name, paused)
from pipeline.cli import main
sys.argv = ["bilingual", "build", "--jobs", "1"]
main()
"""


@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_build_killed_anywhere_leaves_a_sound_state_and_the_next_build_is_right(
        tmp_path, sitegen, point):
    articles = sitegen.generate(40, seed=3, source="owned")
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    for folder in (site, fresh):
        sitegen.write_bilingual_site(folder, articles)
    assert run_build(site)[0] == 0
    for folder in (site, fresh):
        retitle(folder, sv="Nyheter i dag")  # every Swedish page changes
        for source in (folder / "articles").glob("*.md"):  # every source must be read
            source.write_text(source.read_text(encoding="utf-8") + "\nEtt nytt stycke.\n",
                              encoding="utf-8")
    assert run_build(fresh)[0] == 0
    module, function, call = KILL_POINTS[point]
    owner, _, name = function.rpartition(".")
    script = PAUSED_BUILD.format(module=module, owner=owner, name=name, call=call)
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], cwd=site,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "PAUSED", process.stderr.read()
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    with sqlite3.connect(site / ".cache" / "build.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    code, _, stderr = run_build(site)
    assert code == 0, stderr
    assert "internal error" not in stderr
    assert tree_digest(site / "output") == tree_digest(fresh / "output")
    code, stdout, stderr = run_build(site)
    assert code == 0 and "0 written" in stdout + stderr


def test_saving_a_build_record_writes_only_the_rows_that_changed(tmp_path):
    state = BuildState.open(tmp_path / "cache")
    output = tmp_path / "output"
    first = Manifest("f1", {f"articles/{i}.md": f"d{i}" for i in range(50)},
                     {f"sv/{i}/index.html": OutputRecord(f"k{i}", i, i) for i in range(100)})
    first.save(state, output, Manifest())
    before = state.connection.total_changes
    second = Manifest("f1", {**first.sources, "articles/7.md": "changed"},
                      {**first.outputs, "sv/3/index.html": OutputRecord("new", 3, 4)})
    del second.outputs["sv/9/index.html"]
    second.save(state, output, first)
    # The build row, one source digest, one output record rewritten, one deleted.
    assert state.connection.total_changes - before == 4
    loaded = Manifest.load(state, output)
    assert loaded.sources == second.sources and loaded.outputs == second.outputs
    assert Manifest.load(state, tmp_path / "elsewhere").outputs == {}  # per folder
    state.close()


def test_check_writes_no_build_state(tmp_path):
    write_site(tmp_path, {"a.md": "---\ntitle: Ett möte\nlang: sv\ndate: 2025-01-15\n---\n\n"
                                  "Vi träffades i går och pratade om våren.\n"})
    code, _, _ = run_build(tmp_path, "--check", jobs=None, timeout=120)
    assert code == 1  # nothing built yet: every output is missing
    assert not (tmp_path / ".cache" / "build.db").exists()
    assert not (tmp_path / "output").exists()


def test_the_json_state_files_of_earlier_versions_are_removed(tmp_path):
    write_site(tmp_path, {"a.md": "---\ntitle: Ett möte\nlang: sv\ndate: 2025-01-15\n---\n\n"
                                  "Vi träffades i går och pratade om våren.\n"})
    cache = tmp_path / ".cache"
    (cache / "sources").mkdir(parents=True)
    legacy = [cache / "manifest-0123456789ab.json", cache / "detection-langdetect.json",
              cache / "history.json", cache / "sources" / "abc.json"]
    for path in legacy:
        path.write_text("{}", encoding="utf-8")
    mine = cache / "notes.txt"  # not ours: left alone
    mine.write_text("keep", encoding="utf-8")
    assert run_build(tmp_path)[0] == 0
    assert not any(path.exists() for path in legacy)
    assert mine.read_text(encoding="utf-8") == "keep"


def test_detections_stay_bounded_and_those_in_use_stay(tmp_path, monkeypatch):
    import pipeline.state as state_module
    from pipeline.cache import DetectionCache
    from pipeline.detectors import Detection

    monkeypatch.setattr(state_module, "MAX_DETECTIONS", 3)
    state = BuildState.open(tmp_path)
    first = DetectionCache(state.path, "v1")
    for text in ("a", "b", "c"):
        first.put(text, Detection("sv", 1.0))
    state.save_detections(first.take_new())
    second = DetectionCache(state.path, "v1")
    assert second.get("a") == Detection("sv", 1.0)  # used again: stored again
    second.put("d", Detection("en", 2.0))
    state.save_detections(second.take_new())
    third = DetectionCache(state.path, "v1")
    assert [third.get(text) is not None for text in "abcd"] == [True, False, True, True]
    assert DetectionCache(state.path, "v2").get("a") is None  # another detector version
    state.close()
