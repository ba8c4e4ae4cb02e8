"""The build, top to bottom: the one place where the stages are put in order.

read → parse → language → meta → assemble (per source), then pair → render → write.
A source with errors is left out; every other article still builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .assemble import assemble_articles
from .cache import DetectionCache
from .detectors import make_detector
from .diagnostics import Diagnostic, error, warning
from .language import LanguageTagger, low_confidence_warnings, tag_languages
from .meta import lift_metadata
from .model import Article, Block, BuildReport, Config, Metadata, SourceDocument
from .parse import parse_blocks
from .read import discover_sources, read_source


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
    """A path as the user should see it: relative to the site (or current) folder."""
    resolved = path.resolve()
    for base in (root, Path.cwd()):
        if resolved.is_relative_to(base):
            return resolved.relative_to(base).as_posix()
    return resolved.as_posix()


def make_tagger(config: Config, *, cached: bool = True) -> LanguageTagger:
    """The site's detector with its detection cache (kept under ``paths.cache``)."""
    detector = make_detector(config.detector, config.languages)
    path = config.cache / f"detection-{detector.name}.json" if cached else None
    return LanguageTagger(detector, DetectionCache(path, detector.version))


def process_document(document: SourceDocument, tagger: LanguageTagger) -> SourceResult:
    """Parse, tag, lift metadata and assemble one document; no disk access."""
    blocks = tag_languages(parse_blocks(document), tagger, declared=document.file_lang)
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
    result = process_document(document, tagger)
    if problems:
        result = SourceResult(result.path, document, result.blocks, result.metadata,
                              result.articles, tuple(problems) + result.diagnostics)
    return result


@dataclass(frozen=True, slots=True)
class Collection:
    """Every article of a site, read, tagged and paired, with what was found on the way."""

    sets: list  #: ArticleSets sorted by translation key
    diagnostics: list  #: every Diagnostic from every source and from pairing
    failed: list  #: display paths of sources that could not be built


def collect(config: Config, tagger: LanguageTagger | None = None) -> Collection:
    """Read, parse, tag and pair every source of the site; nothing is written."""
    from .pair import pair_articles

    if not config.articles.is_dir():
        problem = error(display_path(config.articles, config.root), 1, "articles",
                        "the articles folder does not exist",
                        "create it, or point 'paths.articles' / --articles at your articles")
        return Collection([], [problem], [])
    tagger = tagger or make_tagger(config)
    results = [process_file(path, config, tagger) for path in discover_sources(config.articles)]
    diagnostics = [d for result in results for d in result.diagnostics]
    if not results:
        diagnostics.append(error(display_path(config.articles, config.root), 1, "articles",
                                 "no articles found (looked for .txt and .md files)",
                                 "add an article, or point --articles at the right folder"))
    sets, pair_problems = pair_articles([a for r in results for a in r.articles],
                                        config.languages)
    diagnostics += pair_problems
    failed = sorted({r.path for r in results if r.failed}
                    | {d.path for d in pair_problems if d.severity == "error"})
    return Collection(sets, diagnostics, failed)


def run(config: Config) -> BuildReport:
    """Build the site described by ``config`` and write it to ``config.output``."""
    # Imported here so `bilingual split` does not pay for Jinja and the writers.
    from .feeds import render_feeds, render_sitemap
    from .render import make_environment, render_site
    from .write import write_outputs

    tagger = make_tagger(config)
    collection = collect(config, tagger)
    if not config.articles.is_dir():
        return BuildReport(tuple(collection.diagnostics), (), (), 0, ())
    sets = collection.sets
    diagnostics = collection.diagnostics + [
        warning(a.source, a.title_line, "no-date",
                f"'{a.title}' has no date, so it is left out of the feeds and listed last",
                "add 'date: 2025-03-12' to the front matter or a byline such as "
                "'Publicerad: 2025-03-12'")
        for s in sets for a in s.variants.values() if a.date is None]
    environment = make_environment(config)
    files = (render_site(config, sets, environment) + render_feeds(environment, config, sets)
             + render_sitemap(environment, config, sets))
    written, unchanged = write_outputs(config.output, files)
    tagger.cache.save()
    return BuildReport(
        diagnostics=tuple(sorted(diagnostics, key=Diagnostic.sort_key)),
        written=tuple(written),
        unchanged=tuple(unchanged),
        articles=len(sets),
        failed=tuple(collection.failed),
    )
