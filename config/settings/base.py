"""Settings shared by every environment. Every environment read happens here."""

from datetime import timedelta
from pathlib import Path

import environ
from django_guid.integrations import CeleryIntegration

from config.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
PRODUCTION = False  # config.settings.production says True: demo data refuses to load there
SECRET_KEY = env("SECRET_KEY", default="insecure-dev-key-change-me-0123456789abcdefghijklmnop")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_guid",
    "axes",
    "registry",
    "wiki",
    "lifecycle",
    "accounts",
    "search",
    "jobs",
    "monitoring",
    "notifications",
    "webhooks",
    "integrations",
]

MIDDLEWARE = [
    "config.logging.RequestLogContext",  # outermost: log lines know the request and its user
    "django_guid.middleware.guid_middleware",  # then every line carries the request id
    "config.health.HealthCheck",  # before host validation and the HTTPS redirect: probes use IPs
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.middleware.RejectNullCharacters",
    "config.middleware.CheckJSONBodies",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
]

# No inline script or style anywhere (templates use static/css and static/js); images from
# here or data: URLs only, so markdown cannot make readers' browsers fetch a remote image.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "registry.Person"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

# --- Sign-in lockout (django-axes; README, "Security") -----------------------------------
# After LOGIN_FAILURE_LIMIT failed sign-ins for one username, or from one address, that
# username or address is locked for LOGIN_LOCKOUT_MINUTES from its last failure; then it lifts
# by itself (`manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS` lift it early).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: per account, per address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_CLIENT_IP_CALLABLE = "config.web.client_address"
# Proxies in front of Almanac that append to X-Forwarded-For: the client's address (for the
# lockout and the API's anonymous rate) is the entry the outermost one appended. 0: REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

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
                "notifications.context.bell",  # the unread count in every page's header
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# SQLite is the embedded default. WAL lets readers and one writer work at once,
# the busy timeout waits for a lock instead of failing, and IMMEDIATE transactions
# take the write lock up front so two writers never deadlock on an upgrade
# ("database is locked").
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db.setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        }
    )
if _db["ENGINE"].startswith("django.db.backends.postgresql"):
    # A sequential scan starts at block 0, not where another scan of the table happens to be:
    # a search's tiers take the first cap + 1 matches in table order, so a capped query gives
    # the same candidates (and first page) every time (at 100,000 datasets, "churn" gave 12
    # different first pages in 12 searches with PostgreSQL's default).
    _opts = _db.setdefault("OPTIONS", {})
    _opts["options"] = f"{_opts.get('options', '')} -c synchronize_seqscans=off".strip()
# Persistent connections for both engines: on SQLite a new connection per request also
# re-runs the PRAGMAs above (bench/registry_vs_mlflow.py measured it).
_db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
_db["CONN_HEALTH_CHECKS"] = True
DATABASE_IS_POSTGRES = _db["ENGINE"].startswith("django.db.backends.postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache --------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Absolute links in what leaves the app (webhook payloads, emails).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Webhook URLs on private, loopback or link-local addresses are refused unless this is on
# (on for development and tests, whose receivers run on this machine; off in production).
WEBHOOKS_ALLOW_PRIVATE_URLS = env.bool("WEBHOOKS_ALLOW_PRIVATE_URLS", default=True)

# --- Celery -------------------------------------------------------------------
# With no broker configured, tasks run in-process when they are published (tests, scripts).
# `make run` sets `filesystem://`: a worker with beat beside runserver, through files under
# CELERY_FILESYSTEM_DIR, so the demo runs background and periodic work with no server.
# Production: `redis://…` and `make worker` + `make beat` (or the compose services).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a task whose worker died is delivered again
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # with acks_late: a worker holds one task at a time
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the worker logs through LOGGING: JSON lines
# A publish with the broker down fails within a second; the outbox (jobs.outbox) keeps it.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # longer than any countdown (jobs.outbox.MAX_COUNTDOWN, an hour), or Redis would hand a
    # waiting task to a second worker
    "visibility_timeout": 2 * 3600,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
    "max_retries": 0,  # measured: kombu's default publish retries held a request 2 s
    "retry_on_timeout": False,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = Path(env("CELERY_FILESYSTEM_DIR", default=str(BASE_DIR / ".celery" / "queue")))
    _queue.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(_queue), "data_folder_out": str(_queue),
                                       "store_processed": False,
                                       "polling_interval": 0.1}  # default 1 s: a task a second
