"""What a sanctioned user can do about it: acknowledge a warning."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import get_own_warning
from accounts.http import AuthenticatedRequest
from accounts.services import sanction_acknowledge


@require_POST
def warning_acknowledge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    warning = get_own_warning(request, pk)
    sanction_acknowledge(sanction=warning, user=request.user)
    messages.info(request, _("Warning acknowledged."))
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("account")
