"""The metrics page in a real browser: a senior moderator reaches it from the navigation, and its
charts render (SVG with titles, the numbers behind a disclosure), under a page with no inline script."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from oversight.metrics.days import day_bounds
from oversight.metrics.rollup import metrics_rollup
from tests.browser.conftest import Browser
from tests.factories import make_contributor, make_user
from tests.oversight.conftest import decide, make_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def history(db: None) -> dict[str, User]:
    alice = make_contributor("alice")
    mod = make_user("mod", Role.MODERATOR)
    senior = make_user("senior", Role.SENIOR_MODERATOR)
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in range(55, -1, -1)]
    queues = ["review", "review", "escalated", "takedown"]
    for n, day in enumerate(days):
        for k in range(n % 4 + 1):
            start = day_bounds(day)[0] + timedelta(hours=8 + k)
            item = make_item(
                alice,
                submitted_at=start,
                queue=queues[(n + k) % 4],
                tier=["confirmed", "possible", "suspected", "none"][(n * k) % 4],
                title=f"item {n}-{k}",
            )
            if day < today - timedelta(days=2) or k == 0:
                outcome = ["approved", "rejected", "changes_requested", "approved"][(n + k) % 4]
                reason = (
                    None if outcome == "approved" else ["unlabelled-ai", "quality", "missing-consent"][n % 3]
                )
                decide(
                    item,
                    [mod, senior][k % 2],
                    outcome,
                    start + timedelta(hours=(n % 7) * 5 + k + 1),
                    reason=reason,
                )
    metrics_rollup(days=days)
    return {"senior": senior}


def test_the_metrics_page_renders_its_charts(browser: Browser, history: dict[str, User]) -> None:
    page = browser.page_for("senior")
    page.click("text=Metrics")
    page.wait_for_url("**/oversight/metrics/")
    charts = page.locator("svg.chart")
    assert charts.count() == 14  # with the notices apps' three: notices, actions, complaints
    assert page.locator("#notices-svg").is_visible() and page.locator("#dsa-summary").is_visible()
    backlog = page.locator("#backlog-svg")
    assert backlog.is_visible()
    box = backlog.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    assert page.locator("#backlog-svg polyline").count() == 3  # one line per queue
    assert page.locator("#moderators-svg rect.bar").count() >= 2
    assert page.locator("#ttd-review-svg polyline.dashed").count() == 1  # p90
    assert page.locator("#backlog-title").text_content() == "Backlog per queue"
    assert page.locator("#metrics-summary").is_visible()
    page.locator("#chart-reasons details summary").click()
    assert page.locator("#chart-reasons table").is_visible()
    browser.shot(page, "metrics-page")
    page.select_option("#id_queue", "takedown")
    page.click("#metrics-filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert page.locator("#ttd-takedown-svg").is_visible() and page.locator("#ttd-review-svg").count() == 0
    browser.shot(page, "metrics-page-takedown")
