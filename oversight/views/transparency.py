"""The DSA transparency report for a period: a preview page, and the CSV and XLSX files."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from audit.services import record_event
from oversight.access import require_overseer
from oversight.forms import DateRangeForm
from oversight.transparency.files import report_csv, report_xlsx
from oversight.transparency.report import NOT_COLLECTED, transparency_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def transparency(request: AuthenticatedRequest) -> HttpResponse:
    require_overseer(request.user)
    form = DateRangeForm(request.GET)
    if not form.is_valid():
        return render(request, "oversight/transparency.html", {"form": form}, status=400)
    start, end = form.range()
    form = DateRangeForm({"start": start, "end": end})
    form.is_valid()
    return render(
        request,
        "oversight/transparency.html",
        {
            "form": form,
            "rows": transparency_report(start, end),
            "not_collected": NOT_COLLECTED,
            "range_query": f"start={start.isoformat()}&end={end.isoformat()}",
        },
    )


@require_GET
def transparency_file(request: AuthenticatedRequest, fmt: str) -> HttpResponse:
    require_overseer(request.user)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form = DateRangeForm(request.GET)
    if not form.is_valid():
        return HttpResponse("bad dates", status=400)
    start, end = form.range()
    rows = transparency_report(start, end)
    record_event(
        action="oversight.exported",
        actor=request.user,
        details={"export": f"transparency-report.{fmt}", "start": start.isoformat(), "end": end.isoformat()},
    )
    if fmt == "csv":
        response = HttpResponse(report_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(report_xlsx(rows), content_type=XLSX)
    name = f"dsa-transparency-report-{start.isoformat()}_{end.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
