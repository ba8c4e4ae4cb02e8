"""Shared fixtures: the project root, ../shared, and small sites built in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.detectors import make_detector
from pipeline.language import LanguageTagger

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
NO_SHARED = (f"{SHARED} is absent: the real corpus and langid data live in ../shared, "
             "which CI places beside the clone; outside CI this test cannot run")


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


@pytest.fixture
def site(tmp_path: Path):
    """Factory: site(files, config=None) -> loaded Config for a fresh site in tmp_path."""
    def make(files: dict[str, str | bytes], config: str | None = None):
        write_site(tmp_path, files, config)
        return load_config(tmp_path / "bilingual.toml")
    return make


def build_json(folder: Path, *options: str) -> tuple[int, dict, str]:
    """`bilingual build --json` in ``folder``: exit code, the JSON report, stderr."""
    import json
    import os

    from click.testing import CliRunner

    from pipeline.cli import main

    cwd = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, ["build", "--json", *options])
    finally:
        os.chdir(cwd)
    return result.exit_code, json.loads(result.stdout), result.stderr


def wait_for(condition, seconds: float = 30.0, pause: float = 0.2):
    """The first true value of ``condition()``, tried until ``seconds`` have passed (an
    OSError, such as a server not listening yet, counts as not yet)."""
    import time

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
