"""The events' foreign key to the contact loses its own index: the (contact, at) index serves it, and each index costs
every insert of the events API."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0005_event_index_with_brand'),
    ]

    operations = [
        migrations.AlterField(
            model_name='contactevent',
            name='contact',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='events', to='contacts.contact', verbose_name='contact'),
        ),
    ]
