"""Settings read from the environment (see .env.example); SQLite by default, PostgreSQL via DATABASE_URL."""

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("CHAINSERVE_VAR_DIR", BASE_DIR.parent / "var"))


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


PRODUCTION = env_bool("CHAINSERVE_PRODUCTION")
DEBUG = env_bool("CHAINSERVE_DEBUG")


def _secret_key():
    if key := os.environ.get("SECRET_KEY"):
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when CHAINSERVE_PRODUCTION is on.")
    # Development and demo: a key kept beside the local database, made once.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Earlier keys, still accepted for signatures made with them (sessions, reset links, calendar-feed addresses)
# while a changed SECRET_KEY takes over: comma-separated.
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "chainserve.core",
    "chainserve.registry",
    "chainserve.chains",
    "chainserve.demands",
    "chainserve.coordination",
    "chainserve.resources",
    "chainserve.matching",
    "chainserve.reports",
    "chainserve.portal",
    "chainserve.workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "chainserve.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "chainserve.core.uploads.RequestSizeMiddleware",
    "chainserve.core.middleware.RequireUTF8Middleware",
    "chainserve.core.middleware.NumberTooLargeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "chainserve.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chainserve.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chainserve.urls"
WSGI_APPLICATION = "chainserve.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chainserve.core.context_processors.unread",
                "chainserve.registry.context_processors.registry",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'chainserve.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing half-way through a transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
# A read replica (PostgreSQL streaming replication): the heavy reads — reports, dashboards, exports, list pages — go
# there (chainserve.core.routers); writes, transactions, tasks and a user's reads for REPLICA_STICKY_SECONDS after
# that user wrote stay on the primary. Unset: one database, nothing routed.
REPLICA_DATABASE_URL = os.environ.get("REPLICA_DATABASE_URL", "")
REPLICA_STICKY_SECONDS = int(os.environ.get("REPLICA_STICKY_SECONDS", "5"))
REPLICA_RETRY_SECONDS = int(os.environ.get("REPLICA_RETRY_SECONDS", "30"))  # a replica down: primary meanwhile
if REPLICA_DATABASE_URL:
    # Tests read the primary's test database through it (no test database of its own is made for it).
    DATABASES["replica"] = dj_database_url.parse(REPLICA_DATABASE_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = 2  # a host that does not answer: 2 s (libpq's least)
    DATABASE_ROUTERS = ["chainserve.core.routers.ReplicaRouter"]
    MIDDLEWARE.append("chainserve.core.routers.ReplicaReadsMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
# A lock-out holds one user name at one address: a stranger elsewhere cannot lock the user out. The
# address is the client's as core.services.client_ip reads it (behind a trusted proxy, its X-Forwarded-For).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "chainserve.core.services.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# The proxies in front (nginx) whose X-Forwarded-For is believed: addresses or networks, comma-separated.
# Empty (the default): the client is REMOTE_ADDR and a forwarded header is ignored.
TRUSTED_PROXIES = [p.strip() for p in os.environ.get("TRUSTED_PROXIES", "").split(",") if p.strip()]
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network.") from None
# Password reset: at most this many requests an hour from one address, and for one e-mail address.
PASSWORD_RESET_PER_HOUR = int(os.environ.get("PASSWORD_RESET_PER_HOUR", "5"))
# API requests a minute per user (429 past it); 0 turns the limit off.
API_REQUESTS_PER_MINUTE = int(os.environ.get("API_REQUESTS_PER_MINUTE", "600")) or None
# An API token (chainserve token USER) works this many days, then answers 401 until re-issued.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))

# A session ends after 8 hours (a working day) or when the browser closes, whichever is first.
SESSION_COOKIE_AGE = 60 * 60 * 8
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Shared state for several app servers (docs/operations.md, "Redis"). With REDIS_URL (redis://host:port/db) Django's
# cache is Redis, which every process reads: the cached enterprise figures, the API rate counts (core.throttle) and the
# sessions' cached copies. Sessions stay written through to the database (cached_db): a Redis restart or flush logs
# no one out. Unset: each process keeps its own cache in memory and reads sessions from the database.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Several sites (or a test run) may share one Redis: each keeps to its own prefix.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "chainserve"),
        # A Redis that is down or stuck fails a request within a second instead of holding a worker.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


# Content-Security-Policy on every response (chainserve.core.middleware): scripts only from our own
# /static/ (Bootstrap, htmx, ECharts, Swagger UI are vendored; page scripts are static files, behaviours
# such as "submit on change" and "print" are data- attributes read by core/behaviours.js), no inline
# script or handler anywhere, no eval, nothing framed, forms post only here.
# style-src needs 'unsafe-inline': templates carry style="" attributes (the chart's height, form
# widths), ECharts writes tooltips as HTML with inline style attributes, and htmx adds its indicator
# <style> element. CSS cannot run script, and with img-src/font-src/connect-src 'self' an injected style
# cannot send anything to another site either: restyling a page is the worst it can do.
# img-src data: is for Bootstrap's SVG icons (select arrows, navbar toggler) embedded as data: URLs.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
if PRODUCTION:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns at start when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
# Served straight from the app's static folders: the demo and tests need no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
# Upload limits (core.uploads; docs/operations.md, "Upload and import limits").
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 50 * 1024 * 1024))
# What an imported workbook may unpack to, and how far one zip entry may be compressed (a zip bomb is ~1000x).
IMPORT_MAX_UNZIPPED_BYTES = int(os.environ.get("IMPORT_MAX_UNZIPPED_BYTES", 100 * 1024 * 1024))
IMPORT_MAX_ZIP_RATIO = int(os.environ.get("IMPORT_MAX_ZIP_RATIO", "100"))
# Data rows one web request may import: it must finish inside gunicorn's 30 s (20,000 organisations took 36 s to
# check and 53 s to import on a busy 2-core machine); larger files go through the command line.
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "5000"))
# Past this many data rows an import page checks and writes the workbook in a task (the worker) and shows its
# progress, instead of inside the request (core.importing.runs).
IMPORT_TASK_ROWS = int(os.environ.get("IMPORT_TASK_ROWS", "1000"))
# How long an import page's run and its workbook are kept (a preview waits this long for its confirmation);
# `demand_sweep` deletes older ones.
IMPORT_RUN_KEEP_HOURS = int(os.environ.get("IMPORT_RUN_KEEP_HOURS", "24"))
IMPORT_COMMAND_MAX_ROWS = int(os.environ.get("IMPORT_COMMAND_MAX_ROWS", "1048576"))
IMPORT_COMMAND_MAX_UNZIPPED_BYTES = int(os.environ.get("IMPORT_COMMAND_MAX_UNZIPPED_BYTES", 2 * 1024 ** 3))
IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "100"))
IMPORT_MAX_CELL_CHARS = 32767  # Excel's own limit for one cell
# Files one form may send (demand attachments, evidence), and their total size.
UPLOAD_MAX_FILES = int(os.environ.get("UPLOAD_MAX_FILES", "10"))
UPLOAD_MAX_TOTAL_BYTES = int(os.environ.get("UPLOAD_MAX_TOTAL_BYTES", 30 * 1024 * 1024))
# Refused before Django reads the body (core.uploads.RequestSizeMiddleware, and Django's count of files); above
# the form limits, so that a user who sends a little too much reads the message at the field instead.
UPLOAD_MAX_REQUEST_BYTES = int(os.environ.get(
    "UPLOAD_MAX_REQUEST_BYTES", max(IMPORT_MAX_BYTES, UPLOAD_MAX_TOTAL_BYTES) + 10 * 1024 * 1024))
