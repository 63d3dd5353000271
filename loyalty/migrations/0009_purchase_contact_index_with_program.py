"""The purchases' (contact, at) index carries the program (PostgreSQL: INCLUDE): a segment rule over a program's
purchases probes it for each candidate contact without visiting the table."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('loyalty', '0008_reminder_schedules'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='purchase',
            name='loyalty_purchase_contact_at',
        ),
        migrations.AddIndex(
            model_name='purchase',
            index=models.Index(fields=['contact', 'at'], include=('program',), name='loyalty_purchase_contact_at'),
        ),
    ]
