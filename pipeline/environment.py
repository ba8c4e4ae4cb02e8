"""The Jinja environment pages, feeds and newsletters are rendered in: where templates
are found (the site's own folder first, then the built-in theme), how output is escaped,
and the sandbox site templates run in.
"""

from __future__ import annotations

import os
import posixpath

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .model import Config
from .themes import builtin_theme


class TemplateEncodingError(TemplateSyntaxError):
    """A template file that is not UTF-8 text; ``lineno`` is the line of the first bad
    byte."""


class _TemplateLoader(FileSystemLoader):
    """FileSystemLoader that reports a template which is not UTF-8 as that file's
    mistake, instead of a UnicodeDecodeError from inside Jinja that names no file."""

    def get_source(self, environment: Environment, template: str):
        """The template's text, file name and up-to-date check."""
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as problem:
            pieces = split_template_path(template)
            filename = next(path for path in (posixpath.join(folder, *pieces)
                                              for folder in self.searchpath)
                            if os.path.isfile(path))
            line = problem.object[:problem.start].count(b"\n") + 1
            raise TemplateEncodingError(
                f"the file is not UTF-8 text (byte 0x{problem.object[problem.start]:02x})",
                line, template, filename) from None


def make_environment(config: Config) -> Environment:
    """Sandboxed Jinja with autoescape and StrictUndefined; site templates first, then
    the theme. A site's templates are code from whoever can commit to the site: the
    sandbox keeps them from reaching Python internals (and from there a shell) and from
    changing the data they are given."""
    folders = [config.templates, builtin_theme()]
    unique = [str(f) for i, f in enumerate(folders) if f.is_dir() and f not in folders[:i]]
    return ImmutableSandboxedEnvironment(
        loader=_TemplateLoader(unique),
        # Plain-text templates (robots.txt, the newsletter's text part) are not HTML.
        autoescape=select_autoescape(disabled_extensions=("txt",), default=True,
                                     default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
