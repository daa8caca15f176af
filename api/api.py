"""The publisher API: /api/v1/, its OpenAPI schema and its interactive docs (/api/docs).

The docs page is ninja's Swagger UI, served from django-ninja's own static files (no CDN) with
its settings in a JSON block and its start-up code in a file, so the strict CSP holds.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Swagger

from api.inspect import router as inspect_router
from api.problems import Problem, install_handlers, problem_response
from api.submissions import router as submissions_router
from audit.services import record_event
from integrations.models import ApiKey

api = NinjaAPI(
    title="Provenant publisher API",
    version="1.0.0",
    description=(
        "Submit content from your CMS, follow its checks, review and publication, fetch the "
        "labelled files, and take publications down. Authenticate with an API key: "
        "`Authorization: Bearer pvk_…`. Errors are RFC 9457 problem details."
    ),
    urls_namespace="api-1",
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url=None,  # served at /api/docs (see urlpatterns)
)
install_handlers(api)
api.add_router("/", submissions_router)
api.add_router("/", inspect_router)


LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def max_request_bytes() -> int:
    from django.conf import settings

    return int(settings.API_MAX_REQUEST_BYTES)


def _audited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a too-large body before it is read; after the call, audit it with the key's id."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > max_request_bytes():
            return problem_response(
                Problem(
                    413, "too-large", _("Request too large"), _("The request body is larger than allowed.")
                )
            )
        response = view(request, *args, **kwargs)
        key = getattr(request, "api_key", None)
        if isinstance(key, ApiKey):
            now = timezone.now()
            with transaction.atomic():
                # To the minute: one UPDATE of the key's row per minute, not one per call.
                if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
                    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
                record_event(
                    action="api.request",
                    target=key,
                    details={
                        "api_key": key.pk,
                        "integration": key.integration_id,
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                    },
                )
        return response

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]
    wrapped.login_required = False  # type: ignore[attr-defined]
    return wrapped


def _machine_patterns() -> list[URLPattern | URLResolver]:
    patterns, _app, _namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _audited(pattern.callback)
    return list(patterns)


@login_not_required
def docs(request: HttpRequest) -> HttpResponse:
    assert api.docs is not None
    return api.docs.render_page(request, api)


urlpatterns = [
    path("v1/", (_machine_patterns(), "api-1", "api-1")),
    path("docs", csrf_exempt(docs), name="api_docs"),
]
