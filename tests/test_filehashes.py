"""Sources whose size and times did not change are not read again to find that out; any
write is still seen, even one that keeps the size and puts the old modification time
back."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipeline.filehashes import SETTLE_NS, FileHashes

from .conftest import CHOIR_ARTICLE, build_json, write_site

SWEDISH = CHOIR_ARTICLE


def _age(path: Path, seconds: float = 60) -> None:
    """Make ``path`` look as if it was last written ``seconds`` ago."""
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def _settle(monkeypatch) -> None:
    """Let a file count as settled at once: its change time (which no one can set
    back) is then older than the settling period too."""
    monkeypatch.setattr("pipeline.filehashes.SETTLE_NS", -10 * SETTLE_NS)


def test_a_settled_file_keeps_its_hash_without_being_read(tmp_path):
    source = tmp_path / "a.md"
    source.write_text(SWEDISH, encoding="utf-8")
    first = FileHashes()
    digest = first.digest(source, "a.md")
    assert first.signatures == {}  # written just now: not trusted yet
    later = FileHashes()
    later._settled_before = time.time_ns() + SETTLE_NS  # as if three seconds had passed
    later.read(source, "a.md")
    assert later.signatures["a.md"][1] == digest
    # With that signature kept, the file is not read: a wrong kept hash would show.
    trusting = FileHashes({"a.md": (later.signatures["a.md"][0], "kept")})
    assert trusting.digest(source, "a.md") == "kept"


def test_a_write_that_keeps_size_and_modification_time_is_still_seen(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("Hej hej!\n", encoding="utf-8")
    _age(source)
    hashes = FileHashes()
    hashes._settled_before = time.time_ns() + SETTLE_NS
    before = hashes.digest(source, "a.md")
    kept = hashes.signatures
    status = source.stat()
    time.sleep(0.01)
    source.write_text("Hej då!!\n", encoding="utf-8")  # the same size
    os.utime(source, ns=(status.st_atime_ns, status.st_mtime_ns))  # the old time back
    again = FileHashes(kept)
    assert again.digest(source, "a.md") != before  # the change time gave it away


def _count_reads(monkeypatch) -> list[str]:
    """The names of the sources read to be hashed from now on (FileHashes.read is the
    only place a build reads a source for its hash)."""
    reads: list[str] = []
    original = FileHashes.read

    def counted(self, path, name, status=None):
        reads.append(name)
        return original(self, path, name, status)

    monkeypatch.setattr(FileHashes, "read", counted)
    return reads


def test_an_unchanged_site_is_not_read_again_and_an_edit_is_seen(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", {"kor.sv.md": SWEDISH})
    source = site / "articles" / "kor.sv.md"
    _age(source)
    _settle(monkeypatch)
    code, first, _ = build_json(site)
    assert code == 0 and first["counts"]["sources_processed"] == 1
    reads = _count_reads(monkeypatch)
    code, second, _ = build_json(site)
    assert code == 0 and second["counts"]["written"] == 0
    assert reads == []
    source.write_text(SWEDISH.replace("lördagen", "söndagen"), encoding="utf-8")
    code, third, _ = build_json(site)
    assert code == 0 and third["counts"]["sources_processed"] == 1
    assert reads == ["articles/kor.sv.md"]
    page = next((site / "output" / "sv").glob("*/index.html"))
    assert "söndagen" in page.read_text(encoding="utf-8")


def test_after_a_template_change_unchanged_sources_are_not_read(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", {"kor.sv.md": SWEDISH})
    _age(site / "articles" / "kor.sv.md")
    _settle(monkeypatch)
    assert build_json(site)[0] == 0
    (site / "templates").mkdir()
    (site / "templates" / "robots.txt").write_text("User-agent: *\nAllow: /\n",
                                                   encoding="utf-8")
    reads = _count_reads(monkeypatch)
    code, report, _ = build_json(site)
    assert code == 0 and report["counts"]["sources_reused"] == 1
    assert reads == []  # every page is rendered again; no source is read for its hash
    assert (site / "output" / "robots.txt").read_text(encoding="utf-8").startswith(
        "User-agent: *\nAllow: /")
