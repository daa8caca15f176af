"""Response headers every page carries beside the CSP (django-csp) and Django's own security headers.

- `Permissions-Policy`: no powerful browser feature is used by any page (settings.PERMISSIONS_POLICY);
- `Cache-Control: private, no-store` on every response to a logged-in user, unless the view chose its own
  caching (private media sets `private, max-age=300`): a shared or back-button cache never keeps a
  moderator's queue or a contributor's drafts after logout.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "private, no-store"
        return response
