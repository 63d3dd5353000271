import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0002_contact_events'),
    ]

    operations = [
        migrations.CreateModel(
            name='ContactScore',
            fields=[
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                ('contact', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='score', serialize=False, to='contacts.contact', verbose_name='contact')),
                ('rfm', models.CharField(blank=True, db_index=True, max_length=40, verbose_name='RFM segment')),
                ('churn_risk', models.DecimalField(blank=True, decimal_places=3, max_digits=4, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('1'))], verbose_name='churn risk')),
                ('computed_at', models.DateTimeField(verbose_name='computed at')),
            ],
            options={
                'verbose_name': 'contact score',
                'verbose_name_plural': 'contact scores',
                'ordering': ['contact'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('churn_risk__gte', 0), ('churn_risk__lte', 1)), ('churn_risk__isnull', True), _connector='OR'), name='contacts_contactscore_churn_risk_range', violation_error_message='The churn risk is between 0 and 1.')],
            },
        ),
    ]
