"""The promoters' models pass the checks `migrate` runs (with the database: index names, constraints)."""

import pytest
from django.core import checks

pytestmark = pytest.mark.django_db


def test_the_models_pass_the_checks_that_migrate_runs():
    found = [
        message
        for message in checks.run_checks(databases=["default"])
        if getattr(message.obj, "__module__", "").startswith("promoters") or "promoters" in str(message.obj)
    ]

    assert found == []
