"""Read ``bilingual.toml``: the site's languages, titles, base URL and folders.

``parse_config`` checks the text against the schema and reports every unknown key, wrong
type and bad value at once, each naming the file, the line and the key: a typo in a
config file must never be silently ignored. ``load_config`` is its file-reading wrapper.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .config_checks import (
    VALUE_CHECKS,
    control_character_problem,
    deepest_nesting_line,
    folder_name_problem,
    folder_problems,
    newsletter_value_problem,
)
from .config_schema import (
    DEFAULT_TITLES,
    DEFAULTS,
    KNOWN_LANGUAGES,
    PATH_DEFAULTS,
    SCHEMA,
    config_reference,
    keys_of,
)
from .diagnostics import ContentError, Diagnostic, error
from .model import Config, NewsletterSettings

__all__ = ["CONFIG_NAME", "KNOWN_LANGUAGES", "SCHEMA", "ConfigError", "config_reference",
           "find_config", "load_config", "parse_config"]

CONFIG_NAME = "bilingual.toml"

_TOP_KEYS = keys_of(None)
_PATH_KEYS = keys_of("paths")
_NEWSLETTER_KEYS = keys_of("newsletter")
#: Where "paths.output" and "paths.cache" can be set instead of in the file.
_WRITTEN_FOLDERS = ("output", "cache")


class ConfigError(ContentError):
    """The config file cannot be used. ``diagnostics`` holds every problem found, in line
    order; ``diagnostic`` is the first of them."""

    def __init__(self, *diagnostics: Diagnostic) -> None:
        super().__init__(diagnostics[0])
        self.diagnostics = diagnostics  #: every problem, each with file, line, key and hint
        self.args = ("\n".join(d.format() for d in diagnostics),)


#: A table header, [table] or [[table]], alone on its line.
_HEADER = re.compile(r"\s*\[\[?([^\[\]]+)\]\]?\s*(#.*)?")


def _key_pattern(name: str) -> str:
    """A regex for ``name`` as a TOML key, bare or quoted."""
    return rf"\s*[\"']?{re.escape(name)}[\"']?\s*"


def _is_section(section: str | None, table: str | None) -> bool:
    """Whether the lines below the header ``section`` (None: above every header) are in
    ``table`` (None: the top level)."""
    if section is None or table is None:
        return section is None and table is None
    return re.fullmatch(_key_pattern(table), section) is not None


def _line_of(text: str, key: str, table: str | None = None) -> int:
    """Best-effort 1-based line of ``key`` (inside ``[table]`` if given) in TOML text.

    Finds ``key = …`` in its table, a ``[table.key]`` header, or a dotted ``table.key =
    …`` at the top; failing those (an inline table), the line where the table starts;
    else 1.
    """
    dotted = r"\.".join(_key_pattern(part) for part in (table, key) if part)
    assigned = re.compile(_key_pattern(key) + "[.=]")
    fallback = 1
    section: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        header = _HEADER.fullmatch(line)
        if header:
            section = header.group(1)
            if re.fullmatch(dotted + r"(\..*)?", section):
                return number
            if table and fallback == 1 and _is_section(section, table):
                fallback = number
        elif (_is_section(section, table) and assigned.match(line)
              or section is None and re.match(dotted + "[.=]", line)):
            return number
        elif table and section is None and fallback == 1 and re.match(
                _key_pattern(table) + "=", line):
            fallback = number
    return fallback


@dataclass(slots=True)
class _Problems:
    """The problems found so far in one config text, each at the line of its key."""

    shown: str  #: the config file as named in diagnostics
    text: str  #: its TOML text, searched for each key's line
    found: list[Diagnostic] = field(default_factory=list)  #: in the order found

    def add(self, key: str | None, problem: tuple[str, str], table: str | None = None) -> None:
        """Record (message, hint) at the line of ``key`` in ``table`` (line 1 for None)."""
        line = 1 if key is None else _line_of(self.text, key, table)
        self.found.append(error(self.shown, line, "config", *problem))


def parse_config(text: str, *, path: Path | None = None, root: Path,
                 **overrides: Path | None) -> Config:
    """Check the TOML ``text`` of a config file and build the site's Config. Reads no
    file (only the time-zone database, and symlinks while resolving folders).

    ``path`` is the file the text came from (named in every diagnostic; None for the
    defaults), ``root`` the folder its relative paths start from. ``overrides`` may set
    ``articles``, ``output``, ``templates`` and ``cache``; None means "not given on the
    command line" and never replaces the file's value. Raises one ConfigError holding
    every problem found.
    """
    shown = CONFIG_NAME if path is None else str(path)
    data = _read_toml(text, shown)
    problems = _Problems(shown, text)
    _check_keys(data, _TOP_KEYS, problems)
    values = _top_level_values(data, problems)
    languages = _languages(values["languages"], problems)
    _check_default_language(values["default_language"], languages, problems)
    titles = _per_language(data, "title", languages, problems)
    descriptions = _per_language(data, "description", languages, problems)
    folders = _folders(data, root, overrides, problems)
    _check_folders_apart(folders, root, overrides, problems)
    newsletter = _newsletter(data, problems)
    if problems.found:
        raise ConfigError(*sorted(problems.found, key=Diagnostic.sort_key))
    title = {lang: titles.get(lang, DEFAULT_TITLES.get(lang, "News")) for lang in languages}
    base_url = values["base_url"] if values["base_url"].endswith("/") else values["base_url"] + "/"
    return Config(
        root=root.resolve(),
        source=path.resolve() if path is not None else None,
        base_url=base_url,
        languages=languages,
        default_language=values["default_language"],
        title=title,
        description={lang: descriptions.get(lang, "") for lang in languages},
        **folders,
        detector=values["detector"],
        feed_items=values["feed_items"],
        allow_html=values["allow_html"],
        newsletter=_newsletter_settings(newsletter, base_url,
                                        title[values["default_language"]]),
        timezone=values["timezone"],
    )


def _read_toml(text: str, shown: str) -> dict[str, Any]:
    """The TOML document in ``text``; a syntax error is one ConfigError at its line, since
    tomllib cannot read on past it."""
    try:
        return tomllib.loads(text)
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


def _check_keys(given: Mapping[str, Any], allowed: tuple[str, ...], problems: _Problems,
                table: str | None = None) -> None:
    """Report every key of ``given`` (the top level, or ``[table]``) that is not allowed."""
    for key in given:
        if key not in allowed:
            name = f"{table}.{key}" if table else key
            problems.add(key, (f"unknown key '{name}'", _unknown_key_hint(key, allowed, table)),
                         table)


def _unknown_key_hint(key: str, allowed: tuple[str, ...], table: str | None) -> str:
    """What to write instead of an unknown key: the key in the table it belongs in, or the
    nearest allowed spelling, then the allowed keys."""
    listed = f"allowed keys: {', '.join(allowed)}"
    for setting in SCHEMA:
        *home, name = setting.key.split(".")
        if name == key and (home[0] if home else None) != table:
            place = f"in the [{home[0]}] table" if home else "at the top, above any [table]"
            return f"'{key}' belongs {place}; move it there ({listed})"
    close = difflib.get_close_matches(key, allowed, n=1)
    return f"did you mean '{close[0]}'? {listed}" if close else f"{listed}; check the spelling"


def _top_level_values(data: Mapping[str, Any], problems: _Problems) -> dict[str, Any]:
    """The top-level values, defaults filled in; each one that fails its own check is
    reported and replaced by its default, so later checks do not trip over it."""
    values = {key: data.get(key, default) for key, default in DEFAULTS.items()}
    for key, check in VALUE_CHECKS.items():
        problem = check(values[key])
        if problem:
            problems.add(key, problem)
            values[key] = DEFAULTS[key]
    return values


def _languages(value: Any, problems: _Problems) -> tuple[str, ...]:
    """The site's languages. When they are wrong, the languages bilingual knows, so that
    the keys naming a language can still be checked."""
    if (not isinstance(value, list) or len(value) < 2
            or not all(isinstance(lang, str) for lang in value)):
        problems.add("languages", ("'languages' must be a list of at least two language codes",
                                   'write for example languages = ["sv", "en"]'))
        return KNOWN_LANGUAGES
    unsupported = [lang for lang in dict.fromkeys(value) if lang not in KNOWN_LANGUAGES]
    for lang in unsupported:
        problems.add("languages", (f"language '{lang}' is not supported",
                                   f"supported languages: {', '.join(KNOWN_LANGUAGES)}"))
    twice = len(set(value)) != len(value)
    if twice:
        problems.add("languages", ("'languages' lists a language twice",
                                   "list each language once"))
    return KNOWN_LANGUAGES if unsupported or twice else tuple(value)


def _check_default_language(value: Any, languages: tuple[str, ...],
                            problems: _Problems) -> None:
    """Report a default language that is not one of the site's languages."""
    if value not in languages:
        problems.add("default_language", (f"'default_language' {value!r} is not in "
                                          "'languages'", f"use one of: {', '.join(languages)}"))


