# The notifications model leaves for its own app: removed from this app's state only, the table
# (moderation_notification) and its rows stay where they are (notifications/0001 takes them).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0005_queue_covering_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
