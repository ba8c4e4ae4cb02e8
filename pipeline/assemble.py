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

from .diagnostics import Diagnostic, error, info, warning
from .links import link_text
from .model import Article, Block, Metadata, SourceDocument
from .shapes import is_salutation, looks_like_heading

_SUMMARY_CHARS = 220
#: A title taken from a paragraph is at most this long (as a heading line may be).
_DERIVED_TITLE_CHARS = 90
#: Words of paragraphs in a row that make a language's run a half with a page of its own.
_HALF_WORDS = 40
#: Blocks that are not body text: metadata, markers, dropped leftovers.
_OUTSIDE_TEXT = ("byline", "marker", "leftover")
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


def heading_homes(content: list[Block]) -> dict[int, str]:
    """Headings whose page is not their own language's, by id: a heading opens a page
    in its language only when the text under it is in that language too. "Thanks!
    Great food!" over a Swedish paragraph stays in the Swedish page, with its own
    ``lang``; a heading the detector got wrong follows its text."""
    homes: dict[int, str] = {}
    for index, block in enumerate(content):
        if block.kind != "heading" or block.side_by_side or not block.lang:
            continue
        under = next((b for b in content[index + 1:] if b.kind != "heading"), None)
        if under is not None and under.lang and not under.side_by_side \
                and under.lang != block.lang:
            homes[id(block)] = under.lang
    return homes


def _placed(block: Block, homes: dict[int, str]) -> list[str]:
    """The languages whose page shows ``block`` (see ``heading_homes``)."""
    return [homes[id(block)]] if id(block) in homes else _languages_of(block)


def _in_language(block: Block, lang: str, homes: dict[int, str] | None = None
                 ) -> Block | None:
    """The block as it appears in ``lang``'s article of a mixed source, or None."""
    if homes and id(block) in homes:
        return block if homes[id(block)] == lang else None
    if block.kind == "signature" and block.lang is None:
        return block  # "Hälsningar / Regards" closes every language's page
    if block.side_by_side:
        return _side(block, lang) if lang in _languages_of(block) else None
    return block if block.lang == lang else None


def assemble_articles(document: SourceDocument, blocks: tuple[Block, ...], metadata: Metadata
                      ) -> tuple[list[Article], list[Diagnostic]]:
    """Build the articles of one source; a source with no text at all is an error."""
    meta = document.meta
    content = [b for b in blocks if b.kind not in _OUTSIDE_TEXT]
    diagnostics = _leftover_notes(document.path, blocks)
    homes = {} if document.file_lang else heading_homes(content)
    languages = ([document.file_lang] if document.file_lang
                 else languages_with_pages(blocks, meta, homes))
    if not languages or not content and not meta.get("title"):
        return [], diagnostics + [error(document.path, document.body_line, "empty",
                                        "the article has no text (only lines that are "
                                        "left out, such as markers or file names)",
                                        "write the article's title on the first line and "
                                        "its text below it")]
    primary = languages[0]
    titles: dict[str, tuple[str, int, Block | None]] = {}
    for lang in languages:
        found = _title_of(document, content, lang, primary, homes)
        if found is None:
            return [], diagnostics + [error(document.path, document.body_line, "title",
                                            "the article has no title", "add a title line "
                                            "or 'title:' to the front matter")]
        titles[lang], problem = found
        diagnostics += problem

    # Blocks in a language without a variant of its own, and blocks no language could be
    # decided for (a line of digits), stay with the primary variant.
    orphans = [b for b in content if not set(_placed(b, homes)) & set(languages)]
    orphan_ids = {id(b) for b in orphans}  # by identity: comparing blocks is slow
    orphans = [b for b in orphans if b.lang is not None]
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
                for part in [_in_language(b, lang, homes) or (b if lang == primary
                                                       and id(b) in orphan_ids
                                                       else None)]
                if part is not None)
        if not body:
            diagnostics.append(warning(
                document.path, title_line, "empty",
                f"'{title}' has a title but no text"
                + ("" if document.file_lang else ", so no page is made for it"),
                "write the text below the title, or remove the file if it is not needed"))
            if not document.file_lang:
                continue
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


def _title_of(document: SourceDocument, content: list[Block], lang: str, primary: str,
              homes: dict[int, str]
              ) -> tuple[tuple[str, int, Block | None], list[Diagnostic]] | None:
    """(title, its line, the heading block it came from) for ``lang``, and the warning a
    derived title brings: front matter first, then a heading that opens the language's
    text, else the start of its first paragraph. None when the language has no text."""
    from_meta = _per_language(document.meta.get("title"), lang, primary)
    if from_meta:
        return (from_meta, document.meta_lines.get("title", 1), None), []
    own = [b for b in content if document.file_lang or lang in _placed(b, homes)]
    first = next((b for b in own if b.kind != "signature"), None)
    if first is None:
        return None
    if first.kind == "heading" or (
            not document.file_lang and len(own) > 1 and first.start_line == first.end_line
            and first.kind == "paragraph" and looks_like_heading(first.text)):
        # A half that opens with a short line without final punctuation ("News from
        # the faculty – October") has its title line, even with no text right under it.
        shown = first if document.file_lang else _in_language(first, lang, homes)
        return (shown.text, first.start_line, first), []
    # "Hej alla!" or "Dear colleagues," opens a letter; the title comes from what follows.
    first = next((b for b in own if b.kind == "paragraph" and not is_salutation(b.text)),
                 first)
    if not document.file_lang and first.side_by_side:
        first = _in_language(first, lang)
    title = derive_title(first.text)
    where = "" if document.file_lang else f" in '{lang}'"
    return (title, first.start_line, None), [warning(
        document.path, first.start_line, "no-title",
        f"the text{where} has no title line, so its title is taken from the first "
        f"paragraph: '{title}'", "write a short title on a line of its own above the text, "
        "or add 'title: …' to the front matter")]


