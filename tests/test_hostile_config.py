"""bilingual.toml written to break things: each case is a config error naming the file,
the line and the key (exit 1), never a traceback, a wrong site or an endless rebuild."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import ConfigError, load_config
from pipeline.config_checks import control_character_problem

from .conftest import write_site

SITE = 'base_url = "https://example.org/"\n'


def refused(tmp_path, text: str) -> tuple[int, str]:
    """Load ``text`` as bilingual.toml; the (line, message) of the error it must give."""
    path = tmp_path / "bilingual.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    diagnostic = caught.value.diagnostic
    assert diagnostic.path == str(path) and diagnostic.code == "config"
    assert diagnostic.hint
    return diagnostic.line, diagnostic.message


@pytest.mark.parametrize(("paths", "line", "words"), [
    ('[paths]\noutput = "templates/site"\n', 3, "'paths.output' puts the output folder"),
    ('[paths]\ntemplates = "theme"\ncache = "theme/.cache"\n', 4,
     "'paths.cache' puts the cache folder"),
    ('[paths]\n\noutput = "articles/built"\n', 4, "inside the articles folder"),
    ('[paths]\ncache = "articles/.cache"\n', 3, "inside the articles folder"),
])
def test_output_and_cache_may_not_sit_inside_what_people_write(tmp_path, paths, line, words):
    at, message = refused(tmp_path, SITE + paths)
    assert at == line and words in message


def test_output_inside_templates_from_the_command_line_names_the_option(tmp_path,
                                                                        monkeypatch):
    write_site(tmp_path, {"a.md": "# Rubrik\n\nText på svenska.\n"})
    (tmp_path / "templates").mkdir()
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "--output", "templates/site"])
    assert result.exit_code == 1
    assert "bilingual.toml:1: error[config]: '--output' puts the output folder" in result.stderr
    assert not (tmp_path / "templates" / "site").exists()


@pytest.mark.parametrize(("url", "words"), [
    ("https://example.org/news site/", "holds a space, a line break"),
    ("https://example.org/\\nDisallow: /", "holds a space, a line break"),
    ("https://example.org/\\r", "holds a space, a line break"),
    ("https://example.org/\\t", "holds a space, a line break"),
    ("https://example.org/\\u0000", "holds a space, a line break"),
    ("https://example.org/?utm=1", "holds a ?query or #fragment"),
    ("https://example.org/#top", "holds a ?query or #fragment"),
    ("https://example.org/?", "holds a ?query or #fragment"),
    ("https://[::1/", "is not a valid URL (Invalid IPv6 URL)"),
    ("https://:80/", "names no host"),
    ("https:///news/", "names no host"),
    ("https://example.org:99999/", "is not a valid URL (Port out of range"),
    ("https://example.org:http/", "is not a valid URL (Port could not be cast"),
    ("https://example.org:0/", "names port 0"),
    ("https://editor:hemligt@example.org/", "holds a user name or password"),
    ('https://example.org/\\"><script>', "holds characters a URL cannot carry"),
    ("https://example.org\\\\evil.example/", "holds characters a URL cannot carry"),
    ("ftp://example.org/", "must be an absolute http(s) URL"),
])
def test_base_url_must_be_a_plain_absolute_url(tmp_path, url, words):
    line, message = refused(tmp_path, f'languages = ["sv", "en"]\nbase_url = "{url}"\n')
    assert line == 2
    assert message.startswith("'base_url' ") and words in message


@pytest.mark.parametrize("url", ["https://[::1]:8000/", "http://localhost:8000/news",
                                 "https://www.example.org/n%C3%A4ra/",
                                 "https://exempel.se/nära/"])
def test_unusual_but_sound_base_urls_are_kept(tmp_path, url):
    path = tmp_path / "bilingual.toml"
    path.write_text(f'base_url = "{url}"\n', encoding="utf-8")
    assert load_config(path).base_url == url.rstrip("/") + "/"


def test_a_base_url_with_a_newline_writes_no_robots_txt(tmp_path, monkeypatch):
    write_site(tmp_path, {"a.md": "# Rubrik\n\nText på svenska.\n"},
               config='base_url = "https://example.org/\\nDisallow: /"\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert "bilingual.toml:1: error[config]: 'base_url'" in result.stderr
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize("nested", ["[" * 5000 + "]" * 5000,
                                    "{ a = " * 5000 + "1" + " }" * 5000])
def test_toml_nested_thousands_deep_is_an_error_naming_the_file(tmp_path, monkeypatch,
                                                                 nested):
    line, message = refused(tmp_path, SITE + f"\nx = {nested}\n")
    assert line == 3 and "nested too deeply" in message
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert "bilingual.toml:3: error[config]: brackets are nested too deeply" in result.stderr


@pytest.mark.parametrize(("table", "key", "value"), [
    ("newsletter", "from", "Nordvik <nyhetsbrev@example.org>\\r\\nBcc: alla@example.org"),
    ("newsletter", "reply_to", "svar@example.org\\n"),
    ("newsletter", "utm_campaign", "vår\\rkampanj"),
    ("title", "sv", "Nyheter\\nfrån Nordvik"),
    ("title", "en", "News\\u2028from Nordvik"),
    ("description", "en", "One line\\u0085and another"),
    ("description", "sv", "Ett\\u001bklocka"),
])
def test_line_breaks_in_header_and_title_text_are_errors_naming_the_key(tmp_path, table, key,
                                                                        value):
    line, message = refused(tmp_path, f'{SITE}\n[{table}]\n{key} = "{value}"\n')
    assert line == 4
    assert message.startswith(f"'{table}.{key}' holds ")
    assert "line break" in message or "control character" in message


@pytest.mark.parametrize(("config", "expected"), [
    ('[description]\nsv = """En rad\noch en till"""\n',
     "bilingual.toml:3: error[config]: 'description.sv' holds a line break"),
    ('[paths]\noutput = "ut\\u0000data"\n',  # a NUL: was a traceback
     "bilingual.toml:3: error[config]: 'paths.output' holds the control character U+0000"),
])
def test_a_control_character_in_the_config_is_refused_through_the_command_line(
        tmp_path, monkeypatch, config, expected):
    write_site(tmp_path, {"a.md": "# Rubrik\n\nText på svenska.\n"}, config=SITE + config)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert expected in result.stderr


@pytest.mark.parametrize(("text", "problem"), [
    ("Nyheter från Nordvik", None),
    ("Ämne: “citat” — och emoji 🎉", None),
    ("Ämne\r\nBcc: alla@example.org", "holds a line break"),
    ("Ämne\n", "holds a line break"),
    ("Ämne\u2028", "holds a line break"),
    ("Ämne\x07", "holds the control character U+0007"),
    ("Ämne\tmed tab", "holds the control character U+0009"),
])
def test_the_one_line_check_that_subject_lines_can_share(text, problem):
    assert control_character_problem(text) == problem
