"""Accepting a new version of the terms of service."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.forms import TermsAcceptForm
from accounts.http import AuthenticatedRequest
from accounts.models import TermsAcceptance
from accounts.selectors import current_terms
from accounts.services import terms_accept
from audit.context import client_ip


def render_terms(request: AuthenticatedRequest, form: TermsAcceptForm) -> HttpResponse:
    accepted = TermsAcceptance.objects.filter(user=request.user, terms=form.terms).first()
    return render(
        request, "accounts/terms_accept.html", {"form": form, "terms": form.terms, "accepted": accepted}
    )


@require_GET
def terms_accept_page(request: AuthenticatedRequest) -> HttpResponse:
    terms = current_terms()
    if terms is None:
        return redirect("home")
    return render_terms(request, TermsAcceptForm(terms=terms, initial={"next": request.GET.get("next", "")}))


@require_POST
def terms_accept_submit(request: AuthenticatedRequest) -> HttpResponse:
    terms = current_terms()
    if terms is None:
        return redirect("home")
    form = TermsAcceptForm(request.POST, terms=terms)
    if not form.is_valid():
        return render_terms(request, form)
    terms_accept(user=request.user, terms=terms, ip=client_ip(request))
    messages.success(request, _("Thank you: you accepted version %(version)s.") % {"version": terms.version})
    next_url = form.cleaned_data["next"]
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("home")