def derive_title(text: str) -> str:
    """A title from a paragraph: its first sentence when that is short, else its first
    words cut at a word boundary, with "…"; at most _DERIVED_TITLE_CHARS characters."""
    text = " ".join(text.split())
    sentence = re.match(r".+?[.!?…](?=\s|$)", text)
    if sentence and len(sentence.group()) <= _DERIVED_TITLE_CHARS:
        return sentence.group().removesuffix(".")
    if len(text) <= _DERIVED_TITLE_CHARS:
        return text.rstrip(".")
    cut = text[:_DERIVED_TITLE_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return cut + "…"


def languages_with_pages(blocks: tuple[Block, ...], meta: dict,
                         homes: dict[int, str] | None = None) -> list[str]:
    """The languages of a mixed source that get a page, the main one first: the first
    language with a title or a substantial run (else simply the first language), then
    every other language with a heading, a front-matter title or a substantial run."""
    content = [b for b in blocks if b.kind not in _OUTSIDE_TEXT]
    homes = homes or {}
    order = _languages_with_titles(content, meta, homes, titled_only=False)
    chosen = set(_languages_with_titles(content, meta, homes)) | _substantial_languages(blocks)
    pages = [lang for lang in order if lang in chosen]
    if not pages or (order and pages[0] != order[0] and order[0] not in chosen):
        pages = [order[0], *pages] if order else []
    return pages


def _substantial_languages(blocks: tuple[Block, ...]) -> set[str]:
    """Languages with a run of their own big enough for a page: two or more paragraphs
    or lists, or _HALF_WORDS words in them, or one paragraph right after a separator or
    an announcement. Quotations alone never make a half."""
    found: set[str] = set()
    run_lang, paragraphs, words, introduced = None, 0, 0, False
    previous_kind = None
    for block in [*blocks, None]:
        lang = None if block is None or block.side_by_side else block.lang
        if block is not None and block.kind in ("signature", "leftover", "byline"):
            continue
        if block is None or block.kind == "marker" or lang != run_lang:
            if run_lang and (paragraphs >= 2 or words >= _HALF_WORDS
                             or (introduced and paragraphs)):
                found.add(run_lang)
            run_lang, paragraphs, words = (None if block is None or block.kind == "marker"
                                           else lang), 0, 0
            introduced = previous_kind == "marker"
        if block is not None and block.kind in ("paragraph", "list") and lang:
            paragraphs += 1
            words += len(block.text.split())
        previous_kind = None if block is None else block.kind
    return found


def _publish_day(meta: dict) -> datetime.date | None:
    """The day of ``publish_at`` (in its own zone), for an article with no other date:
    it is the day the article appears, so feeds and indexes can place it."""
    moment = meta.get("publish_at")
    return moment.date() if moment is not None else None


def _languages_with_titles(content: list[Block], meta: dict, homes: dict[int, str],
                           titled_only: bool = True) -> list[str]:
    """Languages, in order of first appearance, that have a heading or a front-matter
    title of their own (every language, with ``titled_only=False``)."""
    order: list[str] = []
    for block in content:
        for lang in _placed(block, homes):
            if lang not in order:
                order.append(lang)
    titled = {lang for b in content if b.kind == "heading" for lang in _placed(b, homes)}
    title = meta.get("title")
    if isinstance(title, dict):
        titled |= set(title)
    elif isinstance(title, str) and order:
        titled.add(order[0])
    return [lang for lang in order if lang in titled or not titled_only]


def _leftover_notes(path: str, blocks: tuple[Block, ...]) -> list[Diagnostic]:
    """An info note per leftover of pasting that was left out, so `split` shows it."""
    from .refine import leftover_reason

    return [info(path, b.start_line, "leftover",
                 f"left out {b.text.strip()!r}: {leftover_reason(b, blocks)}",
                 "nothing to do; delete the line to silence this note")
            for b in blocks if b.kind == "leftover"]


def _first_paragraph_summary(body: tuple[Block, ...], lang: str) -> str:
    """The first paragraph in ``lang``, shortened at a sentence boundary."""
    for block in body:
        if block.kind == "paragraph" and block.lang == lang:
            return shorten(block.text)
    return ""
