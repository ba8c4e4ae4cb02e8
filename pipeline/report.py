"""Views of what the pipeline read and built, for people and for programs
(``bilingual split``, ``bilingual build --json``, ``bilingual status --json``).

The JSON shapes of ``describe_source``, ``build_report_json`` and ``status_report_json``
are public interfaces, documented in docs/split-format.md and the README: add fields if
needed, never rename or remove one.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostic

if TYPE_CHECKING:  # `build` prints reports without loading parsing and detection
    from .process import SourceResult


def diagnostic_view(diagnostic: Diagnostic) -> dict[str, Any]:
    """A diagnostic as plain data."""
    return {"line": diagnostic.line, "severity": diagnostic.severity, "code": diagnostic.code,
            "message": diagnostic.message, "hint": diagnostic.hint}


def describe_source(result: SourceResult) -> dict[str, Any]:
    """How one source was read: metadata, every block, and the variants built from it."""
    index_of = {(b.start_line, b.end_line): i for i, b in enumerate(result.blocks)}
    derived = {d.line for d in result.diagnostics if d.code == "no-title"}
    meta = result.document.meta if result.document else {}
    meta_line = result.document.meta_lines.get("title") if result.document else None
    variants = {}
    for article in result.articles:
        variants[article.lang] = {
            "title": article.title,
            "title_from": ("front matter" if "title" in meta and article.title_line == meta_line
                           else "first paragraph" if article.title_line in derived
                           else "heading"),
            "slug": article.slug,
            "blocks": [index_of[(b.start_line, b.end_line)] for b in article.blocks],
        }
    return {
        "source": result.path,
        "metadata": {
            "date": result.metadata.date.isoformat() if result.metadata.date else None,
            "publisher": result.metadata.publisher,
        },
        "blocks": [{
            "line": block.start_line,
            "end_line": block.end_line,
            "kind": block.kind,
            "lang": block.lang,
            "confidence": round(block.confidence, 4),
            "how": block.how,
            "text": block.text,
            "spans": [{"start": span.start, "end": span.end, "lang": span.lang,
                       "confidence": span.confidence, "how": span.how,
                       "text": block.text[span.start:span.end]} for span in block.spans],
        } for block in result.blocks],
        "variants": variants,
        "diagnostics": [diagnostic_view(d) for d in result.diagnostics],
    }


def describe_source_json(result: SourceResult) -> str:
    """``describe_source`` as one line of JSON (``split --format json``)."""
    return json.dumps(describe_source(result), ensure_ascii=False, sort_keys=False)


def describe_source_text(result: SourceResult) -> str:
    """The same as ``describe_source``, laid out for reading in a terminal."""
    view = describe_source(result)
    meta = view["metadata"]
    lines = [result.path,
             f"  date: {meta['date'] or '–'}   publisher: {meta['publisher'] or '–'}"]
    for number, block in enumerate(view["blocks"]):
        span = (f"{block['line']}" if block["line"] == block["end_line"]
                else f"{block['line']}-{block['end_line']}")
        text = " ".join(block["text"].split())
        text = text if len(text) <= 60 else text[:59] + "…"
        lines.append(f"  [{number:>2}] {span:>7}  {block['kind']:<9} {block['lang'] or '–':<2} "
                     f"{block['confidence']:.2f} {block['how'] or '–':<8}  {text}")
        for passage in block["spans"]:
            quoted = " ".join(passage["text"].split())
            quoted = quoted if len(quoted) <= 50 else quoted[:49] + "…"
            lines.append(f"  {'':>4} {'':>7}  └ span    {passage['lang']:<2} "
                         f"{passage['confidence']:.2f} {passage['how']:<8}  {quoted}")
    for lang, variant in view["variants"].items():
        origin = ("" if variant["title_from"] == "heading"
                  else f" (title from the {variant['title_from']})")
        lines.append(f"  {lang}: {variant['title']!r}{origin} → /{lang}/{variant['slug']}/ "
                     f"(blocks {', '.join(map(str, variant['blocks'])) or 'none'})")
    return "\n".join(lines)


def held_view(item) -> dict[str, Any]:
    """A HeldBack record (a draft or a scheduled article left out) as plain data."""
    return {"source": item.source, "key": item.key, "lang": item.lang, "title": item.title,
            "reason": item.reason,
            "goes_live": item.moment.isoformat(timespec="minutes") if item.moment else None}


def held_summary(held) -> list[str]:
    """Lines telling what a build left out and how to include it; none when nothing was."""
    drafts = sorted({h.source for h in held if h.reason == "draft"})
    scheduled = sorted({(h.moment, h.source) for h in held if h.reason == "scheduled"})
    lines = []
    if drafts:
        lines.append(f"Left out {len(drafts)} draft{'s' if len(drafts) != 1 else ''} "
                     f"(draft: true): {', '.join(drafts[:5])}"
                     + (" …" if len(drafts) > 5 else "")
                     + ". Add --drafts to see them, or remove 'draft: true' to publish.")
    if scheduled:
        first = ", ".join(f"{source} ({moment:%Y-%m-%d %H:%M})"
                          for moment, source in scheduled[:5])
        lines.append(f"Left out {len(scheduled)} scheduled article"
                     f"{'s' if len(scheduled) != 1 else ''}, not yet live: {first}"
                     + (" …" if len(scheduled) > 5 else "")
                     + ". Add --future to see them now.")
    return lines


def build_report_json(report, seconds: float) -> str:
    """The build report as JSON (the --json format, documented in the README)."""
    from .suggest import suggestion_to_dict  # only --json pays for the text features

    return json.dumps({
        "ok": report.ok,
        "articles": report.articles,
        "counts": {"written": len(report.written), "unchanged": len(report.unchanged),
                   "removed": len(report.removed), "extra": len(report.extra),
                   "missing": len(report.missing), "stale": len(report.stale),
                   "sources_processed": report.processed, "sources_reused": report.reused,
                   "outputs_rendered": len(report.rendered),
                   "drafts": len({h.source for h in report.held if h.reason == "draft"}),
                   "scheduled": len({h.source for h in report.held
                                     if h.reason == "scheduled"})},
        "written": list(report.written), "rendered": list(report.rendered),
        "removed": list(report.removed),
        "extra": list(report.extra), "missing": list(report.missing),
        "stale": list(report.stale), "failed": list(report.failed),
        "held": [held_view(h) for h in report.held],
        "suggestions": [suggestion_to_dict(s) for s in report.suggestions],
        "diagnostics": [{"path": d.path, **diagnostic_view(d)} for d in report.diagnostics],
        "timings": {**report.timings, "total": round(seconds, 4)},
    }, ensure_ascii=False, indent=2)


def status_report_json(rows, suggestions) -> str:
    """The translation status as JSON (the `status --json` format, documented in the
    README): one object per article, from ``status.translation_status`` rows."""
    # Still one row per article: each row names the articles it looks like a translation
    # of, so CI scripts reading rows keep working.
    from .suggest import suggestions_by_key  # loads the text features: not for `build`

    related = suggestions_by_key(suggestions)
    return json.dumps([{
        "key": r.key, "title": r.title, "languages": list(r.languages),
        "missing": list(r.missing), "summary": list(r.summaries), "stale": list(r.stale),
        "unsure_blocks": r.unsure_blocks, "sources": list(r.sources),
        "published": r.published, "held": [held_view(h) for h in r.held],
        "looks_like_translation_of": related.get(r.key, [])}
        for r in rows], ensure_ascii=False, indent=2)
