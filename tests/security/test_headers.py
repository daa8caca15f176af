"""Every page carries a strict Content-Security-Policy and the other security headers; logged-in
pages are never cached; no template brings inline script or style back (issue 12)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from tests.conftest import client_for
from tests.test_login_required import all_paths

TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=|<style\b", re.IGNORECASE)


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict_csp(response: object, path: str) -> None:
    header = response.get("Content-Security-Policy")
    assert header, f"{path} has no Content-Security-Policy"
    directives = csp_directives(header)
    for name in ("script-src", "style-src", "default-src"):
        assert directives[name] == ["'self'"], f"{path}: {name} is {directives[name]}"
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", [None, "ada", "alice"])
def test_it_sends_the_csp_on_every_page_of_the_walk(
    persona: str | None, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona)) if persona else Client()
    client.raise_request_exception = False
    for path in all_paths():
        response = client.get(path)
        assert_strict_csp(response, path)
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", path
        assert "camera=()" in response["Permissions-Policy"], path
        assert response["X-Frame-Options"] == "DENY", path
        if persona:
            assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"], path


def test_it_keeps_logged_in_pages_out_of_every_cache(alice_client: Client, mod_client: Client) -> None:
    for client, path in (
        (alice_client, "/submissions/"),
        (mod_client, "/review/"),
        (alice_client, "/accounts/me/"),
    ):
        response = client.get(path)
        assert response.status_code in (200, 302), path
        assert response["Cache-Control"] == "private, no-store", path


@pytest.mark.django_db
def test_it_leaves_the_login_page_cacheable_by_nobody_in_particular() -> None:
    # No user: our middleware adds nothing (Django's own login view sets its never_cache headers).
    response = Client().get("/accounts/login/")
    assert response.status_code == 200
    assert_strict_csp(response, "/accounts/login/")


def test_it_keeps_a_view_s_own_caching_of_private_media(ada: User) -> None:
    from django.http import HttpResponse
    from django.test import RequestFactory

    from config.security import SecurityHeadersMiddleware

    def view(request: object) -> HttpResponse:
        response = HttpResponse(b"x")
        response["Cache-Control"] = "private, max-age=300"
        return response

    request = RequestFactory().get("/")
    request.user = ada
    assert SecurityHeadersMiddleware(view)(request)["Cache-Control"] == "private, max-age=300"


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_it_has_no_inline_script_handler_or_style_in_templates(template: Path) -> None:
    text = re.sub(r"{#.*?#}", "", template.read_text(), flags=re.DOTALL)
    assert not INLINE_SCRIPT.search(text), f"{template}: inline <script> (move it to static/js)"
    assert not INLINE_HANDLER.search(text), f"{template}: inline on…= handler (wire it in static/js)"
    assert not INLINE_STYLE.search(text), f"{template}: inline style (move it to static/css)"
