"""The promoters' models pass the checks `migrate` runs (with the database: index names, constraints)."""

import pytest
from django.core import checks

pytestmark = pytest.mark.django_db


def test_the_models_pass_the_checks_that_migrate_runs():
    serious = [message for message in checks.run_checks(databases=["default"]) if message.is_serious()]
    found = [message for message in serious if "promoters" in f"{getattr(message.obj, '__module__', '')} {message.obj}"]

    assert found == []