def _table(data: Mapping[str, Any], name: str, problems: _Problems,
           problem: tuple[str, str]) -> dict[str, Any]:
    """The table ``name`` ({} when left out); anything else is reported as ``problem``."""
    value = data.get(name, {})
    if isinstance(value, dict):
        return value
    problems.add(name, problem)
    return {}


def _per_language(data: Mapping[str, Any], table: str, languages: tuple[str, ...],
                  problems: _Problems) -> dict[str, str]:
    """The one-line texts of ``[title]`` or ``[description]`` that pass, by language."""
    given = _table(data, table, problems, (
        f"'{table}' must be a table with one entry per language",
        f'write [{table}] and then sv = "…" and en = "…" on their own lines'))
    texts: dict[str, str] = {}
    for lang, value in given.items():
        if lang not in languages:
            problems.add(lang, (f"'{table}.{lang}' is not one of the site's languages",
                                f"use one of: {', '.join(languages)}"), table)
        elif not isinstance(value, str):
            problems.add(lang, (f"'{table}.{lang}' must be text", f'write {lang} = "…"'), table)
        elif problem := control_character_problem(value):
            # page titles, feeds and mail headers carry it on one line
            problems.add(lang, (f"'{table}.{lang}' {problem}", "write it on one line"), table)
        else:
            texts[lang] = value
    return texts


