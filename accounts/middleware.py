"""Per-request account rules: suspended sessions end, and new terms must be accepted first."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.http import set_language_cookie
from accounts.models import Sanction

# Reachable while terms are unaccepted: the accept page itself, logging out, and what pages need.
TERMS_EXEMPT_NAMES = ("terms_accept", "terms_accept_submit", "logout", "set_language")


class AccountStandingMiddleware:
    """Steps for a logged-in request, reading the standing loaded with the user (no extra query):

    1. a suspension is in force: log the session out and answer with a page saying why,
       until when, and how to appeal (HTTP 403);
    2. a terms version is in force that the user has not accepted: redirect to the accept
       page, keeping where they were going.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt_paths: tuple[str, ...] | None = None

    def exempt_paths(self) -> tuple[str, ...]:
        if self._exempt_paths is None:
            self._exempt_paths = tuple(reverse(name) for name in TERMS_EXEMPT_NAMES)
        return self._exempt_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            standing = user.standing
            if standing.suspension_id is not None:
                return self.end_suspended_session(request, standing.suspension_id)
            if standing.needs_terms and not self.is_exempt(request.path_info):
                return redirect_to_terms(request)
        return self.get_response(request)

    def is_exempt(self, path: str) -> bool:
        static = "/" + settings.STATIC_URL.lstrip("/")
        return path.startswith(static) or path in self.exempt_paths()

    def end_suspended_session(self, request: HttpRequest, suspension_id: int) -> HttpResponse:
        sanction = Sanction.objects.get(pk=suspension_id)
        logout(request)
        return render(request, "accounts/suspended.html", {"sanction": sanction}, status=403)


def redirect_to_terms(request: HttpRequest) -> HttpResponse:
    target = reverse("terms_accept")
    next_path = request.get_full_path()
    if request.method == "GET" and url_has_allowed_host_and_scheme(
        next_path, allowed_hosts={request.get_host()}
    ):
        target += "?next=" + next_path
    return redirect(target)


class UserLanguageMiddleware:
    """The user's language follows them between browsers, and the switcher remembers it.

    1. a logged-in user with a stored language and no language cookie in this browser gets
       pages in their language, and the cookie is set so the switcher shows it;
    2. a logged-in user's POST to the language switcher stores the chosen language on them
       (what notifications and e-mails to them are written in).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._set_language_path: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from accounts.services import user_set_language

        user = request.user
        adopt = ""
        if user.is_authenticated and user.language and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            adopt = user.language
            translation.activate(adopt)
            request.LANGUAGE_CODE = adopt
        response = self.get_response(request)
        if self._set_language_path is None:
            self._set_language_path = reverse("set_language")
        if request.method == "POST" and request.path == self._set_language_path:
            user = request.user
            if user.is_authenticated:
                user_set_language(user=user, language=request.POST.get("language", ""))
        elif adopt and settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            set_language_cookie(response, adopt)
        return response
