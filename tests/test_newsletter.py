"""`bilingual newsletter`: .eml structure, inlined CSS, sizes, languages, bad input."""

from __future__ import annotations

import datetime
import email
import email.policy
import re
from html.parser import HTMLParser
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner

from pipeline.build import collect
from pipeline.cli import main
from pipeline.config import ConfigError, load_config
from pipeline.newsletter import GMAIL_CLIP_BYTES, SelectionError, select_articles, with_tracking
from pipeline.newsletter_build import build_newsletter

from .conftest import ROOT, write_site

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


def site_config(folder: Path, newsletter: str) -> Path:
    """The bundled site's config in ``folder``, its [newsletter] table replaced."""
    text = (ROOT / "bilingual.toml").read_text(encoding="utf-8").split("\n[newsletter]")[0]
    text = text.replace('[paths]\narticles = "articles"',
                        f'[paths]\narticles = "{(ROOT / "articles").as_posix()}"')
    path = folder / "bilingual.toml"
    path.write_text(f"{text}\n[newsletter]\n{newsletter}", encoding="utf-8")
    return path


def test_one_language_and_utm_parameters(tmp_path):
    config = site_config(tmp_path, 'from = "Nordvik <nyheter@example.org>"\n'
                                   'utm_source = "newsletter"\nutm_medium = "email"\n')
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


# Unsubscribe (RFC 2369 / RFC 8058) and articles a date cannot choose.

#: Longer than a header line, with a query, as a signed per-list address would be.
UNSUBSCRIBE = ("https://lists.example.org/nordvik/avsluta?lista=internationellt"
               "&signatur=0f3c9a77d2e14b5a8c6e1f0a9b2d4c6e8f1a3b5c7d9e")
LABELS = {"sv": "Avsluta prenumerationen", "en": "Unsubscribe"}


def links(html: str) -> list[dict]:
    """Every <a> as href, text and the lang of the newsletter part (id="part-…") holding it."""
    tree = html5lib.parse(html, namespaceHTMLElements=False)
    parts = {a: td.get("lang") for td in tree.iter("td") if td.get("id", "").startswith("part-")
             for a in td.iter("a")}
    return [{"part": parts.get(a), "href": a.get("href"), "text": "".join(a.itertext())}
            for a in tree.iter("a")]


@pytest.fixture(scope="module")
def unsubscribable(tmp_path_factory):
    """All three editions with an https unsubscribe address and UTM tracking switched on."""
    folder = tmp_path_factory.mktemp("unsubscribe")
    config = site_config(folder, f'unsubscribe = "{UNSUBSCRIBE}"\nutm_source = "brev"\n')
    result = CliRunner().invoke(main, ["newsletter", "--config", str(config), "--since",
                                       "2025-01-01", "--date", DATE, "--output",
                                       str(folder / "out")])
    assert result.exit_code == 0, result.output
    return folder / "out", result


def test_every_language_part_has_its_own_unsubscribe_link(unsubscribable):
    folder, _ = unsubscribable
    for edition, parts in (("sv", ["sv"]), ("en", ["en"]), ("both", ["sv", "en"])):
        found = links((folder / f"{edition}.html").read_text(encoding="utf-8"))
        for lang in parts:
            mine = [(link["href"], link["text"].strip()) for link in found
                    if link["part"] == lang]
            assert (UNSUBSCRIBE, LABELS[lang]) in mine, (edition, lang)
            assert [href for href, _ in mine].count(UNSUBSCRIBE) == 1
        assert {link["part"] for link in found if link["href"] == UNSUBSCRIBE} == set(parts)


def test_footer_web_address_is_a_link(unsubscribable):
    folder, _ = unsubscribable
    found = links((folder / "both.html").read_text(encoding="utf-8"))
    for lang in ("sv", "en"):
        home = f"https://www.example.org/{lang}/"
        footer = [link for link in found if link["part"] == lang and link["text"] == home]
        assert footer and footer[0]["href"] == f"{home}?utm_source=brev"


