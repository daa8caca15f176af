"""CSV exports for a date range, streamed: decisions (senior moderators and admins) and audit events
(admins: they carry every user's IP address). Each export is itself audited."""

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from audit.services import record_event
from oversight.access import require_overseer
from oversight.exports import AUDIT_HEADER, DECISION_HEADER, audit_rows, csv_lines, decision_rows
from oversight.forms import DateRangeForm


def _stream(
    request: AuthenticatedRequest,
    kind: str,
    header: list[str],
    rows: Callable[[date, date], Iterator[list[Any]]],
) -> HttpResponseBase:
    form = DateRangeForm(request.GET)
    if not form.is_valid():
        return HttpResponse("; ".join(str(e) for e in form.non_field_errors()) or "bad dates", status=400)
    start, end = form.range()
    record_event(
        action="oversight.exported",
        actor=request.user,
        details={"export": kind, "start": start.isoformat(), "end": end.isoformat()},
    )
    response = StreamingHttpResponse(
        csv_lines(header, rows(start, end)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{kind}-{start.isoformat()}_{end.isoformat()}.csv"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def export_decisions(request: AuthenticatedRequest) -> HttpResponseBase:
    require_overseer(request.user)
    return _stream(request, "decisions", DECISION_HEADER, decision_rows)


@require_GET
def export_audit_events(request: AuthenticatedRequest) -> HttpResponseBase:
    require_overseer(request.user)
    if not request.user.is_admin_role:
        raise PermissionDenied
    return _stream(request, "audit-events", AUDIT_HEADER, audit_rows)
