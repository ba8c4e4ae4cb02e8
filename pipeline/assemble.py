"""Turn one source's tagged blocks into one Article per language.

A source that declares its language (``lang:`` or ``slug.sv.md``) gives one article;
blocks in another language stay in it as passages with their own ``lang``. A mixed
source gives one article per language that has its own heading; its title is that
heading, its body that language's blocks in source order.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace

from slugify import slugify

from .diagnostics import Diagnostic, error, warning
from .model import Article, Block, Metadata, SourceDocument
from .parse import link_text

_SUMMARY_CHARS = 220
#: An other-language stretch this long, with no heading of its own, deserves a warning:
#: it stays as passages inside the main page instead of becoming a page of its own.
_ORPHAN_WARN_WORDS = 60


#: Invisible or non-breaking characters pasted text carries; titles get plain spaces.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None) | {
    ord("\u00a0"): " ", ord("\u202f"): " ", ord("\u2007"): " "}


def clean_title(text: str) -> str:
    """A title with zero-width characters removed and non-breaking spaces made plain
    (the body text keeps them: there they may matter, as in "10 000")."""
    return " ".join(text.translate(_INVISIBLE).split())


def make_slug(title: str) -> str:
    """URL segment from a title: lower case, Swedish letters transliterated (å→a, ö→o)."""
    return slugify(title, max_length=80, word_boundary=True) or "article"


def shorten(text: str, limit: int = _SUMMARY_CHARS) -> str:
    """Cut ``text`` at the last sentence end within ``limit``; at a word with "…" if none."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    window = text[:limit]
    ends = [m.end() for m in re.finditer(r"[.!?…](?=\s)", window)]
    if ends and ends[-1] >= limit // 3:
        return window[:ends[-1]]
    return window.rsplit(" ", 1)[0].rstrip(",;:–-") + "…"


def _per_language(value: object, lang: str, primary: str) -> str | None:
    """A front-matter value for ``lang``: a mapping's entry, or a plain value for the
    primary language."""
    if isinstance(value, dict):
        return value.get(lang)
    if isinstance(value, str) and lang == primary:
        return value
    return None


def _languages_of(block: Block) -> list[str]:
    """The languages a block holds: one, or each side of a side-by-side line."""
    if block.side_by_side:
        return list(dict.fromkeys(span.lang for span in block.spans))
    return [block.lang] if block.lang else []


def _side(block: Block, lang: str) -> Block:
    """One language's side of a "svensk text / English text" block, as a block of its own."""
    parts = [span for span in block.spans if span.lang == lang]
    text = " / ".join(block.text[span.start:span.end] for span in parts)
    tag = {"heading": f"h{block.level}", "quote": "blockquote"}.get(block.kind, "p")
    inner = link_text(text) if block.kind != "quote" else f"<p>{link_text(text)}</p>"
    return replace(block, text=text, html=f"<{tag}>{inner}</{tag}>", lang=lang,
                   confidence=min(span.confidence for span in parts), how=parts[0].how,
                   spans=())


def _in_language(block: Block, lang: str) -> Block | None:
    """The block as it appears in ``lang``'s article of a mixed source, or None."""
    if block.side_by_side:
        return _side(block, lang) if lang in _languages_of(block) else None
    return block if block.lang == lang else None


