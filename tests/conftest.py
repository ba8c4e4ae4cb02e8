"""Shared fixtures and helpers: the project root, ../shared, small sites built in tmp_path,
builds run in-process or as a process of their own, and the built sites the feed and
validator tests check. Test modules import helpers from here, never from each other."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.detectors import make_detector
from pipeline.language import LanguageTagger

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
NO_SHARED = (f"{SHARED} is absent: the real corpus and langid data live in ../shared, "
             "which CI places beside the clone; outside CI this test cannot run")
#: Text fixtures: title, input, expected (see load_cases).
CASES = Path(__file__).parent / "cases"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output instead of comparing")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def tagger():
    """The default sv/en detector behind an in-memory cache."""
    return LanguageTagger(make_detector("langdetect", ("sv", "en")))


# --- sites ------------------------------------------------------------------------------


def write_site(root: Path, files: dict[str, str | bytes], config: str | None = None) -> Path:
    """Create a site folder with bilingual.toml and the given article files."""
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "bilingual.toml").write_text(config if config is not None else (
        'base_url = "https://example.org/"\nlanguages = ["sv", "en"]\n'
        'default_language = "sv"\n[title]\nsv = "Nyheter"\nen = "News"\n'), encoding="utf-8")
    for name, content in files.items():
        target = root / "articles" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root

#: A short Swedish article with plain front matter, for tests that need any good source.
CHOIR_ARTICLE = """---
title: Kören sjöng i stadshuset
date: 2025-03-02
---

Kören från musikskolan sjöng för fullsatt sal i stadshuset på lördagen. Publiken fick
höra både gamla folkvisor och nya sånger som eleverna har skrivit själva under hösten.
"""


def copy_bundled_site(folder: Path) -> Path:
    """The bundled site's articles and bilingual.toml, copied into ``folder``."""
    shutil.copytree(ROOT / "articles", folder / "articles")
    shutil.copy(ROOT / "bilingual.toml", folder / "bilingual.toml")
    return folder


def retitle(site: Path, **titles: str) -> None:
    """Set the site's title per language (``sv="…"``) in its bilingual.toml [title] table;
    the title is on every page, so every page in those languages changes."""
    config = site / "bilingual.toml"
    head, table, rest = config.read_text(encoding="utf-8").partition("[title]\n")
    assert table, f"{config} has no [title] table"
    body, next_table, tail = rest.partition("\n[")
    for lang, title in titles.items():
        body, found = re.subn(rf'^{lang} = "[^"\n]*"$', f'{lang} = "{title}"', body,
                              flags=re.MULTILINE)
        assert found == 1, f"{config} names no [title] {lang}"
    config.write_text(head + table + body + next_table + tail, encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path):
    """Factory: site(files, config=None) -> loaded Config for a fresh site in tmp_path."""
    def make(files: dict[str, str | bytes], config: str | None = None):
        write_site(tmp_path, files, config)
        return load_config(tmp_path / "bilingual.toml")
    return make


@pytest.fixture
def empty_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site with no articles in tmp_path, which is the current folder."""
    write_site(tmp_path, {})
    monkeypatch.chdir(tmp_path)
    return tmp_path


@functools.cache
def load_sitegen():
    """benchmarks/sitegen.py, the generator of sites of any size, loaded from its file."""
    spec = importlib.util.spec_from_file_location("sitegen", ROOT / "benchmarks" / "sitegen.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def sitegen():
    """benchmarks/sitegen.py: ``generate(count, seed, source)`` and
    ``write_bilingual_site(folder, articles)`` for tests that need many articles."""
    return load_sitegen()


# --- builds -----------------------------------------------------------------------------


def build_json(folder: Path, *options: str) -> tuple[int, dict, str]:
    """`bilingual build --json` in ``folder``: exit code, the JSON report, stderr."""
    from click.testing import CliRunner

    from pipeline.cli import main

    cwd = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, ["build", "--json", *options])
    finally:
        os.chdir(cwd)
    return result.exit_code, json.loads(result.stdout), result.stderr


def run_build(folder: Path, *options: str, jobs: int | None = 1, env: dict | None = None,
              check: bool = False, timeout: float = 300) -> tuple[int, str, str]:
    """`bilingual build --jobs <jobs>` (no --jobs when None) as a process of its own in
    ``folder``, as CI runs it: a fresh interpreter, its own signals and hash seed. The
    exit code, stdout and stderr; ``check`` fails the test unless the exit code is 0."""
    jobs_option = () if jobs is None else ("--jobs", str(jobs))
    result = subprocess.run([sys.executable, "-m", "pipeline", "build", *jobs_option,
                             *options], cwd=folder, capture_output=True, text=True,
                            timeout=timeout, env={**os.environ, **(env or {})})
    assert not check or result.returncode == 0, result.stdout + result.stderr
    return result.returncode, result.stdout, result.stderr


def tree_digest(folder: Path) -> dict[str, str]:
    """sha256 of every file below folder, by relative path."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- waiting and serving ----------------------------------------------------------------