def test_unsubscribe_address_never_gets_utm_parameters(unsubscribable):
    folder, _ = unsubscribable
    found = links((folder / "both.html").read_text(encoding="utf-8"))
    articles = [link for link in found if "/sv/" in link["href"] or "/en/" in link["href"]]
    assert articles and all("utm_source=brev" in link["href"] for link in articles)
    assert not [link for link in found if link["href"].startswith(UNSUBSCRIBE + "&")]
    text = (folder / "both.txt").read_text(encoding="utf-8")
    assert "utm_source" not in text.split(UNSUBSCRIBE, 1)[1].split("\n", 1)[0]


def test_text_part_has_each_unsubscribe_line(unsubscribable):
    folder, _ = unsubscribable
    lines = (folder / "both.txt").read_text(encoding="utf-8").splitlines()
    wanted = [f"{LABELS[lang]}: {UNSUBSCRIBE}" for lang in ("sv", "en")]
    assert [line for line in lines if line in wanted] == wanted  # Swedish part first
    for lang in ("sv", "en"):
        assert f"{LABELS[lang]}: {UNSUBSCRIBE}" in (folder / f"{lang}.txt").read_text(
            encoding="utf-8")


def test_https_address_gives_one_click_headers_verbatim(unsubscribable):
    folder, result = unsubscribable
    raw = (folder / "both.eml").read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # On one line as written: providers do not decode RFC 2047 words in this header.
    assert f"\r\nList-Unsubscribe: <{UNSUBSCRIBE}>\r\n".encode() in raw
    assert "unsubscribe link" not in result.stderr


