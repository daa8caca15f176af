"""Give the admin role the webhook pages: endpoints managed, the outbox and attempts read, and
deliveries sent again (change)."""

from django.db import migrations

ADMIN_PERMISSIONS = [
    ("webhooks", "webhookendpoint", ["view", "add", "change"]),
    ("webhooks", "webhookevent", ["view"]),
    ("webhooks", "webhookdelivery", ["view", "change"]),
    ("webhooks", "webhookattempt", ["view"]),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("webhooks")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin, _created = Group.objects.get_or_create(name="admin")
    for app_label, model, actions in ADMIN_PERMISSIONS:
        codenames = [f"{action}_{model}" for action in actions]
        admin.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_initial"), ("accounts", "0004_admin_permissions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
