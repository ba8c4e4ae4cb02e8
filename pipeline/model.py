"""The data that flows between stages: small frozen records, one per idea.

Every stage is a function from these records to these records, so each stage can be
tested on plain strings without touching the disk.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

#: What a block is. ``title`` is not a kind of its own: a title is the first heading.
BlockKind = Literal[
    "heading", "paragraph", "list", "quote", "code", "table", "byline", "marker",
    "signature", "leftover"
]
#: How a block's language was decided.
How = Literal["marker", "detected", "context"]
#: The language detectors a site can choose (``detector`` in bilingual.toml).
DETECTORS = ("langdetect", "lingua")


@dataclass(frozen=True, slots=True)
class NewsletterSettings:
    """The ``[newsletter]`` table of bilingual.toml."""

    sender: str  #: From: header, e.g. "Nordvik kommun <nyhetsbrev@example.org>"
    reply_to: str  #: Reply-To: header, "" for none
    utm: tuple[tuple[str, str], ...]  #: UTM parameters added to every link, in order
    unsubscribe: str = ""  #: https:// or mailto: address for List-Unsubscribe, "" for none


@dataclass(frozen=True, slots=True)
class Config:
    """A site's settings, read from ``bilingual.toml``; paths are absolute."""

    root: Path  #: the folder holding bilingual.toml (paths below are relative to it)
    source: Path | None  #: the config file itself, or None when the defaults are used
    base_url: str  #: absolute URL of the published site, ending in "/"
    languages: tuple[str, ...]  #: the site's languages, in display order
    default_language: str  #: the language of x-default and of the root page
    title: dict[str, str]  #: the site's name per language
    description: dict[str, str]  #: one line about the site per language ("" if unset)
    articles: Path  #: where sources are read from
    output: Path  #: where pages are written; nothing is written outside it
    templates: Path  #: the site's own templates, searched before the built-in theme
    cache: Path  #: where detection results are kept between builds
    detector: str  #: "langdetect" (default) or "lingua" (optional extra)
    feed_items: int  #: how many of the newest articles each feed carries
    allow_html: bool  #: raw HTML in Markdown is kept (sanitised) instead of escaped
    newsletter: NewsletterSettings  #: sender, link tracking and unsubscribe for `newsletter`
    timezone: str = "Europe/Stockholm"  #: IANA zone for publish_at and dates without a zone


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """One source file as read from disk, before any parsing of its body."""

    path: str  #: path as shown to the user (relative to the site root, with "/")
    kind: Literal["text", "markdown"]  #: how the body is written
    meta: dict[str, Any]  #: front matter, already checked against the allowed keys
    meta_lines: dict[str, int]  #: 1-based line of each front-matter key, for diagnostics
    text: str  #: the body, front matter removed
    body_line: int  #: 1-based line in the file where ``text`` starts
    file_lang: str | None  #: language from the file name (``slug.sv.md``), else None
    key: str  #: translation key: front matter ``translation_key`` or the file stem
    digest: str  #: sha256 of the file's bytes (hashed once, while the build scans)


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of a block's text in a language of its own (a quotation, one side of
    "svensk text / English text")."""

    start: int  #: offset of the first character in ``Block.text``
    end: int  #: offset after the last character
    lang: str  #: language of the stretch
    confidence: float  #: 0..1, how sure the detection is
    how: How  #: always "detected" for now


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a source: a heading, paragraph, list, quote, byline or marker."""

    kind: BlockKind  #: what the block is
    text: str  #: plain text (markup removed), used for detection and summaries
    html: str  #: the whole element as safe HTML (``<p>…</p>``, ``<ul>…</ul>``); pages add
    #: ``lang`` to its first tag and spans around passages (render.block_html)
    start_line: int  #: first line in the source file, 1-based
    end_line: int  #: last line in the source file, 1-based, inclusive
    level: int = 0  #: heading level (1 = title); 0 for other kinds
    lang: str | None = None  #: language code, or None when undecided
    confidence: float = 0.0  #: 0..1, how sure the decision is
    how: How | None = None  #: marker, detected or context
    spans: tuple[Span, ...] = ()  #: passages in other languages, in text order

    @property
    def side_by_side(self) -> bool:
        """True when spans cover the whole block in two or more languages."""
        return len({span.lang for span in self.spans}) > 1


