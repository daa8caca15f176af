from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Logins, logouts and failed logins are recorded from Django's own auth signals.
        from audit import receivers  # noqa: F401
