"""RFC 9457 problem details: every error of the API is `application/problem+json` with `type`,
`title`, `status` and `detail`; validation errors add `errors` (where and what)."""

import json
import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from accounts.services import SubmissionNotAllowed
from moderation.lifecycle import InvalidTransition

logger = logging.getLogger(__name__)

PROBLEM_BASE = "https://provenant.invalid/problems/"
CONTENT_TYPE = "application/problem+json"


class Problem(Exception):
    """Raised anywhere in the API; answered as a problem document."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str = "",
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.errors, self.headers, self.extra = errors, headers or {}, extra or {}


def problem_response(problem: Problem) -> HttpResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + problem.slug,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail or problem.title,
        **problem.extra,
    }
    if problem.errors is not None:
        body["errors"] = problem.errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False, default=str), status=problem.status, content_type=CONTENT_TYPE
    )
    for name, value in problem.headers.items():
        response[name] = value
    return response


def not_found() -> Problem:
    return Problem(404, "not-found", _("Not found"), _("There is no such resource for this integration."))


def unauthorized(detail: str = "") -> Problem:
    return Problem(
        401,
        "unauthorized",
        _("Unauthorized"),
        detail or _("Send a valid, unrevoked API key as Authorization: Bearer <key>."),
        headers={"WWW-Authenticate": 'Bearer realm="provenant"'},
    )


def _validation_errors(exc: NinjaValidationError) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "")),
            "type": error.get("type", ""),
        }
        for error in exc.errors
    ]


def install_handlers(api: NinjaAPI) -> None:
    def handle(handler: Any) -> Any:
        def wrapped(request: HttpRequest, exc: Exception) -> HttpResponse:
            return problem_response(handler(exc))

        return wrapped

    api.add_exception_handler(Problem, handle(lambda exc: exc))
    api.add_exception_handler(
        NinjaValidationError,
        handle(
            lambda exc: Problem(
                422,
                "validation",
                _("The request is not valid"),
                _("Some fields are missing or wrong; see errors."),
                errors=_validation_errors(exc),
            )
        ),
    )
    api.add_exception_handler(AuthenticationError, handle(lambda exc: unauthorized()))
    api.add_exception_handler(Http404, handle(lambda exc: not_found()))
    api.add_exception_handler(
        PermissionDenied,
        handle(lambda exc: Problem(403, "forbidden", _("Forbidden"), str(exc) or _("This is not allowed."))),
    )
    api.add_exception_handler(
        SubmissionNotAllowed,
        handle(
            lambda exc: Problem(
                403,
                f"author-{exc.reason}",
                _("The author may not submit"),
                exc.message,
                extra={"reasons": [str(reason) for reason in exc.result.reasons]},
            )
        ),
    )
    api.add_exception_handler(
        InvalidTransition,
        handle(lambda exc: Problem(409, "conflict", _("Not possible in this state"), str(exc))),
    )
    api.add_exception_handler(
        HttpError, handle(lambda exc: Problem(exc.status_code, "error", str(exc), str(exc)))
    )

    def server_error(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        logger.exception(
            "API error on %s %s",
            request.method,
            request.path,
            exc_info=exc if isinstance(exc, BaseException) else True,
        )
        return problem_response(
            Problem(500, "server-error", _("Server error"), _("Something went wrong on our side."))
        )

    api.add_exception_handler(Exception, server_error)
