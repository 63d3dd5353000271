"""`DATABASE_POOLER=pgbouncer`: the database settings a transaction-mode pooler needs, and nothing without it; on a
direct connection, values bound by the server and statements prepared after five runs (`DATABASE_SERVER_SIDE_BINDING=0`
turns both off)."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

SHOW = (
    "import json, django; from django.conf import settings; django.setup(); "
    "d = settings.DATABASES['default']; "
    "o = d.get('OPTIONS', {}); "
    "print(json.dumps([d.get('DISABLE_SERVER_SIDE_CURSORS'), o.get('prepare_threshold', 'unset'), "
    "o.get('server_side_binding')]))"
)


def database_settings(**extra):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        **extra,
    }
    for name in ("DATABASE_POOLER", "DATABASE_SERVER_SIDE_BINDING"):
        if name not in extra:
            environment.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", SHOW], env=environment, capture_output=True, text=True, check=True, cwd=settings.BASE_DIR
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"DATABASE_POOLER": "pgbouncer"}, [True, None, True]),
        ({}, [None, 5, True]),
        ({"DATABASE_SERVER_SIDE_BINDING": "0"}, [None, None, False]),
    ],
)
def test_a_transaction_pooler_gets_no_server_side_cursors_and_no_prepared_statements(extra, expected):
    assert database_settings(**extra) == expected
