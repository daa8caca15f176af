"""Changes to the prohibited-content feature library. Each one bumps the library's version, so
every policy finding says which version of the rules it was found with."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from audit.services import record_event
from moderation.models import FeatureLibrary, PolicyRule


def _bump_library() -> int:
    library, _created = FeatureLibrary.objects.select_for_update().get_or_create(pk=1)
    FeatureLibrary.objects.filter(pk=1).update(version=F("version") + 1, updated_at=timezone.now())
    return library.version + 1


@transaction.atomic
def policy_rule_save(*, rule: PolicyRule, actor: User | None) -> int:
    rule.full_clean()
    created = rule.pk is None
    rule.updated_at = timezone.now()
    rule.save()
    version = _bump_library()
    record_event(
        action="policy.rule_created" if created else "policy.rule_changed",
        actor=actor,
        target=rule,
        details={
            "code": rule.code,
            "pattern": rule.pattern,
            "is_regex": rule.is_regex,
            "region": rule.region,
            "active": rule.is_active,
            "library_version": version,
        },
    )
    return version


@transaction.atomic
def policy_rule_delete(*, rule: PolicyRule, actor: User | None) -> int:
    details = {"code": rule.code, "pattern": rule.pattern}
    rule.delete()
    version = _bump_library()
    record_event(
        action="policy.rule_deleted",
        actor=actor,
        target_type="moderation.policyrule",
        details={**details, "library_version": version},
    )
    return version