@pytest.mark.parametrize(("setting", "expected"), [
    ('unsubscribe = "mailto:avsluta@example.org?subject=avsluta"\n',
     "<mailto:avsluta@example.org?subject=avsluta>"),
    ("", None),
])
def test_mailto_gets_no_one_click_header_and_none_gets_no_header(tmp_path, setting, expected):
    config = site_config(tmp_path, setting)
    result = CliRunner().invoke(main, ["newsletter", "--config", str(config), "--articles",
                                       "oppet-hus", "--lang", "sv", "--date", DATE,
                                       "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes((tmp_path / "out" / "sv.eml").read_bytes(),
                                       policy=email.policy.default)
    assert message["List-Unsubscribe"] == expected
    assert message["List-Unsubscribe-Post"] is None
    html = (tmp_path / "out" / "sv.html").read_text(encoding="utf-8")
    assert ("Avsluta prenumerationen" in html) == bool(expected)


def test_without_an_address_one_warning_names_the_key(tmp_path):
    config = site_config(tmp_path, 'from = "Nordvik <nyheter@example.org>"\n')
    result = CliRunner().invoke(main, ["newsletter", "--config", str(config), "--since",
                                       "2025-01-01", "--date", DATE, "--output",
                                       str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").iterdir())) == 9  # still written
    # One warning for the run, not one per language or file.
    warning = [line for line in result.stderr.splitlines() if "unsubscribe" in line]
    assert len(warning) == 1 and result.stderr.count("no unsubscribe link") == 1
    assert "[newsletter] table of bilingual.toml" in warning[0]
    assert 'unsubscribe = "https://' in warning[0]


UNDATED = "---\ntitle: Utan datum\nlang: sv\n---\n\nDen här texten saknar ett datum helt.\n"
DATED = ("---\ntitle: Med datum\ndate: 2025-06-01\nlang: sv\n---\n\n"
         "Den här texten har ett datum i sitt huvud.\n")


def test_undated_articles_are_listed_with_what_to_do(tmp_path):
    write_site(tmp_path, {"utan-datum.md": UNDATED, "med-datum.md": DATED},
               config='base_url = "https://example.org/"\n[newsletter]\n'
                      'unsubscribe = "mailto:avsluta@example.org"\n')
    result = CliRunner().invoke(main, ["newsletter", "--config", str(tmp_path / "bilingual.toml"),
                                       "--since", "2025-01-01", "--lang", "sv", "--date", DATE,
                                       "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Med datum" in (tmp_path / "out" / "sv.html").read_text(encoding="utf-8")
    listed = [line for line in result.stderr.splitlines() if "no date" in line]
    assert len(listed) == 1
    assert "utan-datum (articles/utan-datum.md)" in listed[0]
    assert "med-datum" not in listed[0]
    assert "Add a date" in listed[0] and "--articles" in listed[0]


def test_selection_reports_undated_articles(site):
    config = site({"utan-datum.md": UNDATED, "med-datum.md": DATED})
    sets = collect(config, jobs=1).sets
    chosen = select_articles(sets, since=datetime.date(2025, 1, 1))
    assert [s.key for s in chosen.articles] == ["med-datum"]
    assert [s.key for s in chosen.undated] == ["utan-datum"]
    assert select_articles(sets, keys=("utan-datum",)).undated == []  # chosen by name: fine
    with pytest.raises(SelectionError, match="without a date cannot be chosen by date: "
                                             "utan-datum"):
        select_articles(sets, since=datetime.date(2025, 7, 1))


@pytest.mark.parametrize(("value", "words"), [
    ("http://www.example.org/avsluta", "one-click unsubscribe (RFC 8058) needs https://"),
    ("www.example.org/avsluta", "neither an https:// URL nor a mailto: address"),
    ("mailto:avsluta", "neither an https:// URL nor a mailto: address"),
    ("https://www.example.org/avsluta nu", "which a mail header cannot carry"),
    ("https://www.example.org/avsluta-prenumeration/å", "which a mail header cannot carry"),
])
def test_bad_unsubscribe_value_is_a_config_error(tmp_path, value, words):
    path = tmp_path / "bilingual.toml"
    path.write_text(f'\n[newsletter]\nfrom = "N <n@example.org>"\nunsubscribe = "{value}"\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    diagnostic = caught.value.diagnostic
    assert (diagnostic.path, diagnostic.line) == (str(path), 4)
    assert "'newsletter.unsubscribe'" in diagnostic.message and words in diagnostic.message
    assert diagnostic.hint
    assert f"{path}:4:" in diagnostic.format()


# The library's entry point, without the command line.

def test_build_newsletter_reports_what_it_wrote(tmp_path):
    config = load_config(ROOT / "bilingual.toml")
    report = build_newsletter(config, date=datetime.date(2025, 9, 8), keys=("oppet-hus",),
                              lang="en", output=tmp_path / "out")
    assert report.exit_code == 0 and report.refusal is None and not report.blocked
    assert report.folder == (tmp_path / "out").resolve()
    assert [f.path for f in report.issue.files] == ["en.html", "en.txt", "en.eml"]
    assert all((tmp_path / "out" / f.path).read_bytes() == f.content
               for f in report.issue.files)
    assert [s.key for s in report.selection.articles] == ["oppet-hus"]


@pytest.mark.parametrize(("keys", "output", "words"), [
    (("oppet-hsu",), "out", "no article with the key 'oppet-hsu'"),
    (("oppet-hus",), "articles", "refusing to write the newsletter into the articles folder"),
])
def test_build_newsletter_refuses_and_writes_nothing(tmp_path, keys, output, words):
    config = site_config(tmp_path, 'from = "Nordvik <nyheter@example.org>"\n')
    config = load_config(config)
    target = (tmp_path / output) if output == "out" else config.articles / "nl"
    report = build_newsletter(config, date=datetime.date(2025, 9, 8), keys=keys,
                              output=target)
    assert report.exit_code == 1 and report.issue is None
    assert words in report.refusal
    assert not target.exists()


def test_build_newsletter_names_what_blocks_a_file(tmp_path):
    config = load_config(ROOT / "bilingual.toml")
    (tmp_path / "out" / "en.html").mkdir(parents=True)
    report = build_newsletter(config, date=datetime.date(2025, 9, 8), keys=("oppet-hus",),
                              lang="en", output=tmp_path / "out")
    assert report.exit_code == 1 and report.blocked == ("en.html",)
    assert [d.code for d in report.diagnostics if d.severity != "info"] == ["output-blocked"]
    assert (tmp_path / "out" / "en.txt").is_file()
