"""Celery application.

Without REDIS_URL the settings switch tasks to eager mode, so the product runs in one process;
with REDIS_URL, a real worker consumes from Redis (`celery -A qa_platform worker`).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qa_platform.settings")

app = Celery("qa_platform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
