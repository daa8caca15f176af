"""Creating accounts."""

from django.db import transaction

from accounts.models import TermsVersion, User
from accounts.roles import Role
from accounts.services.roles import user_set_role
from accounts.services.terms import terms_accept
from audit.services import record_event


@transaction.atomic
def user_sign_up(
    *, username: str, email: str, password: str, terms: TermsVersion, ip: str | None = None
) -> User:
    """Steps: create the user, make them a contributor, record their acceptance of `terms`.

    The new contributor can log in and verify their identity; the submission gate keeps them
    from submitting until they have.
    """
    user = User.objects.create_user(username=username, email=email, password=password)
    record_event(action="user.signed_up", actor=user, target=user, details={"email": email}, ip=ip)
    user_set_role(user=user, role=Role.CONTRIBUTOR, actor=None)
    terms_accept(user=user, terms=terms, ip=ip)
    return user
