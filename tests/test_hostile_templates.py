"""A site's own templates, written wrong or written to attack the build machine.

A mistake in a template is the author's: an error naming the template and line, what is
wrong and a hint, exit 1; the outputs it stopped are not written (and retried by the next
build), every other output is. Templates run in Jinja's sandbox, so a template cannot
reach Python's internals, run a shell command or change the data it is given.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.output_problems import template_diagnostic

from .conftest import build_json, write_site

SWEDISH = ("---\ntitle: Nytt bibliotek öppnar\nlang: sv\ndate: 2025-03-12\n---\n\n"
           "Det nya biblioteket vid torget öppnar på lördag med sagostund för barnen.\n")
ENGLISH = ("---\ntitle: New library opens\nlang: en\ndate: 2025-03-12\n"
           "translation_key: bibliotek\n---\n\n"
           "The new library by the square opens on Saturday with stories for children.\n")
SV_PAGE = "sv/nytt-bibliotek-oppnar/index.html"
EN_PAGE = "en/new-library-opens/index.html"
#: An article page template that is fine apart from what a case puts on line 4.
ARTICLE = ('{{% extends "base.html" %}}\n{{% block main %}}\n<h1>{{{{ page.title }}}}</h1>\n'
           '{line}\n{{% endblock %}}\n')


build = build_json  # `bilingual build --json` in a folder (conftest)


def make_site(root: Path, templates: dict[str, str]) -> Path:
    """A two-article site (one Swedish, one English, paired) with these templates."""
    write_site(root, {"bibliotek.md": SWEDISH, "library.en.md": ENGLISH})
    for name, text in templates.items():
        target = root / "templates" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def errors(report: dict) -> list[dict]:
    return [d for d in report["diagnostics"] if d["severity"] == "error"]


CASES = {
    "a syntax error": (
        {"article.html": ARTICLE.format(line="{% if page.title %}<p>öppet</p>")},
        "templates/article.html", 5, "template syntax", "{% end… %}"),
    "an undefined field": (
        {"article.html": ARTICLE.format(line="<p>{{ page.undertitel }}</p>")},
        "templates/article.html", 4, "the data has no field 'undertitel'", "is defined"),
    "an undefined variable": (
        {"article.html": ARTICLE.format(line="<p>{{ sida.title }}</p>")},
        "templates/article.html", 4, "'sida' is undefined", "pages get 'page'"),
    "an include of a file that does not exist": (
        {"article.html": ARTICLE.format(line='{% include "sidfot.html" %}')},
        "templates/article.html", 4, "'sidfot.html' is not in templates/",
        "create templates/sidfot.html"),
    "a template that includes itself": (
        {"article.html": ARTICLE.format(line='{% include "snurra.html" %}'),
         "snurra.html": "<p>ett varv</p>\n{% include \"snurra.html\" %}\n"},
        "templates/snurra.html", 2, "loop never ends: templates/snurra.html:2 → again",
        "remove the loop"),
    "two templates that include each other": (
        {"article.html": ARTICLE.format(line='{% include "ping.html" %}'),
         "ping.html": '{% include "pong.html" %}\n', "pong.html": '\n{% include "ping.html" %}\n'},
        "templates/ping.html", 1, "templates/ping.html:1 → templates/pong.html:2 → again",
        "remove the loop"),
    "a macro that calls itself": (
        {"article.html": ARTICLE.format(
            line="{% macro ner(n) %}{{ ner(n) }}{% endmacro %}{{ ner(1) }}")},
        "templates/article.html", 4, "loop never ends", "needs an {% if %}"),
    "a division by zero": (
        {"article.html": ARTICLE.format(line="<p>{{ 1 / 0 }}</p>")},
        "templates/article.html", 4, "ZeroDivisionError", "fix the expression"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_template_mistake_is_the_authors_error_with_its_line(case, tmp_path):
    templates, path, line, what, hint = CASES[case]
    make_site(tmp_path, templates)
    code, report, stderr = build(tmp_path)
    assert code == 1, stderr
    [problem] = errors(report)
    assert (problem["path"], problem["line"], problem["code"]) == (path, line, "template")
    assert what in problem["message"] and hint in problem["hint"]
    # One error for the template, naming both pages it stopped; never a traceback.
    assert "2 outputs not written" in problem["message"]
    assert "internal error" not in stderr and "Traceback" not in stderr
    output = tmp_path / "output"
    assert not (output / SV_PAGE).exists() and not (output / EN_PAGE).exists()
    for other in ("index.html", "sv/index.html", "en/atom.xml", "sitemap.xml"):
        assert (output / other).is_file(), other


def test_a_page_that_fails_keeps_its_old_file_and_the_next_build_retries(tmp_path):
    make_site(tmp_path, {})
    assert build(tmp_path)[0] == 0
    page = tmp_path / "output" / SV_PAGE
    before = page.read_bytes()
    broken = tmp_path / "templates" / "article.html"
    broken.parent.mkdir()
    broken.write_text(ARTICLE.format(line="{{ page.saknas }}"), encoding="utf-8")
    for _ in range(2):  # and not "nothing changed" the second time
        code, report, _ = build(tmp_path)
        assert code == 1 and errors(report)[0]["path"] == "templates/article.html"
        assert page.read_bytes() == before
    broken.write_text(ARTICLE.format(line="<p>{{ page.date_text }}</p>"), encoding="utf-8")
    code, report, _ = build(tmp_path)
    assert code == 0 and SV_PAGE in report["written"]
    assert "onsdag 12 mars 2025" in page.read_text(encoding="utf-8")


def test_a_template_that_is_not_utf8_is_named_with_the_line_of_the_bad_byte(tmp_path):
    make_site(tmp_path, {})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "index.html").write_bytes(
        '{% extends "base.html" %}\n{% block main %}\n<p>Välkommen</p>\n'
        '{% endblock %}\n'.encode("latin-1"))
    code, report, stderr = build(tmp_path)
    assert code == 1 and "internal error" not in stderr
    [problem] = errors(report)
    assert (problem["path"], problem["line"]) == ("templates/index.html", 3)
    assert problem["message"].startswith("the file is not UTF-8 text (byte 0xe4) (2 outputs")
    assert "save the template as UTF-8" in problem["hint"]
    assert (tmp_path / "output" / SV_PAGE).is_file()


def test_a_template_mistake_found_in_worker_processes_is_reported_once(tmp_path, sitegen):
    """With --jobs 2 pages render in forked workers; the mistake comes back from each."""
    sitegen.write_bilingual_site(tmp_path, sitegen.generate(20, seed=7, source="owned"))
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "article.html").write_text(
        ARTICLE.format(line="{{ page.forfattare }}"), encoding="utf-8")
    code, report, _ = build(tmp_path, "--jobs", "2")
    assert code == 1
    [problem] = errors(report)
    assert (problem["path"], problem["line"]) == ("templates/article.html", 4)
    assert "40 outputs not written: en/" in problem["message"]
    assert (tmp_path / "output" / "sv" / "index.html").is_file()


def test_mistakes_in_feed_and_sitemap_templates_are_named(tmp_path):
    make_site(tmp_path, {"feeds/atom.xml": "<feed>\n{{ feed.titel }}\n</feed>\n",
                         "sitemap.xml": "<urlset>\n{% for e in entries %}\n{{ e.plats }}"
                                        "\n{% endfor %}\n</urlset>\n"})
    code, report, _ = build(tmp_path)
    assert code == 1
    found = {(d["path"], d["line"]): d["message"] for d in errors(report)}
    assert set(found) == {("templates/feeds/atom.xml", 2), ("templates/sitemap.xml", 3)}
    assert "2 outputs not written: en/atom.xml, sv/atom.xml" in found[
        ("templates/feeds/atom.xml", 2)]
    assert (tmp_path / "output" / "en" / "rss.xml").is_file()
    assert (tmp_path / "output" / SV_PAGE).is_file()


ESCAPES = {
    "the shell through cycler's globals":
        '{{ cycler.__init__.__globals__.os.popen("touch PWNED").read() }}',
    "the shell through a subclass of object":
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "the shell through a joiner's globals":
        '{{ joiner.__init__.__globals__.os.system("touch PWNED") }}',
    "changing the data it is given": "{{ page.alternates.append(1) }}",
    "Python's format string attribute walk": '{{ "{0.__class__}".format(page) }}',
}


@pytest.mark.parametrize("case", sorted(ESCAPES))
def test_a_template_cannot_leave_the_sandbox(case, tmp_path):
    make_site(tmp_path, {"article.html": ARTICLE.format(line=ESCAPES[case])})
    code, report, stderr = build(tmp_path)
    assert not (tmp_path / "PWNED").exists()
    assert code == 1, stderr
    [problem] = errors(report)
    assert (problem["path"], problem["line"]) == ("templates/article.html", 4)
    assert problem["message"].startswith("not allowed in a template: ")
    assert "templates are sandboxed" in problem["hint"]
    assert not (tmp_path / "output" / SV_PAGE).exists()


def test_the_sandbox_error_says_what_was_refused(tmp_path):
    make_site(tmp_path, {"article.html": ARTICLE.format(line=ESCAPES[
        "the shell through cycler's globals"])})
    code, report, _ = build(tmp_path)
    [problem] = errors(report)
    assert problem["message"].startswith(
        "not allowed in a template: access to attribute '__init__' of 'type' object is "
        "unsafe (")
    assert "templates are sandboxed" in problem["hint"]


def test_the_built_in_theme_renders_in_the_sandbox(tmp_path):
    """Every theme template (with the summary notice's str.format) works sandboxed."""
    summary = ENGLISH.replace("---\n\n", "summary_only: true\n---\n\n")
    write_site(tmp_path, {"bibliotek.md": SWEDISH, "library.en.md": summary})
    code, report, stderr = build(tmp_path)
    assert code == 0, stderr
    page = (tmp_path / "output" / EN_PAGE).read_text(encoding="utf-8")
    assert "This is a summary. The full article is in Swedish:" in page


def test_an_error_outside_the_sites_templates_is_a_bug_not_the_authors(tmp_path):
    config = load_config(make_site(tmp_path, {}) / "bilingual.toml")
    try:
        raise KeyError("no template involved")
    except KeyError as problem:
        assert template_diagnostic(problem, config) is None


def test_a_failure_with_no_site_template_still_exits_2(tmp_path, monkeypatch):
    import pipeline.render

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in bilingual")

    monkeypatch.setattr(pipeline.render, "article_body_html", broken)
    make_site(tmp_path, {})
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["build"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2
    assert "internal error: RuntimeError: a bug in bilingual" in result.stderr


def newsletter(folder: Path) -> tuple[int, str]:
    """`bilingual newsletter --since 2025-01-01` in ``folder``: exit code and stderr."""
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, ["newsletter", "--since", "2025-01-01",
                                           "--date", "2025-04-01"])
    finally:
        os.chdir(cwd)
    return result.exit_code, result.stderr


@pytest.mark.parametrize("name, text, line, what", [
    ("newsletter/email.html", "<html>\n<body>\n{{ mail.rubrik }}\n</body>\n</html>\n", 3,
     "undefined: the data has no field 'rubrik'"),
    ("newsletter/email.txt", "{{ mail.subject }}\n{% for s in mail.sections %}\n", 2,
     "template syntax"),
    ("newsletter/email.txt", "{{ mail.__class__.__mro__ }}\n", 1, "not allowed"),
])
def test_a_newsletter_template_mistake_is_named_and_nothing_is_written(
        tmp_path, name, text, line, what):
    make_site(tmp_path, {name: text})
    code, stderr = newsletter(tmp_path)
    assert code == 1, stderr
    assert f"templates/{name}:{line}: error[template]: {what}" in stderr
    assert "internal error" not in stderr
    assert not (tmp_path / "output" / "newsletter").exists()


def summary_only_site(root: Path) -> Path:
    """One article, in English only, marked as a summary of a version that is not there."""
    lonely = ENGLISH.replace("---\n\n", "summary_only: true\n---\n\n")
    return write_site(root, {"library.en.md": lonely})


def test_a_summary_with_no_full_version_shows_no_empty_notice(tmp_path):
    code, report, _ = build(summary_only_site(tmp_path))
    assert code == 0
    page = (tmp_path / "output" / EN_PAGE).read_text(encoding="utf-8")
    assert "summary-notice" not in page and "This is a summary" not in page
    index = (tmp_path / "output" / "en" / "index.html").read_text(encoding="utf-8")
    assert ">summary</span>" not in index
    feed = (tmp_path / "output" / "en" / "atom.xml").read_text(encoding="utf-8")
    assert "This is a summary" not in feed
    [warning] = [d for d in report["diagnostics"] if d["code"] == "summary-only"]
    assert (warning["path"], warning["severity"]) == ("articles/library.en.md", "warning")
    assert "no other language has the full article" in warning["message"]
    assert "remove 'summary_only: true'" in warning["hint"]


def test_a_summary_beside_its_full_version_keeps_notice_badge_and_no_warning(tmp_path):
    summary = ENGLISH.replace("---\n\n", "summary_only: true\n---\n\n")
    write_site(tmp_path, {"bibliotek.md": SWEDISH, "library.en.md": summary})
    code, report, _ = build(tmp_path)
    assert code == 0
    assert not [d for d in report["diagnostics"] if d["code"] == "summary-only"]
    index = (tmp_path / "output" / "en" / "index.html").read_text(encoding="utf-8")
    assert ">summary</span>" in index
    page = (tmp_path / "output" / EN_PAGE).read_text(encoding="utf-8")
    assert 'class="summary-notice"' in page and 'href="/sv/nytt-bibliotek-oppnar/"' in page