@dataclass(frozen=True, slots=True)
class Metadata:
    """Facts about an article lifted out of its byline or front matter."""

    date: datetime.date | None = None  #: publication date
    publisher: str | None = None  #: who published it, from "Publicerat av …"
    byline_line: int | None = None  #: line of the byline the facts came from


@dataclass(frozen=True, slots=True)
class Article:
    """One language variant of one source: what a single page shows."""

    key: str  #: translation key shared by all variants of the same article
    lang: str  #: this variant's language
    title: str  #: title in this language
    slug: str  #: URL segment, unique per language
    date: datetime.date | None  #: publication date
    publisher: str | None  #: publisher from the byline
    author: str | None  #: author from front matter
    summary: str  #: one or two sentences in this language
    tags: tuple[str, ...]  #: tags from front matter
    blocks: tuple[Block, ...]  #: body blocks in source order (title excluded)
    source: str  #: the source file's display path
    title_line: int  #: line of the title (for collision reports)
    word_count: int  #: words of body text, used to spot summaries
    partial: bool | None = None  #: front matter ``summary_only``; None lets the pair decide
    draft: bool = False  #: front matter ``draft: true``: built only with --drafts or serve
    publish_at: datetime.datetime | None = None  #: front matter ``publish_at``; naive means
    #: the site's time zone. Without it the article goes live when its ``date`` begins.
    scheduled_for: datetime.datetime | None = None  #: set only while a build shows the
    #: article before its moment (serve, --future): that moment, for the page's badge


@dataclass(frozen=True, slots=True)
class ArticleSet:
    """All variants of one article, keyed by language, plus what is missing."""

    key: str  #: translation key
    variants: dict[str, Article]  #: language → variant, in the site's language order
    summaries: frozenset[str] = field(default_factory=frozenset)  #: languages that only summarise

    def missing(self, languages: tuple[str, ...]) -> tuple[str, ...]:
        """The site languages this article has no variant in."""
        return tuple(lang for lang in languages if lang not in self.variants)


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file the build produces: where and what bytes. What it is made from is
    recorded once, in its plan (``outputs.PlannedOutput.depends``)."""

    path: str  #: path below the output folder, with "/"
    content: bytes  #: exact bytes to write


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build did and what it found."""

    diagnostics: tuple  #: every Diagnostic, sorted by file and line
    written: tuple[str, ...]  #: output paths whose bytes changed
    unchanged: tuple[str, ...]  #: output paths already holding the right bytes
    articles: int  #: articles (translation keys) built
    failed: tuple[str, ...]  #: sources that could not be built
    removed: tuple[str, ...] = ()  #: outputs of removed articles, pruned
    extra: tuple[str, ...] = ()  #: files in the output folder this pipeline did not write
    missing: tuple[str, ...] = ()  #: with --check: outputs not on disk
    stale: tuple[str, ...] = ()  #: with --check: outputs on disk with other bytes
    timings: dict = field(default_factory=dict)  #: seconds per stage
    processed: int = 0  #: sources parsed and detected in this run
    reused: int = 0  #: sources taken from the cache
    rendered: tuple[str, ...] = ()  #: outputs rendered in this run
    held: tuple = ()  #: HeldBack records: drafts and scheduled articles left out
    suggestions: tuple = ()  #: Suggestion records: unpaired articles that look like
    #: translations of each other (pipeline.suggest)

    @property
    def ok(self) -> bool:
        """True when no diagnostic is an error."""
        return not any(d.severity == "error" for d in self.diagnostics)

    def exit_code(self, *, strict: bool = False, check: bool = False) -> int:
        """The exit code of `bilingual build` for this report: 0 or 1.

        ====  ==============================================================
        code  when
        ====  ==============================================================
        0     no error (warnings allowed); with ``check``, the output folder
              matches too; with ``strict``, not even a warning
        1     any error: in a source (the other articles are still built), a
              template, the output folder, or another build holding the lock
        1     ``strict`` and any warning
        1     ``check`` and any output missing, stale, or extra
        ====  ==============================================================

        Info notes (suggested translations, what a page left out) never count.
        """
        if not self.ok:
            return 1
        if strict and any(d.severity == "warning" for d in self.diagnostics):
            return 1
        # Without --check, extra files are only noted: the site was still built.
        if check and (self.missing or self.stale or self.extra):
            return 1
        return 0
