from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("Oversight")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from oversight.metrics import providers  # noqa: F401  (registers the built-in metric providers)
