from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        # Complaints appear in every item's history (moderation.timeline).
        from complaints import timeline  # noqa: F401
