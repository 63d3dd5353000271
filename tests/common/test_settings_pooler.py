"""`DATABASE_POOLER=pgbouncer`: the database settings a transaction-mode pooler needs, and nothing without it."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

SHOW = (
    "import json, django; from django.conf import settings; django.setup(); "
    "d = settings.DATABASES['default']; "
    "print(json.dumps([d.get('DISABLE_SERVER_SIDE_CURSORS'), d.get('OPTIONS', {}).get('prepare_threshold', 'unset')]))"
)


def database_settings(**extra):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        **extra,
    }
    if "DATABASE_POOLER" not in extra:
        environment.pop("DATABASE_POOLER", None)
    done = subprocess.run(
        [sys.executable, "-c", SHOW], env=environment, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("extra", "expected"),
    [({"DATABASE_POOLER": "pgbouncer"}, [True, None]), ({}, [None, "unset"])],
)
def test_a_transaction_pooler_gets_no_server_side_cursors_and_no_prepared_statements(extra, expected):
    assert database_settings(**extra) == expected