# What runs on a schedule (`make beat`, or the worker's embedded beat in `make run`).
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {"task": "jobs.relay_outbox", "schedule": 10.0},
    "evaluate-drift": {"task": "monitoring.evaluate_all", "schedule": 30.0},
    "remind": {"task": "notifications.remind", "schedule": 15 * 60.0},
    "daily-digest": {"task": "notifications.send_digests", "schedule": 3600.0},
    "webhook-retries": {"task": "webhooks.deliver_due", "schedule": 60.0},
}
# Review requests waiting longer than this are reminded to their reviewers (hours).
REVIEW_REMINDER_HOURS = env.int("REVIEW_REMINDER_HOURS", default=48)
# API tokens expiring within this many days are announced to their owners.
TOKEN_EXPIRY_NOTICE_DAYS = env.int("TOKEN_EXPIRY_NOTICE_DAYS", default=7)
# Action items due within this many days are "due soon".
ACTION_ITEM_DUE_SOON_DAYS = env.int("ACTION_ITEM_DUE_SOON_DAYS", default=3)

# --- Email ----------------------------------------------------------------------
# Console in development (the mail is printed); SMTP when EMAIL_HOST is set.
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 10
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                    else "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Almanac <almanac@localhost>")

# --- Integrations -------------------------------------------------------------
# MLflow: `manage.py import_mlflow` reads this server (off when empty), registers new models
# under MLFLOW_IMPORT_PROJECT and acts as MLFLOW_IMPORT_USER (default: that project's lead).
MLFLOW_TRACKING_URI = env("MLFLOW_TRACKING_URI", default="")
MLFLOW_IMPORT_PROJECT = env("MLFLOW_IMPORT_PROJECT", default="")
MLFLOW_IMPORT_USER = env("MLFLOW_IMPORT_USER", default="")
MLFLOW_SYNC_MINUTES = env.int("MLFLOW_SYNC_MINUTES", default=15)
# Celery beat runs the import every MLFLOW_SYNC_MINUTES when a tracking server is set.
if MLFLOW_TRACKING_URI:
    CELERY_BEAT_SCHEDULE["mlflow-sync"] = {"task": "integrations.mlflow_sync",
                                           "schedule": MLFLOW_SYNC_MINUTES * 60}

# --- Rules ------------------------------------------------------------------
# Whoever creates a team leads it (and so writes in the global wiki): staff only, unless on.
TEAMS_CREATED_BY_ANYONE = env.bool("TEAMS_CREATED_BY_ANYONE", default=False)

# --- Input limits (README, "Security") ----------------------------------------
# Markdown of a page or template body, in characters; wiki.markdown renders this much in
# bounded time (tests/wiki/test_markdown_bounded.py).
WIKI_PAGE_MAX_CHARS = env.int("WIKI_PAGE_MAX_CHARS", default=50_000)
# API request bodies: JSON nested deeper is refused (400); any body past Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE (bytes, 2.5 MB unless set) is refused (413).
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# Previews a person may ask for (the editor's Preview button), per minute.
WIKI_PREVIEW_RATE = env("WIKI_PREVIEW_RATE", default="30/min")

# --- I18N / time --------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# --- REST framework -----------------------------------------------------------
REST_FRAMEWORK = {
    # Bearer first: its WWW-Authenticate header makes a missing login a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.authentication.TokenScopeAllowsMethod",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "config.drf.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # JSON only, whatever the Accept header says (the browsable renderer needs a serializer on
    # every view: it answered 500).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.drf.JSONOnlyNegotiation",
    # `?format=` is the dataset catalog's format filter, not a renderer switch.
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_THROTTLE_CLASSES": ["config.drf.UserThrottle", "config.drf.AnonThrottle"],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # else DRF believes any X-Forwarded-For a client sends
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_THROTTLE_USER", default="2000/min"),
        "anon": env("API_THROTTLE_ANON", default="60/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Almanac API",
    "DESCRIPTION": "The registry and knowledge base of a machine-learning team.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PATH_CONVERTER_OVERRIDES": {
        "label": {"type": "string", "pattern": "^[^/]+$"},
        "number": {"type": "integer", "minimum": 0, "maximum": 999999999},
        "space": {"type": "string", "pattern": "^(global|team-[a-z0-9-]+|project-[a-z0-9-]+)$"},
    },
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "registry.models.Stage",
        "VisibilityEnum": "registry.models.Visibility",
        "ModelVersionStatusEnum": "registry.models.ModelVersion.Status",
        "LineageUseEnum": "registry.models.Lineage.Use",
        "MembershipLevelEnum": "registry.models.Membership.Level",
        "SensitivityEnum": "registry.models.Dataset.Sensitivity",
        "ActionItemStatusEnum": "lifecycle.models.ActionItem.Status",
        "CaveatKindEnum": "registry.models.Caveat.Kind",
        "WebhookEventEnum": "webhooks.models.Event",
        "WebhookDeliveryStatusEnum": "webhooks.models.Delivery.Status",
    },
}

# --- Logs ---------------------------------------------------------------------
# One JSON object per line (config/logging.py); gunicorn's config/gunicorn.py and the Celery
# worker use the same formatter. The request id comes from X-Request-ID (a UUID) or is made,
# goes back in the response, and travels to Celery tasks in a task header.
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = logging_config(LOG_LEVEL)
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": True,
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True)],
}
