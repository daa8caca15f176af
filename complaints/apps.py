from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        # Complaints appear in every item's history (moderation.timeline).
        from complaints import timeline  # noqa: F401

        # Its figures on the metrics page and in the DSA transparency report.
        from complaints.metrics import ComplaintsProvider
        from oversight.metrics import register

        register(ComplaintsProvider())
        # Its purger of personal data past the retention period (operations.retention).
        from complaints import retention  # noqa: F401
