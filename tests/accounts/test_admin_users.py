"""Administrators manage users in the Django admin; every change is audited with its actor."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import IdentityVerification, Sanction, User
from accounts.roles import Role
from accounts.services import identity_document_submit, sanction_impose
from audit.models import AuditEvent
from tests.accounts.admin_helpers import change_form_data, run_action
from tests.accounts.conftest import upload
from tests.accounts.samples import VALID_IDS
from tests.factories import make_user, resident_id, verify_id_number

CHANGELIST = "/admin/accounts/user/"
Kind = Sanction.Kind


def populate(count: int, start: int, actor: User) -> None:
    """Contributors in every state: verified, pending, sanctioned, with strikes."""
    for n in range(start, start + count):
        user = make_user(f"user{n:03d}", Role.CONTRIBUTOR)
        if n % 3 == 0:
            verify_id_number(user, resident_id(500 + n))
        elif n % 3 == 1:
            identity_document_submit(user=user, upload=upload(), kind="id_card")
        if n % 2 == 0:
            sanction_impose(user=user, kind=Kind.WARNING, reason="w", actor=actor)
            sanction_impose(user=user, kind=Kind.RESTRICTION, reason="r", actor=actor)


def test_it_lists_role_identity_sanction_and_strikes(
    uma: User, ugo: User, mod: User, ada_client: Client
) -> None:
    verify_id_number(uma, VALID_IDS[0])
    sanction_impose(user=ugo, kind=Kind.SUSPENSION, reason="s", actor=mod)
    sanction_impose(user=ugo, kind=Kind.WARNING, reason="w", actor=mod)
    page = ada_client.get(CHANGELIST)
    content = page.content.decode()
    assert "Verified · **************002X" in content
    assert "Service suspension" in content  # ugo's worst sanction in force
    rows = {user.username: user for user in page.context["cl"].result_list}
    assert rows["ugo"].strike_count == 2
    assert rows["uma"].verification_state == "verified"
    assert rows["mod"].role == Role.MODERATOR
    assert VALID_IDS[0] not in content


def test_it_lists_users_in_a_number_of_queries_that_does_not_grow(
    ada: User, ada_client: Client, django_assert_num_queries: Any
) -> None:
    """Session, user, permissions (2), counts (2), the page, its groups, the menu's groups."""
    populate(4, 0, ada)
    with django_assert_num_queries(9):
        assert ada_client.get(CHANGELIST).status_code == 200
    populate(20, 4, ada)
    with django_assert_num_queries(9):
        assert ada_client.get(CHANGELIST).status_code == 200


def test_it_filters_by_role_identity_and_sanction(
    uma: User, ugo: User, mod: User, ada_client: Client
) -> None:
    verify_id_number(uma, VALID_IDS[0])
    identity_document_submit(user=ugo, upload=upload(), kind="id_card")
    sanction_impose(user=ugo, kind=Kind.RESTRICTION, reason="r", actor=mod)

    def names(query: str) -> set[str]:
        page = ada_client.get(CHANGELIST + query)
        assert page.status_code == 200, query
        return {user.username for user in page.context["cl"].result_list}

    assert names("?role=contributor") == {"uma", "ugo"}
    assert names("?role=moderator") == {"mod"}
    assert names("?identity=verified") == {"uma"}
    assert names("?identity=pending") == {"ugo"}
    assert names("?identity=unverified") == {"mod", "ada"}
    assert names("?sanction=any") == {"ugo"}
    assert names("?sanction=restriction") == {"ugo"}
    assert names("?sanction=suspension") == set()
    assert "ugo" not in names("?sanction=none")


@pytest.mark.parametrize("term", ["002X", "002x", "**************002X", "uma", "uma@example.com"])
def test_it_finds_users_by_name_email_or_masked_identity(
    uma: User, ugo: User, ada_client: Client, term: str
) -> None:
    verify_id_number(uma, VALID_IDS[0])
    verify_id_number(ugo, VALID_IDS[1])
    page = ada_client.get(CHANGELIST, {"q": term})
    assert [user.username for user in page.context["cl"].result_list] == ["uma"]


# --- Actions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_it_changes_roles_through_the_service(uma: User, ada: User, ada_client: Client, role: Role) -> None:
    response = run_action(ada_client, CHANGELIST, f"make_{role.value}", [uma], reason="New duties.")
    assert response.status_code == 302
    fresh = User.objects.get(pk=uma.pk)
    assert fresh.role == role
    assert fresh.is_staff == (role == Role.ADMIN)
    event = AuditEvent.objects.get(action="user.role_changed")
    assert event.actor == ada and event.details["to"] == role.value
    assert event.details["reason"] == "New duties."


