"""Django app configuration for the label checks."""

from django.apps import AppConfig


class LabelsConfig(AppConfig):
    name = "labels"
    verbose_name = "AI labels"

    def ready(self) -> None:
        # Production must be able to sign what it publishes; video and audio need ffmpeg.
        from labels import system_checks  # noqa: F401
