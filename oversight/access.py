"""Who may use oversight: search is for every reviewer; metrics, exports and the transparency
report are for senior moderators and admins. Anyone else gets 403 (these pages are about no
particular object, so there is nothing to hide behind a 404)."""

from django.core.exceptions import PermissionDenied

from accounts.models import User


def require_searcher(user: User) -> None:
    if not user.is_reviewer:
        raise PermissionDenied


def require_overseer(user: User) -> None:
    """Senior moderators and admins."""
    if not user.is_senior_moderator:
        raise PermissionDenied
