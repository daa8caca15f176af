import pytest
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import Role
from accounts.services import RoleChangeRefused, sanction_impose, user_set_role
from audit.models import AuditEvent
from tests.factories import make_user


@pytest.mark.django_db
def test_it_creates_the_four_role_groups() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "contributor",
        "moderator",
        "senior_moderator",
        "admin",
    }


@pytest.mark.django_db
def test_it_gives_the_admin_group_user_management_permissions() -> None:
    codenames = set(Group.objects.get(name="admin").permissions.values_list("codename", flat=True))
    assert {"view_user", "change_user", "view_auditevent"} <= codenames


def test_it_reads_role_helpers(uma: User, mod: User, senior: User, ada: User, oscar: User) -> None:
    assert (uma.role, uma.is_contributor, uma.is_reviewer) == (Role.CONTRIBUTOR, True, False)
    assert (mod.role, mod.is_reviewer, mod.is_senior_moderator) == (Role.MODERATOR, True, False)
    assert (senior.is_reviewer, senior.is_senior_moderator, senior.is_admin_role) == (True, True, False)
    assert (ada.is_reviewer, ada.is_senior_moderator, ada.is_admin_role) == (True, True, True)
    assert (oscar.role, oscar.is_contributor, oscar.is_reviewer) == (None, False, False)


@pytest.mark.django_db
def test_it_treats_a_superuser_as_admin() -> None:
    root = User.objects.create_superuser("root", "root@example.com", "pw")
    assert root.role == Role.ADMIN


def test_it_picks_the_highest_of_several_roles(uma: User) -> None:
    uma.groups.add(Group.objects.get(name="senior_moderator"))
    fresh = User.objects.get(pk=uma.pk)
    assert fresh.role == Role.SENIOR_MODERATOR


def test_it_changes_a_role_and_audits_it(uma: User, ada: User) -> None:
    user_set_role(user=uma, role=Role.ADMIN, actor=ada, reason="Runs the platform from May.")
    uma.refresh_from_db()
    fresh = User.objects.get(pk=uma.pk)
    assert fresh.role == Role.ADMIN
    assert fresh.is_staff is True
    event = AuditEvent.objects.get(action="user.role_changed")
    assert event.actor == ada
    assert event.details == {"from": "contributor", "to": "admin", "reason": "Runs the platform from May."}


def test_it_wants_a_reason_from_a_person(uma: User, ada: User) -> None:
    with pytest.raises(RoleChangeRefused, match="Say why"):
        user_set_role(user=uma, role=Role.MODERATOR, actor=ada, reason="  ")
    assert User.objects.get(pk=uma.pk).role == Role.CONTRIBUTOR


@pytest.mark.parametrize("kind", ["restriction", "suspension", "closure"])
def test_it_gives_a_sanctioned_user_no_other_role(uma: User, ada: User, mod: User, kind: str) -> None:
    sanction_impose(user=uma, kind=kind, reason="Unlabelled AI portraits.", actor=mod)
    with pytest.raises(RoleChangeRefused, match="under a sanction in force"):
        user_set_role(user=uma, role=Role.SENIOR_MODERATOR, actor=ada, reason="Trusted.")
    assert User.objects.get(pk=uma.pk).role == Role.CONTRIBUTOR
    assert not AuditEvent.objects.filter(action="user.role_changed").exists()


def test_it_still_demotes_a_sanctioned_moderator(ada: User, senior: User) -> None:
    moderator = make_user("mira", Role.MODERATOR)
    sanction_impose(user=moderator, kind="suspension", reason="Leaked a queue.", actor=senior)
    user_set_role(user=moderator, role=Role.CONTRIBUTOR, actor=ada, reason="Suspended.")
    assert User.objects.get(pk=moderator.pk).role == Role.CONTRIBUTOR


@pytest.mark.django_db
def test_it_takes_staff_access_away_with_the_admin_role() -> None:
    user = make_user("former", Role.ADMIN)
    user_set_role(user=user, role=Role.MODERATOR, actor=None)
    assert User.objects.get(pk=user.pk).is_staff is False
