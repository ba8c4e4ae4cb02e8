"""Newsletters: e-mail-safe HTML, a plain-text part and a ready .eml, per language or both.

The HTML is a 600 px table layout that narrows to any phone, with every style inlined
by css-inline (mail clients drop <style> blocks), absolute links with optional UTM
parameters, a hidden preheader and an unsubscribe link per language with the matching
List-Unsubscribe headers. No disk access here: pipeline.newsletter_build writes the files.
"""

from __future__ import annotations

import datetime
import difflib
import email.policy
import hashlib
from dataclasses import dataclass
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import urlencode, urlsplit, urlunsplit

from jinja2 import Environment

from .model import ArticleSet, Config, OutputFile
from .render import (
    Urls,
    language_name,
    localized_date,
    self_name,
    sort_key,
    summary_languages,
)

#: Gmail clips messages whose HTML is larger than this.
GMAIL_CLIP_BYTES = 102 * 1024

TEXT = {
    "sv": {"subject": "Nyheter från {site}", "intro": "Det här har hänt sedan sist.",
           "read_more": "Läs mer", "summary": "sammanfattning",
           "jump": "Svensk version längre ner",
           "footer": "Du får det här brevet från {site}. Alla artiklar finns på",
           "unsubscribe": "Avsluta prenumerationen",
           "preheader": "{count} artiklar: {titles}", "preheader_one": "{titles}"},
    "en": {"subject": "News from {site}", "intro": "Here is what has happened lately.",
           "read_more": "Read more", "summary": "summary",
           "jump": "English version below",
           "footer": "You receive this e-mail from {site}. All articles are at",
           "unsubscribe": "Unsubscribe",
           "preheader": "{count} articles: {titles}", "preheader_one": "{titles}"},
}


class SelectionError(ValueError):
    """The requested articles cannot be put in a newsletter; the message says why."""


