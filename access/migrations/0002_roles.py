"""The role groups (marketer, analyst, support, promoter) with their permissions; staff who worked unlimited
because they managed no brand keep doing so, now by `all_brands` (a limited user with no brand sees nothing)."""

from django.apps import apps as global_apps
from django.db import migrations

from access.roles import create_all_permissions, sync_roles


def forwards(apps, schema_editor):
    create_all_permissions(apps, global_apps.get_app_configs())
    sync_roles(apps)
    user_model = apps.get_model("auth", "User")
    profile_model = apps.get_model("access", "StaffProfile")
    unlimited = user_model.objects.filter(is_staff=True, is_superuser=False, managed_brands=None)
    for user in unlimited:
        profile_model.objects.update_or_create(user=user, defaults={"all_brands": True})


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("contacts", "0001_initial"),
        ("loyalty", "0006_purchase_receipt_index"),
        ("campaigns", "0001_initial"),
        ("promocodes", "0003_code_list_index"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