def test_it_asks_to_confirm_a_role_change_with_a_reason(uma: User, ada_client: Client) -> None:
    page = run_action(ada_client, CHANGELIST, "make_senior_moderator", [uma])
    assert page.status_code == 200  # the confirmation page, nothing changed yet
    assert "Say why" in page.content.decode() and "uma" in page.content.decode()
    assert User.objects.get(pk=uma.pk).role == Role.CONTRIBUTOR
    again = run_action(ada_client, CHANGELIST, "make_senior_moderator", [uma], reason="")
    assert again.status_code == 200  # a reason is required
    assert User.objects.get(pk=uma.pk).role == Role.CONTRIBUTOR


def test_it_refuses_to_promote_a_suspended_user(uma: User, mod: User, ada_client: Client) -> None:
    sanction_impose(user=uma, kind="suspension", reason="Unlabelled AI portraits.", actor=mod)
    response = run_action(ada_client, CHANGELIST, "make_senior_moderator", [uma], reason="Trusted.")
    assert response.status_code == 302
    assert User.objects.get(pk=uma.pk).role == Role.CONTRIBUTOR
    messages = [str(m) for m in ada_client.get(CHANGELIST).context["messages"]]
    assert "uma is under a sanction in force: lift it before giving them another role." in messages


def test_it_leaves_the_acting_admin_out_of_role_changes(ada: User, ada_client: Client) -> None:
    run_action(ada_client, CHANGELIST, "make_contributor", [ada], reason="Stepping down.")
    assert User.objects.get(pk=ada.pk).role == Role.ADMIN


@pytest.mark.parametrize(
    ("action", "kind", "extra"),
    [
        ("warn", Kind.WARNING, {}),
        ("restrict", Kind.RESTRICTION, {"duration_days": "7"}),
        (
            "suspend",
            Kind.SUSPENSION,
            {"duration_days": "3", "evidence_submission_ids": "40, 12", "reported_to_authority": "on"},
        ),
        ("close", Kind.CLOSURE, {}),
    ],
)
def test_it_imposes_sanctions_through_an_intermediate_form(
    uma: User, ugo: User, ada: User, ada_client: Client, action: str, kind: str, extra: dict
) -> None:
    form_page = ada_client.post(
        CHANGELIST, {"action": action, "_selected_action": [uma.pk, ugo.pk], "index": "0"}
    )
    assert form_page.status_code == 200
    assert b'name="reason"' in form_page.content
    assert (b'name="duration_days"' in form_page.content) == (kind in Sanction.TIMED_KINDS)
    response = run_action(ada_client, CHANGELIST, action, [uma, ugo], reason="Unlabelled deepfake.", **extra)
    assert response.status_code == 302
    sanctions = Sanction.objects.filter(kind=kind)
    assert {s.user_id for s in sanctions} == {uma.pk, ugo.pk}
    for sanction in sanctions:
        assert sanction.actor == ada
        assert sanction.reason == "Unlabelled deepfake."
        if "duration_days" in extra:
            expected = timezone.now() + timedelta(days=int(extra["duration_days"]))
            assert sanction.expires_at is not None and abs(sanction.expires_at - expected) < timedelta(
                minutes=1
            )
    events = AuditEvent.objects.filter(action="sanction.imposed", actor=ada)
    assert events.count() == 2
    if action == "suspend":
        assert {tuple(s.evidence_submission_ids) for s in sanctions} == {(12, 40)}
        assert all(s.reported_to_authority for s in sanctions)
    if action == "close":
        assert not User.objects.filter(pk__in=[uma.pk, ugo.pk], is_active=True).exists()


def test_it_shows_form_errors_on_the_intermediate_page(uma: User, ada_client: Client) -> None:
    response = run_action(
        ada_client, CHANGELIST, "restrict", [uma], reason="", evidence_submission_ids="a, b"
    )
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert b"whole numbers" in response.content
    assert not Sanction.objects.exists()


def test_it_lifts_sanctions_through_an_intermediate_form(
    uma: User, mod: User, ada: User, ada_client: Client
) -> None:
    sanction_impose(user=uma, kind=Kind.SUSPENSION, reason="s", actor=mod)
    sanction_impose(user=uma, kind=Kind.RESTRICTION, reason="r", actor=mod)
    response = run_action(ada_client, CHANGELIST, "lift", [uma], reason="Appeal upheld.", kind="suspension")
    assert response.status_code == 302
    assert set(Sanction.objects.filter(lifted_at__isnull=False).values_list("kind", flat=True)) == {
        "suspension"
    }
    run_action(ada_client, CHANGELIST, "lift", [uma], reason="All clear.")
    assert not Sanction.objects.filter(lifted_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="sanction.lifted", actor=ada).count() == 2


