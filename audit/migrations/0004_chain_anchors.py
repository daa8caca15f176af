"""Chain anchors for retention purges: the head remembers the last purged event, and on PostgreSQL
the append-only trigger lets a DELETE through only for events at or below their chain's anchor."""

from django.db import migrations, models

PG_FUNCTION_WITH_ANCHORS = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND OLD.seq <= (
        SELECT base_seq FROM audit_auditchainhead WHERE chain = OLD.chain
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
"""
PG_FUNCTION_STRICT = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
"""


def allow_anchored_deletes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION_WITH_ANCHORS)


def refuse_all_deletes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION_STRICT)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chains")]

    operations = [
        migrations.AddField(
            model_name="auditchainhead",
            name="base_seq",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="base_hash",
            field=models.CharField(default="0" * 64, max_length=64),
        ),
        migrations.RunPython(allow_anchored_deletes, refuse_all_deletes),
    ]
