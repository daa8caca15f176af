"""Django app configuration for the label checks."""

from django.apps import AppConfig


class LabelsConfig(AppConfig):
    name = "labels"
    verbose_name = "AI labels"
