"""Read ``bilingual.toml``: the site's languages, titles, base URL and folders.

Unknown keys and wrong types are errors that name the file, the line and the key:
a typo in a config file must never be silently ignored.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .config_checks import (
    base_url_problem,
    control_character_problem,
    deepest_nesting_line,
    folder_problem,
    is_time_zone,
    unsubscribe_problem,
)
from .diagnostics import ContentError, error
from .model import DETECTORS, Config, NewsletterSettings

CONFIG_NAME = "bilingual.toml"

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
            "Detection results and the build manifest; delete it to force a full build. "
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


def _keys(table: str | None) -> tuple[str, ...]:
    """The keys of one table of SCHEMA (None: the top level, tables included)."""
    if table is None:
        return tuple(dict.fromkeys(s.key.split(".")[0] for s in SCHEMA))
    return tuple(s.key.split(".", 1)[1] for s in SCHEMA if s.key.startswith(table + ".")
                 and not s.key.endswith("<lang>"))


_DEFAULTS: dict[str, Any] = {s.key: s.default for s in SCHEMA if "." not in s.key}
_DEFAULT_TITLES = {"sv": "Nyheter", "en": "News"}
_TOP_KEYS = set(_keys(None))
_NEWSLETTER_KEYS = _keys("newsletter")
_PATH_KEYS = set(_keys("paths"))
_PATH_DEFAULTS = {s.key.split(".")[1]: s.default for s in SCHEMA if s.key.startswith("paths.")}


def config_reference() -> str:
    """docs/config.md, generated from SCHEMA."""
    lines = ["# `bilingual.toml` reference", "",
             "Generated from `pipeline/config.py` (`make docs`); do not edit by hand. "
             "Every key is optional. Unknown keys and wrong types are errors naming the "
             "file, the line and the key.", "",
             "| key | value | default | what it does |", "|---|---|---|---|"]
    for setting in SCHEMA:
        default = setting.default
        shown = ("" if default == "" else
                 f"`{str(default).lower()}`" if isinstance(default, bool) else
                 f"`{json.dumps(default)}`" if isinstance(default, int | list) else
                 f'`"{default}"`')
        lines.append(f"| `{setting.key}` | {setting.kind} | {shown} | {setting.meaning} |")
    return "\n".join(lines) + "\n"


class ConfigError(ContentError):
    """The config file cannot be used; the diagnostic says where and why."""


def _line_of(text: str, key: str, table: str | None = None) -> int:
    """Best-effort 1-based line of ``key`` (inside ``[table]`` if given) in TOML text."""
    lines = text.splitlines()
    start = 0
    if table is not None:
        for number, line in enumerate(lines):
            if re.match(rf"\s*\[\s*{re.escape(table)}\s*\]", line):
                start = number + 1
                break
        else:
            # Dotted or inline form: "title.sv = ..." or "title = { sv = ... }"
            for number, line in enumerate(lines):
                if re.match(rf"\s*{re.escape(table)}\s*[.=]", line):
                    return number + 1
            return 1
    for number in range(start, len(lines)):
        line = lines[number]
        if table is not None and re.match(r"\s*\[", line):
            break
        if re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", line):
            return number + 1
    return start or 1


def load_config(path: Path | None = None, **overrides: Path | None) -> Config:
    """Load the config at ``path`` (or the defaults when None) and apply CLI overrides.

    ``overrides`` may set ``articles``, ``output`` and ``templates``; a value of None
    means "not given on the command line" and never replaces the file's value.
    """
    if path is None:
        data: dict[str, Any] = {}
        text = ""
        root = Path.cwd()
        shown = CONFIG_NAME
    else:
        shown = str(path)
        root = path.resolve().parent
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(error(shown, 1, "config", "the config file does not exist",
                                    f"create {CONFIG_NAME} in your site folder or fix --config")
                              ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(error(shown, 1, "config", f"cannot read the config file: {exc}",
                                    "save it as UTF-8 text")) from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"line (\d+)", str(exc))
            line = int(match.group(1)) if match else 1
            raise ConfigError(error(shown, line, "config", f"not valid TOML: {exc}",
                                    "check quotes, brackets and '=' on that line")) from None
        except RecursionError:
            # tomllib reads nested arrays and tables recursively; thousands of levels
            # exhaust the stack long before they could mean anything in a config.
            raise ConfigError(error(shown, deepest_nesting_line(text), "config",
                                    "brackets are nested too deeply to read",
                                    "a config needs a few levels at most; remove the extra "
                                    "[ and { on that line")) from None

    def fail(key: str, message: str, hint: str, table: str | None = None) -> None:
        """Stop with a ConfigError at the line of ``key``."""
        raise ConfigError(error(shown, _line_of(text, key, table), "config", message, hint))

    for key in sorted(data):
        if key not in _TOP_KEYS:
            fail(key, f"unknown key '{key}'",
                 f"allowed keys: {', '.join(sorted(_TOP_KEYS))}; check the spelling")

    settings = {**_DEFAULTS, **{k: v for k, v in data.items() if k in _DEFAULTS}}
    base_url = settings["base_url"]
    problem = base_url_problem(base_url)
    if problem:
        fail("base_url", f"'base_url' {problem[0]}", problem[1])
    if not base_url.endswith("/"):
        base_url += "/"

    languages = settings["languages"]
    if (not isinstance(languages, list) or len(languages) < 2
            or not all(isinstance(lang, str) for lang in languages)):
        fail("languages", "'languages' must be a list of at least two language codes",
             'write for example languages = ["sv", "en"]')
    for lang in languages:
        if lang not in KNOWN_LANGUAGES:
            fail("languages", f"language '{lang}' is not supported",
                 f"supported languages: {', '.join(KNOWN_LANGUAGES)}")
    if len(set(languages)) != len(languages):
        fail("languages", "'languages' lists a language twice", "list each language once")

    default_language = settings["default_language"]
    if default_language not in languages:
        fail("default_language", f"'default_language' {default_language!r} is not in 'languages'",
             f"use one of: {', '.join(languages)}")
    feed_items = settings["feed_items"]
    if not isinstance(feed_items, int) or isinstance(feed_items, bool) or feed_items < 1:
        fail("feed_items", f"'feed_items' must be a whole number of at least 1, not "
             f"{feed_items!r}", "write for example feed_items = 20")
    allow_html = settings["allow_html"]
    if not isinstance(allow_html, bool):
        fail("allow_html", f"'allow_html' must be true or false, not {allow_html!r}",
             "write allow_html = false (the safe default) or allow_html = true")
    detector = settings["detector"]
    if detector not in DETECTORS:
        fail("detector", f"unknown detector {detector!r}",
             f"choose one of: {', '.join(DETECTORS)}")
    timezone = settings["timezone"]
    if not is_time_zone(timezone):
        fail("timezone", f"'timezone' {timezone!r} is not a time zone name",
             'write for example timezone = "Europe/Stockholm" or "Europe/Helsinki"')

    per_language: dict[str, dict[str, str]] = {}
    for table in ("title", "description"):
        value = data.get(table, {})
        if not isinstance(value, dict):
            fail(table, f"'{table}' must be a table with one entry per language",
                 f'write [{table}] and then sv = "…" and en = "…" on their own lines')
        for lang in sorted(value):
            if lang not in languages:
                fail(lang, f"'{table}.{lang}' is not one of the site's languages",
                     f"use one of: {', '.join(languages)}", table)
            if not isinstance(value[lang], str):
                fail(lang, f"'{table}.{lang}' must be text", f'write {lang} = "…"', table)
            problem = control_character_problem(value[lang])
            if problem:  # page titles, feeds and mail headers carry it on one line
                fail(lang, f"'{table}.{lang}' {problem}", "write it on one line", table)
        per_language[table] = dict(value)
    titles = {lang: per_language["title"].get(lang, _DEFAULT_TITLES.get(lang, "News"))
              for lang in languages}
    descriptions = {lang: per_language["description"].get(lang, "") for lang in languages}

    paths = data.get("paths", {})
    if not isinstance(paths, dict):
        fail("paths", "'paths' must be a table", '[paths] then articles = "articles" and so on')
    for key in sorted(paths):
        if key not in _PATH_KEYS:
            fail(key, f"unknown key 'paths.{key}'",
                 f"allowed keys: {', '.join(sorted(_PATH_KEYS))}", "paths")
        if not isinstance(paths[key], str) or not paths[key].strip():
            fail(key, f"'paths.{key}' must be a folder name in quotes", f'{key} = "{key}"',
                 "paths")
    resolved: dict[str, Path] = {}
    for key in sorted(_PATH_KEYS):
        given = overrides.get(key)
        resolved[key] = (Path(given).resolve() if given is not None
                         else (root / paths.get(key, _PATH_DEFAULTS[key])).resolve())

    newsletter = data.get("newsletter", {})
    if not isinstance(newsletter, dict):
        fail("newsletter", "'newsletter' must be a table", '[newsletter] then from = "…"')
    for key in sorted(newsletter):
        if key not in _NEWSLETTER_KEYS:
            fail(key, f"unknown key 'newsletter.{key}'",
                 f"allowed keys: {', '.join(_NEWSLETTER_KEYS)}", "newsletter")
        if not isinstance(newsletter[key], str) or not newsletter[key].strip():
            fail(key, f"'newsletter.{key}' must be text in quotes", f'{key} = "…"', "newsletter")
        problem = control_character_problem(newsletter[key])
        if problem:  # a line break in a header value would start headers of its own
            fail(key, f"'newsletter.{key}' {problem}", "write it on one line", "newsletter")
    for key in ("from", "reply_to"):
        if key in newsletter and not re.search(r"[^@\s<]+@[^@\s>]+\.[^@\s>]+",
                                               newsletter[key]):
            fail(key, f"'newsletter.{key}' {newsletter[key]!r} holds no e-mail address",
                 f'write for example {key} = "Nordvik kommun <nyhetsbrev@example.org>"',
                 "newsletter")
    if "unsubscribe" in newsletter:
        problem = unsubscribe_problem(newsletter["unsubscribe"])
        if problem:
            fail("unsubscribe", f"'newsletter.unsubscribe' {newsletter['unsubscribe']!r} "
                 f"{problem[0]}", problem[1], "newsletter")
    host = re.sub(r"^www\.", "", urlsplit(base_url).hostname or "localhost")
    settings_newsletter = NewsletterSettings(
        sender=newsletter.get("from", f"{titles[default_language]} <newsletter@{host}>"),
        reply_to=newsletter.get("reply_to", ""),
        utm=tuple((key, newsletter[key]) for key in _NEWSLETTER_KEYS
                  if key.startswith("utm_") and key in newsletter),
        unsubscribe=newsletter.get("unsubscribe", ""),
    )

    config = Config(
        root=root.resolve(),
        source=path.resolve() if path is not None else None,
        base_url=base_url,
        languages=tuple(languages),
        default_language=default_language,
        title=titles,
        description=descriptions,
        articles=resolved["articles"],
        output=resolved["output"],
        templates=resolved["templates"],
        cache=resolved["cache"],
        detector=detector,
        feed_items=feed_items,
        allow_html=allow_html,
        newsletter=settings_newsletter,
        timezone=timezone,
    )
    given = {key: f"--{key}" if overrides.get(key) is not None else f"paths.{key}"
             for key in ("output", "cache")}
    problem = folder_problem(config, given)
    if problem:
        key, message, hint = problem
        # A folder given on the command line has no line in the file.
        line = (_line_of(text, key, "paths") if key in paths and overrides.get(key) is None
                else 1)
        raise ConfigError(error(shown, line, "config", message, hint))
    return config


def find_config(start: Path | None = None) -> Path | None:
    """Return ``bilingual.toml`` in ``start`` (default: the current folder), if any."""
    candidate = (start or Path.cwd()) / CONFIG_NAME
    return candidate if candidate.is_file() else None


if __name__ == "__main__":  # python -m pipeline.config > docs/config.md
    print(config_reference(), end="")
