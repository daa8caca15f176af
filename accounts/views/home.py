from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.http import AuthenticatedRequest
from accounts.roles import Role


def home(request: AuthenticatedRequest) -> HttpResponse:
    """Send each role to its own home page."""
    role = request.user.role
    if role == Role.ADMIN:
        return redirect("admin:index")
    if role in (Role.MODERATOR, Role.SENIOR_MODERATOR):
        return redirect("review_home")
    if role == Role.CONTRIBUTOR:
        return redirect("submission_list")
    return render(request, "accounts/no_role.html")
