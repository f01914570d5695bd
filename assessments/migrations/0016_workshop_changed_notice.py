"""A notice on the channel ``workshop_changed`` whenever a workshop's row is updated or
deleted, sent by PostgreSQL when the change commits, whatever made it (assessments/watch.py:
the polls of open pages then know that nothing changed without asking). On SQLite, which
has no notices, nothing."""

from django.db import migrations

CREATE = """
CREATE FUNCTION assessments_workshop_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('workshop_changed', '*');
    ELSE
        PERFORM pg_notify('workshop_changed', OLD.id::text);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER assessments_workshop_changed AFTER UPDATE OR DELETE ON assessments_workshop
    FOR EACH ROW EXECUTE FUNCTION assessments_workshop_changed();
CREATE TRIGGER assessments_workshop_truncated AFTER TRUNCATE ON assessments_workshop
    FOR EACH STATEMENT EXECUTE FUNCTION assessments_workshop_changed();
"""

DROP = """
DROP TRIGGER IF EXISTS assessments_workshop_truncated ON assessments_workshop;
DROP TRIGGER IF EXISTS assessments_workshop_changed ON assessments_workshop;
DROP FUNCTION IF EXISTS assessments_workshop_changed();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0015_rollup_renders"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
