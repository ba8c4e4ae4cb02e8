"""Real validators on real output: the Nu Html Checker and axe-core in headless Chromium.

CI installs them (.ci/run: Debian's chromium, Java, `npm ci` in tools/validators). On a
machine without them these tests skip and say what to install; with CI=true set a
missing tool is a failure, never a skip.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from .conftest import ROOT

TOOLS = ROOT / "tools" / "validators" / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]


def require(ready: bool, what: str) -> None:
    """Skip (locally) or fail (in CI) when a validator is not installed."""
    if ready:
        return
    message = (f"{what} is not installed: run `make validators` (npm packages) and "
               "`apt-get install chromium default-jre-headless`; .ci/run does both")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def html_pages(output: Path) -> list[Path]:
    return sorted(output.rglob("*.html"))


def nu_errors(pages: list[Path]) -> list[str]:
    """Every error the Nu Html Checker reports for ``pages``."""
    require(VNU.is_file() and shutil.which("java") is not None, "the Nu Html Checker (vnu.jar)")
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json",
                             *map(str, pages)], capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m['message']}"
            for m in messages if m.get("type") in ("error", "non-document-error")]


def test_nu_html_checker_finds_no_errors(built_site):
    _, output = built_site
    pages = html_pages(output)
    assert len(pages) >= 5
    problems = nu_errors(pages)
    assert problems == [], "\n".join(problems)


def test_the_checkers_do_fail_on_a_broken_page(tmp_path, browser):
    broken = tmp_path / "index.html"
    broken.write_text('<!DOCTYPE html><html><head><title>x</title></head><body>'
                      '<img src="a.png"><div><p>unclosed</div></body></html>', encoding="utf-8")
    assert nu_errors([broken]), "vnu should reject a page with an unclosed element"
    page = browser.new_page()
    page.set_content(broken.read_text(encoding="utf-8"))
    page.add_script_tag(path=str(AXE))
    ids = page.evaluate("async () => (await axe.run()).violations.map(v => v.id)")
    page.close()
    assert {"html-has-lang", "image-alt"} <= set(ids)


@pytest.fixture(scope="module")
def browser():
    require(CHROMIUM.exists() and AXE.is_file(), "Chromium (/usr/bin/chromium) or axe-core")
    playwright_api = pytest.importorskip("playwright.sync_api",
                                         reason="the test extra installs playwright")
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output readable
        pass


@pytest.fixture
def served(built_site):
    """The built site on 127.0.0.1 (an ephemeral port), for the browser."""
    config, output = built_site
    handler = functools.partial(QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", output
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_core_finds_no_violations(browser, served, scheme):
    base, output = served
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    external = []
    page.on("request", lambda request: external.append(request.url)
            if not request.url.startswith(base) else None)
    failures = []
    for path in html_pages(output):
        url = base + path.relative_to(output).as_posix().removesuffix("index.html")
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate("async () => (await axe.run(document, "
                                   "{resultTypes: ['violations']})).violations")
        for violation in violations:
            targets = [node["target"] for node in violation["nodes"]]
            failures.append(f"{url} [{scheme}]: {violation['id']}: {violation['help']} "
                            f"{targets}")
    context.close()
    assert failures == [], "\n".join(failures)
    assert external == [], f"pages asked for outside resources: {external}"


def test_pages_fit_a_320_pixel_screen(browser, served):
    base, output = served
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    too_wide = []
    for path in html_pages(output):
        url = base + path.relative_to(output).as_posix().removesuffix("index.html")
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{url}: {width} px")
    context.close()
    assert too_wide == []
