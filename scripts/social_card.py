"""Make the default social-card image, assets/social-card.png (1200 × 630 px).

    .venv/bin/python scripts/social_card.py [--site ROOT] [--out assets/social-card.png]

Every page names it as its `og:image`, the picture a link to the site gets when it is
shared (the big networks take PNG or JPEG, not SVG). It shows the site's sender, name
and address from ROOT's site.yaml, drawn by Debian's Chromium (the test suite's
Playwright) from the HTML below, in the site's colours. Run it again after changing
those settings or the design; the PNG is committed like any other asset.
"""

from __future__ import annotations

import argparse
import html
import sys
from pathlib import Path
from urllib.parse import urlsplit

from sitegen.config import SiteConfig, load_config

REPO = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 1200, 630

CARD = """<!doctype html>
<html lang="sv">
<meta charset="utf-8">
<style>
  html, body {{ margin: 0; width: {width}px; height: {height}px; }}
  body {{ box-sizing: border-box; padding: 72px 80px; display: flex; flex-direction: column;
         justify-content: space-between; background: #0b5c8a; color: #fdfcfa;
         font-family: system-ui, "DejaVu Sans", sans-serif; hyphens: auto; }}
  .sender {{ font-size: 30px; margin: 0; opacity: 0.92; }}
  h1 {{ font-size: 68px; line-height: 1.12; margin: 0; max-width: 1000px; }}
  .address {{ font-size: 28px; margin: 0; border-top: 4px solid #fdfcfa; padding-top: 22px; }}
</style>
<body>
  <p class="sender">{sender}</p>
  <h1>{title}</h1>
  <p class="address">{address}</p>
</body>
</html>
"""


def card_html(config: SiteConfig) -> str:
    return CARD.format(width=WIDTH, height=HEIGHT, sender=html.escape(config.sender),
                       title=html.escape(config.title),
                       address=html.escape(urlsplit(config.base_url).netloc))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/social_card.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=REPO, help="the site's root folder")
    parser.add_argument("--out", type=Path, default=REPO / "assets" / "social-card.png")
    args = parser.parse_args(argv)
    config = load_config(args.site)
    if isinstance(config, list):
        for problem in config:
            print(problem, file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                     args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.set_content(card_html(config))
        page.screenshot(path=str(args.out), type="png")
        browser.close()
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
