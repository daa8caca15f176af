from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # django-axes lockouts are recorded in the audit trail; production settings are checked.
        from accounts import receivers, system_checks  # noqa: F401
