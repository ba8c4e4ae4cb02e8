"""`bilingual newsletter`: .eml structure, inlined CSS, sizes, languages, bad input."""

from __future__ import annotations

import email
import email.policy
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.newsletter import GMAIL_CLIP_BYTES, with_tracking

from .conftest import ROOT

DATE = "2025-09-08"


class Elements(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


@pytest.fixture(scope="module")
def issue(tmp_path_factory):
    """The bundled articles as a newsletter, written to a temporary folder."""
    folder = tmp_path_factory.mktemp("newsletter")
    result = CliRunner().invoke(main, ["newsletter", "--config", str(ROOT / "bilingual.toml"),
                                       "--since", "2025-01-01", "--date", DATE,
                                       "--output", str(folder)])
    assert result.exit_code == 0, result.output
    return folder, result


def test_all_files_are_written(issue):
    folder, result = issue
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(f"{part}.{kind}" for part in ("sv", "en", "both")
                           for kind in ("html", "txt", "eml"))
    assert "Newsletter 2025-09-08 with 3 articles" in result.stdout


@pytest.mark.parametrize(("part", "languages"), [("sv", "sv"), ("en", "en"), ("both", "sv, en")])
def test_eml_is_multipart_alternative_text_then_html(issue, part, languages):
    folder, _ = issue
    message = email.message_from_bytes((folder / f"{part}.eml").read_bytes(),
                                       policy=email.policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert message["Content-Language"] == languages
    assert message["From"].addresses[0].addr_spec == "newsletter@example.org"
    assert message["Date"].datetime.date().isoformat() == DATE
    assert message["Subject"] and message["X-Unsent"] == "1"
    text, html = list(message.iter_parts())
    assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    assert text.get_content().replace("\r\n", "\n") == \
        (folder / f"{part}.txt").read_text(encoding="utf-8")
    assert html.get_content().replace("\r\n", "\n") == \
        (folder / f"{part}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("part", ["sv", "en", "both"])
def test_html_is_email_safe(issue, part):
    folder, _ = issue
    path = folder / f"{part}.html"
    html = path.read_text(encoding="utf-8")
    assert path.stat().st_size < GMAIL_CLIP_BYTES
    tags = elements(html)
    names = {tag for tag, _ in tags}
    assert not names & {"style", "script", "form", "iframe", "input", "object", "embed"}
    assert not any(tag == "link" and attrs.get("rel") == "stylesheet" for tag, attrs in tags)
    # Every class the stylesheet styles was inlined: no classed element is left unstyled.
    css = (ROOT / "templates" / "newsletter" / "style.css").read_text(encoding="utf-8")
    styled_classes = set(re.findall(r"\.([a-z-]+)\s*[{,]", css))
    for tag, attrs in tags:
        if set(attrs.get("class", "").split()) & styled_classes:
            assert attrs.get("style"), f"<{tag} class={attrs['class']}> was not inlined"
    for tag, attrs in tags:
        if tag == "a":
            assert attrs["href"].startswith(("https://", "#")), attrs["href"]
        if tag == "img":
            assert attrs.get("alt") is not None and attrs.get("width")
            assert attrs["src"].startswith("https://")
    containers = [a for t, a in tags if t == "table" and "container" in a.get("class", "")]
    assert containers[0]["width"] == "600" and "max-width: 600px" in containers[0]["style"]
    preheader = [a for t, a in tags if "preheader" in a.get("class", "")]
    assert "display: none" in preheader[0]["style"]


def test_both_html_has_each_part_in_its_own_language(issue):
    folder, _ = issue
    tags = elements((folder / "both.html").read_text(encoding="utf-8"))
    assert tags[0] == ("html", {"lang": "sv"})
    parts = {attrs["id"]: attrs["lang"] for _, attrs in tags if attrs.get("id", "").startswith(
        "part-")}
    assert parts == {"part-sv": "sv", "part-en": "en"}
    order = [attrs["id"] for _, attrs in tags if attrs.get("id", "").startswith("part-")]
    assert order == ["part-sv", "part-en"]  # Swedish first
    jump = [attrs for tag, attrs in tags if tag == "a" and attrs.get("href") == "#part-en"]
    assert jump and "English version below" in (folder / "both.html").read_text(
        encoding="utf-8")
    jump_cell = [attrs for tag, attrs in tags if tag == "td" and "jump" in attrs.get("class", "")]
    assert jump_cell[0]["lang"] == "en"


def test_articles_without_a_variant_are_left_out_and_reported(issue):
    folder, result = issue
    english = (folder / "en.html").read_text(encoding="utf-8")
    assert "Klimatveckan" not in english
    assert "Klimatveckan" in (folder / "sv.html").read_text(encoding="utf-8")
    assert "Left out of the English part (no English version): klimatveckan " \
           "(articles/klimatveckan.md)" in result.stderr


def test_text_part_reads_on_its_own(issue):
    folder, _ = issue
    text = (folder / "sv.txt").read_text(encoding="utf-8")
    assert "Läs mer: https://www.example.org/sv/klimatveckan-samlade-unga-fran-tre-lander/" in text
    assert "tisdag 20 maj 2025" in text
    assert "<" not in text
    assert max(len(line) for line in text.splitlines() if "://" not in line) <= 72


def test_newsletters_are_byte_identical(tmp_path):
    outputs = []
    for name in ("one", "two"):
        CliRunner().invoke(main, ["newsletter", "--config", str(ROOT / "bilingual.toml"),
                                  "--articles", "oppet-hus", "--date", DATE,
                                  "--output", str(tmp_path / name)])
        outputs.append({p.name: p.read_bytes() for p in (tmp_path / name).iterdir()})
    assert outputs[0] == outputs[1] and len(outputs[0]) == 9


def test_one_language_and_utm_parameters(tmp_path):
    config = tmp_path / "bilingual.toml"
    config.write_text((ROOT / "bilingual.toml").read_text(encoding="utf-8").replace(
        '[paths]\narticles = "articles"', f'[paths]\narticles = "{ROOT / "articles"}"')
        + '\n[newsletter]\nfrom = "Nordvik <nyheter@example.org>"\n'
          'utm_source = "newsletter"\nutm_medium = "email"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["newsletter", "--config", str(config), "--lang", "sv",
                                       "--articles", "klimatveckan,oppet-hus", "--date", DATE,
                                       "--subject", "Höstens nyheter",
                                       "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["sv.eml", "sv.html",
                                                                    "sv.txt"]
    html = (tmp_path / "out" / "sv.html").read_text(encoding="utf-8")
    assert "?utm_source=newsletter&amp;utm_medium=email" in html
    message = email.message_from_bytes((tmp_path / "out" / "sv.eml").read_bytes(),
                                       policy=email.policy.default)
    assert message["Subject"] == "Höstens nyheter"
    assert message["From"].addresses[0].addr_spec == "nyheter@example.org"
    assert with_tracking("https://x.org/a?b=1", (("utm_source", "n"),)) == \
        "https://x.org/a?b=1&utm_source=n"


@pytest.mark.parametrize(("arguments", "words"), [
    (["--articles", "oppet-hsu"], "no article with the key 'oppet-hsu' (did you mean "
                                  "'oppet-hus'?)"),
    (["--since", "2030-01-01"], "no article is dated 2030-01-01 or later"),
    ([], "no articles chosen"),
    (["--articles", "klimatveckan", "--lang", "en"], "none of the selected articles exists"),
])
def test_bad_selection_is_an_error_and_writes_nothing(tmp_path, arguments, words):
    target = tmp_path / "out"
    result = CliRunner().invoke(main, ["newsletter", "--config", str(ROOT / "bilingual.toml"),
                                       "--date", DATE, "--output", str(target), *arguments])
    assert result.exit_code == 1
    assert words in result.stderr
    assert not target.exists()


def test_since_and_articles_together_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["newsletter", "--config", str(ROOT / "bilingual.toml"),
                                       "--since", "2025-01-01", "--articles", "oppet-hus"])
    assert result.exit_code == 2


def test_newsletter_refuses_to_write_into_the_articles_folder(tmp_path):
    result = CliRunner().invoke(main, ["newsletter", "--config", str(ROOT / "bilingual.toml"),
                                       "--articles", "oppet-hus", "--date", DATE,
                                       "--output", str(ROOT / "articles" / "nl")])
    assert result.exit_code == 1
    assert not (ROOT / "articles" / "nl").exists()


def test_path_of_the_default_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["newsletter", "--articles", "oppet-hus", "--date", DATE,
                                       "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert Path(ROOT / "output" / "newsletter" / DATE / "en.html").is_file()
