"""Accepting the terms of service (Labeling Measures Art. 8, rule R34)."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import TermsAcceptance, TermsVersion, User
from audit.services import record_event


@transaction.atomic
def terms_accept(
    *, user: User, terms: TermsVersion, ip: str | None = None, now: datetime.datetime | None = None
) -> TermsAcceptance:
    """Record that `user` accepted `terms`, once; accepting again changes nothing."""
    now = now or timezone.now()
    if not terms.is_in_force(now):
        raise ValueError(f"Terms {terms.version} are not in force yet.")
    acceptance, created = TermsAcceptance.objects.get_or_create(
        user=user, terms=terms, defaults={"accepted_at": now, "ip": ip}
    )
    if created:
        record_event(
            action="terms.accepted",
            actor=user,
            target=user,
            details={"terms_id": terms.pk, "version": terms.version},
            ip=ip,
        )
    user.forget_standing()
    return acceptance
