"""Screenshots for the README: an article page per language and the newsletter.

    make screenshots        (or: .venv/bin/python tools/screenshots.py)

Builds articles/ and a newsletter of every bundled article into a temporary folder
(output/ is left alone), serves it on 127.0.0.1 and photographs it in Debian's headless
Chromium (/usr/bin/chromium) through Playwright. Writes docs/screenshot-sv.png,
docs/screenshot-en.png, docs/newsletter-600.png, docs/newsletter-375.png, and for the
user guide docs/preview.png (`bilingual serve` showing a problem) and docs/status.png.
"""

from __future__ import annotations

import functools
import http.server
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import datetime  # noqa: E402

from pipeline.build import collect, run  # noqa: E402
from pipeline.config import load_config  # noqa: E402
from pipeline.newsletter import make_newsletter, select_articles  # noqa: E402
from pipeline.render import make_environment  # noqa: E402
from pipeline.write import write_outputs  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = {
    "sv": "sv/tio-ar-av-vanortssamarbete-mellan-nordvik-och-kisumu/",
    "en": "en/ten-years-of-partnership-with-kisumu/",
}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        config = load_config(ROOT / "bilingual.toml", output=Path(folder))
        report = run(config)
        if not report.ok:
            print("the bundled site has errors; run `make build` to see them", file=sys.stderr)
            return 1
        issue = make_newsletter(config, make_environment(config),
                                select_articles(collect(config).sets,
                                                since=datetime.date(2000, 1, 1)).articles,
                                lang="both", date=datetime.date(2025, 9, 8))
        write_outputs(Path(folder) / "newsletter", issue.files)
        handler = functools.partial(QuietHandler, directory=folder)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                page = browser.new_page(viewport={"width": 1100, "height": 900},
                                        device_scale_factor=1)
                for lang, path in PAGES.items():
                    page.goto(base + path)
                    target = ROOT / "docs" / f"screenshot-{lang}.png"
                    page.screenshot(path=str(target), full_page=False)
                    print(f"wrote {target.relative_to(ROOT)} ({base + path})")
                shoot_preview(browser)
                shoot_status(browser, base)
                for width in (600, 375):
                    mail = browser.new_page(viewport={"width": width, "height": 800})
                    mail.goto(base + "newsletter/both.html")
                    target = ROOT / "docs" / f"newsletter-{width}.png"
                    mail.screenshot(path=str(target), full_page=True)
                    print(f"wrote {target.relative_to(ROOT)} ({width} px wide)")
                    mail.close()
                browser.close()
        finally:
            server.shutdown()
    return 0


def shoot_preview(browser) -> None:
    """The preview server with an article that has a mistake: the banner shows it."""
    import shutil
    import socket
    import threading
    import time

    from pipeline.serve import serve

    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        shutil.copytree(ROOT / "articles", site / "articles")
        shutil.copy(ROOT / "bilingual.toml", site / "bilingual.toml")
        (site / "articles" / "utkast.md").write_text(
            "---\ntitle: Utkast: inbjudan\nlang: sv\n---\n\nText.\n", encoding="utf-8")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        stop = threading.Event()
        thread = threading.Thread(target=serve, daemon=True, args=(
            site / "bilingual.toml", {}, port, lambda line: None, stop))
        thread.start()
        page = browser.new_page(viewport={"width": 1100, "height": 760})
        for _ in range(100):
            try:
                page.goto(f"http://127.0.0.1:{port}/sv/klimatveckan-samlade-unga-fran-tre-lander/")
                break
            except Exception:  # noqa: BLE001 - the server is still starting
                time.sleep(0.1)
        page.wait_for_selector("#bilingual-problems", timeout=10_000)
        target = ROOT / "docs" / "preview.png"
        page.screenshot(path=str(target))
        print(f"wrote {target.relative_to(ROOT)} (bilingual serve with a problem)")
        page.close()
        stop.set()
        thread.join(timeout=10)


def shoot_status(browser, base: str) -> None:
    """`bilingual status` on the bundled site, as a terminal would show it."""
    from html import escape

    from pipeline.status import status_table, translation_status

    config = load_config(ROOT / "bilingual.toml")
    collection = collect(config)
    rows = translation_status(config, collection.sets, collection.diagnostics,
                              collection.digests)
    text = "$ bilingual status\n" + status_table(rows, config.languages)
    page = browser.new_page(viewport={"width": 760, "height": 260})
    page.set_content('<body style="margin:0;background:#1d232a;color:#e6e8ea">'
                     '<pre style="font:15px/1.5 DejaVu Sans Mono,monospace;padding:16px;'
                     f'margin:0">{escape(text)}</pre></body>')
    target = ROOT / "docs" / "status.png"
    page.screenshot(path=str(target), full_page=True)
    print(f"wrote {target.relative_to(ROOT)} (bilingual status)")
    page.close()


if __name__ == "__main__":
    sys.exit(main())
