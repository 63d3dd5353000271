"""The events' (type, at, contact) index also carries the brand (PostgreSQL: INCLUDE), so that a segment rule over
events of its program's brands is answered from the index alone."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0004_subscriptions'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='contactevent',
            name='contacts_event_type_at_contact',
        ),
        migrations.AddIndex(
            model_name='contactevent',
            index=models.Index(fields=['type', 'at', 'contact'], include=('brand_id',), name='contacts_event_type_at_contact'),
        ),
    ]
