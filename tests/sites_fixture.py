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


def build_preview(folder: Path) -> tuple:
    """The bundled site plus a draft and a scheduled article, built as `serve` shows it:
    with their badges and noindex, which must pass the validators too."""
    import datetime

    from pipeline.schedule import Visibility

    site = folder / "site"
    shutil.copytree(ROOT / "articles", site / "articles")
    shutil.copy(ROOT / "bilingual.toml", site / "bilingual.toml")
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
