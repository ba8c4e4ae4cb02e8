"""The CI workflow that `bilingual init` writes runs as written, in a fresh venv.

A wheel of this project stands in for the release on PyPI. The workflow's `run:` steps are
executed in order with bash, as GitHub runs them, with the workflow's `env:` applied; its
`uses:` steps (checkout, setup-python, cache, upload) are GitHub's own and are skipped.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pipeline import __version__
from pipeline.cli import main
from pipeline.scaffold import init_site

from .conftest import ROOT

WORKFLOW = ".github/workflows/build.yml"
SITE_PATHS = ["articles/**", "pages/**", "templates/**", "bilingual.toml", "requirements.txt",
              WORKFLOW]
#: What pip says when it cannot reach an index or has no copy of a package: then the test
#: cannot run on this machine (no network and no local wheels), which is not our fault.
CANNOT_DOWNLOAD = ("No matching distribution found for", "Could not find a version that",
                   "Failed to establish a new connection", "Temporary failure in name resolution",
                   "Network is unreachable", "Max retries exceeded")
#: The bash that GitHub runs a `shell: bash` step with.
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]
#: The `if:` forms the workflow may use and this test can evaluate.
CONDITION = re.compile(r"^(env\.(\w+)|github\.event_name) (==|!=) '([^']*)'$")


def unavailable(reason: str) -> None:
    """Skip here, but fail in CI, where the test must run."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)")
    pytest.skip(reason)


def cannot_download(pip_output: str) -> bool:
    """True when pip failed for want of a network or cached wheels, not because of us;
    not finding bilingual-publish itself is our failure (the wheel folder is given)."""
    if re.search(r"No matching distribution found for bilingual[-_]publish", pip_output,
                 re.IGNORECASE):
        return False
    return any(marker in pip_output for marker in CANNOT_DOWNLOAD)


@pytest.fixture(scope="session")
def wheel_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding one wheel of this project, built once per test session."""
    # Built from a copy: a build in the repository leaves build/ behind, whose stale files
    # setuptools puts into later wheels, and two test runs at once would share it.
    source = tmp_path_factory.mktemp("source") / "bilingual"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "output", ".cache", "build", "dist", "*.egg-info", "node_modules",
        "__pycache__", ".*_cache", ".hypothesis", ".tools", ".work", "golden"))
    folder = tmp_path_factory.mktemp("wheels")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-w",
                            str(folder)], cwd=source, capture_output=True, text=True)
    if built.returncode and cannot_download(built.stdout + built.stderr):
        unavailable(f"cannot build the wheel: no network and no local copy of setuptools "
                    f"for the build:\n{built.stderr[-2000:]}")
    assert built.returncode == 0, built.stdout + built.stderr
    assert [wheel.name for wheel in folder.iterdir()] == [
        f"bilingual_publish-{__version__}-py3-none-any.whl"]
    return folder


@dataclass(frozen=True, slots=True)
class Step:
    """One `run:` step of the workflow, as GitHub would run it or skip it."""

    name: str  #: its `name:`, or its script when it has none
    script: str  #: the bash it runs
    runs: bool  #: whether its `if:` holds for the event and env given


def load_workflow(site: Path) -> dict:
    """The site's workflow; PyYAML reads the key `on` as True (YAML 1.1), so rename it."""
    workflow = yaml.safe_load((site / WORKFLOW).read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True)
    return workflow


def condition_holds(condition: str, environment: dict[str, str], event: str) -> bool:
    """Evaluate an `if:` made of `env.X == 'v'`, `!=` and `github.event_name` terms
    joined by `&&`; any other form fails the test, so the workflow cannot drift out of
    what is tested here."""
    verdict = True
    for term in condition.split("&&"):
        match = CONDITION.match(term.strip())
        assert match, f"the test cannot evaluate `if: {condition}`; keep to the simple forms"
        value = environment.get(match[2], "") if match[2] else event
        verdict = verdict and ((value == match[4]) == (match[3] == "=="))
    return verdict


def workflow_steps(workflow: dict, environment: dict[str, str], event: str) -> list[Step]:
    """The `run:` steps of the one job, in order, each marked with whether it runs."""
    assert workflow["defaults"]["run"]["shell"] == "bash"
    (job,) = workflow["jobs"].values()
    return [Step(step.get("name", step["run"]), step["run"],
                 condition_holds(step["if"], environment, event) if "if" in step else True)
            for step in job["steps"] if "run" in step]


