from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit.context import current_request_meta, request_meta


class AuditContextMiddleware:
    """Makes the client IP of this request available to the audit service."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request_meta.set(request_meta(request))
        try:
            return self.get_response(request)
        finally:
            current_request_meta.reset(token)
