"""New sites and new articles: `bilingual init` and `bilingual new`.

Nothing here ever overwrites a file: a name that exists is an error, said before
anything is written.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from . import __version__
from .assemble import make_slug
from .config import CONFIG_NAME

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


def init_site(folder: Path, force: bool = False) -> list[Path]:
    """Create a new site in ``folder``; refuse a non-empty folder unless ``force``.

    Even with ``force`` no existing file is replaced: those are skipped and not returned.
    """
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
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with target.open("xb") as stream:  # "x": never overwrite what is there
                stream.write(content)
        except FileExistsError:
            continue
        created.append(target)
    (folder / "templates").mkdir(exist_ok=True)
    return created


def site_requirements() -> str:
    """requirements.txt for a new site: this very version, so that CI builds the site
    with the bilingual that made it, and an upgrade is a deliberate one-line change."""
    template = (SKELETON / "requirements").read_text(encoding="utf-8")
    return template.replace("{version}", __version__)


def new_article(articles: Path, title: str, *, lang: str, pair: bool, kind: str,
                languages: tuple[str, ...], today: datetime.date) -> list[Path]:
    """Create a source for a new article; return the files written."""
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
    existing = [path for path in files if path.exists()]
    if existing:
        raise ScaffoldError(f"{existing[0]} already exists; nothing was written. Choose "
                            "another title, or edit that file")
    articles.mkdir(parents=True, exist_ok=True)
    for path, text in files.items():
        with path.open("x", encoding="utf-8") as stream:  # "x": never overwrite
            stream.write(text)
    return list(files)


def _markdown(title: str, lang: str, today: datetime.date, declare: bool) -> str:
    """A Markdown source with its front matter filled in."""
    quoted = title.replace('"', '\\"')
    lines = ["---", f'title: "{quoted}"', f"date: {today.isoformat()}"]
    if declare:
        lines.append(f"lang: {lang}")
    lines += ["summary: ", "tags: []", DRAFT_LINE, "---", "", PLACEHOLDER[lang], ""]
    return "\n".join(lines)
