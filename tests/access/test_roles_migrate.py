"""The roles' data migration makes permissions early without taking the later post-migrate step from any app: one
`migrate` of a new database gives every model, those of later migrations too, its permissions and roles."""

import pytest
from django.apps import apps as global_apps

from access.roles import create_all_permissions

pytestmark = pytest.mark.django_db


def test_making_permissions_early_leaves_every_app_its_models_module():
    # given
    before = {config.label: config.models_module for config in global_apps.get_app_configs()}

    # when: as the roles' data migration calls it
    create_all_permissions(global_apps, global_apps.get_app_configs())

    # then: the apps with models still have them, so `migrate` still sends them its post-migrate step
    assert {config.label: config.models_module for config in global_apps.get_app_configs()} == before
    assert before["account"] is not None
