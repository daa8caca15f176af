"""The metrics page: for senior moderators and admins, charts with their numbers, a flat query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from oversight.metrics import PROVIDERS, Figure, names, register
from oversight.metrics.days import day_bounds
from oversight.metrics.rollup import metrics_rollup
from tests.oversight.conftest import decide, make_item

URL = "/oversight/metrics/"


@pytest.fixture
def figures(alice: User, mod: User, senior: User) -> None:
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in range(40, -1, -1)]
    for n, day in enumerate(days[::3]):
        start = day_bounds(day)[0] + timedelta(hours=9)
        item = make_item(alice, submitted_at=start, title=f"item {n}", queue=["review", "takedown"][n % 2])
        decide(
            item,
            [mod, senior][n % 2],
            ["approved", "rejected"][n % 2],
            start + timedelta(hours=n + 1),
            reason=None if n % 2 == 0 else "quality",
        )
    make_item(alice, submitted_at=timezone.now() - timedelta(hours=30))
    metrics_rollup(days=days)


def test_it_shows_charts_to_a_senior_moderator(senior_client: Client, figures: None) -> None:
    response = senior_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for chart in (
        "backlog",
        "sla-now",
        "sla-decided",
        "ttd-review",
        "ttd-escalated",
        "ttd-takedown",
        "moderators",
        "automated-manual",
        "tiers",
        "contradictions",
        "reasons",
    ):
        assert f'id="{chart}-svg"' in html, chart
        assert f'id="{chart}-title"' in html and f'id="{chart}-desc"' in html
    assert 'role="img"' in html and "<table" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]  # no inline script in the page body
    assert 'style="' not in html
    summary = response.context["summary"]
    assert summary.decisions == 14 and summary.waiting == 1 and summary.breached == 1
    assert 'id="dsa-summary"' in html and "Not yet collected" not in html  # the notices apps' figures


def test_it_filters_by_queue_and_range(ada_client: Client, figures: None) -> None:
    today = timezone.localdate()
    response = ada_client.get(
        URL, {"queue": "takedown", "start": (today - timedelta(days=6)).isoformat(), "end": today.isoformat()}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="ttd-takedown-svg"' in html and 'id="ttd-review-svg"' not in html
    assert response.context["where"].queue == "takedown"
    assert len(response.context["where"].days) == 7


def test_it_refuses_a_reversed_or_too_long_range(senior_client: Client) -> None:
    assert senior_client.get(URL, {"start": "2026-02-01", "end": "2026-01-01"}).status_code == 400
    assert senior_client.get(URL, {"start": "2020-01-01", "end": "2026-01-01"}).status_code == 400
    assert senior_client.get(URL, {"queue": "nope"}).status_code == 400


def test_it_needs_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["mod_client", "alice_client", "oscar_client"])
def test_it_is_forbidden_to_other_roles(db: None, persona: str, request: pytest.FixtureRequest) -> None:
    assert request.getfixturevalue(persona).get(URL).status_code == 403


def test_it_refuses_post(senior_client: Client) -> None:
    assert senior_client.post(URL).status_code == 405


def test_its_query_count_does_not_grow_with_the_range(senior_client: Client, figures: None) -> None:
    today = timezone.localdate()
    senior_client.get(URL, {"start": (today - timedelta(days=1)).isoformat()})  # warm the session
    counts = []
    for days in (7, 84, 400):
        with CaptureQueriesContext(connection) as captured:
            response = senior_client.get(URL, {"start": (today - timedelta(days=days - 1)).isoformat()})
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] == counts[2] <= 20, counts


def test_it_keeps_the_page_until_the_next_roll_up(senior_client: Client, figures: None) -> None:
    first = senior_client.get(URL)
    with CaptureQueriesContext(connection) as captured:
        again = senior_client.get(URL)
    assert [c.svg for c in again.context["charts"]] == [c.svg for c in first.context["charts"]]
    # The session, the user, the standing, the roll-up's time: none of the figures' queries.
    assert len(captured.captured_queries) <= 6, [q["sql"] for q in captured.captured_queries]
    decisions = again.context["summary"].decisions
    today = timezone.localdate()
    start = day_bounds(today)[0]
    decide(
        make_item(User.objects.get(username="alice"), submitted_at=start),
        User.objects.get(username="mod"),
        "approved",
        min(start + timedelta(minutes=1), timezone.now()),
    )
    assert senior_client.get(URL).context["summary"].decisions == decisions  # kept: no roll-up yet
    metrics_rollup(days=[today])
    assert senior_client.get(URL).context["summary"].decisions == decisions + 1


def test_it_builds_the_page_when_the_cache_is_unreachable(
    senior_client: Client, figures: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept page is a shortcut: a Redis outage must not take the metrics page down with it."""
    from oversight.metrics import cache as page_cache

    def unreachable(*args: object, **kwargs: object) -> None:
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(page_cache.cache, "get", unreachable)
    monkeypatch.setattr(page_cache.cache, "set", unreachable)
    monkeypatch.setattr(page_cache.cache, "add", unreachable)
    response = senior_client.get(URL)
    assert response.status_code == 200
    assert len(response.context["charts"]) == 14


def test_a_registered_provider_fills_the_notices_panel(
    senior_client: Client, figures: None, without_dsa_providers: None
) -> None:
    assert "Not yet collected" in senior_client.get(URL).content.decode()

    class NoticesProvider:
        name = "notices-test"
        metrics = (names.NOTICES,)

        def compute(self, *, days: list, now: object) -> dict:
            return {
                day: [Figure(names.NOTICES, 2, dimension="STATEMENT_CATEGORY_SCAMS_AND_FRAUD")]
                for day in days
            }

    register(NoticesProvider())
    try:
        html = senior_client.get(URL).content.decode()
        assert "Not yet collected" not in html
    finally:
        PROVIDERS.pop("notices-test")


def test_the_scheduled_roll_up_builds_the_default_pages(senior_client: Client, figures: None) -> None:
    from config.scheduled import rollup_metrics

    report = rollup_metrics()
    assert report["pages_warmed"] == 2 * 4  # two languages, every queue and each of the three
    senior_client.get(URL, {"start": (timezone.localdate() - timedelta(days=1)).isoformat()})  # session
    for params in ({}, {"queue": "takedown"}):
        with CaptureQueriesContext(connection) as captured:
            response = senior_client.get(URL, params)
        assert response.status_code == 200
        assert not any("oversight_dailyfigure" in q["sql"] for q in captured.captured_queries)
