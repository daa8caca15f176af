"""Building blocks for tests: users with roles, named like the people who use the product."""

from typing import Any

from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role

PASSWORD = "test-password-123"


def make_user(username: str, role: Role | None = None, **fields: Any) -> User:
    fields.setdefault("email", f"{username}@example.com")
    user = User.objects.create_user(username=username, password=PASSWORD, **fields)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
        if role == Role.ADMIN:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return user


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(serial: int) -> str:
    """A valid GB 11643 resident ID number, different for each serial."""
    body = f"11010519900101{serial % 1000:03d}"
    if serial >= 1000:
        body = f"1101051990{(serial // 1000) % 12 + 1:02d}01{serial % 1000:03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def verify_id_number(user: User, number: str) -> Any:
    """Real-name verification of `number` through the real service and the development console
    provider (whatever IDENTITY_PROVIDER says); returns the attempt."""
    import io

    from accounts.identity_providers import ConsoleProvider
    from accounts.services import identity_verify_id_card

    return identity_verify_id_card(
        user=user,
        number=number,
        name=user.get_full_name() or user.get_username(),
        provider=ConsoleProvider(stream=io.StringIO()),
    )


def verify_identity(user: User) -> User:
    """Real-name verification with an ID number unique to the user (see verify_id_number)."""
    verify_id_number(user, resident_id(user.pk))
    user.__dict__.pop("role_names", None)
    return User.objects.get(pk=user.pk)


def make_contributor(username: str, **fields: Any) -> User:
    """A contributor who may submit: verified identity."""
    return verify_identity(make_user(username, Role.CONTRIBUTOR, **fields))
