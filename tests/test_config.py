"""bilingual.toml: defaults, overrides, and errors that name file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_config

GOOD = ('base_url = "https://example.org/news"\nlanguages = ["en", "sv"]\n'
        'default_language = "en"\n[title]\nsv = "Nyheter"\nen = "News"\n'
        '[paths]\narticles = "content"\n')


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bilingual.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_values_are_read_and_paths_resolved_against_the_config_folder(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    assert config.base_url == "https://example.org/news/"
    assert config.languages == ("en", "sv")
    assert config.default_language == "en"
    assert config.title == {"en": "News", "sv": "Nyheter"}
    assert config.articles == (tmp_path / "content").resolve()
    assert config.output == (tmp_path / "output").resolve()


def test_command_line_overrides_only_what_was_given(tmp_path):
    config = load_config(write(tmp_path, GOOD), output=tmp_path / "elsewhere", articles=None)
    assert config.output == (tmp_path / "elsewhere").resolve()
    assert config.articles == (tmp_path / "content").resolve()


@pytest.mark.parametrize(("text", "line", "words"), [
    ('base_url = "https://example.org/"\ncolour = "blue"\n', 2, "unknown key 'colour'"),
    ('[paths]\narticles = "a"\noutptu = "o"\n', 3, "unknown key 'paths.outptu'"),
    ('base_url = "example.org"\n', 1, "'base_url' must be an absolute http(s) URL"),
    ('languages = "sv"\n', 1, "'languages' must be a list"),
    ('languages = ["sv", "de"]\n', 1, "language 'de' is not supported"),
    ('default_language = "fi"\n', 1, "'default_language' 'fi' is not in 'languages'"),
    ('\n[title]\nsv = "A"\nfi = "B"\n', 4, "'title.fi' is not one of the site's languages"),
    ('\n\n[title]\nsv = 3\n', 4, "'title.sv' must be text"),
    ('detector = "cld3"\n', 1, "unknown detector 'cld3'"),
    ('[paths]\ncache = "output/cache"\n', 1, "cache folder is inside the output folder"),
    ('base_url = "https://example.org/\n', 1, "not valid TOML"),
    ('[newsletter]\nfrm = "a@b.se"\n', 2, "unknown key 'newsletter.frm'"),
    ('[newsletter]\nfrom = "Nordvik kommun"\n', 2, "holds no e-mail address"),
    ('feed_items = 0\n', 1, "'feed_items' must be a whole number of at least 1"),
])
def test_errors_name_file_line_and_key(tmp_path, text, line, words):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    diagnostic = caught.value.diagnostic
    assert diagnostic.path == str(path)
    assert diagnostic.line == line
    assert words in diagnostic.message
    assert diagnostic.hint


def test_defaults_without_a_config_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config(None)
    assert config.languages == ("sv", "en") and config.source is None
    assert config.articles == (tmp_path / "articles").resolve()


def test_the_config_reference_is_generated_from_the_schema():
    """docs/config.md cannot drift from the code: `make docs` regenerates it."""
    from pipeline.config import SCHEMA, config_reference

    from .conftest import ROOT
    assert (ROOT / "docs" / "config.md").read_text(encoding="utf-8") == config_reference()
    keys = {s.key.split(".")[0] for s in SCHEMA}
    assert keys == {"base_url", "languages", "default_language", "detector", "feed_items",
                    "allow_html", "timezone", "title", "description", "paths", "newsletter"}
