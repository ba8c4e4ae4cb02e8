"""Screenshots for the README: an article page per language and the newsletter.

    make screenshots        (or: .venv/bin/python tools/screenshots.py)

Builds articles/ and a newsletter of every bundled article into a temporary folder
(output/ is left alone), serves it on 127.0.0.1 and photographs it in Debian's headless
Chromium (/usr/bin/chromium) through Playwright. Writes docs/screenshot-sv.png,
docs/screenshot-en.png, docs/newsletter-600.png and docs/newsletter-375.png.
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
                                                since=datetime.date(2000, 1, 1)),
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


if __name__ == "__main__":
    sys.exit(main())
