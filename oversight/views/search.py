"""Search across submissions, and the list of decided items, for moderators."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from oversight.access import require_searcher
from oversight.forms import SearchForm
from oversight.search import decided_submissions, page_of, search_submissions

PAGE_SIZE = 25


def _query_without_page(request: AuthenticatedRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
def search(request: AuthenticatedRequest) -> HttpResponse:
    require_searcher(request.user)
    form = SearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid() and not form.to_query().is_empty:
        page = page_of(search_submissions(form.to_query()), request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "oversight/search.html",
        {
            "form": form,
            "page": page,
            "heading": _("Search submissions"),
            "decided": False,
            "query": _query_without_page(request),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_GET
def decided(request: AuthenticatedRequest) -> HttpResponse:
    require_searcher(request.user)
    form = SearchForm(request.GET, decided=True)
    if not form.is_valid():
        return render(
            request,
            "oversight/search.html",
            {"form": form, "page": None, "heading": _("Decided items"), "decided": True},
            status=400,
        )
    page = page_of(decided_submissions(form.to_query()), request.GET.get("page"), PAGE_SIZE)
    return render(
        request,
        "oversight/search.html",
        {
            "form": form,
            "page": page,
            "heading": _("Decided items"),
            "decided": True,
            "query": _query_without_page(request),
        },
    )
