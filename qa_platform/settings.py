"""Settings: the one place that reads the environment.

Defaults give a working local product (SQLite under var/, eager Celery, local file storage,
console e-mail). Each integration switches on when its variable is set:
DATABASE_URL (PostgreSQL through psycopg 3), REDIS_URL (Celery broker, results and cache),
AWS_STORAGE_BUCKET_NAME (S3-compatible recording storage through django-storages).
"""

import datetime as dt
import re
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
# An empty SECRET_KEY (production.env.example copied but not filled in) counts as unset.
SECRET_KEY = env.str("SECRET_KEY", default="") or "dev-only-insecure-key-change-me-in-production"
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
    "csp",
    "axes",
    "qa_platform",
    "monitoring",
    "scoring",
    "coaching",
    "planning",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The person's saved language above the cookie and Accept-Language (qa_platform/language.py).
    "qa_platform.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: turns a locked-out login (form or token) into the lockout page or 403 JSON.
    "axes.middleware.AxesMiddleware",
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
else:
    # PostgreSQL: either Django 5.2's psycopg connection pool (DB_POOL_MAX_SIZE > 0, each process
    # keeps between DB_POOL_MIN_SIZE and that many connections) or persistent connections kept
    # DB_CONN_MAX_AGE seconds (health-checked before reuse); 0 and 0 open one per request.
    # Django refuses both at once, so the pool wins.
    _pool_max = env.int("DB_POOL_MAX_SIZE", default=0)
    if _pool_max > 0:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(env.int("DB_POOL_MIN_SIZE", default=2), _pool_max),
            "max_size": _pool_max,
            "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
        }
        DATABASES["default"]["CONN_MAX_AGE"] = 0
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out login before the password is looked at (qa_platform/security.py).
    "qa_platform.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and times as each language writes them (qa_platform/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["qa_platform.formats"]
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
# A dead or hung Redis costs seconds, never minutes (README "Task queue and outages"): every
# connection to it (broker, results, cache) gives up after BROKER_TIMEOUT seconds and is tried
# at most twice; a job that cannot be sent waits in the outbox (qa_platform/jobs.py).
BROKER_TIMEOUT = env.float("BROKER_TIMEOUT", default=1.0)
_ONE_QUICK_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# A task taken by a worker that died unacknowledged (acks_late) is handed out again after this
# many seconds. It must outlast the longest task (month-end reports: ~100 s at 2,000 agents), or
# a task still running would be started twice; so a killed worker's task waits this long.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # A worker looks for such tasks every interval × throttle seconds: kombu's 10 × 10, or about
    # a tenth of a visibility timeout shorter than 1,000 s (tests use a few seconds).
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 100)),
    "socket_timeout": BROKER_TIMEOUT,
    "socket_connect_timeout": BROKER_TIMEOUT,
    **_ONE_QUICK_RETRY,  # connecting to publish
}
CELERY_TASK_PUBLISH_RETRY_POLICY = _ONE_QUICK_RETRY
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = BROKER_TIMEOUT
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": _ONE_QUICK_RETRY}
# acks_late tasks (see */tasks.py) are acknowledged when they finish: a worker reserves one task
# per process at a time, so a dead worker holds back no queued task but the ones it was running.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Periodic jobs (run by `celery beat`; docker-compose's beat service). Times in TIME_ZONE. A job
# beat cannot send goes to the outbox, not to the log (qa_platform/beat.py).
CELERY_BEAT_SCHEDULER = "qa_platform.beat:OutboxScheduler"
CELERY_BEAT_SCHEDULE: dict = {
    # Every minute: send the jobs the broker could not take when they were asked for (qa_platform/jobs.py).
    "outbox-sweep": {"task": "qa_platform.sweep_outbox", "schedule": 60},
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
    # 06:15: unfinished coaching plans past their deadline → overdue, owners and supervisors mailed once.
    "overdue-coaching-plans": {"task": "coaching.mark_overdue_plans", "schedule": crontab(minute=15, hour=6)},
    # 07:00: development reviews and their next steps due within a week or overdue → reviewers mailed once.
    "development-review-reminders": {"task": "coaching.send_review_reminders", "schedule": crontab(minute=0, hour=7)},
    "weekly-summary": {"task": "reports.weekly_summary", "schedule": crontab(minute=45, hour=6, day_of_week=1)},
    # Monday 04:00: the training needs of the week that just ended (coaching/services/needs.py).
    "weekly-training-needs": {
        "task": "coaching.find_training_needs",
        "schedule": crontab(minute=0, hour=4, day_of_week=1),
    },
    # Monday 04:30: the recognition badges of the week that just ended (coaching/services/recognition.py).
    "weekly-badges": {"task": "coaching.award_badges", "schedule": crontab(minute=30, hour=4, day_of_week=1)},
    # Monday 03:30: a proposed calibration session per line of business from last week's calls.
    "weekly-calibration": {
        "task": "scoring.propose_calibration_sessions",
        "schedule": crontab(minute=30, hour=3, day_of_week=1),
    },
}

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Nothing on a request path needs the cache (sessions and login throttling are in the
            # database); should something use it, a dead Redis costs it BROKER_TIMEOUT, no more.
            "OPTIONS": {"socket_timeout": BROKER_TIMEOUT, "socket_connect_timeout": BROKER_TIMEOUT},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="qa-platform@localhost")
