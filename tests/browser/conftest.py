"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

`playwright install` cannot download browsers here, so the tests launch /usr/bin/chromium (which
.ci/run installs). Screenshots of each page land in test-artifacts/ (ignored by git).
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.factories import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Sync Playwright runs an event loop in this thread; Django's ORM must still be usable here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def chromium(chromium_path: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    from tests.conftest import skip_or_fail

    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    if not os.path.exists(path):
        skip_or_fail("browser tests need Debian's chromium (apt-get install chromium)")
    return path


class Browser:
    """Logs people in through the real login page, and keeps screenshots."""

    def __init__(self, chromium: Any, live_server: Any) -> None:
        self.chromium = chromium
        self.base = live_server.url
        self.contexts: list[Any] = []

    def page_for(self, username: str, password: str = PASSWORD) -> Any:
        context = self.chromium.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{self.base}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("form button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    def shot(self, page: Any, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browser(chromium: Any, live_server: Any) -> Iterator[Browser]:
    helper = Browser(chromium, live_server)
    yield helper
    helper.close()
