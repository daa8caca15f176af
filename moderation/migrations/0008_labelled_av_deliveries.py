"""Publication progress on each run, and the log of unlabelled originals handed out on request
(R32), which the admin role may read."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def grant_view(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("moderation")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin, _created = Group.objects.get_or_create(name="admin")
    admin.permissions.add(
        *Permission.objects.filter(content_type__app_label="moderation", codename="view_unlabelleddelivery")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0006_default_terms'),
        ('moderation', '0007_notices_takedowns_refutations'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='publicationrun',
            name='progress',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='progress'),
        ),
        migrations.CreateModel(
            name='UnlabelledDelivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('media_sha256', models.CharField(max_length=64, verbose_name='SHA-256 of the file')),
                ('requester_role', models.CharField(max_length=20, verbose_name='requested as')),
                ('staff_reason', models.TextField(blank=True, verbose_name='staff reason')),
                ('recipient_name', models.CharField(max_length=200, verbose_name='recipient')),
                ('recipient_organisation', models.CharField(max_length=200, verbose_name="recipient's organisation")),
                ('purpose', models.TextField(verbose_name='purpose')),
                ('clause_version', models.CharField(max_length=32, verbose_name='labelling clause version')),
                ('clause_text', models.TextField(verbose_name='labelling clause acknowledged')),
                ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP address')),
                ('user_agent', models.CharField(blank=True, max_length=300, verbose_name='user agent')),
                ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='requested')),
                ('expires_at', models.DateTimeField(verbose_name='download expires')),
                ('downloaded_at', models.DateTimeField(blank=True, null=True, verbose_name='downloaded')),
                ('download_ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='downloaded from')),
                ('media', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='unlabelled_deliveries', to='moderation.mediafile')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='unlabelled_deliveries', to='moderation.submission')),
                ('terms', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.termsversion', verbose_name='terms in force')),
            ],
            options={
                'verbose_name': 'unlabelled original delivery',
                'verbose_name_plural': 'unlabelled original deliveries',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.RunPython(grant_view, migrations.RunPython.noop),
    ]