class NewsletterTemplateError(SelectionError):
    """A mistake in the site's own newsletter templates: ``diagnostic`` says where
    (file and line), what and how to fix it."""

    def __init__(self, diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


@dataclass(frozen=True, slots=True)
class Selection:
    """The articles chosen for a newsletter, and those a date could not choose."""

    articles: list[ArticleSet]  #: chosen, newest first
    undated: list[ArticleSet]  #: with ``since``: no variant has a date, so never chosen; by key


@dataclass(frozen=True, slots=True)
class Newsletter:
    """A finished newsletter: its files and what the editor should know about it."""

    date: datetime.date  #: the issue date, also the folder name
    files: list[OutputFile]  #: sv.html, sv.txt, sv.eml, … in a fixed order
    left_out: dict[str, list[ArticleSet]]  #: language → selected articles with no variant in it
    oversized: list[tuple[str, int]]  #: HTML files over Gmail's 102 KB clipping limit


def select_articles(sets: list[ArticleSet], *, since: datetime.date | None = None,
                    keys: tuple[str, ...] = (), held=()) -> Selection:
    """Articles by translation key, or dated on or after ``since``; newest first.

    With ``since``, articles without any date are reported in ``Selection.undated``
    rather than dropped silently: the editor may have meant to include them. ``held``
    (drafts and scheduled articles, never sent) only sharpens the error for such a key.
    """
    undated: list[ArticleSet] = []
    if keys:
        known = {s.key: s for s in sets}
        unpublished = {h.key: h for h in held}
        waiting = [unpublished[key] for key in keys if key not in known and key in unpublished]
        if waiting:
            raise SelectionError("; ".join(
                f"'{h.key}' is not published yet: " + (
                    f"it is a draft (remove 'draft: true' from {h.source})"
                    if h.reason == "draft" else
                    f"it goes live {h.moment:%Y-%m-%d %H:%M} ({h.source})")
                for h in waiting))
        unknown = [key for key in keys if key not in known]
        if unknown:
            hints = []
            for key in unknown:
                close = difflib.get_close_matches(key, sorted(known), n=1)
                hints.append(f"'{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
            raise SelectionError(
                f"no article with the key {', '.join(hints)}; the key is the file name "
                f"without .txt/.md/.sv.md, for example: {', '.join(sorted(known)[:5])}")
        chosen = [known[key] for key in dict.fromkeys(keys)]
    else:
        chosen = [s for s in sets if since and any(
            a.date and a.date >= since for a in s.variants.values())]
        undated = sorted((s for s in sets if not any(a.date for a in s.variants.values())),
                         key=lambda s: s.key)
        if not chosen:
            also = (f" ({len(undated)} without a date cannot be chosen by date: "
                    f"{', '.join(s.key for s in undated)})" if undated else "")
            raise SelectionError(f"no article is dated {since.isoformat() if since else ''} or "
                                 f"later{also}; choose an earlier --since date or name articles "
                                 "with --articles")
    return Selection(sorted(chosen, key=lambda s: sort_key(next(iter(s.variants.values())))),
                     undated)


def with_tracking(url: str, utm: tuple[tuple[str, str], ...]) -> str:
    """``url`` with the configured UTM parameters added to its query."""
    if not utm:
        return url
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(utm)}" if parts.query else urlencode(utm)
    return urlunsplit(parts._replace(query=query))


def make_newsletter(config: Config, environment: Environment, selected: list[ArticleSet], *,
                    lang: str, date: datetime.date, subject: str | None = None) -> Newsletter:
    """Render the parts asked for: one language, or every language plus ``both``."""
    import css_inline

    urls = Urls(config.base_url)
    inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)
    languages = list(config.languages) if lang == "both" else [lang]
    sections = {code: _section(config, urls, selected, code) for code in languages}
    left_out = {code: [s for s in selected if code not in s.variants] for code in languages}
    editions = [(code, [code]) for code in languages]
    if lang == "both":
        editions.append(("both", languages))
    files, oversized = [], []
    for name, codes in editions:
        parts = [sections[code] for code in codes if sections[code]["articles"]]
        if not parts:
            continue  # nothing selected exists in this language
        mail = _mail_view(config, urls, parts, subject, date)
        html = inliner.inline(_render(environment, config, "newsletter/email.html",
                                      mail)).rstrip("\n") + "\n"
        text = _render(environment, config, "newsletter/email.txt", mail)
        html_bytes = html.encode("utf-8")
        if len(html_bytes) > GMAIL_CLIP_BYTES:
            oversized.append((f"{name}.html", len(html_bytes)))
        files += [
            OutputFile(f"{name}.html", html_bytes),
            OutputFile(f"{name}.txt", text.encode("utf-8")),
            OutputFile(f"{name}.eml", _eml(config, mail, html, text, date)),
        ]
    if not files:
        raise SelectionError("none of the selected articles exists in the language asked "
                             "for; try --lang both")
    return Newsletter(date, files, left_out, oversized)


def _render(environment: Environment, config: Config, name: str, mail: dict) -> str:
    """One newsletter template; a mistake in the site's own templates raises
    NewsletterTemplateError, anything else (a bug in bilingual) goes up as it is."""
    from .output_problems import template_diagnostic

    try:
        return environment.get_template(name).render(mail=mail)
    except Exception as problem:  # noqa: BLE001 - sorted into the author's and ours
        diagnostic = template_diagnostic(problem, config)
        if diagnostic is None:
            raise
        raise NewsletterTemplateError(diagnostic) from problem


def _section(config: Config, urls: Urls, selected: list[ArticleSet], lang: str) -> dict:
    """One language's part of a newsletter, as plain data."""
    words = TEXT[lang]
    site = config.title[lang]
    articles = []
    for article_set in selected:
        article = article_set.variants.get(lang)
        if article is None:
            continue
        articles.append({
            "title": article.title,
            "url": with_tracking(urls.absolute(urls.article_path(article)), config.newsletter.utm),
            "date_iso": article.date.isoformat() if article.date else "",
            "date_text": localized_date(article.date, lang),
            "summary": article.summary,
            "is_summary": lang in summary_languages(article_set),
            "source": article.source,
        })
    return {
        "lang": lang,
        "anchor": f"part-{lang}",
        "site_title": site,
        "language_name": self_name(lang),
        "intro": words["intro"],
        "read_more": words["read_more"],
        "summary_label": words["summary"],
        "subject": words["subject"].format(site=site),
        "home_url": with_tracking(urls.absolute(urls.index_path(lang)), config.newsletter.utm),
        "home_address": urls.absolute(urls.index_path(lang)),
        "footer": words["footer"].format(site=site),
        # Never with_tracking(): a changed URL can break a signed unsubscribe token, and
        # an unsubscribe is not a campaign visit to be measured.
        "unsubscribe": config.newsletter.unsubscribe,
        "unsubscribe_text": words["unsubscribe"],
        "articles": articles,
    }


