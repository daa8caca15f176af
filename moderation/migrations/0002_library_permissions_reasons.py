"""The feature library's first version, the review permissions of each role, and a starting
policy taxonomy that admins adapt in the admin."""

from django.db import migrations

ROLE_PERMISSIONS = {
    "moderator": ["review_submission"],
    "senior_moderator": ["review_submission", "override_blocking", "review_escalated"],
    "admin": [
        "review_submission", "override_blocking", "review_escalated",
        "view_submission", "change_submission", "view_checkrun", "view_finding",
        "add_policyrule", "change_policyrule", "delete_policyrule", "view_policyrule",
        "add_policyreason", "change_policyreason", "view_policyreason",
        "view_decision",
    ],
}

REASONS = [
    ("unlabelled-ai", "AI-generated content not declared", "incompatible", "high",
     "The content is AI-generated or synthesised but was submitted as authentic.",
     "", "Terms §4: declare AI-generated content; CAC Labeling Measures Art. 10"),
    ("missing-consent", "No consent from a depicted person", "illegal", "critical",
     "A real person's face or voice is synthesised without their separate consent.",
     "Deep Synthesis Provisions Art. 14; PIPL Art. 28-29", ""),
    ("label-tampering", "AI label removed or altered", "illegal", "high",
     "Provenance or AI labels in the file were removed, forged or altered.",
     "Deep Synthesis Provisions Art. 18; Labeling Measures Art. 10", ""),
    ("fake-news", "False information made with deep synthesis", "illegal", "critical",
     "The content presents fabricated events or statements as real news.",
     "Deep Synthesis Provisions Art. 6", ""),
    ("impersonation", "Impersonation of a real person", "incompatible", "high",
     "The content imitates a real person in a way that misleads about who speaks or acts.",
     "", "Terms §5: no impersonation"),
    ("prohibited-content", "Prohibited content", "illegal", "critical",
     "The content matches the prohibited-content feature library.",
     "Deep Synthesis Provisions Art. 6 and 10", ""),
    ("quality", "Needs changes before publication", "incompatible", "low",
     "The content can be published once the requested changes are made.",
     "", "Terms §3: editorial standards"),
]


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="moderation", codename__in=codenames)
        )
    apps.get_model("moderation", "FeatureLibrary").objects.get_or_create(pk=1, defaults={"version": 1})
    PolicyReason = apps.get_model("moderation", "PolicyReason")
    for code, title, ground, severity, description, legal, clause in REASONS:
        PolicyReason.objects.get_or_create(
            code=code,
            defaults={"title": title, "ground": ground, "severity": severity, "description": description,
                      "legal_ground": legal, "terms_clause": clause},
        )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0001_initial"), ("accounts", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
