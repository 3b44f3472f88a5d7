"""Write the README's screenshots of the seed article's HTML report.

    python docs/make_screenshots.py            # writes docs/report-summary.png and docs/report-cluster.png

Drives the system Chromium (``chromium`` on the PATH, or ``--chromium PATH``)
with Playwright; ``tests/browser`` runs it on every test run, into a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import paradup
from paradup.reports import render

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "peru-protests-article.txt"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def take_screenshots(browser, out_dir: Path) -> list[Path]:
    """Open the seed report in ``browser`` (Playwright) and save the summary and a cluster."""
    out_dir = Path(out_dir)
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "report.html"
        page_file.write_text(render(paradup.scan([str(SEED)]), "html", timings=False), encoding="utf-8")
        page = browser.new_page(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
        try:
            page.goto(page_file.as_uri())
            page.wait_for_selector("body[data-ready]")
            summary = out_dir / "report-summary.png"
            page.screenshot(path=str(summary), full_page=True, clip=_region(page, "header.top", "#maps"))
            page.select_option("#sort", "size")  # the two three-copy clusters first, side by side
            for cluster in ("#cluster-1", "#cluster-9"):
                page.click(f"{cluster} > summary")
            cluster = out_dir / "report-cluster.png"
            page.screenshot(path=str(cluster), full_page=True, clip=_region(page, "#cluster-1", "#cluster-9"))
        finally:
            page.close()
    return [summary, cluster]


def _region(page, first: str, last: str) -> dict:
    """Return the page area (not the viewport's) from the top of ``first`` to the bottom of ``last``."""
    page.evaluate("window.scrollTo(0, 0)")
    top, bottom = page.evaluate(
        """([a, b]) => [document.querySelector(a).getBoundingClientRect().top + window.scrollY,
                        document.querySelector(b).getBoundingClientRect().bottom + window.scrollY]""",
        [first, last],
    )
    return {"x": 0, "y": max(top - 8, 0), "width": page.viewport_size["width"], "height": bottom - top + 16}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs (default: docs/)")
    parser.add_argument("--chromium", default=shutil.which("chromium"), help="Chromium binary (default: chromium)")
    args = parser.parse_args(argv)
    if not args.chromium:
        parser.error("Chromium not found: apt-get install chromium, or pass --chromium PATH")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
        for path in take_screenshots(browser, args.out):
            print(path)
        browser.close()


if __name__ == "__main__":
    main()