# Where people open the site: scheme, host and port, no path ("https://qa.example.com"). Links
# that leave the site — every e-mail's — are this plus the page's path (qa_platform/links.py),
# since a mail client cannot open "/evaluations/1126/". The celery worker sends the reminders, so
# it needs the same value as the web service. A malformed value stops the start; `check
# --deploy` warns while it is the local default, plain http behind SECURE_SSL_REDIRECT, or a
# host ALLOWED_HOSTS refuses (qa_platform/checks.py).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
if not re.fullmatch(r"https?://[^/?#\s]+", SITE_URL):
    raise environ.ImproperlyConfigured(
        "SITE_URL must be http(s)://host[:port] with no path, e.g. https://qa.example.com"
    )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        # django-filter with strict booleans and ids (qa_platform/filters.py).
        "qa_platform.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # drf-spectacular's, documenting list bodies' bounds too (qa_platform/schema.py).
    "DEFAULT_SCHEMA_CLASS": "qa_platform.schema.AutoSchema",
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
    # The schema and docs need a logged-in user unless API_DOCS_PUBLIC (qa_platform/security.py).
    "SERVE_PERMISSIONS": ["qa_platform.security.ApiDocsPermission"],
    # Request bodies get their own components (`…Request`): read-only fields stay out of them and
    # required text fields say minLength 1, as the serializers enforce.
    "COMPONENT_SPLIT_REQUEST": True,
    # The refusals every operation shares (403, 404, 400 {field: [reason]}), added once.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "qa_platform.schema.document_refusals",
    ],
    # Several models have a "status"/"kind" field; name their enums apart in the schema.
    "ENUM_NAME_OVERRIDES": {
        "EvaluationStatusEnum": "scoring.models.Status",
        "DisputeStatusEnum": "scoring.models.DisputeStatus",
        "EvaluationKindEnum": "scoring.models.Kind",
        "CriterionKindEnum": "scoring.models.CriterionKind",
        "VersionStatusEnum": "scoring.models.VersionStatus",
        "CalibrationSessionStatusEnum": "scoring.models.SessionStatus",
        "TrainingNeedStatusEnum": "coaching.models.NeedStatus",
        "TrainingSessionStatusEnum": "coaching.models.TrainingSessionStatus",
        "LibraryKindEnum": "coaching.models.LibraryKind",
        "CoachingPlanStatusEnum": "coaching.models.PlanStatus",
        "CoachingSessionKindEnum": "coaching.models.SessionKind",
        # A goal's scope and a training need's dimension: the same two values.
        "CriterionOrCategoryEnum": "coaching.models.GoalScope",
        "DevelopmentReviewStatusEnum": "coaching.models.ReviewStatus",
    },
}

