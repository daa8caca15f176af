"""Anonymous visitors are sent to the login page from every page but the few public ones.

The test walks the URL configuration itself, so a view added later is covered automatically.
"""

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# Pages anyone may open. Everything else must redirect to a login page.
PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/accounts/password_reset/",
    "/accounts/reset/",
    "/i18n/",
    "/admin/login/",
)
# Public pages that later features add (sign-up, consent links) register here with a reason.
PUBLIC_PATTERNS: list[str] = [
    r"^/accounts/signup/",  # sign-up: the way in for new contributors
    r"^/consent/",  # consent pages for depicted persons, who have no account: token-guarded
    r"^/static/",
    r"^/p/",  # published content: what readers see
    r"^/(healthz|readyz)$",  # the load balancer's probes: no data (tests/operations/test_endpoints.py)
    r"^/metrics$",  # Prometheus: bearer token instead of a login (tests/operations/test_endpoints.py)
    r"^/report/",  # the notice form (DSA Art. 16): anyone may report published content
    r"^/policy/",  # how reports and complaints are handled (DS Art. 12): published for all
    r"^/complaints/link/",  # notifiers and suspended account holders complain by a signed link
    r"^/api/",  # the publisher API: API keys instead of a login, docs and schema public (tests/api/)
]


def walk(patterns: list, prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def concrete_path(pattern: str) -> str:
    """Fill route converters and regex groups with plausible values."""
    path = re.sub(r"<int:\w+>", "1", pattern)
    path = re.sub(r"<uuid:\w+>", "00000000-0000-0000-0000-000000000001", path)
    path = re.sub(r"<(?:str|slug|path):?\w*>", "x", path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
    path = path.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    return "/" + path


def all_paths() -> list[str]:
    return sorted({concrete_path(p) for p in walk(get_resolver().url_patterns)})


def is_public(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIXES) or any(re.match(p, path) for p in PUBLIC_PATTERNS)


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in all_paths() if not is_public(p)])
def test_it_sends_anonymous_visitors_to_login(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302, f"{path} answered {response.status_code}"
    assert response.url.startswith(("/accounts/login/", "/admin/login/")), f"{path} → {response.url}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/password_reset/", "/accounts/password_reset/done/"]
)
def test_it_keeps_login_and_reset_public(path: str) -> None:
    assert Client().get(path).status_code == 200
