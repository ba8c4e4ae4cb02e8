"""The command's front door: a bare ``bilingual build`` runs without Click and says and
exits exactly what the Click command says; any other command line goes to Click."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from pipeline.console import guarded
from pipeline.entry import main

from .conftest import CHOIR_ARTICLE, copy_bundled_site, write_site

GOOD = CHOIR_ARTICLE

#: The same build through Click's parsing (an option that changes nothing).
VIA_CLICK = ["build", "--jobs", "1"]


def _run(folder, code: str) -> tuple[int, str, str]:
    """``python -c code`` in ``folder``: a fresh interpreter, to see what it loads."""
    result = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True,
                            text=True, timeout=120)
    return result.returncode, result.stdout, result.stderr


def _inside(folder, arguments: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    """``bilingual <arguments>`` through the front door, in this process, in ``folder``."""
    monkeypatch.chdir(folder)
    try:
        main(arguments)
        code = 0
    except SystemExit as stop:
        code = stop.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def _same(one: tuple[int, str, str], other: tuple[int, str, str]) -> None:
    """Equal exit codes, stdout and stderr, but for the seconds the build took (any
    decimal number: the JSON report's timings too) and the folder it ran in."""
    def plain(text: str) -> str:
        return re.sub(r"/(bare|click)\b", "/SITE", re.sub(r"\d+\.\d+", "N", text))
    assert (one[0], plain(one[1]), plain(one[2])) == (other[0], plain(other[1]),
                                                      plain(other[2]))


def test_a_bare_build_never_loads_click(tmp_path):
    site = write_site(tmp_path / "site", {"kor.sv.md": GOOD})
    code, out, _ = _run(site, (
        "import atexit, sys\n"
        "atexit.register(lambda: print('click loaded:', 'click' in sys.modules))\n"
        "from pipeline.entry import main\nmain(['build', '--strict'])"))
    assert code == 0 and "Built 1 article into output/" in out
    assert "click loaded: False" in out


@pytest.mark.parametrize("flags", [["--check"], ["--strict"], ["--json", "--drafts"],
                                   ["--future", "--check", "--strict"]])
def test_build_with_on_off_flags_says_what_the_click_command_says(tmp_path, flags, capsys,
                                                                  monkeypatch):
    for name in ("bare", "click"):
        folder = write_site(tmp_path / name, {
            "kor.sv.md": GOOD, "utkast.sv.md": GOOD.replace("date:", "draft: true\ndate:")
            .replace("Kören sjöng", "Utkastet om kören")})
        _inside(folder, VIA_CLICK, capsys, monkeypatch)  # built once, so --check can pass
    bare = _inside(tmp_path / "bare", ["build", *flags], capsys, monkeypatch)
    _same(bare, _inside(tmp_path / "click", [*VIA_CLICK, *flags], capsys, monkeypatch))
    if "--json" in flags:
        assert bare[1].lstrip().startswith("{")


def test_anything_else_after_build_goes_to_click(tmp_path, capsys, monkeypatch):
    site = write_site(tmp_path / "site", {"kor.sv.md": GOOD})
    for arguments in (["build", "--strict", "--strict"], ["build", "--jobs", "1"],
                      ["build", "--strct"]):
        code, _, err = _inside(site, arguments, capsys, monkeypatch)
        assert code == (2 if arguments[-1] == "--strct" else 0), (arguments, err)


@pytest.mark.parametrize("case", ["fine", "with errors", "without a config"])
def test_a_bare_build_says_and_exits_what_the_click_command_does(tmp_path, case, capsys,
                                                                 monkeypatch):
    for name in ("bare", "click"):
        folder = tmp_path / name
        if case == "fine":
            copy_bundled_site(folder)
        elif case == "with errors":
            write_site(folder, {"kor.sv.md": GOOD, "trasig.md": "---\ntitle: [x\n---\nText.\n"})
        else:
            write_site(folder, {"kor.sv.md": GOOD})
            (folder / "bilingual.toml").unlink()
    bare = _inside(tmp_path / "bare", ["build"], capsys, monkeypatch)
    _same(bare, _inside(tmp_path / "click", VIA_CLICK, capsys, monkeypatch))
    assert bare[0] == {"fine": 0, "with errors": 1, "without a config": 0}[case]
    # Nothing changed: the shortcut's report, through both doors.
    _same(_inside(tmp_path / "bare", ["build"], capsys, monkeypatch),
          _inside(tmp_path / "click", VIA_CLICK, capsys, monkeypatch))


def test_files_not_made_by_bilingual_are_still_listed_when_nothing_changed(
        tmp_path, capsys, monkeypatch):
    site = write_site(tmp_path / "site", {"kor.sv.md": GOOD})
    assert _inside(site, ["build"], capsys, monkeypatch)[0] == 0
    (site / "output" / "mine.txt").write_text("min egen fil", encoding="utf-8")
    (site / "articles" / "kor.sv.md").write_text(GOOD + "\nEtt stycke till.\n",
                                                 encoding="utf-8")
    for _ in range(2):  # the build that found it, then one with nothing to do
        code, _, err = _inside(site, ["build"], capsys, monkeypatch)
        assert code == 0 and "not made by bilingual, left alone: mine.txt" in err


def test_other_command_lines_go_to_click(tmp_path, capsys, monkeypatch):
    site = write_site(tmp_path / "site", {"kor.sv.md": GOOD})
    code, out, _ = _inside(site, ["build", "--json"], capsys, monkeypatch)
    assert code == 0 and out.lstrip().startswith("{")
    code, _, err = _inside(site, ["build", "--no-such-option"], capsys, monkeypatch)
    assert code == 2 and "No such option" in err


def test_a_bug_is_a_short_message_and_exit_2(capsys, monkeypatch):
    monkeypatch.delenv("BILINGUAL_DEBUG", raising=False)
    with pytest.raises(SystemExit) as stopped:
        guarded(lambda: {}["missing"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "internal error: KeyError" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as interrupted:
        guarded(lambda: (_ for _ in ()).throw(KeyboardInterrupt))
    assert interrupted.value.code == 130