def test_it_approves_pending_documents(uma: User, ada: User, ada_client: Client) -> None:
    attempt = identity_document_submit(user=uma, upload=upload(), kind="id_card")
    confirm = ada_client.post(CHANGELIST, {"action": "verify", "_selected_action": [uma.pk], "index": "0"})
    assert f"/admin/accounts/identityverification/{attempt.pk}/change/".encode() in confirm.content
    response = run_action(ada_client, CHANGELIST, "verify", [uma], confirm="1")
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == IdentityVerification.Status.VERIFIED
    assert attempt.decided_by == ada
    assert AuditEvent.objects.get(action="identity.verified").actor == ada


def test_it_rejects_and_revokes_verification(uma: User, ugo: User, ada: User, ada_client: Client) -> None:
    verified = verify_id_number(uma, VALID_IDS[0])
    pending = identity_document_submit(user=ugo, upload=upload(), kind="id_card")
    response = run_action(
        ada_client, CHANGELIST, "reject_verification", [uma, ugo], reason="Photo is not you."
    )
    assert response.status_code == 302
    for attempt in (verified, pending):
        attempt.refresh_from_db()
        assert attempt.status == IdentityVerification.Status.REJECTED
        assert attempt.rejection_reason == "Photo is not you."
    assert AuditEvent.objects.get(action="identity.revoked").actor == ada
    assert AuditEvent.objects.get(action="identity.rejected").actor == ada
    assert not User.objects.get(pk=uma.pk).is_identity_verified


# --- Plain saves, access -----------------------------------------------------------------------


def test_it_audits_a_plain_change_with_its_actor(uma: User, ada: User, ada_client: Client) -> None:
    url = f"/admin/accounts/user/{uma.pk}/change/"
    response = ada_client.post(url, change_form_data(ada_client, url, email="uma@new.example"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(pk=uma.pk).email == "uma@new.example"
    event = AuditEvent.objects.get(action="user.changed_in_admin")
    assert event.actor == ada
    assert event.target_id == str(uma.pk)
    assert "email" in str(event.details["change"]).lower()


def test_it_audits_a_password_set_in_the_admin(uma: User, ada: User, ada_client: Client) -> None:
    response = ada_client.post(
        f"/admin/accounts/user/{uma.pk}/password/",
        {
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.changed_in_admin")
    assert event.actor == ada and "password" in str(event.details).lower()
    assert "a-new-long-passphrase" not in str(event.canonical_content())


def test_it_audits_a_user_added_in_the_admin(ada: User, ada_client: Client) -> None:
    response = ada_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newbie",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    event = AuditEvent.objects.get(action="user.created_in_admin")
    assert (event.actor, event.target_id) == (ada, str(newbie.pk))


def test_it_keeps_status_fields_read_only_and_never_deletes(uma: User, ada_client: Client) -> None:
    url = f"/admin/accounts/user/{uma.pk}/change/"
    data = change_form_data(ada_client, url)
    # Posting is_active off does nothing: closure is a sanction.
    data.pop("is_active", None)
    ada_client.post(url, data)
    assert User.objects.get(pk=uma.pk).is_active is True
    form = ada_client.get(url).context["adminform"].form
    assert {"is_active", "is_staff", "is_superuser", "groups"}.isdisjoint(form.fields)
    assert ada_client.get(f"/admin/accounts/user/{uma.pk}/delete/").status_code == 403


def test_it_shows_history_inlines_read_only(uma: User, mod: User, ada_client: Client, terms: Any) -> None:
    from accounts.services import terms_accept

    verify_id_number(uma, VALID_IDS[0])
    sanction_impose(user=uma, kind=Kind.WARNING, reason="Label it.", actor=mod)
    terms_accept(user=uma, terms=terms)
    terms_accept(user=User.objects.get(username="ada"), terms=terms)
    page = ada_client.get(f"/admin/accounts/user/{uma.pk}/change/")
    content = page.content.decode()
    assert "**************002X" in content and "Label it." in content and "Terms of service" in content
    for inline in page.context["inline_admin_formsets"]:
        assert not inline.has_add_permission and not inline.has_change_permission
        assert not inline.has_delete_permission


def test_it_keeps_other_roles_out_of_the_admin(mod_client: Client, uma_client: Client) -> None:
    for client in (mod_client, uma_client):
        response = client.get(CHANGELIST)
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
        response = client.post(CHANGELIST, {"action": "make_admin", "_selected_action": ["1"], "index": "0"})
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    assert not AuditEvent.objects.filter(action="user.role_changed").exists()
