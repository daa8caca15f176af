"""Oversight's tables; the DSA category of the starting policy reasons; and, on PostgreSQL, the
indexes the metrics roll-ups, search and exports read on moderation's tables, built CONCURRENTLY so
that a large production table keeps taking writes (hence a non-atomic migration). SQLite: no-ops."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

# (name, table, definition): owned by this app, created on moderation's tables.
INDEXES = [
    # Search: full text over a revision's title and text ('simple': no stemming, any language).
    ("oversight_revision_fulltext_idx", "moderation_revision",
     "USING gin (to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(body, '')))"),
    # Roll-ups and exports read decisions by day.
    ("oversight_decision_created_idx", "moderation_decision", "(created_at, id)"),
    # Roll-ups read check runs by the day they finished.
    ("oversight_checkrun_finished_idx", "moderation_checkrun", "(finished_at) WHERE finished_at IS NOT NULL"),
    # The list of decided items, newest first, and search by date.
    ("oversight_submission_decided_idx", "moderation_submission",
     "(decided_at DESC, id DESC) WHERE decided_at IS NOT NULL"),
    ("oversight_submission_submitted_idx", "moderation_submission", "(submitted_at DESC NULLS LAST, id DESC)"),
]

# The starting policy reasons (moderation 0002) as the DSA counts them; admins change them later.
REASON_CATEGORIES = {
    "unlabelled-ai": ("STATEMENT_CATEGORY_OTHER_VIOLATION_TC", []),
    "missing-consent": (
        "STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS", ["KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE"]
    ),
    "label-tampering": ("STATEMENT_CATEGORY_OTHER_VIOLATION_TC", ["KEYWORD_DATA_FALSIFICATION"]),
    "fake-news": (
        "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS", ["KEYWORD_MISINFORMATION_DISINFORMATION"]
    ),
    "impersonation": ("STATEMENT_CATEGORY_SCAMS_AND_FRAUD", ["KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING"]),
    "prohibited-content": ("STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", []),
    "quality": ("STATEMENT_CATEGORY_OTHER_VIOLATION_TC", []),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


ADMIN_PERMISSIONS = [
    "view_reasoncategory", "add_reasoncategory", "change_reasoncategory", "delete_reasoncategory",
    "view_statementsubmission", "change_statementsubmission", "view_tdbrequest",
]


def grant_admins(apps, schema_editor):
    """The admin role manages the DSA categories and sees what went to the Transparency Database."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="admin")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="oversight", codename__in=ADMIN_PERMISSIONS)
    )


def categorise_reasons(apps, schema_editor):
    PolicyReason = apps.get_model("moderation", "PolicyReason")
    ReasonCategory = apps.get_model("oversight", "ReasonCategory")
    for reason in PolicyReason.objects.filter(code__in=REASON_CATEGORIES):
        category, keywords = REASON_CATEGORIES[reason.code]
        ReasonCategory.objects.get_or_create(reason=reason, defaults={"category": category, "keywords": keywords})


