"""Authentication: Django's ModelBackend, aware of suspensions and of each user's standing."""

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser

from accounts.models import Sanction, User
from accounts.selectors import with_standing


class AccountBackend(ModelBackend):
    def user_can_authenticate(self, user: User | AnonymousUser | None) -> bool:
        """Closed accounts (inactive) and suspended ones cannot log in."""
        if not isinstance(user, User) or not super().user_can_authenticate(user):
            return False
        return not Sanction.objects.filter(user=user, kind=Sanction.Kind.SUSPENSION).in_force().exists()

    def get_user(self, user_id: Any) -> User | None:
        """Load the request's user with its standing in the same query.

        A suspended user is still returned: AccountStandingMiddleware logs them out with an
        explanation, which is kinder than silently landing on the login page.
        """
        try:
            user = with_standing(User._default_manager.all()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if user.is_active else None
