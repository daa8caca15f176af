"""What a consent request, release document or consent is about (a snapshot of the submission,
the person, the files and the biometric kinds), and the words its text is filled with."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from consent import texts, tokens
from consent.models import ConsentRecord, Scope
from consent.requirements import ConsentNeed
from moderation.models import Category, DepictedPerson, Region, Revision


def scope_of(revision: Revision, person: DepictedPerson, need: ConsentNeed) -> dict[str, Any]:
    """The snapshot a request, document or consent keeps of what it is about."""
    return {
        "submission_id": revision.submission_id,
        "revision": revision,
        "person_key": person.person_key,
        "person_name": person.name,
        "media_sha256": sorted(need.media_sha256),
        "biometric_kinds": sorted(need.kinds),
        "categories": [c.value for c in revision.categories],
        "region": revision.region,
    }


def scope_copy(item: Scope) -> dict[str, Any]:
    """The snapshot of a request or document, for the consent record it turns into."""
    return {
        "submission_id": item.submission_id,
        "revision": item.revision,
        "person_key": item.person_key,
        "person_name": item.person_name,
        "media_sha256": item.media_sha256,
        "biometric_kinds": item.biometric_kinds,
        "categories": item.categories,
        "region": item.region,
    }


def new_record(
    scope: dict[str, Any], *, method: str, now: datetime, ip: str | None, user_agent: str, **fields: Any
) -> ConsentRecord:
    """A separate consent given now, valid for CONSENT_VALIDITY_DAYS, with its own withdrawal
    nonce; not saved yet, so that its text can be rendered from it first."""
    return ConsentRecord(
        **scope,
        method=method,
        separate=True,
        language=get_language() or settings.LANGUAGE_CODE,
        granted_at=now,
        ip=ip,
        user_agent=user_agent[:400],
        expires_at=now + timedelta(days=settings.CONSENT_VALIDITY_DAYS),
        withdraw_nonce=tokens.new_nonce(),
        **fields,
    )


def person_name_of(user: User) -> str:
    return user.get_full_name() or user.get_username()


def text_params(scope: Scope, *, contributor: User, name: str | None = None) -> dict[str, object]:
    """The words a consent text is filled with, from what the scope snapshot covers."""
    categories = [str(Category(c).label) for c in scope.categories] or [_("none declared")]
    return {
        "name": name or scope.person_name,
        "contributor": person_name_of(contributor),
        "title": scope.revision.title,
        "site": settings.SITE_NAME,
        "kinds": ", ".join(scope.kind_labels) or _("likeness"),
        "categories": ", ".join(categories),
        "region": Region(scope.region).label if scope.region else Region.OTHER.label,
        "files": len(scope.media_sha256),
        "days": settings.CONSENT_VALIDITY_DAYS,
    }


def person_text(scope: Scope, *, contributor: User, version: str | None = None) -> texts.RenderedText:
    return texts.render(texts.PERSON, version, **text_params(scope, contributor=contributor))
