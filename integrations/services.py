"""Integrations: their API keys, their authors and the lifetime of their idempotency records.

Authors: a CMS author becomes a Provenant contributor on first use, linked by the CMS's author
id. The publisher is the platform that Deep Synthesis Provisions Art. 9 obliges to verify its
users, so its attestation (method, its reference, when) is recorded as the contributor's
identity verification, with the integration named as the provider, and audited. Terms: the CMS
passes the version of our terms its author accepted (`terms_version`); we record that
acceptance, the same row a web contributor's click writes. Without it, an author who has not
accepted the terms in force is stopped by the submission gate like anyone else.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import IdentityVerification, TermsVersion, User
from accounts.roles import Role
from accounts.services import terms_accept, user_set_role
from audit.services import record_event
from integrations.keys import mint_key
from integrations.models import ApiKey, IdempotencyRecord, Integration, IntegrationAuthor, Scope

# The CMS's names for the methods (the API's vocabulary) and ours.
ATTESTED_METHODS: dict[str, str] = {
    "phone": IdentityVerification.Method.PHONE,
    "resident_id": IdentityVerification.Method.ID_CARD,
    "uscc": IdentityVerification.Method.USCC,
    "national_online_identity": IdentityVerification.Method.NATIONAL,
}
ATTESTATION_PROVIDER = "integration"
IDEMPOTENCY_PURGE_BATCH = 5000


class AuthorRefused(Exception):
    """The author or their attestation cannot be accepted; the message says why."""


@dataclass(frozen=True)
class Attestation:
    method: str  # a key of ATTESTED_METHODS
    reference: str
    verified_at: datetime.datetime


@transaction.atomic
def apikey_create(
    *,
    integration: Integration,
    name: str,
    scopes: list[str],
    rate_limit_per_minute: int = 600,
    expires_at: datetime.datetime | None = None,
    actor: User | None,
) -> tuple[ApiKey, str]:
    """Mint a key; return it with the full key, which is shown once and never stored."""
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValueError(f"unknown scopes: {sorted(unknown)}")
    minted = mint_key()
    key = ApiKey.objects.create(
        integration=integration,
        name=name,
        prefix=minted.prefix,
        secret_hash=minted.secret_hash,
        scopes=sorted(set(scopes)),
        rate_limit_per_minute=rate_limit_per_minute,
        expires_at=expires_at,
    )
    record_event(
        action="apikey.created",
        actor=actor,
        target=key,
        details={"integration": integration.pk, "prefix": key.display_prefix, "scopes": key.scopes},
    )
    return key, minted.full


@transaction.atomic
def apikey_revoke(*, key: ApiKey, actor: User | None) -> bool:
    """Revoke a key for good; False when it already was."""
    now = timezone.now()
    if not ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now):
        return False
    key.revoked_at = now
    record_event(
        action="apikey.revoked",
        actor=actor,
        target=key,
        details={"integration": key.integration_id, "prefix": key.display_prefix},
    )
    return True


def _new_contributor(integration: Integration, external_id: str) -> User:
    username = f"int{integration.pk}-{secrets.token_hex(6)}"
    user = User.objects.create_user(username=username, email="", password=None)
    user_set_role(user=user, role=Role.CONTRIBUTOR, actor=None)
    record_event(
        action="user.created_by_integration",
        actor=None,
        target=user,
        details={"integration": integration.pk, "author": external_id},
    )
    return user


def _attest(*, author: IntegrationAuthor, attestation: Attestation) -> None:
    """Record the publisher's real-name verification of its author, once per reference."""
    method = ATTESTED_METHODS.get(attestation.method)
    if method is None:
        raise AuthorRefused(_("Unknown verification method %(method)s.") % {"method": attestation.method})
    if not attestation.reference.strip():
        raise AuthorRefused(_("The attestation needs the reference of your verification."))
    now = timezone.now()
    if attestation.verified_at > now + datetime.timedelta(minutes=5):
        raise AuthorRefused(_("The verification cannot have happened in the future."))
    integration = author.integration
    reference = f"{integration.pk}:{attestation.reference.strip()}"[:128]
    existing = IdentityVerification.objects.filter(
        provider=ATTESTATION_PROVIDER, provider_reference=reference
    ).first()
    if existing is not None:
        if existing.user_id != author.user_id:
            raise AuthorRefused(_("This verification reference was already attested for another author."))
        return
    attempt = IdentityVerification(
        user=author.user,
        method=method,
        status=IdentityVerification.Status.VERIFIED,
        provider=ATTESTATION_PROVIDER,
        provider_reference=reference,
        verified_fields=["attested"],
        evidence={
            "attested_by": integration.name,
            "integration_id": integration.pk,
            "method": attestation.method,
            "verified_at": attestation.verified_at.isoformat(),
        },
        created_at=now,
        decided_at=attestation.verified_at,
    )
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:
        raise AuthorRefused(
            _("This verification reference was already attested for another author.")
        ) from None
    record_event(
        action="identity.attested_by_integration",
        actor=None,
        target=author.user,
        details={
            "verification_id": attempt.pk,
            "method": method,
            "attested_by": integration.name,
            "integration_id": integration.pk,
            "reference": attestation.reference,
            "verified_at": attestation.verified_at.isoformat(),
        },
    )
    author.user.forget_standing()


@transaction.atomic
def author_resolve(
    *,
    integration: Integration,
    external_id: str,
    display_name: str = "",
    attestation: Attestation | None = None,
    terms_version: str = "",
) -> IntegrationAuthor:
    """The contributor for a CMS author, created on first use; record the attestation and terms.

    Steps: find or create the link (a new contributor account without a password: it never logs
    in); record the attestation as the account's verification unless that reference already is;
    record the acceptance of `terms_version`, which must be the version in force.
    """
    external_id = external_id.strip()
    if not external_id:
        raise AuthorRefused(_("The author needs the CMS's author id."))
    author = (
        IntegrationAuthor.objects.select_related("user", "integration")
        .filter(integration=integration, external_id=external_id)
        .first()
    )
    if author is None:
        author = IntegrationAuthor.objects.create(
            integration=integration,
            external_id=external_id,
            user=_new_contributor(integration, external_id),
            display_name=display_name.strip(),
        )
    elif display_name.strip() and display_name.strip() != author.display_name:
        author.display_name = display_name.strip()
        author.save(update_fields=["display_name"])
    if attestation is not None:
        _attest(author=author, attestation=attestation)
    if terms_version:
        current = TermsVersion.objects.current()
        if current is None or current.version != terms_version:
            raise AuthorRefused(
                _("Terms version %(given)s is not the one in force (%(current)s).")
                % {"given": terms_version, "current": current.version if current else "-"}
            )
        terms_accept(user=author.user, terms=current)
    return author


def idempotency_records_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the idempotency records no longer honoured (older than IDEMPOTENCY_KEY_TTL_HOURS),
    IDEMPOTENCY_PURGE_BATCH at a time, each batch its own short transaction. They cache an HTTP
    answer and are no compliance record: the 183-day floor of operations.retention does not apply,
    and nothing is audited. Returns how many went."""
    now = now or timezone.now()
    expired = IdempotencyRecord.objects.expired(now)
    removed = 0
    while ids := list(expired.order_by("pk").values_list("pk", flat=True)[:IDEMPOTENCY_PURGE_BATCH]):
        deleted, _by_model = IdempotencyRecord.objects.filter(pk__in=ids).delete()
        removed += deleted
    return removed
