"""Settings for the test suite (pytest: DJANGO_SETTINGS_MODULE=qa_platform.test_settings).

Two modes, chosen by the environment so that a developer's .env never leaks into unit tests:

* Unit and browser tests (default): in-memory SQLite, eager Celery with no broker, a local-memory
  cache, and a throwaway MEDIA_ROOT, whatever DATABASE_URL / REDIS_URL say.
* Integration tests (QA_INTEGRATION=1, `make integration`): PostgreSQL from DATABASE_URL and Redis
  from REDIS_URL as a real broker and result backend; tasks go to a queue of their own per run,
  consumed by the Celery worker that tests/integration/conftest.py starts.
"""

import atexit
import os
import shutil
import tempfile
import uuid

import environ

from .settings import *  # noqa: F403

INTEGRATION = env.bool("QA_INTEGRATION", default=False)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A real directory rather than InMemoryStorage: file handling behaves as in production, and in
# integration mode the Celery worker (another process) must read what the test process wrote.
MEDIA_ROOT = tempfile.mkdtemp(prefix="qa-test-media-")
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)

# Tests never need a collected manifest; the manifest storage would fail on {% static %} without one.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
STORAGES["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

# Serve static files straight from the app and project directories (browser tests), without a
# collectstatic run and without WhiteNoise warning that STATIC_ROOT does not exist.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if INTEGRATION:
    DATABASES = {
        "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/qa_platform"),
    }
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise environ.ImproperlyConfigured("QA_INTEGRATION=1 needs DATABASE_URL to point at PostgreSQL")
    # A test database per run: two runs on one server (a developer's and CI's) must not drop
    # each other's database. pytest-django drops it at the end of the run.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    # One queue per run, so a stray worker from an earlier run (or a developer's `make worker`)
    # cannot take this run's tasks; the test worker is started with `-Q` this name.
    CELERY_TASK_DEFAULT_QUEUE = f"qa_platform_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    REDIS_URL = ""
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
