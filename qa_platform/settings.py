"""Settings: the one place that reads the environment.

Defaults give a working local product (SQLite under var/, eager Celery, local file storage,
console e-mail). Each integration switches on when its variable is set:
DATABASE_URL (PostgreSQL through psycopg 3), REDIS_URL (Celery broker, results and cache),
AWS_STORAGE_BUCKET_NAME (S3-compatible recording storage through django-storages).
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production")
if not DEBUG and SECRET_KEY.startswith("dev-only") and env.bool("REQUIRE_SECRET_KEY", default=False):
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when REQUIRE_SECRET_KEY is on")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_htmx",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "qa_platform",
    "monitoring",
    "scoring",
    "coaching",
    "planning",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "qa_platform.urls"
WSGI_APPLICATION = "qa_platform.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "qa_platform.context_processors.roles",
                "qa_platform.menu.navigation",
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a seed or import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "media/"  # never served directly: recordings go through a permission-checked view

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    # S3-compatible object storage for recordings (pip install django-storages[s3]).
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "querystring_auth": True,
        },
    }

# Celery: eager in-process without Redis; a real broker with it.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="qa_platform")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic jobs (run by `celery beat`; docker-compose's beat service). Times in TIME_ZONE.
CELERY_BEAT_SCHEDULE: dict = {
    "feedback-reminders": {"task": "scoring.send_feedback_reminders", "schedule": 15 * 60},
    # Monday 02:00: tiers, agent quotas and line top-up for the week that just ended.
    "weekly-sampling": {"task": "planning.sample_week", "schedule": crontab(minute=0, hour=2, day_of_week=1)},
    # 1st of the month 03:00: the final top-up of last month's small lines.
    "monthly-line-topup": {"task": "planning.topup_month", "schedule": crontab(minute=0, hour=3, day_of_month=1)},
    "overdue-assignment-reminders": {"task": "planning.overdue_reminders", "schedule": crontab(minute=0, hour=8)},
    # 1st of the month 04:00: last month's PDF reports (agents, teams, lines, the center's QA analysis).
    "monthly-reports": {"task": "reports.generate_month", "schedule": crontab(minute=0, hour=4, day_of_month=1)},
    # 06:30: yesterday's daily summary; Monday 06:45: the weekly summary of the week that just ended.
    "daily-summary": {"task": "reports.daily_summary", "schedule": crontab(minute=30, hour=6)},
    "weekly-summary": {"task": "reports.weekly_summary", "schedule": crontab(minute=45, hour=6, day_of_week=1)},
}

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="qa-platform@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Services' ValidationError → 400 {field: [reason]}, IllegalTransition → 409 (qa_platform/errors.py).
    "EXCEPTION_HANDLER": "qa_platform.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "QA Platform API",
    "DESCRIPTION": "Call-center quality monitoring: agents, calls, recordings, evaluations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI assets come from the sidecar package, served locally: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status"/"kind" field; name their enums apart in the schema.
    "ENUM_NAME_OVERRIDES": {
        "EvaluationStatusEnum": "scoring.models.Status",
        "DisputeStatusEnum": "scoring.models.DisputeStatus",
        "EvaluationKindEnum": "scoring.models.Kind",
        "CriterionKindEnum": "scoring.models.CriterionKind",
        "VersionStatusEnum": "scoring.models.VersionStatus",
    },
}

# Product settings.
FEEDBACK_SLA_HOURS = env.int("FEEDBACK_SLA_HOURS", default=4)
RECORDING_MAX_BYTES = env.int("RECORDING_MAX_BYTES", default=200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
CALL_IMPORT_MAX_ROWS = env.int("CALL_IMPORT_MAX_ROWS", default=100_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
