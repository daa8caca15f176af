"""Terms versions are written in the admin; once in force they are frozen, and every change is audited."""

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from accounts.models import TermsVersion, User
from accounts.services import terms_accept
from audit.models import AuditEvent

CHANGELIST = "/admin/accounts/termsversion/"


def form(**changes: Any) -> dict[str, Any]:
    later = timezone.localtime() + timedelta(days=7)
    return {
        "version": "2",
        "title": "Terms of service",
        "body": "Label AI content. Never remove labels.",
        "published_at_0": later.strftime("%Y-%m-%d"),
        "published_at_1": later.strftime("%H:%M:%S"),
        **changes,
    }


def test_it_creates_a_version_and_audits_it(ada: User, ada_client: Client) -> None:
    response = ada_client.post(f"{CHANGELIST}add/", form())
    assert response.status_code == 302
    terms = TermsVersion.objects.get(version="2")
    event = AuditEvent.objects.get(action="terms.created_in_admin")
    assert (event.actor, event.target_id) == (ada, str(terms.pk))


def test_it_lets_a_draft_be_edited_and_deleted(ada_client: Client) -> None:
    ada_client.post(f"{CHANGELIST}add/", form())
    draft = TermsVersion.objects.get(version="2")
    response = ada_client.post(f"{CHANGELIST}{draft.pk}/change/", form(title="Better title"))
    assert response.status_code == 302
    assert TermsVersion.objects.get(pk=draft.pk).title == "Better title"
    assert AuditEvent.objects.filter(action="terms.changed_in_admin").count() == 1
    assert ada_client.get(f"{CHANGELIST}{draft.pk}/delete/").status_code == 200


def test_it_freezes_a_version_in_force(ada: User, ada_client: Client, terms: TermsVersion) -> None:
    terms_accept(user=ada, terms=terms)
    ada_client.post(f"{CHANGELIST}{terms.pk}/change/", form(body="Rewritten after the fact."))
    terms.refresh_from_db()
    assert "Rewritten" not in terms.body
    assert ada_client.get(f"{CHANGELIST}{terms.pk}/delete/").status_code == 403


def test_it_lists_versions_with_acceptance_counts(
    uma: User, ugo: User, ada_client: Client, terms: TermsVersion, django_assert_max_num_queries: Any
) -> None:
    for user in (uma, ugo, User.objects.get(username="ada")):
        terms_accept(user=user, terms=terms)
    with django_assert_max_num_queries(10):
        page = ada_client.get(CHANGELIST)
    assert page.context["cl"].result_list[0].acceptance_total == 3


def test_it_keeps_other_roles_out(mod_client: Client) -> None:
    response = mod_client.get(f"{CHANGELIST}add/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")