def make_venv(folder: Path) -> Path:
    """A fresh venv with pip and nothing else; returns it."""
    made = subprocess.run([sys.executable, "-m", "venv", str(folder)], capture_output=True,
                          text=True)
    if made.returncode:
        unavailable(f"python -m venv does not work here:\n{made.stderr}")
    return folder


def step_environment(workflow: dict, venv: Path, wheels: Path, event: str,
                     **overrides: str) -> dict[str, str]:
    """What a step sees: this machine's environment with the workflow's `env:` (and any
    override) on top, the venv first on PATH, and the wheel folder beside any find-links
    already configured (so local wheel caches keep working)."""
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    environment.update({name: str(value) for name, value in workflow["env"].items()})
    environment.update(overrides)
    find_links = " ".join(filter(None, [str(wheels), os.environ.get("PIP_FIND_LINKS", "")]))
    environment.update({
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "VIRTUAL_ENV": str(venv), "PIP_FIND_LINKS": find_links, "GITHUB_EVENT_NAME": event})
    return environment


def run_step(step: Step, site: Path, environment: dict[str, str]) -> subprocess.CompletedProcess:
    """Run one step's script in the site folder."""
    return subprocess.run([*BASH, "-c", step.script], cwd=site, env=environment,
                          capture_output=True, text=True, timeout=600)


def run_workflow(site: Path, venv: Path, wheels: Path, event: str = "push",
                 **overrides: str) -> dict[str, subprocess.CompletedProcess]:
    """Run every step that the workflow would run for ``event``, in order; stop at the first
    that fails. Returns what each step that ran printed, by step name."""
    workflow = load_workflow(site)
    environment = step_environment(workflow, venv, wheels, event, **overrides)
    results = {}
    for step in workflow_steps(workflow, environment, event):
        if not step.runs:
            continue
        result = results[step.name] = run_step(step, site, environment)
        output = result.stdout + result.stderr
        if result.returncode and "pip install" in step.script and cannot_download(output):
            unavailable(f"pip cannot download bilingual's dependencies here (no network "
                        f"and no local wheels):\n{output[-2000:]}")
        assert result.returncode == 0, f"step {step.name!r} failed:\n{output}"
    return results


def new_site(folder: Path) -> Path:
    """A site made by `bilingual init`, in git as a checkout would be."""
    init_site(folder)
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


def untracked(site: Path) -> list[str]:
    """Files git would offer to commit: what .gitignore does not hide."""
    return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                           cwd=site, capture_output=True, text=True, check=True).stdout.split("\n")


def test_the_workflow_init_writes_builds_the_site_in_a_fresh_venv(tmp_path, wheel_folder):
    """Install from requirements.txt, build, leave the site in output/; STRICT works."""
    site = new_site(tmp_path / "site")
    before = untracked(site)
    venv = make_venv(tmp_path / "venv")

    results = run_workflow(site, venv, wheel_folder)

    assert [name for name in results if "Install" in name and "requirements" in name]
    assert any(f"bilingual, version {__version__}" in result.stdout
               for result in results.values())
    assert not [name for name in results if "Check" in name]
    for page in ("sv/index.html", "en/index.html", "sitemap.xml", "sv/atom.xml",
                 "sv/valkommen-till-var-nya-webbplats/index.html"):
        assert (site / "output" / page).is_file(), page
    report = json.loads((site / "build-report.json").read_text(encoding="utf-8"))
    assert report["ok"] and report["diagnostics"] == []
    imported = subprocess.run([str(venv / "bin" / "python"), "-c",
                               "import pipeline; print(pipeline.__file__)"],
                              cwd=site, capture_output=True, text=True, check=True).stdout
    assert Path(imported.strip()).is_relative_to(venv), "the venv ran this repository's code"
    assert untracked(site) == before, ".gitignore lets what the build makes be committed"

    # STRICT: "true" adds --strict: a warning fails the build, which it otherwise does not.
    (site / "articles" / "utan-datum.md").write_text(
        "---\ntitle: Utan datum\nlang: sv\n---\n\n"
        "En artikel om kommunens arbete med vatten och skolor i regionen.\n", encoding="utf-8")
    workflow = load_workflow(site)
    for strict, exit_code in (("false", 0), ("true", 1)):
        environment = step_environment(workflow, venv, wheel_folder, "push", STRICT=strict)
        (build,) = [step for step in workflow_steps(workflow, environment, "push")
                    if step.runs and "bilingual build" in step.script]
        result = run_step(build, site, environment)
        assert result.returncode == exit_code, result.stdout + result.stderr
        assert "warning[no-date]" in result.stderr


