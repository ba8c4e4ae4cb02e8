"""The bundled articles build to exactly the tree in tests/golden/site.

After an intended change to the output, regenerate it with `make golden`
(pytest tests/test_golden.py --update-golden) and review the diff in git.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.build import run
from pipeline.config import load_config

from .conftest import ROOT

GOLDEN = Path(__file__).parent / "golden" / "site"


def files_below(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_bundled_site_matches_the_golden_tree(tmp_path, update_golden):
    output = tmp_path / "output"
    report = run(load_config(ROOT / "bilingual.toml", output=output))
    assert report.ok, [d.format() for d in report.diagnostics]
    assert report.diagnostics == ()
    built = files_below(output)
    if update_golden:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(output, GOLDEN)
        return
    golden = files_below(GOLDEN)
    assert sorted(built) == sorted(golden), "pages added or missing: run `make golden`"
    for path, content in golden.items():
        assert built[path] == content, f"{path} differs from tests/golden: run `make golden`"
