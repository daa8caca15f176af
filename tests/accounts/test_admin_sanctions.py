"""The sanction register in the admin: read-only history, lifting and reporting through services."""

from typing import Any

from django.test import Client

from accounts.models import Sanction, User
from accounts.services import sanction_impose
from audit.models import AuditEvent
from tests.accounts.admin_helpers import run_action

CHANGELIST = "/admin/accounts/sanction/"


def test_it_lists_sanctions_in_fixed_queries(
    uma: User, ugo: User, mod: User, ada_client: Client, django_assert_num_queries: Any
) -> None:
    sanction_impose(user=uma, kind="warning", reason="w", actor=mod)
    with django_assert_num_queries(8):
        ada_client.get(CHANGELIST)
    for _ in range(5):
        sanction_impose(user=ugo, kind="restriction", reason="r", actor=mod)
    with django_assert_num_queries(8):
        page = ada_client.get(CHANGELIST + "?state=active")
    assert len(page.context["cl"].result_list) == 6


def test_it_lifts_selected_sanctions_with_a_reason(
    uma: User, mod: User, ada: User, ada_client: Client
) -> None:
    sanction = sanction_impose(user=uma, kind="closure", reason="c", actor=mod)
    response = run_action(ada_client, CHANGELIST, "lift_selected", [sanction], reason="Appeal upheld.")
    assert response.status_code == 302
    sanction.refresh_from_db()
    assert sanction.lifted_by == ada and sanction.lift_reason == "Appeal upheld."
    assert User.objects.get(pk=uma.pk).is_active
    assert AuditEvent.objects.get(action="sanction.lifted").actor == ada


def test_it_marks_sanctions_reported(uma: User, mod: User, ada: User, ada_client: Client) -> None:
    sanction = sanction_impose(user=uma, kind="suspension", reason="Illegal content.", actor=mod)
    assert run_action(ada_client, CHANGELIST, "mark_reported", [sanction]).status_code == 302
    sanction.refresh_from_db()
    assert sanction.reported_to_authority and sanction.reported_at is not None
    assert AuditEvent.objects.get(action="sanction.reported_to_authority").actor == ada


def test_it_offers_no_add_edit_or_delete(uma: User, mod: User, ada_client: Client) -> None:
    sanction = sanction_impose(user=uma, kind="warning", reason="Original.", actor=mod)
    assert ada_client.get(f"{CHANGELIST}add/").status_code == 403
    assert ada_client.get(f"{CHANGELIST}{sanction.pk}/delete/").status_code == 403
    page = ada_client.get(f"{CHANGELIST}{sanction.pk}/change/")
    assert b'name="_save"' not in page.content
    ada_client.post(f"{CHANGELIST}{sanction.pk}/change/", {"reason": "Rewritten."})
    assert Sanction.objects.get(pk=sanction.pk).reason == "Original."
