"""Segment members get their history: when each entered and left (one row per stay), and whether they were added by
hand. The members stored so far were all added by hand (or by the demo seed): they are marked so, and keep their
place whatever the rules say. Segments get their schedule (`recompute_minutes`)."""

import django.core.validators
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='segmentmember',
            name='campaigns_segmentmember_unique_member',
        ),
        migrations.RenameField(
            model_name='segmentmember',
            old_name='added_at',
            new_name='entered_at',
        ),
        migrations.AlterField(
            model_name='segmentmember',
            name='entered_at',
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name='entered at'),
        ),
        migrations.AddField(
            model_name='segmentmember',
            name='left_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='left at'),
        ),
        # Every member so far was added by hand: the column is added true for them, then defaults to false.
        migrations.AddField(
            model_name='segmentmember',
            name='manual',
            field=models.BooleanField(default=True, verbose_name='added by hand'),
        ),
        migrations.AlterField(
            model_name='segmentmember',
            name='manual',
            field=models.BooleanField(default=False, verbose_name='added by hand'),
        ),
        migrations.AddField(
            model_name='segment',
            name='recompute_minutes',
            field=models.PositiveIntegerField(default=60, help_text='0 = only on demand.', validators=[django.core.validators.MaxValueValidator(43200)], verbose_name='recompute every (minutes)'),
        ),
        migrations.AddIndex(
            model_name='segmentmember',
            index=models.Index(fields=['segment', '-entered_at'], name='campaigns_segmember_history'),
        ),
        migrations.AddConstraint(
            model_name='segmentmember',
            constraint=models.UniqueConstraint(condition=models.Q(('left_at__isnull', True)), fields=('segment', 'contact'), name='campaigns_segmentmember_one_current_stay'),
        ),
    ]