def assemble_articles(document: SourceDocument, blocks: tuple[Block, ...], metadata: Metadata
                      ) -> tuple[list[Article], list[Diagnostic]]:
    """Build the articles of one source; an article with no title is an error."""
    meta = document.meta
    content = [b for b in blocks if b.kind not in ("byline", "marker")]
    diagnostics: list[Diagnostic] = []
    if document.file_lang:
        languages = [document.file_lang]
        primary = document.file_lang
    else:
        languages = _languages_with_titles(content, meta)
        if not languages:
            return [], [error(document.path, document.body_line, "title",
                              "the article has no title",
                              "start the text with a title line, or add 'title:' to the "
                              "front matter")]
        primary = languages[0]

    titles: dict[str, tuple[str, int, Block | None]] = {}
    for lang in languages:
        from_meta = _per_language(meta.get("title"), lang, primary)
        if from_meta:
            titles[lang] = (from_meta, document.meta_lines.get("title", 1), None)
            continue
        heading = next((b for b in content if b.kind == "heading"
                        and (document.file_lang or lang in _languages_of(b))), None)
        if heading is None:
            return [], [error(document.path, document.body_line, "title",
                              "the article has no title",
                              "add a heading (# Title) or 'title:' to the front matter")]
        shown = heading if document.file_lang else _in_language(heading, lang)
        titles[lang] = (shown.text, heading.start_line, heading)

    # Blocks in a language without a variant of its own stay with the primary variant.
    orphans = [b for b in content
               if not set(_languages_of(b)) & set(languages) and b.lang is not None]
    orphan_ids = {id(b) for b in orphans}  # by identity: comparing blocks is slow
    orphan_words = sum(len(b.text.split()) for b in orphans)
    if not document.file_lang and orphans and orphan_words >= _ORPHAN_WARN_WORDS:
        first = orphans[0]
        diagnostics.append(warning(
            document.path, first.start_line, "no-title",
            f"{orphan_words} words in '{first.lang}' have no heading in that language, so "
            f"they stay in the '{primary}' page as a passage",
            "add a heading line in that language before them to publish them as a "
            "page of their own"))

    articles = []
    for lang in languages:
        title, title_line, title_block = titles[lang]
        title = clean_title(title)
        if document.file_lang:
            body = tuple(b for b in content if b is not title_block)
        else:
            body = tuple(
                part for b in content if b is not title_block
                for part in [_in_language(b, lang) or (b if lang == primary
                                                       and id(b) in orphan_ids
                                                       else None)]
                if part is not None)
        if not document.file_lang and not body:
            continue  # a heading alone is not an article
        summary = (_per_language(meta.get("summary"), lang, primary)
                   or _first_paragraph_summary(body, lang))
        slug = make_slug(_per_language(meta.get("slug"), lang, primary) or title)
        articles.append(Article(
            key=document.key, lang=lang, title=title, slug=slug,
            date=metadata.date or _publish_day(meta), publisher=metadata.publisher,
            author=meta.get("author"),
            summary=summary, tags=tuple(meta.get("tags", ())), blocks=body,
            source=document.path, title_line=title_line,
            word_count=sum(len(b.text.split()) for b in body if b.lang == lang
                           or (document.file_lang and b.lang is None)),
            partial=meta.get("summary_only") if document.file_lang else None,
            draft=meta.get("draft", False),
            publish_at=meta.get("publish_at"),
        ))
    return articles, diagnostics


def _publish_day(meta: dict) -> datetime.date | None:
    """The day of ``publish_at`` (in its own zone), for an article with no other date:
    it is the day the article appears, so feeds and indexes can place it."""
    moment = meta.get("publish_at")
    return moment.date() if moment is not None else None


def _languages_with_titles(content: list[Block], meta: dict) -> list[str]:
    """Languages, in order of first appearance, that have a heading or a front-matter
    title of their own."""
    order: list[str] = []
    for block in content:
        for lang in _languages_of(block):
            if lang not in order:
                order.append(lang)
    titled = {lang for b in content if b.kind == "heading" for lang in _languages_of(b)}
    title = meta.get("title")
    if isinstance(title, dict):
        titled |= set(title)
    elif isinstance(title, str) and order:
        titled.add(order[0])
    return [lang for lang in order if lang in titled]


def _first_paragraph_summary(body: tuple[Block, ...], lang: str) -> str:
    """The first paragraph in ``lang``, shortened at a sentence boundary."""
    for block in body:
        if block.kind == "paragraph" and block.lang == lang:
            return shorten(block.text)
    return ""
