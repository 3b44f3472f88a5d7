"""Shared test settings, and HTML reports opened in the system's headless Chromium.

Hypothesis's per-example deadline is off: the first example to reach a numba
kernel pays for compiling it (or loading it from the cache), which is
start-up time, not the behaviour under test.

Playwright drives Debian's ``chromium`` package (``executable_path``); its own
browser download (``playwright install``) is never used.  Without Chromium the
browser tests fail under CI (``CI`` set) and are skipped, with the same message,
on a developer's machine.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("paradup", deadline=None)
settings.load_profile("paradup")

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
INSTALL = (
    "the HTML report's browser tests need Chromium and Playwright's Python package: "
    "`apt-get install chromium` (Debian/Ubuntu; or set PARADUP_CHROMIUM to a Chromium binary) and "
    '`pip install -e ".[dev]"`. Do not run `playwright install`; .ci/run installs both.'
)


def chromium_path() -> str | None:
    """Return the Chromium binary to drive: ``$PARADUP_CHROMIUM``, else ``chromium`` on the PATH."""
    given = os.environ.get("PARADUP_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _unavailable(reason: str) -> None:
    message = f"{reason}; {INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed")
    path = chromium_path()
    if path is None:
        _unavailable("Chromium was not found")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Opened:
    """A report open in a page, with what the page logged and asked for."""

    page: object
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def visible_clusters(self) -> int:
        return self.page.locator("details.cluster").count()


@pytest.fixture
def open_report(browser, tmp_path):
    """Return ``open(html, fragment="")``: write the page to a file and load it from disk."""
    pages = []

    def open_(html: str, fragment: str = "", name: str = "report.html", timeout: float = 30_000) -> Opened:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        pages.append(page)
        opened = Opened(page)
        page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.on("request", lambda r: opened.requests.append(r.url))
        page.goto(path.as_uri() + fragment, timeout=timeout)
        page.wait_for_selector("body[data-ready]", timeout=timeout)
        return opened

    yield open_
    for page in pages:
        page.close()
