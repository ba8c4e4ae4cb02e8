"""New sites and new articles: `bilingual init` and `bilingual new`.

Nothing here ever overwrites a file or writes through a symbolic link: a name that
exists (a dangling link included) is an error, said before anything is written.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from pathlib import Path

import yaml

from . import __version__
from .assemble import make_slug
from .config import CONFIG_NAME
from .config_checks import control_character_problem

SKELETON = Path(__file__).parent / "skeleton"

#: Placeholder text for a new article, in its language.
PLACEHOLDER = {
    "sv": "Skriv inledningen här: en eller två meningar om det viktigaste.",
    "en": "Write the lead here: one or two sentences about what matters most.",
}
_PUBLISHED = {"sv": "Publicerad", "en": "Published"}
#: New articles start as drafts: the placeholder text must never be published by the
#: next build. Deleting this line publishes the article.
DRAFT_LINE = "draft: true   # delete this line to publish"


class ScaffoldError(Exception):
    """Nothing was written; the message says why and what to do."""


def init_site(folder: Path, force: bool = False,
              note: Callable[[str], None] | None = None) -> list[Path]:
    """Create a new site in ``folder``; refuse a non-empty folder unless ``force``.

    Even with ``force`` no existing file is replaced and no link is followed: those are
    skipped, not returned, and told to ``note`` (if given).
    """
    if os.path.lexists(folder) and not folder.is_dir():
        raise ScaffoldError(f"{folder} is a file or a link to nothing, not a folder; choose "
                            "a folder for the new site")
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()) and not force:
        raise ScaffoldError(f"{folder} is not empty; choose an empty folder, or add --force "
                            "to add the missing files without changing any existing one")
    plan = {
        CONFIG_NAME: (SKELETON / "bilingual.toml").read_bytes(),
        ".gitignore": (SKELETON / "gitignore").read_bytes(),
        ".github/workflows/build.yml": (SKELETON / "build.yml").read_bytes(),
        "requirements.txt": site_requirements().encode("utf-8"),
    }
    for source in sorted((SKELETON / "articles").iterdir()):
        plan[f"articles/{source.name}"] = source.read_bytes()
    created = []
    for name, content in plan.items():
        blocked = _blocked(folder, name)
        if blocked is not None:
            if blocked and note is not None:
                note(blocked)
            continue
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            _write_new(target, content)
        except FileExistsError:  # made since we looked: still never overwrite
            continue
        created.append(target)
    blocked = _blocked(folder, "templates")
    if blocked is None:
        (folder / "templates").mkdir(exist_ok=True)
    elif blocked and note is not None:
        note(blocked)
    return created


def _blocked(folder: Path, name: str) -> str | None:
    """Why ``folder/name`` may not be created, as a note for the person ("" when it
    simply exists already), or None when it is free.

    Every step from ``folder`` down is checked, since a linked ``articles`` folder
    would put the example articles wherever that link points.
    """
    path = folder
    for part in Path(name).parts:
        path = path / part
        if os.path.islink(path):
            # repr: a hostile link target may hold terminal control characters
            return (f"Skipped {path}: it is a symbolic link (to {os.readlink(path)!r}), "
                    "and bilingual init never writes through links")
        if not os.path.lexists(path):
            return None
        if path != folder / name and not path.is_dir():
            return f"Skipped {folder / name}: {path} is a file, not a folder"
    return ""  # it exists: left as it is, as --force promises


def _write_new(path: Path, content: bytes) -> None:
    """Create ``path`` with ``content``; FileExistsError if any name is there already.

    O_EXCL never opens what exists (a link included, dangling or not); O_NOFOLLOW
    refuses a link even on file systems that treat O_EXCL loosely.
    """
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_BINARY", 0))
    descriptor = os.open(path, flags, 0o666)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(content)


def site_requirements() -> str:
    """requirements.txt for a new site: this very version, so that CI builds the site
    with the bilingual that made it, and an upgrade is a deliberate one-line change."""
    template = (SKELETON / "requirements").read_text(encoding="utf-8")
    return template.replace("{version}", __version__)


def new_article(articles: Path, title: str, *, lang: str, pair: bool, kind: str,
                languages: tuple[str, ...], today: datetime.date) -> list[Path]:
    """Create a source for a new article; return the files written."""
    if not title.strip():
        raise ScaffoldError("the title is empty; write it in quotes, for example "
                            'bilingual new "Öppet hus"')
    problem = control_character_problem(title)
    if problem:
        raise ScaffoldError(f"the title {problem}; write it on one line")
    slug = make_slug(title)
    if kind == "txt":
        if pair:
            raise ScaffoldError("--pair makes two Markdown files; leave out --format txt")
        files = {articles / f"{slug}.txt": (
            f"---\n{DRAFT_LINE}\n---\n{title}\n\n{PLACEHOLDER[lang]}\n\n"
            f"{_PUBLISHED[lang]}: {today.isoformat()}\n")}
    elif pair:
        files = {articles / f"{slug}.{code}.md": _markdown(title, code, today, declare=False)
                 for code in languages}
    else:
        files = {articles / f"{slug}.md": _markdown(title, lang, today, declare=True)}
    for path in files:
        if os.path.islink(path):  # dangling or not: never write through it
            raise ScaffoldError(f"{path} is a symbolic link (to {os.readlink(path)!r}); "
                                "nothing was written. Choose another title, or remove the "
                                "link")
        if os.path.lexists(path):
            raise ScaffoldError(f"{path} already exists; nothing was written. Choose "
                                "another title, or edit that file")
    written: list[Path] = []
    try:
        articles.mkdir(parents=True, exist_ok=True)
        for path, text in files.items():
            _write_new(path, text.encode("utf-8"))
            written.append(path)
    except OSError as exc:
        for path in written:  # keep the promise: all of them or nothing
            path.unlink()
        raise ScaffoldError(f"cannot create {exc.filename or articles}: {exc.strerror}; "
                            "nothing was written") from None
    return list(files)


class _Quoted(str):
    """A string the front matter shows in double quotes, however plain it looks."""


class _FrontMatterDumper(yaml.SafeDumper):
    """YAML for front matter: titles always in double quotes (so a colon or '#' typed
    later needs no thought), an empty value left empty rather than ``null``."""


_FrontMatterDumper.add_representer(
    _Quoted, lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", str(value), style='"'))
_FrontMatterDumper.add_representer(
    type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", ""))


def _markdown(title: str, lang: str, today: datetime.date, declare: bool) -> str:
    """A Markdown source with its front matter filled in.

    The YAML emitter escapes what a title may hold (backslashes, quotes, a trailing
    backslash), so what the reader gets back is exactly the title typed.
    """
    meta: dict[str, object] = {"title": _Quoted(title), "date": today}
    if declare:
        meta["lang"] = lang
    meta.update(summary=None, tags=[])
    # A very wide line: a long title stays on one line instead of being folded.
    front = yaml.dump(meta, Dumper=_FrontMatterDumper, sort_keys=False, allow_unicode=True,
                      default_flow_style=False, width=1_000_000)
    return f"---\n{front}{DRAFT_LINE}\n---\n\n{PLACEHOLDER[lang]}\n"
