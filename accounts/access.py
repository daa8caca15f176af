"""Access helpers: every account view starts with one. 404 to outsiders, 403 to the wrong role."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.http import AuthenticatedRequest
from accounts.models import IdentityVerification, Sanction


def require_contributor(request: AuthenticatedRequest) -> None:
    """Identity verification is for contributors, the only role that publishes."""
    if not request.user.is_contributor:
        raise PermissionDenied


def get_own_phone_attempt(request: AuthenticatedRequest, pk: int) -> IdentityVerification:
    require_contributor(request)
    return get_object_or_404(
        IdentityVerification, pk=pk, user=request.user, method=IdentityVerification.Method.PHONE
    )


def get_own_warning(request: AuthenticatedRequest, pk: int) -> Sanction:
    return get_object_or_404(Sanction, pk=pk, user=request.user, kind=Sanction.Kind.WARNING)


def get_document_for_admin(request: AuthenticatedRequest, pk: int) -> IdentityVerification:
    """Identity documents are for administrators' eyes only, not even their owner's.

    Reviewers learn the document exists (403); anyone else gets 404, as does a purged file.
    """
    user = request.user
    if not user.is_admin_role:
        if user.is_reviewer:
            raise PermissionDenied
        raise Http404
    attempt = get_object_or_404(IdentityVerification, pk=pk, method=IdentityVerification.Method.DOCUMENT)
    if not attempt.has_document:
        raise Http404
    return attempt
