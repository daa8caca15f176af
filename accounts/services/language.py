"""The language a user reads in: remembered from the language switcher and the account page."""

from django.conf import settings
from django.db import transaction

from accounts.models import User


def is_offered_language(code: str) -> bool:
    return code in {language for language, _name in settings.LANGUAGES}


@transaction.atomic
def user_set_language(*, user: User, language: str) -> bool:
    """Steps: check `language` is one the site offers (blank = the site default), store it.

    Returns whether anything changed; an unknown code changes nothing."""
    if language and not is_offered_language(language):
        return False
    if user.language == language:
        return False
    user.language = language
    user.save(update_fields=["language"])
    return True
