"""Admins manage integrations: create and edit them, create and revoke keys, see authors."""

from django.db import migrations

ADMIN_PERMISSIONS = [
    "add_integration",
    "change_integration",
    "view_integration",
    "add_apikey",
    "change_apikey",
    "view_apikey",
    "view_integrationauthor",
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="admin")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="integrations", codename__in=ADMIN_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [("integrations", "0002_keys_authors_idempotency"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
