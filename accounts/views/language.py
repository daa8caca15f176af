"""The language notifications, e-mails and pages are written in for me, set on my account page."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedRequest, set_language_cookie
from accounts.services import is_offered_language, user_set_language


@require_POST
def account_language(request: AuthenticatedRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language and not is_offered_language(language):
        messages.error(request, _("That language is not offered."))
        return redirect("account")
    user_set_language(user=request.user, language=language)
    shown = language or settings.LANGUAGE_CODE
    translation.activate(shown)
    messages.success(request, _("Language saved."))
    response = redirect("account")
    set_language_cookie(response, shown)
    return response
