"""Site-wide pages: our own 400/403/404/500 and expired-form pages with the site's navigation and
no internals, and /favicon.ico."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path

from accounts.models import TermsVersion, User
from tests.conftest import client_for

SECRET = "internal detail: connection to 10.0.0.7 refused"


def broken(request: object) -> None:
    raise RuntimeError(SECRET)


def forbidden(request: object) -> None:
    raise PermissionDenied(SECRET)


urlpatterns = [
    path("test-broken/", broken),
    path("test-forbidden/", forbidden),
    path("", include("config.urls")),
]
handler400 = "config.views.bad_request"
handler500 = "config.views.server_error"


def test_it_shows_a_contributor_our_403_on_the_review_pages(alice_client: Client) -> None:
    page = alice_client.get("/review/")
    content = page.content.decode()
    assert page.status_code == 403
    assert 'id="error-page"' in content and "This page is not for your role" in content
    assert '<a class="navbar-brand fw-semibold" href="/">Provenant</a>' in content
    assert 'id="logout-button"' in content  # the whole chrome, with the user's menu
    assert 'href="/submissions/"' in content


@pytest.mark.urls("tests.test_site_pages")
def test_it_never_shows_what_a_403_was_raised_with(alice_client: Client) -> None:
    page = alice_client.get("/test-forbidden/")
    assert page.status_code == 403
    assert SECRET not in page.content.decode()


def test_it_shows_our_404(mod_client: Client) -> None:
    page = mod_client.get("/no-such-page/")
    content = page.content.decode()
    assert page.status_code == 404
    assert "Page not found" in content and 'id="logout-button"' in content


@pytest.mark.urls("tests.test_site_pages")
def test_it_shows_our_500_without_internals(mod: User) -> None:
    client = client_for(mod)
    client.raise_request_exception = False
    page = client.get("/test-broken/")
    content = page.content.decode()
    assert page.status_code == 500
    assert "Something went wrong on our side" in content
    assert '<a class="navbar-brand fw-semibold" href="/">Provenant</a>' in content
    assert SECRET not in content and "Traceback" not in content
    assert 'id="logout-button"' not in content  # rendered without the request: nothing that queries


def test_it_shows_our_page_for_an_expired_form(db: None) -> None:
    page = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert page.status_code == 403
    assert "This form has expired" in page.content.decode()


@pytest.mark.urls("tests.test_site_pages")
def test_it_shows_our_400(db: None) -> None:
    page = Client().get("/accounts/login/", HTTP_HOST="bad host name")
    assert page.status_code == 400
    assert "We could not read that request" in page.content.decode()


def test_it_serves_a_favicon_at_the_root_to_anyone(alice: User) -> None:
    # alice has terms to accept: every page would send her there, but not the icon.
    TermsVersion.objects.create(version="favicon", title="Terms", body="Label AI content.")
    for client in (Client(), client_for(alice)):
        response = client.get("/favicon.ico")
        assert response.status_code == 200
        assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
        assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header