API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=False)

# HTTPS. Off by default, so that a local run over http works; production turns each one on
# (README "Production settings", production.env.example; tests/test_deploy.py runs
# `check --deploy` with that file).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# The container's health probe (docker-compose.yml) asks over plain http, from inside.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
# "HTTP_X_FORWARDED_PROTO,https": behind a TLS-terminating proxy that sets that header (and
# strips it from clients), a request that came in over https counts as secure.
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if _proxy_ssl_header:
    if len(_proxy_ssl_header) != 2 or not _proxy_ssl_header[0].startswith("HTTP_"):
        raise environ.ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER must be a header and its value, e.g. HTTP_X_FORWARDED_PROTO,https"
        )
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)
# How many reverse proxies append to X-Forwarded-For in front of the app; 0 = clients connect
# directly. Decides the address failed logins are counted against (qa_platform/security.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Content-Security-Policy (django-csp), on every page, locally too: no inline script or style,
# nothing from another origin. The pages keep to it (tests/browser/test_csp.py).
_csp_directives = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "media-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if env.str("CSP_REPORT_URI", default=""):
    _csp_directives["report-uri"] = [env.str("CSP_REPORT_URI")]
if env.bool("CSP_REPORT_ONLY", default=False):
    # Reports violations without blocking: for trying a change of policy on a live site.
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _csp_directives}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp_directives}

# Login throttling (django-axes, qa_platform/security.py): after LOGIN_FAILURE_LIMIT failed
# attempts for one username, or from one address, within the cool-off, every login attempt
# there is refused until LOGIN_COOLOFF_MINUTES have passed since the last failure. Counted in
# the database (never the cache: a lockout must not depend on Redis), on the login form and
# the token endpoint alike.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=50)
# A cool-off of 0 would make axes lock for good, until an administrator releases the login.
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=30))
if AXES_FAILURE_LIMIT < 1 or not AXES_COOLOFF_TIME:
    raise environ.ImproperlyConfigured("LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES must be at least 1")
# Each item is counted on its own; "username+ip_address" counts the pair together.
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") if "+" in item else item
    for item in env.list("LOGIN_LOCKOUT_PARAMETERS", default=["username", "ip_address"])
]
if not AXES_LOCKOUT_PARAMETERS or not {
    name for item in AXES_LOCKOUT_PARAMETERS for name in ([item] if isinstance(item, str) else item)
} <= {"username", "ip_address", "user_agent"}:
    raise environ.ImproperlyConfigured(
        "LOGIN_LOCKOUT_PARAMETERS: a comma-separated list of username, ip_address, user_agent (or a+b for a pair)"
    )
# Tries during a lockout do not prolong it: it ends a fixed cool-off after the last counted failure.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "qa_platform.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "qa_platform.security.client_ip"

# Product settings.
FEEDBACK_SLA_HOURS = env.int("FEEDBACK_SLA_HOURS", default=4)
# Automatic QA: analyse each call (audio measures, phrase rules) once it is ingested or its
# recording attached (monitoring/services_analytics.py); off, `manage.py analyze_calls` does it.
CALL_ANALYSIS_AFTER_INGEST = env.bool("CALL_ANALYSIS_AFTER_INGEST", default=True)
RECORDING_MAX_BYTES = env.int("RECORDING_MAX_BYTES", default=200 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Call files stream in chunks (monitoring/ingest_copy.py), so their cap is high; a roster is
# read whole and keeps a small one.
CALL_IMPORT_MAX_ROWS = env.int("CALL_IMPORT_MAX_ROWS", default=10_000_000)
ROSTER_IMPORT_MAX_ROWS = env.int("ROSTER_IMPORT_MAX_ROWS", default=100_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # axes logs every failed login with the username and address masked, and a start-up banner;
    # the lockout itself is logged, unmasked, by qa_platform.security (logger "qa_platform.security").
    "loggers": {"axes": {"level": "ERROR"}},
}
