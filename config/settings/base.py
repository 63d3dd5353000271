"""Settings shared by every environment; everything that differs comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from config.settings.admin_menu import UNFOLD  # noqa: F401 (a setting)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.import_export",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "phonenumber_field",
    "django_celery_beat",
    "axes",
    "common",
    "contacts",
    "loyalty",
    "campaigns",
    "campaigns.messaging",
    "campaigns.surveys",
    "promocodes",
    "promoters",
    "analytics",
    "analytics.metrics",
    "demo",
    # Pages for people outside the office, above the apps they call (like the checkout).
    "account",
    # Last: staff scope and roles name every app above.
    "access",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "common.csp.AreaContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login refused by the throttle into a 429 (common.login_throttle).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Databases: PostgreSQL from DATABASE_URL; with none, the embedded SQLite (WAL, immediate transactions).
SQLITE_PATH = BASE_DIR / "db.sqlite3"
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        # Values bound by the server, and a statement run five times on a connection prepared there (psycopg's own
        # threshold; Django turns it off unless told): PostgreSQL then stops planning the till's statements on every
        # run, which was half of its time for a confirm (the card's identification: 0.7 ms to plan, 0.1 ms to run).
        # docs/checkout-time.md, "the eighth pass".
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["server_side_binding"] = env.bool("DATABASE_SERVER_SIDE_BINDING", default=True)
        options["prepare_threshold"] = 5 if options["server_side_binding"] else None
        if env("DATABASE_POOLER", default="") == "pgbouncer":
            # PgBouncer in transaction mode hands each transaction to any server connection: no server-side cursors
            # (`.iterator()` would open one outside a transaction) and no prepared statements (psycopg prepares a
            # query after five runs, on a connection the next transaction may not get). docs/architecture.md.
            DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
            DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("DJANGO_SQLITE_PATH", default=str(SQLITE_PATH)),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Analytics' reads go to the replica when there is one; writes (the summaries' refresh too) to the primary.
DATABASE_ROUTERS = ["analytics.router.AnalyticsReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes, common.login_throttle): wrong passwords at the token endpoint and the admin's login
# are counted per username and per address in the database (shared by every worker); past a limit the login is
# refused with 429 for the cool-off after the last counted failure, the right password too, before any hashing.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a throttled login before a password is checked
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=10)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int("DJANGO_LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=100)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "common.login_throttle.LoginThrottleHandler"
AXES_LOCKOUT_CALLABLE = "common.login_throttle.lockout_response"
# The client's address: REMOTE_ADDR; behind N proxies of ours, the address N hops from the right of X-Forwarded-For
# (what the client writes there itself is ignored).
AXES_CLIENT_IP_CALLABLE = "common.login_throttle.client_ip"
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# A failure while refused is not counted (the lock ends when the cool-off passes), a success wipes nothing (nor
# anyone else's failures from the same address), successful logins are not logged, and the attempts have no admin
# page (`manage.py axes_reset_username <name>` or `axes_reset_ip <address>` lifts a lock).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
# English dates day-month-year (config/formats/en); Russian keeps Django's own.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js for the admin's charts, from the plotly package's own copy (vendor/plotly/plotly.min.js).
    "analytics.finders.PlotlyFinder",
]
# Served by WhiteNoise straight from the apps' folders: a deployer runs no collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGIN_URL = "admin:login"
# Where a login without `next` lands (unfold's login form sends none): the admin's home, not /accounts/profile/.
LOGIN_REDIRECT_URL = "admin:index"

# Content-Security-Policy (Django's middleware): everything comes from this origin, an inline script or style only
# with the request's nonce (`nonce="{{ csp_nonce }}"`), no plugins, no framing, forms post only here.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# The admin's pages only (common.csp): its theme (unfold) runs Alpine.js, which compiles its attributes with
# `new Function` ('unsafe-eval'), and styles elements inline in its templates ('unsafe-inline', which a nonce in
# the same list would switch off).
SECURE_CSP_ADMIN = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.NONCE, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
}

# Caches: Redis when configured; otherwise in process.
if env("REDIS_URL", default=""):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a real broker with CELERY_BROKER_URL; eager otherwise (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ACKS_LATE = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "loyalty.authentication.RegisterKeyAuthentication",
        # The admin's pages call the API as the logged-in user (with the CSRF token).
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["common.api.permissions.StaffModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "common.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "common.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "common.api.openapi.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["common.api.parsers.JSONParser"],
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Loyalty CRM API",
    "DESCRIPTION": "The public REST contract (v1): management resources for staff, the POS API for registers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.api.schema.plain_blank_strings",
        # The tags (common.api.openapi.tags, POS first) and the paths in their order.
        "common.api.openapi.schema.tags_in_order",
    ],
}

PHONENUMBER_DEFAULT_REGION = env("DJANGO_PHONE_REGION", default="RU")
PHONENUMBER_DB_FORMAT = "E164"
PHONENUMBER_DEFAULT_FORMAT = "E164"

# The POS accepts offline receipts this many days old.
MAX_BACKDATE_DAYS = env.int("MAX_BACKDATE_DAYS", default=90)

# Promo codes: unknown codes a register may send in a minute before it gets 429; codes generated within the
# request (more go to a background job).
PROMO_CODE_ATTEMPTS_PER_MINUTE = env.int("PROMO_CODE_ATTEMPTS_PER_MINUTE", default=20)
PROMO_GENERATE_SYNC_LIMIT = env.int("PROMO_GENERATE_SYNC_LIMIT", default=10_000)

# Messaging (campaigns.messaging). E-mail: Django's backend from EMAIL_URL (console by default; smtp+tls://user:
# password@host:587 for a server), or a provider's through django-anymail (DJANGO_EMAIL_BACKEND, ANYMAIL as JSON).
# SMS, push and messengers: a gateway per channel, MESSAGING_GATEWAYS as JSON (see campaigns/messaging/gateways.py);
# with none, the built-in `log` gateway records each delivery in a table.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update({key: value for key, value in EMAIL_CONFIG.items() if value not in (None, "")})
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
ANYMAIL = env.json("ANYMAIL", default={})
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="noreply@localhost")
MESSAGING_GATEWAYS = env.json("MESSAGING_GATEWAYS", default={})
# The address of this site as customers reach it, for links in messages (unsubscribe, tracking, confirmation);
# empty: http:// and the first of DJANGO_ALLOWED_HOSTS.
PUBLIC_URL = env("DJANGO_PUBLIC_URL", default="")
MESSAGING_MESSAGE_ID_DOMAIN = env("MESSAGING_MESSAGE_ID_DOMAIN", default="loyalty-crm.local")
# Attempts before a message is failed; the wait before the next doubles from the base; a claim older than the
# timeout belongs to a worker that died (its messages are tried again, with the same idempotency key).
MESSAGING_MAX_ATTEMPTS = env.int("MESSAGING_MAX_ATTEMPTS", default=5)
MESSAGING_RETRY_BASE_SECONDS = env.int("MESSAGING_RETRY_BASE_SECONDS", default=30)
MESSAGING_CLAIM_TIMEOUT = env.int("MESSAGING_CLAIM_TIMEOUT", default=300)

# The daily jobs record `points_expiring` and `birthday` events this many days ahead (further when an active
# trigger's `days_before` asks).
EVENTS_LOOKAHEAD_DAYS = env.int("EVENTS_LOOKAHEAD_DAYS", default=30)
# Licence use (analytics): active contacts allowed (0 = unlimited); a contact is active with a purchase or an event
# of their own within the last ACTIVE_CONTACT_DAYS.
LICENSED_ACTIVE_CONTACTS = env.int("LICENSED_ACTIVE_CONTACTS", default=0)
ACTIVE_CONTACT_DAYS = env.int("ACTIVE_CONTACT_DAYS", default=365)
# Analytics' summaries: before a dashboard or an analytics answer reads them, the days touched since the last refresh
# are written again when that means reading at most this many receipts (or ledger entries); more waits for the job.
ANALYTICS_CATCH_UP_ROWS = env.int("ANALYTICS_CATCH_UP_ROWS", default=5000)
# The refresh's three streams (days, products, ledger) at once on PostgreSQL, a thread and a connection each.
ANALYTICS_STREAMS_SIDE_BY_SIDE = env.bool("ANALYTICS_STREAMS_SIDE_BY_SIDE", default=True)

# Promoters: the consent text's version stored with a lead whose stand names none; leads a stand, and an address,
# may send in a minute before 429 `too_many_requests`; how old a lead kept offline on a tablet may be.
PROMOTERS_CONSENT_VERSION = env("PROMOTERS_CONSENT_VERSION", default="1")
PROMOTERS_LEADS_PER_MINUTE_PER_STAND = env.int("PROMOTERS_LEADS_PER_MINUTE_PER_STAND", default=30)
PROMOTERS_LEADS_PER_MINUTE_PER_ADDRESS = env.int("PROMOTERS_LEADS_PER_MINUTE_PER_ADDRESS", default=60)
PROMOTERS_OFFLINE_DAYS = env.int("PROMOTERS_OFFLINE_DAYS", default=7)

# The personal account (account/): the program a new phone joins at its first login, with a virtual card (its id;
# empty: the first program), and how long a customer's token lives. Wallet cards are offered only when configured:
# Apple's pass type id, team id, its certificate and key and Apple's WWDR certificate (PEM: a file's path, or the
# text itself); Google's issuer id and a service account's JSON key (a file's path, or the JSON itself).
ACCOUNT_PROGRAM_ID = env.int("ACCOUNT_PROGRAM_ID", default=0) or None
ACCOUNT_TOKEN_DAYS = env.int("ACCOUNT_TOKEN_DAYS", default=90)
APPLE_WALLET_PASS_TYPE_ID = env("APPLE_WALLET_PASS_TYPE_ID", default="")
APPLE_WALLET_TEAM_ID = env("APPLE_WALLET_TEAM_ID", default="")
APPLE_WALLET_CERTIFICATE = env("APPLE_WALLET_CERTIFICATE", default="")
APPLE_WALLET_KEY = env("APPLE_WALLET_KEY", default="")
APPLE_WALLET_KEY_PASSWORD = env("APPLE_WALLET_KEY_PASSWORD", default="")
APPLE_WALLET_WWDR_CERTIFICATE = env("APPLE_WALLET_WWDR_CERTIFICATE", default="")
APPLE_WALLET_ORGANIZATION = env("APPLE_WALLET_ORGANIZATION", default="Loyalty CRM")
GOOGLE_WALLET_ISSUER_ID = env("GOOGLE_WALLET_ISSUER_ID", default="")
GOOGLE_WALLET_SERVICE_ACCOUNT = env("GOOGLE_WALLET_SERVICE_ACCOUNT", default="")
GOOGLE_WALLET_CLASS_SUFFIX = env("GOOGLE_WALLET_CLASS_SUFFIX", default="loyalty")

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
