"""Who is asking, for the audit trail: the client IP of the current request.

The middleware sets it once per request so services deep in a call stack can record
events without every signature carrying the request.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestMeta:
    ip: str | None


current_request_meta: ContextVar[RequestMeta | None] = ContextVar("current_request_meta", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The client address, trusting exactly TRUSTED_PROXY_COUNT proxies' X-Forwarded-For entries."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def request_meta(request: HttpRequest) -> RequestMeta:
    return RequestMeta(ip=client_ip(request))
