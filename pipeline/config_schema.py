"""What ``bilingual.toml`` may hold: every key, its kind, default and meaning, in one table.

``config.parse_config`` checks a file against it and ``make docs`` writes docs/config.md
from it, so the checks and the reference cannot drift apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

#: Languages the detector and the byline reader know.
KNOWN_LANGUAGES = ("sv", "en")


@dataclass(frozen=True, slots=True)
class Setting:
    """One key of bilingual.toml: the single source for checking and for the docs."""

    key: str  #: dotted name, e.g. "paths.output"
    kind: str  #: what the value must be, in words
    default: Any  #: the value when the key is left out
    meaning: str  #: what it does, for docs/config.md


#: Every key bilingual.toml may hold. docs/config.md is generated from this table
#: (`make docs`) and a test keeps the two equal.
SCHEMA: tuple[Setting, ...] = (
    Setting("base_url", "absolute http(s) URL", "http://localhost:8000/",
            "Where the site is published. Canonical links, hreflang, feeds and the sitemap "
            "use it; a path (https://example.org/news/) prefixes every link."),
    Setting("languages", "list of language codes (sv, en)", ["sv", "en"],
            "The site's languages, in display order. At least two."),
    Setting("default_language", "one of `languages`", "sv",
            "Language of the start page and of x-default."),
    Setting("detector", '"langdetect" or "lingua"', "langdetect",
            "Language detector. lingua needs `pip install 'bilingual-publish[lingua]'`."),
    Setting("feed_items", "whole number, at least 1", 20,
            "How many of the newest articles each feed carries."),
    Setting("allow_html", "true or false", False,
            "Keep raw HTML in Markdown (cleaned by nh3) instead of showing it as text."),
    Setting("timezone", "an IANA time zone name", "Europe/Stockholm",
            "The site's clock: a `publish_at` or `date` without a zone means this zone's "
            "local time, and a scheduled article goes live at that moment."),
    Setting("title.<lang>", "text", "Nyheter / News", "The site's name in each language."),
    Setting("description.<lang>", "text", "", "One line about the site in each language."),
    Setting("paths.articles", "folder", "articles", "Where the articles are read from."),
    Setting("paths.output", "folder", "output",
            "Where the site is written. May not hold the articles, templates or site folder, "
            "nor sit inside the articles or templates folder."),
    Setting("paths.templates", "folder", "templates",
            "The site's own templates; each one replaces the theme's file of the same name."),
    Setting("paths.cache", "folder", ".cache",
            "The build state (`build.db`: what each source gave, detections, what each "
            "build wrote) and the preview; delete it to force a full build. "
            "Kept apart from the output, articles and templates folders, like `paths.output`."),
    Setting("newsletter.from", "text with an e-mail address",
            "<site title> <newsletter@<host>>", "From: of the newsletter drafts."),
    Setting("newsletter.reply_to", "text with an e-mail address", "",
            "Reply-To: of the newsletter drafts (none when empty)."),
    Setting("newsletter.unsubscribe", "https:// URL or mailto: address", "",
            "Where readers unsubscribe: a link in every language part and the "
            "List-Unsubscribe header. An https:// URL also gets List-Unsubscribe-Post "
            "(one-click, RFC 8058) and must accept a POST; a mailto: address gets no "
            "one-click header. http:// is refused: one-click needs HTTPS. Never given UTM "
            "parameters. Without it, `newsletter` warns."),
    Setting("newsletter.utm_source", "text", "", "Added to every newsletter link when set."),
    Setting("newsletter.utm_medium", "text", "", "Added to every newsletter link when set."),
    Setting("newsletter.utm_campaign", "text", "", "Added to every newsletter link when set."),
)


def keys_of(table: str | None) -> tuple[str, ...]:
    """The keys of one table of SCHEMA, in schema order (None: the top level, tables
    included)."""
    if table is None:
        return tuple(dict.fromkeys(s.key.split(".")[0] for s in SCHEMA))
    return tuple(s.key.split(".", 1)[1] for s in SCHEMA if s.key.startswith(table + ".")
                 and not s.key.endswith("<lang>"))


#: Defaults of the top-level values that are not tables.
DEFAULTS: dict[str, Any] = {s.key: s.default for s in SCHEMA if "." not in s.key}
#: Site titles for languages whose [title] entry is left out.
DEFAULT_TITLES = {"sv": "Nyheter", "en": "News"}
#: Default folder of each key of [paths], relative to the site folder.
PATH_DEFAULTS = {s.key.split(".")[1]: s.default for s in SCHEMA if s.key.startswith("paths.")}


def config_reference() -> str:
    """docs/config.md, generated from SCHEMA."""
    lines = ["# `bilingual.toml` reference", "",
             "Generated from `pipeline/config_schema.py` (`make docs`); do not edit by hand. "
             "Every key is optional. Unknown keys, wrong types and bad values are errors "
             "naming the file, the line and the key; all of them are reported at once.", "",
             "| key | value | default | what it does |", "|---|---|---|---|"]
    for setting in SCHEMA:
        default = setting.default
        shown = ("" if default == "" else
                 f"`{str(default).lower()}`" if isinstance(default, bool) else
                 f"`{json.dumps(default)}`" if isinstance(default, int | list) else
                 f'`"{default}"`')
        lines.append(f"| `{setting.key}` | {setting.kind} | {shown} | {setting.meaning} |")
    return "\n".join(lines) + "\n"
