"""bilingual.toml: defaults, overrides, and errors that name file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import ConfigError, load_config, parse_config

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


# parse_config: the checks on plain strings, every problem at once.

#: Three independent mistakes on lines 1, 3 and 5.
THREE_MISTAKES = ('base_url = "example.org"\nlanguages = ["sv", "en"]\nfeed_items = 0\n'
                  '[paths]\noutptu = "site"\n')


def parsed_problems(text: str, **overrides: Path | None) -> list[tuple[int, str, str]]:
    """(line, message, hint) of every problem ``parse_config`` finds in ``text``."""
    with pytest.raises(ConfigError) as caught:
        parse_config(text, path=Path("bilingual.toml"), root=Path("/nowhere/site"),
                     **overrides)
    assert caught.value.diagnostic == caught.value.diagnostics[0]
    assert all(d.path == "bilingual.toml" and d.code == "config" and d.hint
               for d in caught.value.diagnostics)
    return [(d.line, d.message, d.hint) for d in caught.value.diagnostics]


def test_parse_config_reports_every_mistake_with_its_line_and_reads_no_file(monkeypatch):
    def no_reading(*_args, **_kwargs):
        raise AssertionError("parse_config read a file")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(Path, "read_text", no_reading)
    problems = parsed_problems(THREE_MISTAKES)
    assert [(line, message.split(" must ")[0]) for line, message, _ in problems] == [
        (1, "'base_url'"), (3, "'feed_items'"), (5, "unknown key 'paths.outptu'")]
    assert problems[2][2].startswith("did you mean 'output'?")


def test_build_prints_every_config_mistake_and_writes_nothing(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from pipeline.cli import main

    write(tmp_path, THREE_MISTAKES)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    for expected in ("bilingual.toml:1: error[config]: 'base_url' must be an absolute",
                     "bilingual.toml:3: error[config]: 'feed_items' must be a whole number",
                     "bilingual.toml:5: error[config]: unknown key 'paths.outptu'",
                     "  hint: did you mean 'output'?"):
        assert expected in result.stderr
    assert result.stderr.count("error[config]") == 3
    assert not (tmp_path / "output").exists()


def test_parse_config_resolves_folders_against_the_root_it_is_given():
    config = parse_config(GOOD, path=Path("bilingual.toml"), root=Path("/nowhere/site"),
                          output=Path("/elsewhere/out"), templates=None)
    assert config.articles == Path("/nowhere/site/content")
    assert config.templates == Path("/nowhere/site/templates")
    assert config.output == Path("/elsewhere/out")
    assert config.title == {"en": "News", "sv": "Nyheter"}
    assert config.newsletter.sender == "News <newsletter@example.org>"


def test_parse_config_of_no_text_gives_the_defaults():
    config = parse_config("", root=Path("/nowhere/site"))
    assert config.source is None and config.base_url == "http://localhost:8000/"
    assert config.languages == ("sv", "en") and config.feed_items == 20


def test_a_toml_syntax_error_is_one_problem_at_its_line():
    problems = parsed_problems('languages = ["sv", "en"]\n\nbase_url = "https://x.org/\n'
                               'feed_items = 0\n')
    assert [(line, message[:14]) for line, message, _ in problems] == [(3, "not valid TOML")]


@pytest.mark.parametrize(("text", "line", "message", "hint"), [
    ('languagse = ["sv", "en"]\n', 1, "unknown key 'languagse'",
     "did you mean 'languages'?"),
    ('base_url = "https://example.org/"\noutput = "site"\n', 2, "unknown key 'output'",
     "'output' belongs in the [paths] table"),
    ('[paths]\ndetector = "lingua"\n', 2, "unknown key 'paths.detector'",
     "'detector' belongs at the top"),
    ('[newsletter]\nfrom = "N <n@example.org>"\nreplyto = "x@example.org"\n', 3,
     "unknown key 'newsletter.replyto'", "did you mean 'reply_to'?"),
    ('paths.outptu = "o"\n', 1, "unknown key 'paths.outptu'", "did you mean 'output'?"),
    ('\ntitle = { sv = "A", fi = "B" }\n', 2, "'title.fi' is not one of", "use one of: sv, en"),
    ('[paths]\noutput = "site\\u0000"\n', 2, "'paths.output' holds the control character",
     "without control characters"),
])
def test_each_problem_names_its_line_and_says_what_to_write(text, line, message, hint):
    [(at, said, told)] = parsed_problems(text)
    assert (at, message in said, hint in told) == (line, True, True), (said, told)


def test_a_wrong_value_is_reported_once_not_again_by_the_checks_that_use_it():
    problems = parsed_problems('languages = ["sv", "de"]\ndefault_language = "sv"\n'
                               '[title]\nsv = "Nyheter"\nen = "News"\nde = "Nachrichten"\n'
                               '[newsletter]\nfrom = "Nordvik"\n')
    assert [(line, message) for line, message, _ in problems] == [
        (1, "language 'de' is not supported"),
        (6, "'title.de' is not one of the site's languages"),
        (8, "'newsletter.from' 'Nordvik' holds no e-mail address")]


def test_every_folder_clash_is_reported_with_the_other_mistakes():
    problems = parsed_problems('feed_items = true\n[paths]\noutput = "templates/site"\n'
                               'cache = "articles/.cache"\n')
    assert [line for line, _, _ in problems] == [1, 3, 4]
    assert "puts the output folder" in problems[1][1]
    assert "puts the cache folder" in problems[2][1]


def test_the_error_text_holds_every_problem():
    with pytest.raises(ConfigError) as caught:
        parse_config(THREE_MISTAKES, path=Path("site/bilingual.toml"), root=Path("/site"))
    assert str(caught.value).count("site/bilingual.toml:") == 3


def test_a_config_that_is_not_utf8_names_the_line_of_the_bad_byte(tmp_path):
    path = tmp_path / "bilingual.toml"
    path.write_bytes(b'base_url = "https://example.org/"\n[title]\nsv = "Nyh\xe4ter"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.diagnostic.line == 3
    assert "not UTF-8" in caught.value.diagnostic.message


def test_a_byte_order_mark_is_no_error(tmp_path):
    path = tmp_path / "bilingual.toml"
    path.write_bytes(b'\xef\xbb\xbfbase_url = "https://example.org/"\n')
    assert load_config(path).base_url == "https://example.org/"
