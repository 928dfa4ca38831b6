"""Settings for miejsca-otwarte, read from the environment (12-factor).

Every knob is an environment variable; README.md lists them with their defaults.
"""

import datetime as dt
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",  # `ordinal`: "7th" in English, "7." in Polish
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "localflavor",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "axes",
    "csp",
    # The project's apps, from the bottom layer up (docs/architecture.md).
    "program",
    "outbox",
    "registration",
    "catering",
    "messaging",
    "aftercare",
    "attendees",
    "backoffice",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "miejsca_otwarte.middleware.ContentSecurityPolicyMiddleware",  # django-csp's, its headers built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After LocaleMiddleware, so that its 400 page is in the person's language.
    "miejsca_otwarte.middleware.NulInQueryStringMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",  # audit entries name the user
    "miejsca_otwarte.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out admin login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "miejsca_otwarte.urls"

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
                "program.context_processors.current_edition",
            ],
        },
    },
]

WSGI_APPLICATION = "miejsca_otwarte.wsgi.application"

# psycopg prepares a statement after this many runs; here only when a cursor asks.
PREPARE_ONLY_WHEN_ASKED = 2**31 - 1
# With no DATABASE_URL a newcomer gets SQLite at once. IMMEDIATE transactions take the write
# lock at BEGIN, so writers serialise and capacity rules hold on SQLite too.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's, with its health check skipped for a connection that served a request a moment ago.
    DATABASES["default"]["ENGINE"] = "common.postgresql"
    # No statement waits for a row lock longer than this: a stuck transaction gives a sign-up
    # "busy, try again" (registration.locking.lock_rows) instead of a hung worker. Set
    # when the connection opens, so the busiest transaction spends no round trip on it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c lock_timeout=3s")
    # The reads of common.prepared and the writes of common.rows ask the server to prepare them
    # (planned once per connection); only cursors that ask prepare (Django's own bind on the
    # client and never do). Django turns preparing off for connection poolers: behind one in
    # transaction mode, set DATABASE_PREPARED_STATEMENTS=0 (docs/deployment.md).
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", PREPARE_ONLY_WHEN_ASKED)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A connection that died (database restarted, failover) is noticed before the next request uses
# it, so the site recovers by itself after an outage; on PostgreSQL, not for a connection that
# served a request less than this many seconds ago (common.postgresql; 0: always).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASE_HEALTH_CHECK_SKIP_SECONDS = env.float("DATABASE_HEALTH_CHECK_SKIP_SECONDS", default=1.0)

# With several web servers the cache must be shared (Redis): rate limits, sessions and the cached
# current edition then hold across them. Without a URL each process keeps its own memory cache,
# which is right for one server only.
CACHE_URL = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
LOCAL_MEMORY_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {"default": env.cache_url_config(CACHE_URL) if CACHE_URL else LOCAL_MEMORY_CACHE}
if CACHES["default"]["BACKEND"] in (
    "django.core.cache.backends.redis.RedisCache",  # django-environ's choice without django-redis
    "django_redis.cache.RedisCache",
):
    # django-redis keeps one client per server (Django's builds one per call) and increments in one
    # round trip (the rate limits): docs/performance.md has what each costs.
    CACHES["default"]["BACKEND"] = "django_redis.cache.RedisCache"
    # The cache is an accelerator, not a dependency: with Redis down every cache call is a miss
    # (reads fall back to the database, writes are dropped) and is logged by the
    # "django_redis.cache" logger; /healthz reports the cache as unavailable. The timeouts keep a
    # Redis that is unreachable or hangs to a fraction of a second per call, not a hung worker.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": env.float("CACHE_CONNECT_TIMEOUT", default=0.2),
            "SOCKET_TIMEOUT": env.float("CACHE_TIMEOUT", default=0.3),
        }
    )
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# How long each process serves its own copy of the current edition, the sign-up form's choices and
# the program page before it asks the shared cache whether they changed (common.local_copies).
LOCAL_COPY_SECONDS = env.float("LOCAL_COPY_SECONDS", default=1.0)
if CACHE_URL:
    # Read from Redis, written through to the database: a Redis restart logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="pl")
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "pl"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("pl",)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Warsaw")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# A mail server that accepts the connection and then hangs must not hold a worker forever; the
# attempt fails and is retried (outbox.tasks). Keep it well below MAIL_STALE_MINUTES.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Miejsca Otwarte <noreply@localhost>")