def test_check_only_checks_the_committed_output_and_skips_the_nightly_run(tmp_path,
                                                                         wheel_folder,
                                                                         monkeypatch):
    """CHECK_ONLY: output/ built on someone's machine and committed passes the check,
    a forgotten rebuild fails it, and the nightly run does not check at all."""
    site = new_site(tmp_path / "site")
    monkeypatch.chdir(site)
    built = CliRunner().invoke(main, ["build", "--strict"])
    assert built.exit_code == 0, built.output
    shutil.rmtree(site / ".cache")  # ignored by git, so not in CI's checkout
    venv = make_venv(tmp_path / "venv")

    results = run_workflow(site, venv, wheel_folder, CHECK_ONLY="true")
    (check,) = [result for name, result in results.items() if "Check" in name]
    assert "is up to date" in check.stdout
    assert not (site / "build-report.json").exists(), "the build step ran too"

    article = site / "articles" / "citat.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nEtt nytt stycke i texten.\n",
                       encoding="utf-8")
    workflow = load_workflow(site)
    environment = step_environment(workflow, venv, wheel_folder, "push", CHECK_ONLY="true")
    (check_step,) = [step for step in workflow_steps(workflow, environment, "push")
                     if step.runs and "--check" in step.script]
    stale = run_step(check_step, site, environment)
    assert stale.returncode == 1 and "stale: output/" in stale.stderr

    nightly = [step for step in workflow_steps(workflow, environment, "schedule") if step.runs]
    assert not [step for step in nightly if re.search(r"^\s*bilingual build", step.script, re.M)]
    assert [step for step in nightly if "pip install -r requirements.txt" in step.script]


def test_the_workflow_s_triggers_schedule_caches_and_ignores(tmp_path):
    """The parts GitHub runs and this machine cannot: triggers, the schedule, caches."""
    site = tmp_path / "site"
    init_site(site)
    workflow = load_workflow(site)
    triggers = workflow["on"]
    assert triggers["push"]["paths"] == triggers["pull_request"]["paths"] == SITE_PATHS
    assert "workflow_dispatch" in triggers
    assert workflow["env"] == {"CHECK_ONLY": "false", "STRICT": "false"}
    # Scheduled articles go live at midnight site time: the nightly run must come just
    # after it in winter (CET) and in summer (CEST) alike.
    (schedule,) = triggers["schedule"]
    minute, hour, *every = schedule["cron"].split()
    assert every == ["*", "*", "*"]
    for day in (datetime.date(2025, 1, 15), datetime.date(2025, 7, 15)):
        moment = datetime.datetime(day.year, day.month, day.day, int(hour), int(minute),
                                   tzinfo=datetime.UTC)
        local = moment.astimezone(zoneinfo.ZoneInfo("Europe/Stockholm"))
        assert local.date() > day and local.hour < 2, local

    (job,) = workflow["jobs"].values()
    uses = {step["uses"].split("@")[0]: step.get("with", {}) for step in job["steps"]
            if "uses" in step}
    assert uses["actions/setup-python"]["cache"] == "pip"
    assert uses["actions/setup-python"]["cache-dependency-path"] == "requirements.txt"
    assert uses["actions/cache"]["path"] == ".cache"
    assert uses["actions/upload-artifact"]["path"] == "output/"
    install = [step["run"] for step in job["steps"] if "pip install" in step.get("run", "")]
    assert install and "python -m pip install -r requirements.txt" in install[0]

    ignored = (site / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "output/" in ignored and ".cache/" in ignored
    comment = " ".join(ignored[:ignored.index("output/")])
    assert "CHECK_ONLY" in comment and "remove" in comment

    requirement = (site / "requirements.txt").read_text(encoding="utf-8").splitlines()[-1]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert requirement == f"{project['name']}=={__version__}" == \
        f"bilingual-publish=={__version__}"
