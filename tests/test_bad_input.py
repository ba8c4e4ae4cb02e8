"""Everything an author or a file system can throw at a build, one case per problem.

Each case builds a site of one good article and the bad input, and asserts the exact
diagnostics (file, line, severity, code, a hint) and that the good article still builds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main

from .conftest import build_json, tree_digest, write_site

GOOD = ("---\ntitle: En artikel som fungerar\nlang: sv\ndate: 2025-01-15\n---\n\n"
        "Den här artikeln har inga fel och ska byggas även när andra artiklar är trasiga.\n")
GOOD_PAGE = Path("output/sv/en-artikel-som-fungerar/index.html")


build = build_json  # `bilingual build --json` in a folder (conftest)


def problems(report: dict) -> list[tuple]:
    return [(d["path"], d["line"], d["severity"], d["code"]) for d in report["diagnostics"]]


CASES = {
    "invalid UTF-8": (
        {"latin1.txt": "Rubrik\n\nEtt stycke på svenska.\n".encode("latin-1")},
        [("articles/latin1.txt", 3, "error", "encoding")], "offset 20"),
    "empty file": ({"tom.md": ""}, [("articles/tom.md", 1, "error", "empty")], "no text"),
    "binary file": (
        {"bild.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
        [("articles/bild.md", 1, "error", "encoding")], "binary data"),
    "front matter that is not a mapping": (
        {"lista.md": "---\n- en\n- två\n---\n\nText.\n"},
        [("articles/lista.md", 2, "error", "front-matter")], "'key: value'"),
    "broken front matter": (
        {"trasig.md": "---\ntitle: Trasig: rubrik\n---\n\nText.\n"},
        [("articles/trasig.md", 2, "error", "front-matter")], "not valid YAML"),
    "unclosed front matter": (
        {"oavslutad.md": "---\ntitle: Rubrik\n\nText utan slut.\n"},
        [("articles/oavslutad.md", 1, "error", "front-matter")], "never closed"),
    "wrong type in front matter": (
        {"typ.md": "---\ntitle: [en, lista]\nlang: sv\n---\n\nText.\n"},
        [("articles/typ.md", 2, "error", "front-matter")], "'title' is empty or not text"),
    "impossible date in front matter": (
        {"datum.md": "---\ntitle: Rubrik\ndate: 2025-02-30\n---\n\nText på svenska.\n"},
        [("articles/datum.md", 3, "error", "front-matter")], "day is out of range"),
    "impossible date in a byline": (
        {"byline.txt": "Rubrik på svenska\n\nEtt stycke på svenska om något.\n\n"
                       "Publicerat av Nordvik 31 juni 2019\n"},
        [("articles/byline.txt", 1, "warning", "no-date"),
         ("articles/byline.txt", 5, "warning", "date")], "31 juni 2019"),
    "unknown language in front matter": (
        {"tyska.md": "---\ntitle: Titel\nlang: de\n---\n\nText.\n"},
        [("articles/tyska.md", 3, "error", "front-matter")], "'de'"),
    "unknown language in a file name": (
        {"nyhet.fi.md": "# Otsikko\n\nTeksti.\n"},
        [("articles/nyhet.fi.md", 1, "error", "language")], "'fi'"),
    "no title line: one is derived, with a warning": (
        {"utan.md": "---\nlang: sv\n---\n\nBara ett stycke utan rubrik.\n"},
        [("articles/utan.md", 5, "warning", "no-title"),
         ("articles/utan.md", 5, "warning", "no-date")], "no title line"),
    "nothing but leftovers of pasting": (
        {"rester.txt": "IMG_8634\n\nView this email in your browser\n"},
        [("articles/rester.txt", 1, "error", "empty"),
         ("articles/rester.txt", 1, "info", "leftover"),
         ("articles/rester.txt", 3, "info", "leftover")], "has no text"),
    "two articles claiming one URL": (
        {"kopia.md": "---\ntitle: En artikel som fungerar\nlang: sv\n---\n\nKopia.\n"},
        [("articles/kopia.md", 2, "error", "url-collision")], "articles/fungerar.md:2"),
    "a slug that tries to leave output/": (
        {"elak.md": "---\ntitle: Rubrik\nslug: ../../etc/passwd\nlang: sv\n---\n\nText.\n"},
        [("articles/elak.md", 3, "error", "front-matter")], "outside the output folder"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_named_exactly_and_the_rest_still_builds(case, tmp_path):
    files, expected, words = CASES[case]
    write_site(tmp_path, {"fungerar.md": GOOD, **files})
    code, report, stderr = build(tmp_path)
    assert sorted(problems(report)) == sorted(expected)
    assert all(d["hint"] for d in report["diagnostics"])
    assert words in json.dumps(report["diagnostics"], ensure_ascii=False)
    assert code == (1 if any(e[2] == "error" for e in expected) else 0)
    assert (tmp_path / GOOD_PAGE).is_file(), "the good article must still build"
    assert "Traceback" not in stderr


def test_every_bad_input_in_one_site_is_reported_by_one_build(tmp_path):
    """Collect, then stop: a site holding every case above at once gets each case's
    problems, exactly as when it is alone, from the first build and from the cache; the
    files with errors are named as not built, and every other article is built."""
    files = {name: text for case_files, _, _ in CASES.values()
             for name, text in case_files.items()}
    expected = sorted(problem for _, case_problems, _ in CASES.values()
                      for problem in case_problems)
    failed = sorted({path for path, _, severity, _ in expected if severity == "error"})
    warned_only = {path for path, _, _, _ in expected} - set(failed)
    write_site(tmp_path, {"fungerar.md": GOOD, **files})
    code, report, stderr = build(tmp_path)
    assert code == 1 and "Traceback" not in stderr
    assert sorted(problems(report)) == expected
    assert report["failed"] == failed
    assert f"Not built because of errors: {', '.join(failed)}" in stderr
    assert report["articles"] == 1 + len(warned_only)
    assert (tmp_path / GOOD_PAGE).is_file()
    code, again, _ = build(tmp_path)  # nothing changed: every problem comes from the cache
    assert code == 1 and sorted(problems(again)) == expected


def test_bom_and_crlf_simply_work(tmp_path):
    source = ("\ufeffRubrik med BOM\r\n\r\nEtt stycke på svenska om kommunen.\r\n\r\n"
              "Publicerad: 2025-01-02\r\n")
    write_site(tmp_path, {"bom.txt": source.encode("utf-8")})
    code, report, _ = build(tmp_path)
    assert code == 0 and report["diagnostics"] == []
    page = (tmp_path / "output" / "sv" / "rubrik-med-bom" / "index.html").read_text("utf-8")
    assert "<h1>Rubrik med BOM</h1>" in page and "\ufeff" not in page


def test_non_breaking_and_zero_width_characters(tmp_path):
    source = ("Öppet\u00a0hus\u200b idag\n\n"
              "Entrén kostar 10\u00a0000 kronor mindre än förra året för alla besökare.\n")
    write_site(tmp_path, {"hus.txt": source})
    code, report, _ = build(tmp_path)
    assert code == 0
    page = (tmp_path / "output" / "sv" / "oppet-hus-idag" / "index.html").read_text("utf-8")
    assert "<h1>Öppet hus idag</h1>" in page  # normalised in the title and the slug
    assert "10\u00a0000 kronor" in page  # kept where it matters


def test_nested_folders_and_names_with_spaces_and_swedish_letters(tmp_path):
    write_site(tmp_path, {"2025/höst/Öppet hus på Åre.md":
                          "---\ntitle: Öppet hus på Åre\nlang: sv\ndate: 2025-01-03\n---\n\n"
                          "Text på svenska.\n"})
    code, report, _ = build(tmp_path)
    assert code == 0 and report["diagnostics"] == []
    assert (tmp_path / "output" / "sv" / "oppet-hus-pa-are" / "index.html").is_file()


def test_symlinks_that_leave_the_articles_folder_are_not_followed(tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: Hemlig\nlang: sv\n---\n\nHemlig text.\n", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x.md").write_text("# X\n\nText.\n", encoding="utf-8")
    write_site(tmp_path / "site", {"fungerar.md": GOOD})
    (tmp_path / "site" / "articles" / "lank.md").symlink_to(secret)
    (tmp_path / "site" / "articles" / "mapp").symlink_to(tmp_path / "outside")
    code, report, _ = build(tmp_path / "site")
    assert sorted(problems(report)) == [("articles/lank.md", 1, "warning", "symlink"),
                                        ("articles/mapp", 1, "warning", "symlink")]
    assert code == 0
    assert not list((tmp_path / "site" / "output").rglob("*hemlig*"))
    assert not (tmp_path / "site" / "output" / "sv" / "x").exists()


def test_a_10_mb_source_and_a_1_mb_line_build(tmp_path):
    sentence = "Kommunen arbetar med vatten, skolor och lokal demokrati i flera länder. "
    paragraphs = "\n\n".join([sentence * 5] * (10_000_000 // (len(sentence) * 5 + 2)))
    write_site(tmp_path, {"stor.txt": "Stor artikel\n\n" + paragraphs + "\n",
                          "rad.txt": "Lång rad\n\n" + (sentence * 14_000) + "\n"})
    assert (tmp_path / "articles" / "stor.txt").stat().st_size > 10_000_000
    assert len((tmp_path / "articles" / "rad.txt").read_text("utf-8").splitlines()[2]) > 1e6
    code, report, _ = build(tmp_path)
    assert code == 0, report["diagnostics"]
    assert report["articles"] == 2


def test_raw_html_is_escaped_and_unsafe_links_are_dropped(tmp_path):
    source = ('---\ntitle: "<b>Fet</b> rubrik"\nlang: sv\nsummary: "<script>x()</script>"\n'
              "date: 2025-01-01\n---\n\n<script>alert('md')</script>\n\n"
              "Ett stycke med <img src=x onerror=alert(1)> och [länk](javascript:alert(1)) "
              "och <javascript:alert(2)>.\n")
    write_site(tmp_path, {"farlig.md": source,
                          "farlig2.txt": "Rubrik <script>alert(3)</script>\n\nText "
                                         "<iframe src=x></iframe> på svenska.\n"})
    code, _, _ = build(tmp_path)
    assert code == 0
    # HTML and XML must never carry markup from the source; feed.json's title and
    # summary are plain text by the JSON Feed spec, so only its content_html counts.
    everything = "".join(p.read_text("utf-8") for p in (tmp_path / "output").rglob("*")
                         if p.is_file() and p.name != "feed.json")
    for feed in (tmp_path / "output").rglob("feed.json"):
        everything += "".join(i["content_html"] for i in json.loads(feed.read_text())["items"])
    assert "<script" not in everything and "<iframe" not in everything
    assert "<img" not in everything
    assert 'href="javascript' not in everything  # as text it may show, as a link never
    assert "&lt;script&gt;alert(" in everything  # the author's text is shown, escaped
    assert "&lt;b&gt;Fet&lt;/b&gt; rubrik" in everything


def test_allowed_html_is_sanitised(tmp_path):
    source = ('# Rubrik\n\n<div class="ruta" onclick="steal()"><b>Fet</b> text '
              '<a href="javascript:alert(1)">länk</a><script>alert(1)</script></div>\n\n'
              'Text med <em>inline</em> och <span onmouseover="x()">span</span>.\n')
    write_site(tmp_path, {"html.md": source}, config='allow_html = true\n')
    code, _, _ = build(tmp_path)
    assert code == 0
    page = next((tmp_path / "output" / "sv").glob("*/index.html")).read_text("utf-8")
    assert "<b>Fet</b>" in page and "<em>inline</em>" in page
    assert "<script" not in page and "onclick" not in page and "onmouseover" not in page
    assert "javascript:" not in page


def test_strict_turns_warnings_into_errors(tmp_path):
    write_site(tmp_path, {"a.txt": "Rubrik här\n\nEtt stycke på svenska om kommunen.\n\n"
                                   "Publicerat av Nordvik Fredag 21 november 2019\n"})
    code, report, _ = build(tmp_path)
    assert code == 0 and problems(report) == [("articles/a.txt", 5, "warning", "weekday")]
    code, _, stderr = build(tmp_path, "--strict")
    assert code == 1 and "--strict: 1 warning count as errors" in stderr


def test_the_same_problem_is_reported_once_also_from_the_cache(tmp_path):
    write_site(tmp_path, {"fungerar.md": GOOD, "tom.md": "",
                          "a.txt": "Rubrik här\n\nEtt stycke.\n\nPublicerat av X Fredag "
                                   "21 november 2019\n"})
    _, first, _ = build(tmp_path)
    _, second, _ = build(tmp_path)  # nothing changed: diagnostics come from the manifest
    assert problems(first) == problems(second)
    assert len(problems(first)) == len(set(problems(first)))


def test_an_internal_error_is_a_short_message_and_exit_2(tmp_path, monkeypatch):
    write_site(tmp_path, {"fungerar.md": GOOD})
    import pipeline.build

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(pipeline.build, "collect", broken)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 2
    assert "internal error: RuntimeError: simulated bug" in result.stderr
    assert "report it" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_no_command_changes_articles_or_templates(tmp_path, monkeypatch):
    write_site(tmp_path, {"fungerar.md": GOOD, "blandad.txt":
                          "Rubrik på svenska\n\nEtt svenskt stycke om kommunen.\n\n"
                          "English heading\n\nAn English paragraph about the town.\n"})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "home.html").write_text(
        "<!DOCTYPE html><title>x</title>{{ page.title }}\n", encoding="utf-8")
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "mine.txt").write_text("keep", encoding="utf-8")
    before = {name: tree_digest(tmp_path / name) for name in ("articles", "templates")}
    monkeypatch.chdir(tmp_path)
    for command in (["build"], ["build"], ["build", "--check"], ["split", "articles/blandad.txt"],
                    ["newsletter", "--since", "2000-01-01", "--date", "2025-01-20"]):
        CliRunner().invoke(main, command)
    assert {name: tree_digest(tmp_path / name) for name in before} == before
    assert (tmp_path / "output" / "mine.txt").read_text(encoding="utf-8") == "keep"


def test_control_characters_found_by_hypothesis_are_removed_with_a_warning(tmp_path):
    """Regression: hypothesis found that a backspace (U+0008) or a C1 control from old
    exports (also in the langid corpus) made pages invalid HTML and feeds invalid XML."""
    import xml.etree.ElementTree as ElementTree

    import html5lib
    source = ("Rubrik\x08 här\n\nEtt stycke med ett\x85 kontrolltecken på svenska.\n\n"
              "Publicerad: 2025-01-02\n")
    write_site(tmp_path, {"styr.txt": source})
    code, report, _ = build(tmp_path)
    assert code == 0
    assert problems(report) == [("articles/styr.txt", 1, "warning", "characters")]
    assert "2 control characters" in report["diagnostics"][0]["message"]
    page = tmp_path / "output" / "sv" / "rubrik-har" / "index.html"
    html5lib.HTMLParser(strict=True).parse(page.read_bytes())
    # U+0085 is Windows-1252's ellipsis: repaired, not dropped; the backspace is dropped.
    assert "ett… kontrolltecken" in page.read_text("utf-8")
    assert "<h1>Rubrik här</h1>" in page.read_text("utf-8")
    ElementTree.fromstring((tmp_path / "output" / "sv" / "atom.xml").read_bytes())


def test_a_source_that_trips_a_bug_fails_alone_with_its_name(tmp_path, monkeypatch):
    """A bug met in one source (here forced) is that file's error; the rest still build."""
    import pipeline.process

    write_site(tmp_path, {
        "bra.md": "---\ntitle: En bra artikel\nlang: sv\ndate: 2025-01-15\n---\n\n"
                  "Den här artikeln byggs som vanligt.\n",
        "trasig.md": "---\ntitle: En trasig artikel\nlang: sv\ndate: 2025-01-16\n---\n\n"
                     "Den här utlöser felet.\n"})
    real = pipeline.process.process_document

    def failing(document, *arguments, **options):
        if document.path.endswith("trasig.md"):
            raise RuntimeError("inline rule didn't increment state.pos")
        return real(document, *arguments, **options)

    monkeypatch.setattr(pipeline.process, "process_document", failing)
    monkeypatch.delenv("BILINGUAL_DEBUG", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build", "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert "articles/trasig.md:1: error[internal]: bilingual failed on this file " \
           "(RuntimeError: inline rule didn't increment state.pos)" in result.stderr
    assert "internal error" not in result.stderr
    assert (tmp_path / "output" / "sv" / "en-bra-artikel" / "index.html").is_file()
    assert not (tmp_path / "output" / "sv" / "en-trasig-artikel").exists()
