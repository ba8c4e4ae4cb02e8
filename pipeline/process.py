"""One source at a time: read, parse, tag languages, lift metadata, assemble.

``process_document`` is pure (a SourceDocument in, a SourceResult out);
``process_file`` adds the read from disk. The build maps them over every source.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .assemble import assemble_articles
from .cache import DetectionCache
from .characters import printable
from .detectors import make_detector
from .diagnostics import Diagnostic
from .language import LanguageTagger, low_confidence_warnings, tag_languages
from .meta import lift_metadata
from .model import Article, Block, Config, Metadata, SourceDocument
from .parse import parse_blocks
from .read import read_source
from .refine import settle_signatures


@dataclass(frozen=True, slots=True)
class SourceResult:
    """Everything learned from one source file."""

    path: str  #: display path
    document: SourceDocument | None  #: None when the file could not be read
    blocks: tuple[Block, ...]  #: tagged blocks
    metadata: Metadata  #: date and publisher
    articles: tuple[Article, ...]  #: one per language; empty when the source has errors
    diagnostics: tuple[Diagnostic, ...]  #: problems found in this source

    @property
    def failed(self) -> bool:
        """True when the source has an error and builds no article."""
        return any(d.severity == "error" for d in self.diagnostics)


def display_path(path: Path, root: Path) -> str:
    """A path as the user should see it: relative to the site (or current) folder, with
    any control character in a name escaped (a newline in a file name must never start a
    line of its own in a terminal or a CI log)."""
    resolved = path.resolve()
    for base in (root, Path.cwd()):
        if resolved.is_relative_to(base):
            return printable(resolved.relative_to(base).as_posix())
    return printable(resolved.as_posix())


def display_paths(paths: list[Path], config: Config) -> dict[Path, str]:
    """Display paths of many sources below the articles folder (one resolve in all)."""
    prefix = display_path(config.articles, config.root).rstrip("/") + "/"
    articles = str(config.articles)
    return {path: prefix + printable(os.path.relpath(path, articles).replace(os.sep, "/"))
            for path in paths}


def make_tagger(config: Config, *, cached: bool = True) -> LanguageTagger:
    """The site's detector with its detection cache (kept under ``paths.cache``)."""
    detector = make_detector(config.detector, config.languages)
    path = config.cache / f"detection-{detector.name}.json" if cached else None
    return LanguageTagger(detector, DetectionCache(path, detector.version))


def process_document(document: SourceDocument, tagger: LanguageTagger,
                     allow_html: bool = False) -> SourceResult:
    """Parse, tag, lift metadata and assemble one document; no disk access."""
    blocks = settle_signatures(tag_languages(parse_blocks(document, allow_html), tagger,
                                             declared=document.file_lang))
    metadata, meta_problems = lift_metadata(document.path, blocks, document.meta)
    articles, assemble_problems = assemble_articles(document, blocks, metadata)
    diagnostics = tuple(low_confidence_warnings(document.path, blocks)
                        + meta_problems + assemble_problems)
    if any(d.severity == "error" for d in diagnostics):
        articles = []
    return SourceResult(document.path, document, blocks, metadata, tuple(articles), diagnostics)


def process_file(path: Path, config: Config, tagger: LanguageTagger) -> SourceResult:
    """Read one file and process it; unreadable files give a result with their error."""
    shown = display_path(path, config.root)
    document, problems = read_source(path, shown, config.languages)
    if document is None:
        return SourceResult(shown, None, (), Metadata(), (), tuple(problems))
    result = process_document(document, tagger, config.allow_html)
    if problems:
        result = SourceResult(result.path, document, result.blocks, result.metadata,
                              result.articles, tuple(problems) + result.diagnostics)
    return result
