"""`bilingual new` and `bilingual init` with hostile titles and symbolic links: titles
come back exactly as typed, and nothing is ever written through a link."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.read import parse_source
from pipeline.scaffold import DRAFT_LINE, ScaffoldError, init_site

#: Titles whose characters mean something to YAML or to a shell-quoting human.
TITLES = ["Sökväg C:\\nya\\temp", "Slutar med \\", 'Citat \\"här\\"', "Kolon: efter",
          "# hash", "- dash", "'quote'", "Allt: \\ \" ' # - [x] {y} & *z ! | > % @ `"]

symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt",
                              reason="symbolic links need privileges on Windows")


def test_titles_with_backslashes_quotes_and_yaml_signs_come_back_exactly(empty_site):
    created = []
    for title in TITLES:
        # "--": a title starting with "-" is no option (as a shell user writes it)
        result = CliRunner().invoke(main, ["new", "--", title])
        assert result.exit_code == 0, (title, result.output)
        created.append(empty_site / result.stdout.split("Created ", 1)[1].split("\n", 1)[0])
    assert len(set(created)) == len(TITLES)
    for title, path in zip(TITLES, created, strict=True):
        text = path.read_text("utf-8")
        assert text.startswith("---\ntitle: \"") and "\nlang: sv\n" in text
        assert f"\n{DRAFT_LINE}\n---\n" in text and "\nsummary:\n" in text
        document, problems = parse_source(path.relative_to(empty_site).as_posix(),
                                          path.read_bytes(), ("sv", "en"))
        assert document is not None and not problems, (title, problems)
        assert document.meta["title"] == title
    build = CliRunner().invoke(main, ["build", "--drafts"])
    assert build.exit_code == 0, build.output
    assert f"Built {len(TITLES)} articles" in build.stdout and " 0 errors" in build.stdout
    for title, path in zip(TITLES, created, strict=True):
        page = (empty_site / "output" / "sv" / path.stem / "index.html").read_text("utf-8")
        shown = html.unescape(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1))
        assert shown == title


def test_a_pair_and_a_text_source_keep_the_title_and_the_draft_line(empty_site):
    title = "Slutar med \\"
    assert CliRunner().invoke(main, ["new", title, "--pair"]).exit_code == 0
    for lang in ("sv", "en"):
        path = empty_site / "articles" / f"slutar-med.{lang}.md"
        document, problems = parse_source(f"articles/{path.name}", path.read_bytes(),
                                          ("sv", "en"))
        assert document.meta["title"] == title and document.meta["draft"] is True
        assert "lang:" not in path.read_text("utf-8")  # the file name says it
    assert CliRunner().invoke(main, ["new", "Citat \\\"här\\\"", "--format", "txt"]
                              ).exit_code == 0
    text = (empty_site / "articles" / "citat-har.txt").read_text("utf-8")
    assert text.startswith(f"---\n{DRAFT_LINE}\n---\nCitat \\\"här\\\"\n\n")


@pytest.mark.parametrize("title", ["", "   ", "Rad ett\nrad två", "Klocka\x07"])
def test_empty_or_multi_line_titles_are_refused(empty_site, title):
    result = CliRunner().invoke(main, ["new", title])
    assert result.exit_code == 1 and "error: the title " in result.stderr
    assert list((empty_site / "articles").iterdir()) == []


@symlinks
def test_new_onto_a_dangling_link_is_refused_and_writes_nothing(empty_site, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "stolen.md"
    (empty_site / "articles" / "hej.md").symlink_to(outside)
    result = CliRunner().invoke(main, ["new", "Hej"])
    assert result.exit_code == 1
    assert "is a symbolic link" in result.stderr and "nothing was written" in result.stderr
    assert not outside.exists()
    # One half of a pair being a link stops both: all of them or nothing.
    (empty_site / "articles" / "par.en.md").symlink_to(outside)
    assert CliRunner().invoke(main, ["new", "Par", "--pair"]).exit_code == 1
    assert not (empty_site / "articles" / "par.sv.md").exists() and not outside.exists()


@symlinks
@pytest.mark.parametrize("name", ["bilingual.toml", "articles", ".github", "templates",
                                  "articles/citat.md", "requirements.txt"])
def test_init_force_never_writes_through_a_link(tmp_path, name):
    folder, outside = tmp_path / "site", tmp_path / "outside"
    outside.mkdir()
    (folder / Path(name).parent).mkdir(parents=True, exist_ok=True)
    dangling = outside / "missing"
    (folder / name).symlink_to(dangling)
    notes: list[str] = []
    created = init_site(folder, force=True, note=notes.append)
    assert list(outside.iterdir()) == []
    assert os.readlink(folder / name) == str(dangling)
    assert all(not str(path).startswith(str(folder / name)) for path in created)
    assert any(f"Skipped {folder / name}: it is a symbolic link" in note for note in notes)
    assert (folder / ".gitignore").is_file()  # the rest of the site is still made


@symlinks
def test_init_force_leaves_a_linked_articles_folder_alone(tmp_path):
    folder, elsewhere = tmp_path / "site", tmp_path / "my-articles"
    elsewhere.mkdir()
    folder.mkdir()
    (folder / "articles").symlink_to(elsewhere, target_is_directory=True)
    result = CliRunner().invoke(main, ["init", str(folder), "--force"])
    assert result.exit_code == 0, result.output
    assert list(elsewhere.iterdir()) == []
    assert "Created" in result.stdout and "articles/" not in result.stdout


def test_init_refuses_a_file_where_the_folder_should_be(tmp_path):
    (tmp_path / "site").write_text("not a folder")
    with pytest.raises(ScaffoldError, match="not a folder"):
        init_site(tmp_path / "site", force=True)
    result = CliRunner().invoke(main, ["init", str(tmp_path / "site"), "--force"])
    assert result.exit_code == 2 and "is a file" in result.stderr  # Click says it first
