"""Built sites shared by the feed and validator tests: the bundled one and the corpus."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.build import run
from pipeline.config import load_config

from .conftest import NO_SHARED, ROOT, SHARED, write_site


def build_bundled(folder: Path) -> tuple:
    config = load_config(ROOT / "bilingual.toml", output=folder)
    report = run(config)
    assert report.ok, [d.format() for d in report.diagnostics]
    return config, folder


def build_corpus(folder: Path) -> tuple:
    """A site whose only article is the real ICLD post from ../shared/corpus."""
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


@pytest.fixture(scope="session", params=["bundled", "corpus"])
def built_site(request, tmp_path_factory):
    """(config, output folder) for each site the validators must pass on."""
    folder = tmp_path_factory.mktemp(request.param)
    return build_bundled(folder) if request.param == "bundled" else build_corpus(folder)