def _folders(data: Mapping[str, Any], root: Path, overrides: Mapping[str, Path | None],
             problems: _Problems) -> dict[str, Path]:
    """The absolute articles, output, templates and cache folders: from the command line
    when given there, else from ``[paths]`` relative to ``root``, else the defaults."""
    paths = _table(data, "paths", problems, (
        "'paths' must be a table", '[paths] then articles = "articles" and so on'))
    _check_keys(paths, _PATH_KEYS, problems, "paths")
    folders: dict[str, Path] = {}
    for key in sorted(_PATH_KEYS):
        name = paths.get(key, PATH_DEFAULTS[key])
        problem = folder_name_problem(key, name)
        if problem:  # even when the command line overrides it: the file is still wrong
            problems.add(key, problem, "paths")
            name = PATH_DEFAULTS[key]
        given = overrides.get(key)
        folders[key] = (Path(given) if given is not None else root / name).resolve()
    return folders


def _check_folders_apart(folders: Mapping[str, Path], root: Path,
                         overrides: Mapping[str, Path | None], problems: _Problems) -> None:
    """Report an output or cache folder that would overwrite, or sit inside, the folders
    people write in; one set on the command line is named by its option, at line 1."""
    given = {key: f"--{key}" if overrides.get(key) is not None else f"paths.{key}"
             for key in _WRITTEN_FOLDERS}
    for key, message, hint in folder_problems(root.resolve(), folders, given):
        from_file = key is not None and overrides.get(key) is None
        problems.add(key if from_file else None, (message, hint), "paths")


def _newsletter(data: Mapping[str, Any], problems: _Problems) -> dict[str, str]:
    """The entries of ``[newsletter]`` that pass their checks, by key."""
    given = _table(data, "newsletter", problems, (
        "'newsletter' must be a table", '[newsletter] then from = "…"'))
    _check_keys(given, _NEWSLETTER_KEYS, problems, "newsletter")
    entries: dict[str, str] = {}
    for key, value in given.items():
        problem = newsletter_value_problem(key, value) if key in _NEWSLETTER_KEYS else None
        if problem:
            problems.add(key, problem, "newsletter")
        elif key in _NEWSLETTER_KEYS:
            entries[key] = value
    return entries


def _newsletter_settings(entries: Mapping[str, str], base_url: str,
                         site_title: str) -> NewsletterSettings:
    """The newsletter's headers and link tracking; From: defaults to the site's title at
    the site's host."""
    host = re.sub(r"^www\.", "", urlsplit(base_url).hostname or "localhost")
    return NewsletterSettings(
        sender=entries.get("from", f"{site_title} <newsletter@{host}>"),
        reply_to=entries.get("reply_to", ""),
        utm=tuple((key, entries[key]) for key in _NEWSLETTER_KEYS
                  if key.startswith("utm_") and key in entries),
        unsubscribe=entries.get("unsubscribe", ""),
    )


def load_config(path: Path | None = None, **overrides: Path | None) -> Config:
    """Read the config at ``path`` (the defaults when None) and parse it with
    ``parse_config``, applying the command line's ``overrides``."""
    if path is None:
        return parse_config("", root=Path.cwd(), **overrides)
    return parse_config(_read_config_text(path), path=path, root=path.resolve().parent,
                        **overrides)


def _read_config_text(path: Path) -> str:
    """The text of the config file; a ConfigError when it is missing, unreadable or not
    UTF-8 (then at the line of the first bad byte)."""
    shown = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(error(shown, 1, "config", "the config file does not exist",
                                f"create {CONFIG_NAME} in your site folder or fix --config")
                          ) from None
    except OSError as exc:
        raise ConfigError(error(shown, 1, "config", f"cannot read the config file: {exc}",
                                "check that it is a file you may read")) from None
    try:
        # utf-8-sig: an editor's byte order mark is no reason to refuse the file
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigError(error(shown, line, "config",
                                f"not UTF-8 text: byte 0x{data[exc.start]:02x} cannot be read",
                                "save the file as UTF-8 text")) from None


def find_config(start: Path | None = None) -> Path | None:
    """Return ``bilingual.toml`` in ``start`` (default: the current folder), if any."""
    candidate = (start or Path.cwd()) / CONFIG_NAME
    return candidate if candidate.is_file() else None


if __name__ == "__main__":  # python -m pipeline.config > docs/config.md
    print(config_reference(), end="")