DATA_UPLOAD_MAX_NUMBER_FILES = 2 * UPLOAD_MAX_FILES
# How long a process keeps the working-day calendar and the SLA policies (core.reference).
REFERENCE_CACHE_SECONDS = int(os.environ.get("REFERENCE_CACHE_SECONDS", "60"))
# How long an API Idempotency-Key is remembered; after that the same key makes a new record.
IDEMPOTENCY_KEY_HOURS = int(os.environ.get("IDEMPOTENCY_KEY_HOURS", "24"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "chainserve.core.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    # JSON with a bound on nesting (a body nested a thousand deep is a 400, not a RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "chainserve.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "chainserve.core.pagination.Pagination",
    "DEFAULT_THROTTLE_CLASSES": ["chainserve.core.throttle.ApiRateThrottle"],
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "chainserve.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "chainserve API",
    "DESCRIPTION": "产业链服务平台 REST API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs page list every endpoint and field: for logged-in users and token holders only.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set, so the schema (and check --deploy) has no naming clashes.
    "ENUM_NAME_OVERRIDES": {
        "DemandStatusEnum": "chainserve.demands.choices.Status",
        "ProposalGradeEnum": "chainserve.demands.choices.ProposalGrade",
        "MeetingStatusEnum": "chainserve.coordination.choices.MeetingStatus",
        "ActivityStatusEnum": "chainserve.coordination.choices.ActivityStatus",
        "ActionStatusEnum": "chainserve.coordination.choices.ActionStatus",
        "ListItemStatusEnum": "chainserve.coordination.choices.ItemStatus",
        "MemberRoleEnum": "chainserve.coordination.choices.MemberRole",
        "PolicyLevelEnum": "chainserve.resources.choices.PolicyLevel",
        "CatalogueStatusEnum": "chainserve.resources.choices.ItemStatus",
        "LeadStageEnum": "chainserve.chains.choices.LeadStage",
        "ChainLevelEnum": "chainserve.chains.choices.ChainLevel",
        "SegmentStageEnum": "chainserve.chains.choices.Stage",
        "ApplicationStateEnum": "chainserve.resources.choices.ApplicationState",
        "MatchStateEnum": "chainserve.matching.choices.MatchState",
    },
}

# Called by core.profiles.profiles_changed with the ids of organisations whose profile changed, and by
# core.profiles.catalogue_changed with a catalogue item that changed (the one path from the writes to matching,
# and to the registry's stamp, under which reports and matching cache what they compute from the registry).
PROFILE_CHANGED_HOOKS = ["chainserve.matching.services.profiles_changed",
                         "chainserve.registry.services.registry_changed"]
CATALOGUE_CHANGED_HOOKS = ["chainserve.matching.services.item_changed"]

# What resources' policy applications ask of matching (resources imports no matching): the enterprises that qualify
# for a policy now (免申即享, window reminders), and marking a firm's match applied when it applies.
POLICY_MATCH_HOOKS = {"qualifying": "chainserve.matching.applications.qualifying_enterprises",
                      "applied": "chainserve.matching.applications.mark_applied"}

# Called by core.services.enter_official_schedule with (years, calendar before, calendar after, user) once a
# year's official holiday schedule is entered: the apps that keep deadlines recount them.
CALENDAR_CHANGED_HOOKS = ["chainserve.demands.deadlines.calendar_changed"]

# Background work: the Tasks API. TASK_BACKEND names the backend: `database` (django-tasks-db, the default: no
# broker) or `rq` (django-tasks-rq: RQ on Redis at TASK_REDIS_URL, else REDIS_URL), or any backend's dotted path.
# Each brings the management command that runs its worker (TASK_WORKER, run by `chainserve worker`) and a module
# that puts back what a killed worker left running (TASK_RECOVERY: requeue_abandoned, run by `requeue_tasks`).
TASK_BACKENDS = {
    "database": ("django_tasks_db.DatabaseBackend", "db_worker --no-startup-delay", "chainserve.core.tasks_db"),
    "rq": ("django_tasks_rq.RQBackend",
           "rqworker --job-class django_tasks_rq.Job --worker-class chainserve.core.tasks_rq.Worker",
           "chainserve.core.tasks_rq"),
}
_task_backend = os.environ.get("TASK_BACKEND", "database")
_task_backend = next((name for name, (path, *_) in TASK_BACKENDS.items() if path == _task_backend), _task_backend)
_task_path, _task_worker, _task_recovery = TASK_BACKENDS.get(_task_backend, (_task_backend, None, None))
TASKS = {"default": {"BACKEND": _task_path}}
TASK_WORKER = os.environ.get("TASK_WORKER", _task_worker)
TASK_RECOVERY = os.environ.get("TASK_RECOVERY", _task_recovery)
if not TASK_WORKER or not TASK_RECOVERY:
    raise ImproperlyConfigured(f"TASK_BACKEND={_task_path} is none of {', '.join(TASK_BACKENDS)}: set TASK_WORKER "
                               "(its worker's management command) and TASK_RECOVERY too.")
if _task_path == TASK_BACKENDS["rq"][0]:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
# The queue's Redis: a database of its own is safer than the cache's (a cache may evict keys or be flushed).
TASK_REDIS_URL = os.environ.get("TASK_REDIS_URL") or os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": TASK_REDIS_URL}}
# Reminders go out only in working hours (Asia/Shanghai) on working days.
WORKING_HOURS = (int(os.environ.get("WORKING_HOURS_START", "9")), int(os.environ.get("WORKING_HOURS_END", "18")))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "chainserve@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

# Log files of `chainserve demo` (the access log, and app.log for everything else): the demo's terminal keeps its
# logins in view. `chainserve serve` leaves this off and logs to standard output and error, as a service manager expects.
LOG_DIR = VAR_DIR / "log"
LOG_TO_FILES = env_bool("CHAINSERVE_LOG_TO_FILES")
_LOG_HANDLER = "file" if LOG_TO_FILES else "console"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Paths in log lines lose their calendar-feed and password-reset tokens (core.accesslog).
    "filters": {"redact": {"()": "chainserve.core.accesslog.RedactingFilter"}},
    "formatters": {"timed": {"format": "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": [_LOG_HANDLER], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
if LOG_TO_FILES:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    LOGGING["handlers"]["file"] = {"class": "logging.FileHandler", "filename": str(LOG_DIR / "app.log"),
                                   "filters": ["redact"], "formatter": "timed", "delay": True}
    # Django's own "django" logger would also print to the console when DEBUG is on: it writes to the file only.
    LOGGING["loggers"] = {"django": {"handlers": ["file"], "level": "INFO", "propagate": False}}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
