"""HTTP helpers of the accounts app. Typing for views: behind LoginRequiredMiddleware,
`request.user` is always a real User."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User


def set_language_cookie(response: HttpResponse, language: str) -> None:
    """Remember `language` in Django's language cookie, with every cookie setting it honours."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
