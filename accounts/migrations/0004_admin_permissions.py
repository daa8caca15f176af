"""Give the admin role what it needs to review identities, manage sanctions and publish terms."""

from django.db import migrations

ADMIN_PERMISSIONS = [
    ("accounts", "identityverification", ["view", "change"]),
    ("accounts", "sanction", ["view", "change"]),
    ("accounts", "termsversion", ["view", "add", "change", "delete"]),
    ("accounts", "termsacceptance", ["view"]),
]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; make sure they exist now.
    app_config = apps.get_app_config("accounts")
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
    dependencies = [("accounts", "0003_identity_terms_sanctions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
