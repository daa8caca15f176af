"""The metrics page: figures from the daily roll-ups, as charts with their numbers beside them."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from oversight.access import require_overseer
from oversight.forms import MetricsForm
from oversight.metrics import page
from oversight.metrics.cache import page_content
from oversight.metrics.selectors import computed_at


@require_GET
def metrics(request: AuthenticatedRequest) -> HttpResponse:
    require_overseer(request.user)
    form = MetricsForm(request.GET)
    if not form.is_valid():
        return render(request, "oversight/metrics.html", {"form": form}, status=400)
    where = form.to_filter()
    # Show the range chosen (the defaults too) in the filter's date fields.
    form = MetricsForm({"start": where.start, "end": where.end, "queue": where.queue})
    form.is_valid()
    when = computed_at(where)
    return render(
        request,
        "oversight/metrics.html",
        {
            "form": form,
            "where": where,
            "computed_at": when,
            "range_query": f"start={where.start.isoformat()}&end={where.end.isoformat()}",
            # Kept per range and roll-up run: the figures change only when the roll-up writes them.
            **page_content(where, when, page.build),
        },
    )
