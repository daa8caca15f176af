"""My account: role, identity, sanctions and terms, as the user sees them."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from accounts.identity_providers import enabled_providers
from accounts.selectors import (
    accepted_terms,
    active_sanctions,
    current_terms,
    strike_count,
    verification_history,
    verification_summary,
)
from accounts.services import submission_gate


@require_GET
def account(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "summary": verification_summary(user),
            "attempts": verification_history(user)[:20],
            "sanctions": active_sanctions(user),
            "strikes": strike_count(user),
            "acceptance": accepted_terms(user),
            "current_terms": current_terms(),
            "gate": submission_gate(user) if user.is_contributor else None,
            "providers": {provider.key for provider in enabled_providers()},
        },
    )
