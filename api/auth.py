"""Bearer API keys with a scope per operation, and the rate limit per key.

Only keys authenticate here: a browser's session cookie is ignored, so the API is for machine
clients only and needs no CSRF token (nothing ambient authenticates a request).
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from api.problems import Problem, unauthorized
from integrations import ratelimit
from integrations.keys import key_for_token
from integrations.models import ApiKey


class ApiKeyAuth(HttpBearer):
    openapi_description = "An API key of your integration: `Authorization: Bearer pvk_…`."

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def __call__(self, request: HttpRequest) -> Any:
        result = super().__call__(request)
        if result is None:
            raise unauthorized()
        return result

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey:
        key = key_for_token(token)
        if key is None:
            raise unauthorized()
        request.api_key = key  # type: ignore[attr-defined]
        if self.scope not in key.scopes:
            raise Problem(
                403,
                "scope",
                _("Missing scope"),
                _("This key does not have the %(scope)s scope.") % {"scope": self.scope},
            )
        retry_after = ratelimit.hit(key.prefix, key.rate_limit_per_minute)
        if retry_after is not None:
            raise Problem(
                429,
                "rate-limited",
                _("Too many requests"),
                _("This key may make %(n)s requests a minute.") % {"n": key.rate_limit_per_minute},
                headers={"Retry-After": str(retry_after)},
            )
        return key


def key_of(request: HttpRequest) -> ApiKey:
    key = request.auth  # type: ignore[attr-defined]
    assert isinstance(key, ApiKey)
    return key


SUBMIT = ApiKeyAuth("submit")
READ = ApiKeyAuth("read")
TAKEDOWN = ApiKeyAuth("takedown")
INSPECT = ApiKeyAuth("inspect")
