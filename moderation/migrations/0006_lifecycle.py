# The lifecycle and publication off the decision lock: the "publishing" status, publication runs
# and the run each rendition came from. And the notifications model leaves for its own app:
# removed from this app's state only, the table (moderation_notification) and its rows stay
# where they are (notifications/0001 takes them).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0005_queue_covering_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name='submission',
            name='status',
            field=models.CharField(choices=[('draft', 'Draft'), ('submitted', 'Submitted'), ('checking', 'Checking'), ('awaiting_review', 'Awaiting review'), ('publishing', 'Publishing…'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('changes_requested', 'Changes requested'), ('withdrawn', 'Withdrawn')], default='draft', max_length=24, verbose_name='status'),
        ),
        migrations.CreateModel(
            name='PublicationRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tier', models.CharField(max_length=12, verbose_name='AI tier')),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('running', 'Running'), ('published', 'Published'), ('failed', 'Failed'), ('cancelled', 'Cancelled')], default='pending', max_length=12, verbose_name='status')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                ('worker', models.CharField(blank=True, max_length=200, verbose_name='worker')),
                ('error', models.TextField(blank=True, verbose_name='error')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('enqueued_at', models.DateTimeField(blank=True, null=True, verbose_name='sent to a worker')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started')),
                ('lease_expires_at', models.DateTimeField(blank=True, null=True, verbose_name='lease expires')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('revision', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='publication_runs', to='moderation.revision')),
                ('submission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='publication_runs', to='moderation.submission')),
            ],
            options={
                'verbose_name': 'publication run',
                'verbose_name_plural': 'publication runs',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.AddField(
            model_name='publishedrendition',
            name='run',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='renditions', to='moderation.publicationrun'),
        ),
        migrations.AddIndex(
            model_name='publicationrun',
            index=models.Index(condition=models.Q(('status__in', ['pending', 'running'])), fields=['status', 'lease_expires_at'], name='publication_unfinished_idx'),
        ),
    ]
