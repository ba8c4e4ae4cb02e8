"""What the last build made and from what: the basis of incremental builds and pruning.

Under the site's cache folder (``paths.cache``):

- ``sources/``: for every source, the sha256 of its bytes and what reading it gave
  (articles with their blocks, diagnostics), so an unchanged source is never parsed or
  detected again;
- ``manifest-<hash of the output folder>.json``: for every output file the pipeline
  wrote there, the hash of everything that made it (sources, templates, config, package
  and detector versions) and its size and modification time, so an unchanged output is
  never rendered again, and only files the pipeline wrote are ever pruned.

Hashes decide what changed, never modification times; an output's recorded size and
mtime only tell whether someone replaced the file by hand since.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .diagnostics import Diagnostic
from .model import Article, Block, Span
from .write import write_atomic

FORMAT = 2


def sha256(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def fingerprint(*parts: str) -> str:
    """One hash of several strings, in order."""
    return sha256("\0".join(parts).encode("utf-8"))


# --- source results ---------------------------------------------------------------------


def _block_to_list(block: Block) -> list:
    """A Block as a compact JSON list."""
    return [block.kind, block.text, block.html, block.start_line, block.end_line, block.level,
            block.lang, block.confidence, block.how,
            [[s.start, s.end, s.lang, s.confidence, s.how] for s in block.spans]]


def _block_from_list(data: list) -> Block:
    """The inverse of ``_block_to_list``."""
    *head, spans = data
    return Block(*head, spans=tuple(Span(*span) for span in spans))


class LazyBlocks(Sequence):
    """An article's blocks kept as JSON text until something reads them.

    A rebuild after one change needs every article's title, slug and date (indexes,
    feeds, sitemap) but the blocks of only a few; decoding all blocks of a large site
    would cost more than the rest of such a build.
    """

    __slots__ = ("_text", "_blocks")

    def __init__(self, text: str) -> None:
        self._text = text
        self._blocks: tuple[Block, ...] | None = None

    def _decoded(self) -> tuple[Block, ...]:
        """The blocks, decoded on first use."""
        if self._blocks is None:
            self._blocks = tuple(_block_from_list(b) for b in json.loads(self._text))
        return self._blocks

    def __getitem__(self, index):
        return self._decoded()[index]

    def __len__(self) -> int:
        return len(self._decoded())

    def __iter__(self):
        return iter(self._decoded())

    def __eq__(self, other: object) -> bool:
        return tuple(self) == tuple(other) if isinstance(other, Sequence) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._text)

    def as_json(self) -> str:
        """The JSON text, without decoding it."""
        return self._text


def _blocks_json(blocks) -> str:
    """Blocks as JSON text (re-used as they are when they came from the cache)."""
    if isinstance(blocks, LazyBlocks):
        return blocks.as_json()
    return json.dumps([_block_to_list(b) for b in blocks], ensure_ascii=False,
                      separators=(",", ":"))


def article_to_dict(article: Article) -> dict:
    """An Article as JSON-ready data; its blocks as one JSON string, decoded lazily."""
    return {
        "key": article.key, "lang": article.lang, "title": article.title,
        "slug": article.slug, "date": article.date.isoformat() if article.date else None,
        "publisher": article.publisher, "author": article.author, "summary": article.summary,
        "tags": list(article.tags), "blocks": _blocks_json(article.blocks),
        "source": article.source, "title_line": article.title_line,
        "word_count": article.word_count, "partial": article.partial,
        "draft": article.draft,
        "publish_at": article.publish_at.isoformat() if article.publish_at else None,
    }


def article_from_dict(data: dict) -> Article:
    """The inverse of ``article_to_dict``."""
    return Article(
        key=data["key"], lang=data["lang"], title=data["title"], slug=data["slug"],
        date=datetime.date.fromisoformat(data["date"]) if data["date"] else None,
        publisher=data["publisher"], author=data["author"], summary=data["summary"],
        tags=tuple(data["tags"]), blocks=LazyBlocks(data["blocks"]),
        source=data["source"], title_line=data["title_line"], word_count=data["word_count"],
        partial=data["partial"], draft=data["draft"],
        publish_at=(datetime.datetime.fromisoformat(data["publish_at"])
                    if data["publish_at"] else None))


def diagnostic_to_list(diagnostic: Diagnostic) -> list:
    """A Diagnostic as a JSON list."""
    return [diagnostic.path, diagnostic.line, diagnostic.severity, diagnostic.code,
            diagnostic.message, diagnostic.hint]


def diagnostic_from_list(data: list) -> Diagnostic:
    """The inverse of ``diagnostic_to_list``."""
    return Diagnostic(*data)


class SourceCache:
    """Per-source results of earlier builds: one small JSON file per source, named by
    a hash of its path, so a rebuild after one change rewrites one file, not all."""

    def __init__(self, folder: Path | None, fingerprint: str) -> None:
        self.folder = folder  #: where the files live, or None to keep nothing
        self.fingerprint = fingerprint  #: what reading depends on: code, detector, languages
        self._written: dict[str, dict] = {}  #: entries put in this run, by source path
        self.damaged: list[str] = []  #: sources whose cache file could not be used

    def _file(self, source: str) -> Path:
        """The cache file of ``source`` (named by a hash of its path)."""
        return self.folder / f"{sha256(source.encode('utf-8'))[:32]}.json"

    def get(self, source: str, digest: str) -> tuple[list[Article], list[Diagnostic]] | None:
        """What ``source`` gave last time, if its bytes and the fingerprint are unchanged."""
        if self.folder is None:
            return None
        try:
            entry = json.loads(self._file(source).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # missing or damaged: read the source again
        if (not isinstance(entry, dict) or entry.get("format") != FORMAT
                or entry.get("fingerprint") != self.fingerprint
                or entry.get("source") != source or entry.get("digest") != digest):
            return None
        try:
            return ([article_from_dict(a) for a in entry["articles"]],
                    [diagnostic_from_list(d) for d in entry["diagnostics"]])
        except (KeyError, TypeError, ValueError, AttributeError):
            self.damaged.append(source)  # read the source again; the file is rewritten
            return None

    def put(self, source: str, digest: str, articles, diagnostics) -> None:
        """Remember what ``source`` gave (written by ``save``)."""
        self._written[source] = {
            "format": FORMAT, "fingerprint": self.fingerprint, "source": source,
            "digest": digest,
            "articles": [article_to_dict(a) for a in articles],
            "diagnostics": [diagnostic_to_list(d) for d in diagnostics],
        }

    def save(self, keep: set[str]) -> None:
        """Write the entries put in this run; delete files of sources that are gone."""
        if self.folder is None:
            return
        for source, entry in sorted(self._written.items()):
            content = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
            write_atomic(self._file(source), content.encode("utf-8"))
        wanted = {self._file(source).name for source in keep}
        if self.folder.is_dir():
            for path in self.folder.glob("*.json"):
                if path.name not in wanted:
                    path.unlink(missing_ok=True)


# --- outputs ----------------------------------------------------------------------------

#: The manifest's fields and the JSON type each must have.
_SHAPE = {"fingerprint": str, "sources": dict, "outputs": dict, "diagnostics": list,
          "articles": int, "policy": str, "next_change": str, "held": list,
          "suggestions": list}


def _well_formed(data: dict) -> bool:
    """True when every field present has its type and every output record its keys."""
    if any(key in data and not isinstance(data[key], kind) for key, kind in _SHAPE.items()):
        return False
    return (all(isinstance(r, dict) and {"key", "size", "mtime_ns"} <= set(r)
                for r in data.get("outputs", {}).values())
            and all(isinstance(d, list) and len(d) == 6 for d in data.get("diagnostics", []))
            and all(isinstance(h, list) and len(h) == 6 for h in data.get("held", []))
            and all(isinstance(x, dict) for x in data.get("suggestions", [])))


@dataclass
class Manifest:
    """Which outputs the last build wrote, and from which inputs."""

    fingerprint: str = ""  #: everything global: package, detector, config, templates
    sources: dict[str, str] = field(default_factory=dict)  #: source path → sha256
    outputs: dict[str, dict] = field(default_factory=dict)  #: output path → key, size, mtime
    diagnostics: list[list] = field(default_factory=list)  #: to repeat when nothing changed
    articles: int = 0  #: article count, for the report
    policy: str = ""  #: which drafts and scheduled articles the build showed
    next_change: str = ""  #: ISO moment the next scheduled article goes live, "" if none
    held: list[list] = field(default_factory=list)  #: articles left out, for the report
    suggestions: list[dict] = field(default_factory=list)  #: likely translations, ditto
    damaged: bool = False  #: the file on disk could not be used (never saved)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """The manifest at ``path``; an empty one if it is missing or unreadable."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            return cls(damaged=True)
        if not isinstance(data, dict) or not _well_formed(data):
            return cls(damaged=True)
        if data.get("format") != FORMAT:
            return cls()
        return cls(data.get("fingerprint", ""), data.get("sources", {}),
                   data.get("outputs", {}), data.get("diagnostics", []),
                   data.get("articles", 0), data.get("policy", ""),
                   data.get("next_change", ""), data.get("held", []),
                   data.get("suggestions", []))

    def save(self, path: Path) -> None:
        """Write the manifest atomically (``damaged`` is not part of it)."""
        content = json.dumps({
            "format": FORMAT, "fingerprint": self.fingerprint, "sources": self.sources,
            "outputs": dict(sorted(self.outputs.items())), "diagnostics": self.diagnostics,
            "articles": self.articles, "policy": self.policy,
            "next_change": self.next_change, "held": self.held,
            "suggestions": self.suggestions},
            ensure_ascii=False, indent=0, separators=(",", ":"))
        write_atomic(path, content.encode("utf-8"))

    def intact(self, output: Path, name: str) -> bool:
        """True when the recorded output file is still there as the pipeline left it."""
        record = self.outputs.get(name)
        if record is None:
            return False
        try:
            status = os.stat(os.path.join(output, name))
        except OSError:
            return False
        return status.st_size == record["size"] and status.st_mtime_ns == record["mtime_ns"]

    def record(self, output: Path, name: str, key: str) -> None:
        """Note that ``name`` was made from ``key`` and is on disk now."""
        status = os.stat(os.path.join(output, name))
        self.outputs[name] = {"key": key, "size": status.st_size,
                              "mtime_ns": status.st_mtime_ns}
