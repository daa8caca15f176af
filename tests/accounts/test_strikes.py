"""Strikes: sanctions of any kind in the last STRIKE_WINDOW_DAYS, lifted ones excluded."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import Sanction, User
from accounts.selectors import strike_count, with_strike_counts
from accounts.services import sanction_acknowledge, sanction_impose, sanction_lift

Kind = Sanction.Kind


def test_it_counts_every_kind_and_keeps_acknowledged_warnings(uma: User, mod: User) -> None:
    warning = sanction_impose(user=uma, kind=Kind.WARNING, reason="w", actor=mod)
    sanction_acknowledge(sanction=warning, user=uma)
    sanction_impose(user=uma, kind=Kind.RESTRICTION, reason="r", actor=mod)
    sanction_impose(user=uma, kind=Kind.SUSPENSION, reason="s", actor=mod)
    sanction_impose(user=uma, kind=Kind.CLOSURE, reason="c", actor=mod)
    assert strike_count(uma) == 4


def test_it_leaves_out_lifted_sanctions(uma: User, mod: User, ada: User) -> None:
    sanction = sanction_impose(user=uma, kind=Kind.RESTRICTION, reason="r", actor=mod)
    sanction_impose(user=uma, kind=Kind.WARNING, reason="w", actor=mod)
    sanction_lift(sanction=sanction, actor=ada, reason="Mistake.")
    assert strike_count(uma) == 1


def test_it_forgets_sanctions_older_than_the_window(uma: User, mod: User, settings: Any) -> None:
    settings.STRIKE_WINDOW_DAYS = 30
    old = sanction_impose(user=uma, kind=Kind.WARNING, reason="old", actor=mod)
    sanction_impose(user=uma, kind=Kind.WARNING, reason="new", actor=mod)
    Sanction.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert strike_count(uma) == 1
    assert strike_count(uma, now=timezone.now() + timedelta(days=31)) == 0


def test_it_annotates_a_queryset_in_one_query(
    uma: User, ugo: User, mod: User, django_assert_num_queries: Any
) -> None:
    for _ in range(3):
        sanction_impose(user=uma, kind=Kind.WARNING, reason="w", actor=mod)
    sanction_impose(user=ugo, kind=Kind.RESTRICTION, reason="r", actor=mod)
    with django_assert_num_queries(1):
        counts = {user.username: user.strike_count for user in with_strike_counts(User.objects.all())}
    assert counts == {"uma": 3, "ugo": 1, "mod": 0}


def test_it_composes_with_other_annotations(uma: User, mod: User) -> None:
    from django.db.models import Count

    sanction_impose(user=uma, kind=Kind.WARNING, reason="w", actor=mod)
    sanction_impose(user=uma, kind=Kind.WARNING, reason="w", actor=mod)
    annotated = with_strike_counts(User.objects.annotate(group_total=Count("groups"))).get(pk=uma.pk)
    assert (annotated.strike_count, annotated.group_total) == (2, 1)
