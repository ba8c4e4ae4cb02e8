"""Front matter that is more than plain lines, read with PyYAML: refused shapes
(anchors, aliases, deep nesting), repeated keys, values YAML parses but cannot build,
and YAML errors with their lines. Only ``read_yaml`` is called from outside."""

from __future__ import annotations

from typing import Any

import yaml

from .diagnostics import Diagnostic, error
from .plainmatter import MAX_DEPTH

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(shown: str, yaml_text: str
              ) -> tuple[Any, dict[str, int], list[Diagnostic], int]:
    """(value, line of each top-level key, errors, the line to report with them)."""
    try:
        refused = _refuse_shapes(yaml_text)
        if refused is not None:
            line, message, hint = refused
            return None, {}, [error(shown, line + 1, "front-matter", message, hint)], 1
        # One parse for both the values and the line of each key; libyaml when present.
        node = yaml.compose(yaml_text, Loader=_YAML_LOADER)
        repeated = _repeated_key(node)
        if repeated is not None:
            key, line, first = repeated
            return None, {}, [error(
                shown, line + 1, "front-matter",
                f"'{key}' is given twice (first on line {first + 1})",
                "keep one of them: YAML would silently use only the last")], 1
        raw = _construct(node)
    except _ValueProblem as problem:
        return None, {}, [error(
            shown, problem.line + 1, "front-matter",
            f"the value of '{problem.key}' cannot be read: {problem.reason}",
            "check the value: a date must exist in the calendar (2025-02-28, not "
            "2025-02-30); put other text in quotes")], 1
    except yaml.YAMLError as exc:
        reported = exc
        if _YAML_LOADER is not yaml.SafeLoader:  # the pure-Python parser marks lines better
            try:
                yaml.compose(yaml_text, Loader=yaml.SafeLoader)
            except yaml.YAMLError as pure_python_exc:
                reported = pure_python_exc
        mark = getattr(reported, "problem_mark", None) or getattr(reported, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(reported, "problem", None) or str(reported).splitlines()[0]
        return None, {}, [error(
            shown, line, "front-matter", f"the front matter is not valid YAML: {problem}",
            "write one 'key: value' per line; put text holding ':' or '#' in quotes")], 1
    if raw is None:  # empty, or only "null" / "~": no front matter at all
        return None, {}, [], 1
    if not isinstance(raw, dict):
        return None, {}, [error(shown, 2, "front-matter",
                                "the front matter must be 'key: value' lines",
                                "write for example  title: Mitt inlägg")], 2
    meta_lines = {key_node.value: key_node.start_mark.line + 2
                  for key_node, _ in getattr(node, "value", [])
                  if isinstance(getattr(key_node, "value", None), str)}
    return raw, meta_lines, [], 1


def _refuse_shapes(yaml_text: str) -> tuple[int, str, str] | None:
    """(0-based line, message, hint) for YAML that front matter never needs: anchors and
    aliases (a few lines of them expand to gigabytes) and nesting deeper than
    MAX_DEPTH. Read as a stream of events, so nothing is built first."""
    depth = 0
    for event in yaml.parse(yaml_text, Loader=_YAML_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return (event.start_mark.line + 1,
                    "anchors and aliases (& and *) are not allowed in front matter",
                    "write each value out in full")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return (event.start_mark.line + 1,
                        f"the front matter is nested more than {MAX_DEPTH} levels deep",
                        "write plain 'key: value' lines, or a list of words for tags")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _repeated_key(node) -> tuple[str, int, int] | None:
    """(key, its 0-based line in the front matter, the first one's line) for a key given
    twice in the top-level mapping or in a mapping inside it."""
    if not isinstance(node, yaml.MappingNode):
        return None
    mappings = [node, *(value for _, value in node.value if isinstance(value, yaml.MappingNode))]
    for mapping in mappings:
        seen: dict[str, int] = {}
        for key_node, _ in mapping.value:
            key = str(getattr(key_node, "value", ""))
            if key in seen:
                return key, key_node.start_mark.line + 1, seen[key]
            seen[key] = key_node.start_mark.line + 1
    return None


class _ValueProblem(Exception):
    """A front-matter value YAML can parse but not turn into a value (2025-02-30)."""

    def __init__(self, key: str, line: int, reason: str) -> None:
        super().__init__(reason)
        self.key, self.line, self.reason = key, line, reason


def _construct(node) -> Any:
    """Build Python values from composed YAML, naming the key whose value fails."""
    if node is None:
        return None
    loader = _YAML_LOADER("")
    try:
        return loader.construct_document(node)
    except (ValueError, TypeError, OverflowError) as failure:
        for key_node, value_node in getattr(node, "value", []):
            try:
                _YAML_LOADER("").construct_document(value_node)
            except (ValueError, TypeError, OverflowError) as reason:
                raise _ValueProblem(str(getattr(key_node, "value", "?")),
                                    value_node.start_mark.line + 1, str(reason)) from None
        raise _ValueProblem("?", 0, str(failure)) from None
