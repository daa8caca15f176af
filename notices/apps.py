from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self) -> None:
        # Notices appear in every item's history (moderation.timeline).
        from notices import timeline  # noqa: F401

        # Its figures on the metrics page and in the DSA transparency report.
        from notices.metrics import NoticesProvider
        from oversight.metrics import register

        register(NoticesProvider())
        # Its purger of personal data past the retention period (operations.retention).
        from notices import retention  # noqa: F401