# Absolute links in e-mails (the management link) are built from this, never from the Host header.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The durable queue: tasks are rows in the same database, written in the same transaction as
# the change that causes them (see README "Why these libraries").
TASKS = {"default": {"BACKEND": "outbox.backend.OutboxBackend"}}

# Mails stuck in the queue longer than this are sent again by `manage.py requeue_stale_mail`
# (run every minute) and make /healthz report the queue as stuck. Short, because a confirmation
# lost with a killed worker waits this long in a conference rush; still far above EMAIL_TIMEOUT
# (30 s) plus the worker's minute of retrying the SENT write (outbox.tasks): a mail in flight
# never counts as lost.
MAIL_STALE_MINUTES = env.int("MAIL_STALE_MINUTES", default=3)
# What a queued mail says: the outbox's worker calls this with each OutgoingMail at send time.
OUTBOX_MESSAGE_BUILDER = "attendees.emails.mail_message"

# Personal data of an edition is anonymised this many days after it ended (anonymise_editions).
RETENTION_DAYS = env.int("RETENTION_DAYS", default=365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Django logs the path of every 404 and 500; a management link in it would be a password in the logs.
    "filters": {"redact_tokens": {"()": "miejsca_otwarte.logs.RedactTokensFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Admin lives at a path of the operator's choosing (a little less noise from scanners).
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"
# History is for reading: reverting a row would bypass the services and their counters.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Staff pages (check-in, exports) sign in through the admin's login page.
LOGIN_URL = "admin:login"

# django-ratelimit counts in the default cache; with CACHE_URL on Redis the limits hold across servers.
RATELIMIT_USE_CACHE = "default"
# With the cache down nothing can be counted: let the request through rather than refuse everyone
# (each failed count is logged by "django_redis.cache", see CACHES above).
RATELIMIT_FAIL_OPEN = True
# Sign-ups and link requests per client address, e.g. "20/m", "300/h". A whole school signing up
# from one network may need more.
RATELIMIT_SIGNUP = env.str("RATELIMIT_SIGNUP", default="20/m")
RATELIMIT_RESEND = env.str("RATELIMIT_RESEND", default="5/m")

# Behind nginx every request comes from 127.0.0.1; the client's address is in the header the proxy
# sets (e.g. HTTP_X_REAL_IP). Only set this when a proxy you run overwrites that header.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
if CLIENT_IP_HEADER:
    # That header, or REMOTE_ADDR (logged) when it is missing or not an address: never a 500.
    RATELIMIT_IP_META_KEY = "miejsca_otwarte.clients.ratelimit_client_ip"
    AXES_IPWARE_META_PRECEDENCE_ORDER = [CLIENT_IP_HEADER, "REMOTE_ADDR"]

# --- security -----------------------------------------------------------------------------------
# Production defaults; `make run` (DEBUG=1, plain http) gets the development ones. HTTPS=0 serves
# a production build over plain http (only for tests and local trials).
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain http
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
# The site has a domain of its own; set these to 0 if it shares one with plain-http subdomains.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
# Set to HTTP_X_FORWARDED_PROTO when TLS ends at a proxy that sets that header; without it
# SECURE_SSL_REDIRECT would redirect forever behind such a proxy.
if proxy_ssl_header := env.str("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = (proxy_ssl_header, "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True  # no script reads them
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
# Management links carry their token in the path: never send it to another site.
SECURE_REFERRER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "miejsca_otwarte.views.csrf_failure"

# Scripts and styles only from our own files: an injected <script> or style attribute does nothing.
# Bootstrap draws its icons from data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Admin login: 5 wrong passwords for one user name from one address lock that pair out for an
# hour. Kept in the database, so every web server sees the same count; keyed on both so nobody can
# lock an organiser out from elsewhere.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The user name as axes stores it (255 characters at most): a longer one is counted, not a 500.
AXES_USERNAME_CALLABLE = "miejsca_otwarte.clients.axes_username"
AXES_VERBOSE = False  # no banner on every manage.py command; lockouts are still logged

# SQLite cannot defer unique constraints; there the services alone keep waiting-list positions
# unique (writes are serialised). Production runs PostgreSQL, where the constraint exists.
SILENCED_SYSTEM_CHECKS = ["models.W038"]