def _mail_view(config: Config, urls: Urls, parts: list[dict], subject: str | None,
               date: datetime.date) -> dict:
    """Everything the e-mail templates need for one edition."""
    first = parts[0]
    words = TEXT[first["lang"]]
    titles = [a["title"] for a in first["articles"]]
    template = words["preheader_one"] if len(titles) == 1 else words["preheader"]
    jump = None
    if len(parts) > 1:
        second = parts[1]
        jump = {"lang": second["lang"], "href": f"#{second['anchor']}",
                "text": TEXT[second["lang"]]["jump"],
                "name": language_name(second["lang"], second["lang"])}
    return {
        "lang": first["lang"],
        "languages": [p["lang"] for p in parts],
        "subject": subject or " / ".join(p["subject"] for p in parts),
        "preheader": template.format(count=len(titles), titles=" · ".join(titles)),
        "jump": jump,
        "sections": parts,
        "date_iso": date.isoformat(),
        "sources": tuple(sorted({a["source"] for p in parts for a in p["articles"]})),
    }


class _VerbatimHeader(UnstructuredHeader):
    """A header written on one line as given: the stock folder turns a URL longer than a
    line into RFC 2047 encoded-words, which RFC 2369 does not allow in List-Unsubscribe."""

    def fold(self, *, policy: email.policy.Policy) -> str:
        """``Name: value`` and the line end; config.py keeps the value ASCII and short."""
        return f"{self.name}: {self}{policy.linesep}"


def _eml_policy() -> email.policy.EmailPolicy:
    """SMTP policy (CRLF, 78 columns) whose List-Unsubscribe is never folded or encoded."""
    # A registry of our own: clone() would share, and so change, the stdlib SMTP policy's.
    registry = HeaderRegistry()
    registry.map_to_type("list-unsubscribe", _VerbatimHeader)
    return email.policy.SMTP.clone(header_factory=registry)


def _eml(config: Config, mail: dict, html: str, text: str, date: datetime.date) -> bytes:
    """A draft message: multipart/alternative, text then HTML, UTF-8, CRLF line ends."""
    message = EmailMessage(policy=_eml_policy())
    message["Subject"] = mail["subject"]
    message["From"] = config.newsletter.sender
    if config.newsletter.reply_to:
        message["Reply-To"] = config.newsletter.reply_to
    unsubscribe = config.newsletter.unsubscribe
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        if unsubscribe.startswith("https://"):
            # RFC 8058 §3.1: one-click is defined for HTTPS URIs only; mailto: gets none.
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Date"] = format_datetime(datetime.datetime(date.year, date.month, date.day, 8, 0,
                                                        tzinfo=datetime.UTC))
    digest = hashlib.sha256((html + text).encode("utf-8")).hexdigest()
    host = urlsplit(config.base_url).hostname or "localhost"
    message["Message-ID"] = f"<{digest[:32]}@{host}>"
    message["X-Unsent"] = "1"  # opens as a draft in Outlook and Apple Mail
    message.set_content(text, charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    # After the content: set_content() drops every Content-* header set before it.
    message["Content-Language"] = ", ".join(mail["languages"])
    for part in message.iter_parts():
        part["Content-Language"] = ", ".join(mail["languages"])
    # A fixed boundary keeps the file identical for identical content.
    message.set_boundary(f"bilingual-{digest[:24]}")
    return message.as_bytes()