def wait_for(condition, seconds: float = 30.0, pause: float = 0.2):
    """The first true value of ``condition()``, tried until ``seconds`` have passed (an
    OSError, such as a server not listening yet, counts as not yet)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
            if value:
                return value
        except OSError:
            pass
        time.sleep(pause)
    raise AssertionError("timed out")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- reading fixtures and pages ---------------------------------------------------------


def load_cases(name: str) -> list[tuple[str, str, list[str]]]:
    """Read fixtures: a title line, '.', the input, '.', the expected blocks, '.'."""
    cases = []
    chunks = (CASES / name).read_text(encoding="utf-8").split("\n.\n")
    # chunks: title, input, expected, title, input, expected, ...; a trailing "" at the end
    position = 0
    while position + 2 < len(chunks) + 1 and chunks[position].strip():
        title = chunks[position].strip().splitlines()[-1]
        source = chunks[position + 1] + "\n"
        expected = [line for line in chunks[position + 2].splitlines() if line.strip()]
        cases.append((title, source, expected))
        position += 3
    # A slip in the separators would end the loop early and drop the cases after it
    # without a word: whatever is left must be blank.
    leftover = [chunk for chunk in chunks[position:] if chunk.strip()]
    assert not leftover, f"{name}: cannot read the fixture from {leftover[0][:60]!r} on"
    assert cases, f"{name} holds no cases"
    return cases


class PageLinks(HTMLParser):
    """A page's <html lang>, alternate links, canonical link, the language switcher's
    links and every other element that carries a lang."""

    def __init__(self) -> None:
        super().__init__()
        self.html_lang = None
        self.alternates: dict[str, str] = {}
        self.canonical = None
        self.in_switcher = False
        self.switcher: list[dict] = []
        self.lang_elements: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        elif tag == "link" and attributes.get("rel") == "alternate" and "hreflang" in attributes:
            self.alternates[attributes["hreflang"]] = attributes["href"]
        elif tag == "link" and attributes.get("rel") == "canonical":
            self.canonical = attributes["href"]
        elif tag == "nav" and "switcher" in attributes.get("class", ""):
            self.in_switcher = True
        elif tag == "a" and self.in_switcher:
            self.switcher.append(attributes)
        if "lang" in attributes and tag != "html":
            self.lang_elements.append((tag, attributes["lang"]))

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_switcher = False


def page_links(path: Path) -> PageLinks:
    """The links and languages of the HTML page at ``path``."""
    collector = PageLinks()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


# --- built sites for the feed and validator tests ---------------------------------------


def build_bundled(folder: Path) -> tuple:
    """The bundled site, built into ``folder``."""
    from pipeline.build import run

    config = load_config(ROOT / "bilingual.toml", output=folder)
    report = run(config)
    assert report.ok, [d.format() for d in report.diagnostics]
    return config, folder


def build_corpus(folder: Path) -> tuple:
    """A site whose only article is the real ICLD post from ../shared/corpus."""
    from pipeline.build import run

    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip(NO_SHARED)
    site = folder / "site"
    write_site(site, {})
    for source in sorted(corpus.glob("*.txt")):
        shutil.copy(source, site / "articles" / source.name)
    config = load_config(site / "bilingual.toml")
    report = run(config)
    assert report.ok, [d.format() for d in report.diagnostics]
    return config, config.output


def build_preview(folder: Path) -> tuple:
    """The bundled site plus a draft and a scheduled article, built as `serve` shows it:
    with their badges and noindex, which must pass the validators too."""
    import datetime

    from pipeline.build import run
    from pipeline.schedule import Visibility

    site = copy_bundled_site(folder / "site")
    (site / "articles" / "budgetdialog.md").write_text(
        "---\ntitle: Budgetdialog med unga\nlang: sv\ndate: 2025-06-02\ndraft: true\n---\n"
        "Ungdomsrådet bjuder in till samtal om nästa års budget för fritid och kultur.\n",
        encoding="utf-8")
    (site / "articles" / "harbour.en.md").write_text(
        "---\ntitle: The harbour opens to visitors\ndate: 2031-05-02\n"
        "publish_at: 2031-05-02 09:30\n---\nThe rebuilt harbour opens to visitors with "
        "guided walks along the new quay.\n", encoding="utf-8")
    config = load_config(site / "bilingual.toml")
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    report = run(config, visibility=Visibility(now, drafts=True, future=True))
    assert report.ok and report.held == (), [d.format() for d in report.diagnostics]
    return config, config.output


@pytest.fixture(scope="session", params=["bundled", "corpus", "preview"])
def built_site(request, tmp_path_factory):
    """(config, output folder) for each site the validators must pass on."""
    folder = tmp_path_factory.mktemp(request.param)
    build = {"bundled": build_bundled, "corpus": build_corpus, "preview": build_preview}
    return build[request.param](folder)
