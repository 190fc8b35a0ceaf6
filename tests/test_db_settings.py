"""Database connection settings (issue 14): persistent connections or Django 5.2's psycopg pool
on PostgreSQL, chosen from the environment; SQLite keeps its defaults."""

from __future__ import annotations

import os
import subprocess
import sys

from django.test import SimpleTestCase

PROBE = "import django, json; django.setup(); from django.conf import settings; d = settings.DATABASES['default']; print(json.dumps({'pool': d.get('OPTIONS', {}).get('pool'), 'age': d.get('CONN_MAX_AGE'), 'checks': d.get('CONN_HEALTH_CHECKS')}))"


def settings_with(**env) -> dict:
    import json

    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "qa_platform.settings", **env}
    out = subprocess.run([sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


class DatabaseSettingsTests(SimpleTestCase):
    url = "postgres://postgres@127.0.0.1:5432/qa_platform"

    def test_persistent_connections_are_configured_in_seconds(self):
        found = settings_with(DATABASE_URL=self.url, DB_CONN_MAX_AGE="60", DB_POOL_MAX_SIZE="0")
        self.assertEqual((found["age"], found["checks"], found["pool"]), (60, True, None))

    def test_the_pool_replaces_persistent_connections(self):
        found = settings_with(DATABASE_URL=self.url, DB_CONN_MAX_AGE="60", DB_POOL_MAX_SIZE="8", DB_POOL_MIN_SIZE="20")
        self.assertEqual(found["pool"], {"min_size": 8, "max_size": 8, "timeout": 10.0})
        self.assertEqual(found["age"], 0)  # Django refuses persistent connections with a pool
