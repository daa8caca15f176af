"""Oversight in the admin: DSA categories of reasons, statements sent, and the CSV export forms."""

from django.test import Client
from django.utils import timezone

from accounts.models import User
from moderation.models import PolicyReason
from oversight.models import ReasonCategory, StatementSubmission
from tests.oversight.conftest import decide, make_item


def test_an_admin_maps_reasons_and_sees_the_statements(ada_client: Client, alice: User, mod: User) -> None:
    decision = decide(
        make_item(alice, submitted_at=timezone.now()), mod, "rejected", timezone.now(), reason="quality"
    )
    row = StatementSubmission.objects.create(
        decision=decision,
        puid="provenant-decision-x",
        status="invalid",
        attempts=3,
        errors={"category": ["bad"]},
    )
    assert ada_client.get("/admin/oversight/reasoncategory/").status_code == 200
    category = ReasonCategory.objects.get(reason=PolicyReason.objects.get(code="quality"))
    assert ada_client.get(f"/admin/oversight/reasoncategory/{category.pk}/change/").status_code == 200
    assert ada_client.get("/admin/oversight/statementsubmission/").status_code == 200
    assert ada_client.get("/admin/oversight/tdbrequest/").status_code == 200
    response = ada_client.post(
        "/admin/oversight/statementsubmission/", {"action": "retry", "_selected_action": [row.pk]}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts, row.errors) == ("pending", 0, {})


def test_the_admin_change_lists_offer_the_csv_exports(ada_client: Client) -> None:
    decisions = ada_client.get("/admin/moderation/decision/")
    assert decisions.status_code == 200
    assert 'action="/oversight/exports/decisions.csv"' in decisions.content.decode()
    events = ada_client.get("/admin/audit/auditevent/")
    assert events.status_code == 200
    assert 'action="/oversight/exports/audit-events.csv"' in events.content.decode()


def test_the_admin_is_closed_to_moderators(senior_client: Client) -> None:
    assert senior_client.get("/admin/oversight/reasoncategory/").status_code == 302
