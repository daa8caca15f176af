"""Reasons per outcome: each reason says whether a rejection, a change request or both may give it.
The shipped reasons are sorted (illegal grounds only reject; "AI not declared" and "needs changes" also ask for changes) and three
change-request reasons join them."""

from django.db import migrations, models

CHANGES_ONLY: list[str] = []
BOTH = ["unlabelled-ai", "quality"]
NEW_REASONS = [
    (
        "declare-ai",
        "Correct the AI declaration",
        "low",
        "The files or the text show AI generation: declare it (and the service used) so the content is "
        "labelled.",
        "Terms §4: declare AI-generated content; CAC Labeling Measures Art. 10",
    ),
    (
        "get-consent",
        "Get the depicted person's consent",
        "medium",
        "A real person is depicted or synthesised: send them the consent request, or upload their "
        "signed release.",
        "Terms §5: consent of depicted persons; Deep Synthesis Provisions Art. 14",
    ),
    (
        "add-context",
        "Add a caption or context",
        "low",
        "Readers need a caption or context to understand what the content shows.",
        "Terms §3: editorial standards",
    ),
]


def forwards(apps, schema_editor):
    PolicyReason = apps.get_model("moderation", "PolicyReason")
    PolicyReason.objects.filter(code__in=CHANGES_ONLY).update(for_rejection=False, for_changes=True)
    PolicyReason.objects.filter(code__in=BOTH).update(for_changes=True)
    for code, title, severity, description, clause in NEW_REASONS:
        PolicyReason.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "ground": "incompatible",
                "severity": severity,
                "description": description,
                "terms_clause": clause,
                "for_rejection": False,
                "for_changes": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("moderation", "0012_finding_params_and_summary_params")]

    operations = [
        migrations.AddField(
            model_name="policyreason",
            name="for_changes",
            field=models.BooleanField(default=False, verbose_name="for change requests"),
        ),
        migrations.AddField(
            model_name="policyreason",
            name="for_rejection",
            field=models.BooleanField(default=True, verbose_name="for rejections"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
