from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")

    def ready(self) -> None:
        # The consent check plugs into the moderation pipeline's registry.
        from consent import check  # noqa: F401
        from consent.services.requests import consent_requests_on_submit
        from moderation.lifecycle import register_after_transition

        # Consent requests go out when the item is submitted (issue 11, rough edge 7).
        register_after_transition(consent_requests_on_submit)
