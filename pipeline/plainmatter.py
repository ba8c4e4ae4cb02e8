"""Front matter of plain ``key: value`` lines, read without YAML.

Nearly every source's front matter is a few lines such as ``title: Kören sjöng`` and
``date: 2025-03-02``. PyYAML reads them in three passes (refused shapes, composing for
the line of each key, building), and loading it is a good part of a one-change build.
``read_plain`` reads such lines directly, and only where the answer is certain to be
PyYAML's: a date written 2025-03-02, true or false, or text that starts with a letter
and holds nothing YAML would read otherwise. For anything else it answers None and the
caller uses YAML (``pipeline.yamlmatter``). A property test holds the two to the same
values and lines.
"""

from __future__ import annotations

import datetime
import re

#: Front matter is a handful of short values: deeper nesting is a mistake or an attack
#: (and the pure-Python YAML parser recurses once per level).
MAX_DEPTH = 8

_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):[ ]+([^ ].*)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOOLEANS = {"true": True, "True": True, "TRUE": True,
             "false": False, "False": False, "FALSE": False}
#: Plain words YAML 1.1 reads as something other than text (PyYAML's resolver): left
#: to YAML, as are y and n, which some readers take for booleans.
_NOT_TEXT = frozenset({"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off",
                       "OFF", "null", "Null", "NULL", "y", "Y", "n", "N"})


def read_plain(text: str) -> tuple[dict | None, dict[str, int]] | None:
    """(values, line of each key as ``split_front_matter`` counts them) of front matter
    made only of plain lines; None when YAML must read it. Blank front matter gives
    (None, {}), as YAML's empty document does."""
    values: dict = {}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.split("\n")):
        if not line.strip(" "):
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            return None
        key, value = match.group(1), _value(match.group(2).rstrip(" "))
        if value is None or key in values or key in _NOT_TEXT or key in _BOOLEANS:
            return None  # not plain, a repeated key, or a key YAML reads as no text
        values[key] = value[0]
        lines[key] = number + 2
    return (values or None), lines


def _value(text: str) -> tuple[object] | None:
    """(the value) of a plain value, or None when only YAML may read it."""
    if _DATE.fullmatch(text):
        try:
            return (datetime.date(int(text[:4]), int(text[5:7]), int(text[8:])),)
        except ValueError:
            return None  # 2025-02-30: YAML's error names it
    if text in _BOOLEANS:
        return (_BOOLEANS[text],)
    if (not text[0].isalpha() or text in _NOT_TEXT or not text.isprintable()
            or ": " in text or " #" in text or text.endswith(":") or "\t" in text):
        return None
    return (text,)
