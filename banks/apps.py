from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BanksConfig(AppConfig):
    name = "banks"
    verbose_name = _("Known-content banks")

    def ready(self) -> None:
        # Registers the match check with the pipeline's check registry.
        from banks import checks  # noqa: F401
