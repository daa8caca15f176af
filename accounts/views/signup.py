"""Sign-up: the public way in. New accounts are contributors who accepted the current terms."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.forms import SignupForm
from accounts.selectors import current_terms
from accounts.services import user_sign_up
from audit.context import client_ip

BACKEND = "accounts.backends.AccountBackend"


def render_signup(request: HttpRequest, form: SignupForm | None, status: int = 200) -> HttpResponse:
    terms = form.terms if form is not None else None
    return render(request, "accounts/signup.html", {"form": form, "terms": terms}, status=status)


@login_not_required
@require_GET
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    terms = current_terms()
    # No terms in force, no sign-up: every account must accept them (Labeling Measures Art. 8).
    return render_signup(request, SignupForm(terms=terms) if terms else None)


@login_not_required
@require_POST
def signup_create(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    terms = current_terms()
    if terms is None:
        return render_signup(request, None, status=503)
    form = SignupForm(request.POST, terms=terms)
    if not form.is_valid():
        return render_signup(request, form)
    user = user_sign_up(
        username=form.cleaned_data["username"],
        email=form.cleaned_data["email"],
        password=form.cleaned_data["password1"],
        terms=terms,
        ip=client_ip(request),
    )
    login(request, user, backend=BACKEND)
    messages.success(request, _("Welcome! Verify your identity to start submitting content."))
    return redirect("account")
