"""Telling a user something: an in-app notification now, the same text by e-mail after commit.

The text comes from the caller, often rendered from a template under templates/<app>/messages/.
It is written in the recipient's language, not the language of whoever triggered it: callers pass
the subject and body as callables (or lazy strings), which `notify` renders under that language."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise

from accounts.models import User
from notifications.models import Notification

logger = logging.getLogger(__name__)


# A text rendered for the recipient: a callable called in their language, or a (lazy) string.
Text = Callable[[], str] | Promise | str


def language_of(user: User | None) -> str:
    """The language to write to `user` in: theirs if they chose one, else the site's default."""
    return (user.language if user is not None else "") or settings.LANGUAGE_CODE


@contextmanager
def in_language_of(user: User | None) -> Iterator[None]:
    """Render what is inside (gettext, templates) in `user`'s language."""
    with translation.override(language_of(user)):
        yield


def render_text(text: Text) -> str:
    """`text` rendered now, in the active language."""
    if callable(text):
        return text()
    return str(text)


def notify(user: User, *, subject: Text, body: Text, link: str = "", email: bool = True) -> Notification:
    """Steps: render `subject` and `body` in the user's language, store the notification, e-mail it
    after commit if the user has an address.

    Pass callables (`lambda: _("…") % {…}`, `lambda: render_to_string(…)`): a string translated
    before the call is in the language of whoever triggered it."""
    with in_language_of(user):
        subject = render_text(subject)
        body = render_text(body)
    # A subject is one line: a line break from a name or a title would make it an invalid mail header.
    subject = " ".join(subject.split())[:200]
    notification = Notification.objects.create(user=user, subject=subject, body=body, link=link)
    if email and user.email:
        transaction.on_commit(lambda: _send(notification.pk))
    return notification


def _send(notification_id: int) -> None:
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    body = notification.body
    if notification.link:
        body += f"\n\n{settings.SITE_URL.rstrip('/')}{notification.link}"
    try:
        send_mail(notification.subject, body, None, [notification.user.email])
    except (OSError, ValueError):
        # The in-app message stands; a mail outage or a header the mail library refuses (ValueError,
        # as BadHeaderError is) must not undo or hide the act it reports.
        logger.exception("Could not e-mail notification %s", notification_id)
        return
    Notification.objects.filter(pk=notification_id).update(emailed_at=timezone.now())


def notifications_mark_read(*, user: User, ids: list[int]) -> int:
    """The notifications the user has just seen (their own only) are read."""
    unread = Notification.objects.filter(user=user, pk__in=ids, read_at__isnull=True)
    return unread.update(read_at=timezone.now())


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