class Migration(migrations.Migration):

    initial = True
    atomic = False

    dependencies = [
        ('moderation', '0005_queue_covering_indexes'),
        ('moderation', '0002_library_permissions_reasons'),
        ('accounts', '0002_roles'),
    ]

    operations = [
        migrations.CreateModel(
            name='JobMark',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=64, unique=True)),
                ('at', models.DateTimeField()),
            ],
            options={
                'verbose_name': 'job mark',
            },
        ),
        migrations.CreateModel(
            name='TdbRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
                ('endpoint', models.CharField(max_length=200, verbose_name='endpoint')),
                ('statements', models.PositiveSmallIntegerField(verbose_name='statements')),
                ('http_status', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='HTTP status')),
                ('duration_ms', models.PositiveIntegerField(default=0, verbose_name='duration (ms)')),
                ('error', models.TextField(blank=True, verbose_name='error')),
            ],
            options={
                'verbose_name': 'Transparency Database request',
                'verbose_name_plural': 'Transparency Database requests',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='DailyFigure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(verbose_name='day')),
                ('metric', models.CharField(max_length=48, verbose_name='metric')),
                ('queue', models.CharField(blank=True, max_length=16, verbose_name='queue')),
                ('dimension', models.CharField(blank=True, max_length=64, verbose_name='dimension')),
                ('detail', models.CharField(blank=True, max_length=64, verbose_name='detail')),
                ('value', models.BigIntegerField(verbose_name='value')),
                ('computed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='computed')),
            ],
            options={
                'verbose_name': 'daily figure',
                'verbose_name_plural': 'daily figures',
                'ordering': ['day', 'metric', 'queue', 'dimension', 'detail'],
                'constraints': [models.UniqueConstraint(fields=('metric', 'day', 'queue', 'dimension', 'detail'), name='dailyfigure_unique')],
            },
        ),
        migrations.CreateModel(
            name='ReasonCategory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('category', models.CharField(choices=[('STATEMENT_CATEGORY_ANIMAL_WELFARE', 'Animal welfare'), ('STATEMENT_CATEGORY_CONSUMER_INFORMATION', 'Consumer information infringements'), ('STATEMENT_CATEGORY_CYBER_VIOLENCE', 'Cyber violence'), ('STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN', 'Cyber violence against women'), ('STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS', 'Data protection and privacy violations'), ('STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', 'Illegal or harmful speech'), ('STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS', 'Intellectual property infringements'), ('STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS', 'Negative effects on civic discourse or elections'), ('STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE', 'Type of alleged illegal content not specified by the notifier'), ('STATEMENT_CATEGORY_OTHER_VIOLATION_TC', "Other violation of provider's terms and conditions"), ('STATEMENT_CATEGORY_PROTECTION_OF_MINORS', 'Protection of minors'), ('STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', 'Risk for public security'), ('STATEMENT_CATEGORY_SCAMS_AND_FRAUD', 'Scams and/or fraud'), ('STATEMENT_CATEGORY_SELF_HARM', 'Self-harm'), ('STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS', 'Unsafe, non-compliant or prohibited products'), ('STATEMENT_CATEGORY_VIOLENCE', 'Violence')], default='STATEMENT_CATEGORY_OTHER_VIOLATION_TC', max_length=80, verbose_name='DSA category')),
                ('keywords', models.JSONField(blank=True, default=list, verbose_name='keywords')),
                ('reason', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='dsa_category', to='moderation.policyreason', verbose_name='reason')),
            ],
            options={
                'verbose_name': 'DSA category of a reason',
                'verbose_name_plural': 'DSA categories of reasons',
                'ordering': ['reason__code'],
            },
        ),
        migrations.CreateModel(
            name='LabelIdentifier',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('c2pa_manifest', 'C2PA manifest id'), ('tc260_produce_id', 'TC260 ProduceID')], max_length=20, verbose_name='kind')),
                ('value', models.CharField(max_length=255, verbose_name='value')),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='moderation.checkrun')),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='moderation.submission')),
            ],
            options={
                'verbose_name': 'label identifier',
                'verbose_name_plural': 'label identifiers',
                'indexes': [models.Index(fields=['value', 'kind'], name='labelidentifier_value_idx')],
                'constraints': [models.UniqueConstraint(fields=('run', 'kind', 'value'), name='labelidentifier_unique')],
            },
        ),
        migrations.CreateModel(
            name='StatementSubmission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('puid', models.CharField(max_length=500, unique=True, verbose_name='platform unique identifier')),
                ('status', models.CharField(choices=[('pending', 'Waiting to be sent'), ('sending', 'Being sent'), ('sent', 'Accepted by the database'), ('invalid', 'Refused: invalid payload'), ('failed', 'Gave up after retries'), ('skipped', 'Not for the database')], default='pending', max_length=12, verbose_name='status')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='next attempt')),
                ('lease_expires_at', models.DateTimeField(blank=True, null=True, verbose_name='lease expires')),
                ('last_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='last attempt')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent')),
                ('http_status', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='HTTP status')),
                ('tdb_uuid', models.CharField(blank=True, max_length=64, verbose_name='database uuid')),
                ('errors', models.JSONField(blank=True, default=dict, verbose_name='errors')),
                ('payload', models.JSONField(blank=True, default=dict, verbose_name='payload sent')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('decision', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='tdb_submission', to='moderation.decision')),
            ],
            options={
                'verbose_name': 'statement sent to the Transparency Database',
                'verbose_name_plural': 'statements sent to the Transparency Database',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='tdbsubmission_due_idx')],
            },
        ),
        migrations.RunPython(categorise_reasons, migrations.RunPython.noop),
        migrations.RunPython(grant_admins, migrations.RunPython.noop),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
