"""Codes compared byte by byte on PostgreSQL (collation "C"): they are upper-case ASCII, and a locale-aware
comparison made the unique index the slowest part of generating a million codes. SQLite compares bytes already."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

FORWARD = 'ALTER TABLE promocodes_promocode ALTER COLUMN code TYPE varchar(40) COLLATE "C"'
BACKWARD = 'ALTER TABLE promocodes_promocode ALTER COLUMN code TYPE varchar(40) COLLATE "default"'


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("promocodes", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
