"""My account: role, identity (masked), attempts, sanctions with appeal, terms accepted."""

from typing import Any

from django.test import Client

from accounts.models import User
from accounts.services import sanction_impose
from tests.accounts.samples import VALID_IDS
from tests.factories import verify_id_number


def test_it_shows_an_unverified_contributor_how_to_verify(uma_client: Client) -> None:
    page = uma_client.get("/accounts/me/")
    assert page.status_code == 200
    assert b"Not verified" in page.content
    for path in ("verify/phone/", "verify/id-card/", "verify/uscc/", "verify/document/"):
        assert f'href="/accounts/{path}"'.encode() in page.content
    assert b"You cannot submit content yet" in page.content


def test_it_shows_the_masked_identity_and_history(uma: User, uma_client: Client) -> None:
    verify_id_number(uma, VALID_IDS[0])
    page = uma_client.get("/accounts/me/")
    content = page.content.decode()
    assert "Verified" in content
    assert content.count("**************002X") >= 2  # the summary and the history
    assert VALID_IDS[0] not in content
    assert "the development console (nothing was checked)" in content
    assert "You cannot submit content yet" not in content


def test_it_shows_sanctions_with_why_and_how_to_appeal(
    uma: User, uma_client: Client, mod: User, settings: Any
) -> None:
    settings.APPEALS_CONTACT = "appeals@publisher.example"
    settings.APPEALS_RESPONSE_DAYS = 10
    sanction_impose(user=uma, kind="restriction", reason="Unlabelled AI portrait.", actor=mod)
    content = uma_client.get("/accounts/me/").content.decode()
    assert "Function restriction" in content
    assert "Unlabelled AI portrait." in content
    assert "until further notice" in content
    assert "appeals@publisher.example" in content
    assert "within 10 days" in content
    assert "1 strike in the last year" in content


def test_it_is_there_for_every_role(mod_client: Client, ada_client: Client, oscar_client: Client) -> None:
    for client in (mod_client, ada_client, oscar_client):
        page = client.get("/accounts/me/")
        assert page.status_code == 200
        assert b"verify/phone/" not in page.content  # verification is for contributors


def test_it_is_in_the_user_menu(uma_client: Client) -> None:
    assert b'href="/accounts/me/">My account</a>' in uma_client.get("/accounts/me/").content


def test_it_needs_login() -> None:
    response = Client().get("/accounts/me/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_it_links_verify_now_to_the_ways_to_verify_not_to_the_same_page(uma_client: Client) -> None:
    banner = '<a href="/accounts/me/#verify-identity">Verify now</a>'
    assert banner in uma_client.get("/submissions/").content.decode()
    account = uma_client.get("/accounts/me/").content.decode()
    assert "Verify now" not in account
    assert '<h3 class="h6 mt-3" id="verify-identity">Verify your identity</h3>' in account
