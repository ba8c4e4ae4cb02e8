"""Views of what the pipeline read, for people and for programs (``bilingual split``).

The JSON shape of ``describe_source`` is a public interface, documented in
docs/split-format.md: add fields if needed, never rename or remove one.
"""

from __future__ import annotations

from typing import Any

from .build import SourceResult
from .diagnostics import Diagnostic


def diagnostic_view(diagnostic: Diagnostic) -> dict[str, Any]:
    """A diagnostic as plain data."""
    return {"line": diagnostic.line, "severity": diagnostic.severity, "code": diagnostic.code,
            "message": diagnostic.message, "hint": diagnostic.hint}


def describe_source(result: SourceResult) -> dict[str, Any]:
    """How one source was read: metadata, every block, and the variants built from it."""
    index_of = {(b.start_line, b.end_line): i for i, b in enumerate(result.blocks)}
    variants = {}
    for article in result.articles:
        variants[article.lang] = {
            "title": article.title,
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
        lines.append(f"  {lang}: {variant['title']!r} → /{lang}/{variant['slug']}/ "
                     f"(blocks {', '.join(map(str, variant['blocks'])) or 'none'})")
    return "\n".join(lines)
