from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = _("Consent")

    def ready(self) -> None:
        # The consent check plugs into the moderation pipeline's registry.
        from consent import check  # noqa: F401
