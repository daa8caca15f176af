"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

`playwright install` cannot download browsers here, so the tests launch /usr/bin/chromium (which
.ci/run installs). Screenshots of each page land in test-artifacts/ (ignored by git).

Every page a test visits is checked with axe-core (vendored in vendor/axe-core/): the Browser
helper hands out pages that run axe on each new document before the test touches it, and the
test fails on any serious or critical violation.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.factories import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
# Generous: the suite must pass on a busy 2-core machine (two suites side by side).
TIMEOUT_MS = 60_000
# Page methods that only read or listen: no new document to check before or after them.
PASSIVE = frozenset({"on", "once", "remove_listener", "is_closed", "set_default_timeout"})
# Page methods after which a new document is usually showing: check it at once.
NAVIGATING = frozenset({"goto", "reload", "go_back", "go_forward", "wait_for_load_state", "wait_for_url"})
AUDIT = """async () => {
  if (window.__axeAudited) return null;
  window.__axeAudited = true;
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(
      n => n.target.join(" ") + " — " + n.failureSummary.split("\\n").slice(1).join(" ")),
  }));
}"""


class AccessibilityError(AssertionError):
    pass


def audit(page: Any) -> None:
    """Run axe on the page's document unless it was checked already; fail on serious findings."""
    from playwright.sync_api import Error

    for _ in range(5):
        try:
            page.wait_for_load_state("load")
            if page.url.startswith("about:"):
                return
            violations = page.evaluate(AUDIT)
            break
        except Error as exc:  # the document changed under us: check the new one
            if "context was destroyed" not in str(exc) and "navigat" not in str(exc):
                raise
    else:
        raise AssertionError(f"could not run axe on {page.url}: it kept navigating")
    serious = [v for v in violations or [] if v["impact"] in FAILING_IMPACTS]
    if serious:
        lines = [f"axe: {len(serious)} serious or critical violation(s) on {page.url}"]
        for v in serious:
            lines.append(f"- {v['impact']} {v['id']}: {v['help']}")
            lines.extend(f"    {target}" for target in v["targets"])
        raise AccessibilityError("\n".join(lines))


class CheckedPage:
    """A Playwright page that runs axe on every new document before the test uses it, and right
    after a navigation. Everything else is the page itself."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.page, name)
        if name in PASSIVE or not callable(attribute):
            return attribute

        def checked(*args: Any, **kwargs: Any) -> Any:
            audit(self.page)
            result = attribute(*args, **kwargs)
            if name in NAVIGATING:
                audit(self.page)
            return result

        return checked


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
    """Hands out pages checked by axe (CheckedPage), logs people in through the real login page,
    and keeps screenshots."""

    def __init__(self, chromium: Any, live_server: Any) -> None:
        self.chromium = chromium
        self.base = live_server.url
        self.contexts: list[Any] = []
        self.pages: list[CheckedPage] = []

    def new_page(self, width: int = 1400, height: int = 1000) -> CheckedPage:
        """A page in a context of its own (its own cookies): nobody is logged in."""
        context = self.chromium.new_context(viewport={"width": width, "height": height}, locale="en-US")
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(path=str(AXE))
        self.contexts.append(context)
        page = CheckedPage(context.new_page())
        self.pages.append(page)
        return page

    def page_for(
        self, username: str, password: str = PASSWORD, width: int = 1400, height: int = 1000
    ) -> CheckedPage:
        page = self.new_page(width=width, height=height)
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

    def audit_open_pages(self) -> None:
        """The documents a test looked at last are checked too."""
        for page in self.pages:
            if not page.page.is_closed():
                audit(page.page)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def console_errors(page: CheckedPage) -> Callable[[], list[str]]:
    """Collect the page's JavaScript errors and console errors from now on; call to read them."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return lambda: list(errors)


@pytest.fixture
def browser(chromium: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Browser]:
    helper = Browser(chromium, live_server)
    yield helper
    try:
        if not getattr(request.node, "rep_call_failed", False):
            helper.audit_open_pages()
    finally:
        helper.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember whether the test body failed, so the final axe check does not pile on."""
    report = yield
    if report.when == "call":
        item.rep_call_failed = report.failed
    return report
