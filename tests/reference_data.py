"""The rows data migrations create (roles, permissions, the feature library, the policy taxonomy,
the audit chain head), put back after a transactional test has flushed the database.

pytest-django's serialized rollback does not restore them reliably when live-server tests follow
ordinary ones on SQLite, so transactional tests call this instead of relying on it.
"""

import importlib

from django.apps import apps
from django.contrib.auth.models import Group

DATA_MIGRATIONS = [
    ("accounts.migrations.0002_roles", "create_roles"),
    ("accounts.migrations.0004_admin_permissions", "grant"),
    ("moderation.migrations.0002_library_permissions_reasons", "forwards"),
    ("audit.migrations.0003_chains", "create_heads"),
    ("banks.migrations.0001_initial", "grant"),
    ("oversight.migrations.0001_initial", "categorise_reasons"),
    ("oversight.migrations.0001_initial", "grant_admins"),
    ("producers.migrations.0001_initial", "grant"),
    ("moderation.migrations.0008_labelled_av_deliveries", "grant_view"),
    ("moderation.migrations.0011_decision_source_publisher", "add_reason"),
    ("moderation.migrations.0013_reason_outcomes", "forwards"),
    ("integrations.migrations.0003_admin_permissions", "grant"),
    ("webhooks.migrations.0002_admin_permissions", "grant"),
]


def ensure_reference_data() -> None:
    if Group.objects.filter(name="contributor").exists():
        return
    # The migrations flip `models_module` on the app configs they get; keep the real ones intact.
    saved = {config.label: config.models_module for config in apps.get_app_configs()}
    try:
        for module_name, function_name in DATA_MIGRATIONS:
            getattr(importlib.import_module(module_name), function_name)(apps, None)
    finally:
        for config in apps.get_app_configs():
            config.models_module = saved[config.label]
