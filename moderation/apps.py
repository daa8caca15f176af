from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        # R36: no move that restricts content without its statement of reasons.
        from moderation.lifecycle import register_after_transition
        from moderation.review.statements import require_statement

        register_after_transition(require_statement)
