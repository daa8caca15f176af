"""The notices' and complaints' figures (their apps' metric providers): exact counts from a hand-made
timeline, on the metrics page and in the DSA transparency report (Art. 15, 24)."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Sanction, User
from moderation.models import Decision, PolicyReason
from oversight.metrics import PROVIDERS, names
from oversight.metrics.rollup import metrics_rollup
from oversight.metrics.timing import exact_percentile
from oversight.models import DailyFigure
from oversight.transparency.report import NOT_COLLECTED, transparency_report
from tests.notices.rows import at, case_on, complaint, decide_case, notice_in
from tests.oversight.conftest import make_item

H = timedelta(hours=1)
OTHER_TC = "STATEMENT_CATEGORY_OTHER_VIOLATION_TC"
MINORS = "STATEMENT_CATEGORY_PROTECTION_OF_MINORS"
CIVIC = "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"


@pytest.fixture
def timeline(alice: User, bob: User, mod: User, senior: User) -> list[date]:
    """Days A..D (D = two days ago): four notices in three cases, four complaints.

    A 10:00 terms notice, 11:00 unlabelled-AI notice (trusted flagger), both on item 1;
      12:00 CSAM notice (anonymous) on item 2
    B 10:00 case 1 taken down on a terms ground (23 h, 24 h after its notices);
      12:00 case 2 taken down on an illegal ground (24 h); 09:00 false-information notice on item 3;
      14:00 the contributor complains about case 1's takedown
    C 09:00 case 3: no action, decided by automated means in part (24 h);
      10:00 the contributor's complaint overturned (20 h); 12:00 the notifier complains about case 3;
      13:00 alice complains about her suspension
    D 12:00 the notifier's complaint upheld (24 h); 13:00 the suspension overturned (24 h);
      15:00 bob complains about a rejection (left open)
    """
    today = timezone.localdate()
    a, b, c, d = (today - timedelta(days=n) for n in (5, 4, 3, 2))
    items = [
        make_item(alice, submitted_at=at(a, 0) - timedelta(days=3), status="published") for _ in range(3)
    ]
    case1 = case_on(items[0], at(a, 10), "unlabelled_ai")
    notice_in(case1, at(a, 10), "terms")
    notice_in(case1, at(a, 11), "unlabelled_ai", trusted=True)
    case2 = case_on(items[1], at(a, 12), "csam")
    notice_in(case2, at(a, 12), "csam")
    case3 = case_on(items[2], at(b, 9), "false_information")
    notice_in(case3, at(b, 9), "false_information")
    takedown1 = decide_case(case1, mod, "taken_down", at(b, 10), reason="impersonation")
    decide_case(case2, mod, "taken_down", at(b, 12), reason="missing-consent")
    no_action = decide_case(
        case3, mod, "no_action", at(c, 9), reason=None, automated="AUTOMATED_DECISION_PARTIALLY"
    )
    complaint(
        at(b, 14), "contributor", decision=takedown1, answered=at(c, 10), overturned=True, reviewer=senior
    )
    complaint(at(c, 12), "notifier", decision=no_action, answered=at(d, 12), reviewer=senior)
    suspension = Sanction.objects.create(
        user=alice,
        kind="suspension",
        actor=mod,
        reason="r",
        created_at=at(c, 8),
        statement={"restriction": "s"},
    )
    complaint(
        at(c, 13), "account_holder", sanction=suspension, answered=at(d, 13), overturned=True, reviewer=senior
    )
    rejected_item = make_item(bob, submitted_at=at(c, 0))
    rejection = Decision.objects.create(
        submission=rejected_item,
        revision=rejected_item.current_revision,
        moderator=mod,
        outcome="rejected",
        reason=PolicyReason.objects.get(code="quality"),
        statement={"restriction": "r"},
        from_queue="review",
        created_at=at(d, 1),
    )
    complaint(at(d, 15), "contributor", decision=rejection)
    days = [a, b, c, d]
    metrics_rollup(days=days, providers=["notices", "complaints"])
    return days


def rows_of(metric: str) -> dict[tuple[date, str, str, str], int]:
    return {
        (f.day, f.queue, f.dimension, f.detail): f.value for f in DailyFigure.objects.filter(metric=metric)
    }


def test_the_apps_register_their_providers() -> None:
    assert set(PROVIDERS["notices"].metrics) == {
        names.NOTICES,
        names.NOTICE_ACTIONS,
        names.NOTICE_AUTOMATED,
        names.NOTICE_TIME_TO_ACTION,
    }
    assert set(PROVIDERS["complaints"].metrics) == {
        names.COMPLAINTS,
        names.COMPLAINT_TIME_TO_DECISION,
        names.OVERTURNED,
    }
    assert set(names.PLANNED) == set(PROVIDERS["notices"].metrics) | set(PROVIDERS["complaints"].metrics)


def test_it_counts_notices_by_dsa_category_and_flagger_on_the_day_received(timeline: list[date]) -> None:
    a, b, _c, _d = timeline
    assert rows_of(names.NOTICES) == {
        (a, "", OTHER_TC, "other"): 1,
        (a, "", OTHER_TC, "trusted_flagger"): 1,
        (a, "", MINORS, "other"): 1,
        (b, "", CIVIC, "other"): 1,
    }


def test_it_counts_notices_decided_by_ground_and_automation(timeline: list[date]) -> None:
    _a, b, c, _d = timeline
    assert rows_of(names.NOTICE_ACTIONS) == {
        (b, "", OTHER_TC, "terms"): 2,
        (b, "", MINORS, "legal"): 1,
        (c, "", CIVIC, "none"): 1,
    }
    assert rows_of(names.NOTICE_AUTOMATED) == {(b, "", "no", ""): 3, (c, "", "yes", ""): 1}
    assert sum(rows_of(names.NOTICE_TIME_TO_ACTION).values()) == 4


def test_it_counts_complaints_on_the_days_they_came_in_and_were_answered(timeline: list[date]) -> None:
    _a, b, c, d = timeline
    assert rows_of(names.COMPLAINTS) == {
        (b, "", "contributor", "received"): 1,
        (c, "", "notifier", "received"): 1,
        (c, "", "account_holder", "received"): 1,
        (d, "", "contributor", "received"): 1,
        (c, "", "contributor", "reversed"): 1,
        (d, "", "notifier", "upheld"): 1,
        (d, "", "account_holder", "reversed"): 1,
    }
    assert rows_of(names.OVERTURNED) == {(c, "publication", "", ""): 1, (d, "account", "", ""): 1}
    assert sum(rows_of(names.COMPLAINT_TIME_TO_DECISION).values()) == 3


def test_rolling_up_twice_changes_nothing(timeline: list[date]) -> None:
    before = sorted(DailyFigure.objects.values_list("day", "metric", "queue", "dimension", "detail", "value"))
    metrics_rollup(days=timeline, providers=["notices", "complaints"])
    after = sorted(DailyFigure.objects.values_list("day", "metric", "queue", "dimension", "detail", "value"))
    assert before == after


def report_value(rows: list, section: str, item: str, breakdown: str = "") -> object:
    matches = [
        r for r in rows if r.section.startswith(section) and r.item == item and r.breakdown == breakdown
    ]
    assert len(matches) == 1, (section, item, breakdown, matches)
    return matches[0].value


def test_the_transparency_report_has_the_notices_and_complaints(timeline: list[date]) -> None:
    rows = transparency_report(timeline[0], timeline[-1])
    assert not [r for r in rows if r.note == NOT_COLLECTED]
    assert report_value(rows, "notices", "notices received", OTHER_TC) == 2
    assert report_value(rows, "notices", "notices received", MINORS) == 1
    assert report_value(rows, "notices", "notices received", CIVIC) == 1
    assert report_value(rows, "notices", "notices received", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD") == 0
    assert report_value(rows, "notices", "notices from trusted flaggers") == 1
    assert report_value(rows, "notices", "actions taken on notices", "legal ground") == 1
    assert report_value(rows, "notices", "actions taken on notices", "terms and conditions") == 2
    assert report_value(rows, "notices", "notices decided without action") == 1
    assert report_value(rows, "notices", "notices processed by automated means") == 1
    # Times to action 23, 24, 24, 24 h: the histogram's median is within its 9 % of 24 h.
    median = report_value(rows, "notices", "median time to take action", "hours")
    assert isinstance(median, float) and abs(median - 24) / 24 < 0.09
    assert report_value(rows, "complaints", "complaints received") == 4
    assert (
        report_value(
            rows, "complaints", "complaints received by basis", "restriction of the recipient's content"
        )
        == 2
    )
    assert report_value(rows, "complaints", "complaints received by basis", "decision on a notice") == 1
    assert (
        report_value(
            rows, "complaints", "complaints received by basis", "suspension or termination of the account"
        )
        == 1
    )
    assert report_value(rows, "complaints", "complaints by outcome", "decision upheld") == 1
    assert report_value(rows, "complaints", "complaints by outcome", "decision reversed") == 2
    assert report_value(rows, "complaints", "share of decisions reversed", "of complaints answered") == 0.6667
    median = report_value(rows, "complaints", "median time to decide", "hours")
    exact = exact_percentile([20, 24, 24], 0.5)
    assert isinstance(median, float) and exact is not None and abs(median - exact) / exact < 0.09


def test_a_shorter_period_counts_only_its_days(timeline: list[date]) -> None:
    _a, _b, c, d = timeline
    rows = transparency_report(d, d)
    assert report_value(rows, "notices", "notices received", OTHER_TC) == 0
    assert report_value(rows, "complaints", "complaints received") == 1
    assert report_value(rows, "complaints", "complaints by outcome", "decision reversed") == 1
    assert report_value(rows, "complaints", "complaints by outcome", "decision upheld") == 1
    rows = transparency_report(c, c)
    assert report_value(rows, "complaints", "complaints received") == 2
    assert report_value(rows, "notices", "notices processed by automated means") == 1


def test_the_metrics_page_shows_them(senior_client: Client, timeline: list[date]) -> None:
    response = senior_client.get(
        "/oversight/metrics/", {"start": timeline[0].isoformat(), "end": timeline[-1].isoformat()}
    )
    assert response.status_code == 200
    html = response.content.decode()
    for chart in ("notices", "notice-actions", "complaints"):
        assert f'id="{chart}-svg"' in html, chart
    assert "Not yet collected" not in html
    summary = response.context["dsa_summary"]
    assert (summary.notices, summary.complaints, summary.answered, summary.overturned) == (4, 4, 3, 2)
    assert summary.overturn_rate == "67 %"
    assert dict(summary.overturned_where) == {"Published content": 1, "Account sanctions": 1}
    assert summary.notice_p50.endswith(" h")
    assert 'style="' not in html
