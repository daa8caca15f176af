"""Reads of a user's own notifications."""

from django.db.models import QuerySet

from accounts.models import User
from notifications.models import Notification


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user).unread().count()
