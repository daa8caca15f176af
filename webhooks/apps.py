from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from moderation.lifecycle import register_after_transition
        from webhooks.hooks import announce_transition

        # After the statement guard (moderation's ready runs first): a refused move announces nothing.
        register_after_transition(announce_transition)
        # Its purger of finished delivery logs past the retention period (operations.retention).
        from webhooks import retention  # noqa: F401
