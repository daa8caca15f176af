"""The DSA transparency report: figures from the roll-ups by DSA category, planned sections marked
"not yet collected" until their provider registers, CSV and XLSX files, who may see it."""

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Sanction, User
from oversight.metrics import PROVIDERS, Figure, names, register
from oversight.metrics.days import day_bounds
from oversight.metrics.rollup import metrics_rollup
from oversight.transparency.report import NOT_COLLECTED, transparency_report
from tests.oversight.conftest import decide, make_item

URL = "/oversight/transparency/"


@pytest.fixture
def period(alice: User, mod: User, senior: User) -> tuple:
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in range(10, -1, -1)]
    start = day_bounds(days[2])[0] + timedelta(hours=9)
    plan = [
        ("rejected", "missing-consent", True),  # illegal, data protection
        ("rejected", "unlabelled-ai", True),  # terms, other violation
        ("changes_requested", "quality", False),  # terms, other violation
        ("rejected", "impersonation", False),  # terms, scams and fraud
        ("approved", None, False),
    ]
    for n, (outcome, reason, automated) in enumerate(plan):
        item = make_item(alice, submitted_at=start + timedelta(hours=n))
        decide(
            item,
            mod,
            outcome,
            start + timedelta(hours=n + 2),
            reason=reason,
            automated=automated,
            override="Checked by hand." if outcome == "approved" else "",
        )
    Sanction.objects.create(
        user=alice,
        kind="suspension",
        actor=senior,
        reason="r",
        created_at=start + timedelta(days=1),
        statement={"restriction": "suspension"},  # every restriction has its statement (R36)
    )
    metrics_rollup(days=days)
    return days[0], days[-1]


def value(rows: list, section: str, item: str, breakdown: str = "") -> object:
    matches = [
        r for r in rows if r.section.startswith(section) and r.item == item and r.breakdown == breakdown
    ]
    assert len(matches) == 1, (section, item, breakdown, matches)
    return matches[0].value


def test_it_counts_own_initiative_restrictions_by_category_ground_and_detection(period: tuple) -> None:
    rows = transparency_report(*period)
    own = "own-initiative"
    assert value(rows, own, "restrictions imposed", "total") == 4
    assert (
        value(
            rows, own, "restrictions by category", "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS"
        )
        == 1
    )
    assert value(rows, own, "restrictions by category", "STATEMENT_CATEGORY_OTHER_VIOLATION_TC") == 2
    assert value(rows, own, "restrictions by category", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD") == 1
    assert value(rows, own, "restrictions by category", "STATEMENT_CATEGORY_VIOLENCE") == 0
    assert value(rows, own, "restrictions by ground", "illegal content") == 1
    assert value(rows, own, "restrictions by ground", "terms and conditions") == 3
    assert value(rows, own, "restrictions by type", "removal of content (rejected)") == 3
    assert value(rows, own, "restrictions by type", "disabling access (changes requested)") == 1
    assert value(rows, own, "restrictions by detection", "automated means") == 2
    assert value(rows, own, "restrictions by detection", "human review only") == 2
    assert value(rows, own, "median time from submission to decision", "hours") == pytest.approx(2, rel=0.09)
    assert value(rows, "automated means", "decisions taken solely by automated means") == 0
    assert value(rows, "automated means", "blocking findings overridden by a senior moderator") == 1
    assert value(rows, "suspensions", "suspensions imposed", "service suspension") == 1


def test_notices_and_complaints_are_marked_not_yet_collected_until_a_provider_registers(
    period: tuple, without_dsa_providers: None
) -> None:
    rows = transparency_report(*period)
    notices = [r for r in rows if r.section.startswith("notices")]
    assert notices and all(r.value is None and r.note == NOT_COLLECTED for r in notices)
    assert all(r.note == NOT_COLLECTED for r in rows if r.section.startswith("complaints"))

    class NoticesProvider:
        name = "notices-test"
        metrics = (names.NOTICES, names.NOTICE_ACTIONS)

        def compute(self, *, days: list, now: object) -> dict:
            return {
                day: [
                    Figure(
                        names.NOTICES,
                        3,
                        dimension="STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
                        detail="trusted_flagger",
                    ),
                    Figure(
                        names.NOTICE_ACTIONS,
                        2,
                        dimension="STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
                        detail="terms",
                    ),
                ]
                for day in days
            }

    register(NoticesProvider())
    try:
        metrics_rollup(days=[period[1]], providers=["notices-test"])
        rows = transparency_report(*period)
        assert value(rows, "notices", "notices received", "STATEMENT_CATEGORY_SCAMS_AND_FRAUD") == 3
        assert value(rows, "notices", "notices from trusted flaggers") == 3
        assert value(rows, "notices", "actions taken on notices", "terms and conditions") == 2
        assert all(r.note == NOT_COLLECTED for r in rows if r.section.startswith("complaints"))
    finally:
        PROVIDERS.pop("notices-test")


def test_it_downloads_as_csv_and_xlsx(senior_client: Client, period: tuple) -> None:
    query = {"start": period[0].isoformat(), "end": period[1].isoformat()}
    response = senior_client.get(URL + "report.csv", query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["section", "item", "breakdown", "value", "note"]
    assert ["own-initiative moderation (Art. 15(1)(c))", "restrictions imposed", "total", "4", ""] in rows
    response = senior_client.get(URL + "report.xlsx", query)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames[0] == "Report" and len(book.sheetnames) > 5
    cells = [tuple(row) for row in book["Report"].iter_rows(values_only=True)]
    assert ("own-initiative moderation (Art. 15(1)(c))", "restrictions imposed", "total", 4, None) in cells
    assert senior_client.get(URL + "report.pdf", query).status_code == 404


def test_the_preview_page(ada_client: Client, period: tuple) -> None:
    response = ada_client.get(URL, {"start": period[0].isoformat(), "end": period[1].isoformat()})
    assert response.status_code == 200
    assert "restrictions imposed" in response.content.decode()


@pytest.mark.parametrize("url", [URL, URL + "report.csv", URL + "report.xlsx"])
def test_it_needs_login_the_right_role_and_get(
    url: str,
    client: Client,
    mod_client: Client,
    alice_client: Client,
    oscar_client: Client,
    senior_client: Client,
) -> None:
    assert client.get(url).status_code == 302
    for refused in (mod_client, alice_client, oscar_client):
        assert refused.get(url).status_code == 403
    assert senior_client.post(url).status_code == 405
