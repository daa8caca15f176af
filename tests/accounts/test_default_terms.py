"""A fresh install has terms of service in force (migration accounts/0006): they explain the
labelling duties and forbid removing labels (Labeling Measures Arts. 8 and 10, rule R34), the gate
asks for them, and an administrator changes them by starting a new version from their text."""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.utils import timezone

from accounts.models import TermsVersion, User
from accounts.selectors import current_terms
from accounts.services import GateReason, submission_gate, terms_accept
from tests.factories import make_contributor

pytestmark = pytest.mark.shipped_terms

shipped = importlib.import_module("accounts.migrations.0006_default_terms")
CHANGE = "/admin/accounts/termsversion/{pk}/change/"


def test_it_ships_terms_in_force_that_explain_labels_and_forbid_removing_them(db: None) -> None:
    terms = current_terms()
    assert terms is not None and (terms.version, terms.title) == ("1", "Terms of service")
    text = terms.body
    for duty in (
        "Explicit labels, which people see or hear",
        "Implicit labels, in the file's metadata",
        "A reminder shown beside the published content",
        "You may not delete, tamper with, forge or conceal any explicit or implicit label",
        "nor provide tools or services that help others do so",
    ):
        assert duty in text
    assert len(terms.paragraphs) == 8


def test_it_makes_a_verified_contributor_accept_them_before_submitting(db: None) -> None:
    carla = make_contributor("carla")
    assert submission_gate(carla).reasons == (GateReason.TERMS_NOT_ACCEPTED,)
    client = Client()
    client.force_login(carla)
    response = client.get("/submissions/")
    assert (response.status_code, response.url) == (302, "/accounts/terms/?next=/submissions/")
    assert "Never remove or falsify labels." in client.get(response.url).content.decode()
    terms_accept(user=carla, terms=current_terms())
    assert submission_gate(User.objects.get(pk=carla.pk)).allowed


def test_an_admin_changes_them_by_starting_a_new_version_from_their_text(ada: User) -> None:
    shipped_version = current_terms()
    terms_accept(user=ada, terms=shipped_version)  # like everyone, before using the site
    client = Client()
    client.force_login(ada)
    page = client.get(CHANGE.format(pk=shipped_version.pk))
    assert f'href="/admin/accounts/termsversion/add/?from={shipped_version.pk}"' in page.content.decode()
    form = (
        client.get(f"/admin/accounts/termsversion/add/?from={shipped_version.pk}").context["adminform"].form
    )
    assert (form.initial["version"], form.initial["body"]) == ("2", shipped.BODY)
    now = timezone.localtime()
    response = client.post(
        "/admin/accounts/termsversion/add/",
        {
            "version": "2",
            "title": "Terms of service",
            "body": shipped.BODY.replace("this service", "Example Media"),
            "published_at_0": now.strftime("%Y-%m-%d"),
            "published_at_1": now.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302
    assert current_terms().version == "2" and "Example Media" in current_terms().body
    assert TermsVersion.objects.get(pk=shipped_version.pk).body == shipped.BODY  # kept as it was
    assert client.get("/admin/").url == "/accounts/terms/?next=/admin/"  # everyone accepts the new text


def test_the_migration_keeps_terms_an_installation_already_has(db: None) -> None:
    TermsVersion.objects.all().delete()
    own = TermsVersion.objects.create(version="2024-1", title="Our terms", body="Label AI content.")
    shipped.ship_default_terms(apps, None)
    assert list(TermsVersion.objects.all()) == [own]
    own.delete()
    shipped.ship_default_terms(apps, None)
    assert TermsVersion.objects.get().body == shipped.BODY
