"""Site-wide pages that belong to no app: the error pages Django cannot render with a request.

403 and 404 use Django's own handlers (they render templates/403.html and 404.html with the
request, so the page has the site's navigation). A 400 or 500 may come from a broken request or
a broken database, so those pages are rendered without the request or any query: the chrome
without the user's menu. A failed CSRF check gets our page, with the request, saying what to do.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return HttpResponseBadRequest(render_to_string("400.html", {"SITE_NAME": settings.SITE_NAME}))


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError(render_to_string("500.html", {"SITE_NAME": settings.SITE_NAME}))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
