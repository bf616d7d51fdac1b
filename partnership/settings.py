"""Settings for the partnership portal: one file, every deployment value from the environment.

Defaults make local development just work (DEBUG on, console email, the local
PostgreSQL). With ``DEBUG`` off every security setting takes its strict value and
``SECRET_KEY`` / ``ALLOWED_HOSTS`` must be given. `.env.example` documents each variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The Django admin behind the account login and the second factor (admin_site.py).
    "partnership.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sitemaps",  # its sitemap.xml templates
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "django_tasks_db",  # the database queue behind TASKS (weekly problem digests)
    "corsheaders",  # CORS on the open data (CORS_URLS_REGEX below)
    # The partnership's apps, lowest layer first (docs/architecture.md): the core (the
    # shared vocabulary), partners, their initiatives, the problems they identify together,
    # and the coordinator's area (label "dashboard", the name its tables were created with).
    "partnership",
    "stakeholders",
    "initiatives",
    "partnership.residents",  # residents' reports of places (below problems)
    "partnership.problems",
    "partnership.observations",  # observations by trusted reporters (händelser)
    "partnership.coordination",
    "partnership.meetings",  # the partnership meetings: agenda, minutes, decisions
    "partnership.demo",  # development only: load_demo, seed_scale, bench_*
]

MIDDLEWARE = [
    # Outermost: the body cap before anything reads the body; Permissions-Policy and, for a
    # session's answers, Cache-Control: private, no-store on every response.
    "partnership.middleware.SecurityHeadersMiddleware",
    # HEAD runs the view as a GET and drops the body (RFC 9110): everything below sees GET.
    "partnership.middleware.HeadAsGetMiddleware",
    # First, so its headers reach every open-data answer, errors included; it never adds
    # them to an answer made for a logged-in session (partnership/cors.py).
    "partnership.cors.OpenDataCorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous GET/HEAD answers from the page cache, exact to the last committed write
    # (partnership/page_cache.py): before the session, so a hit touches nothing else.
    "partnership.page_cache.PageCacheMiddleware",
    # Pages, JSON and feeds gzipped for clients that accept it (Lighthouse's "enable text
    # compression"); static files already are, by whitenoise, which answers before this.
    # Inside the page cache: a page is compressed once when made, and the compressed copy
    # kept (the key tells gzip from plain), not compressed again on every hit.
    # BREACH: Django masks the CSRF token anew in every answer, and GZipMiddleware pads.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Marks request.user with whether this session passed the second factor: coordinator
    # powers need it (partnership/permissions.py).
    "partnership.permissions.SecondFactorMiddleware",
    # Records the acting user and URL on every history event.
    "pghistory.middleware.HistoryMiddleware",
    # A form sent back with errors answers 400, allauth's pages included.
    "partnership.middleware.InvalidFormStatusMiddleware",
]

# The Django admin (superusers and staff). It logs in through the account login and needs
# the second factor (partnership/admin_site.py); ADMIN_ENABLED=False does not serve it at all.
ADMIN_ENABLED = env_bool("ADMIN_ENABLED", True)

ROOT_URLCONF = "partnership.urls"
WSGI_APPLICATION = "partnership.wsgi.application"
ASGI_APPLICATION = "partnership.asgi.application"

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
                "partnership.context_processors.portal",
            ],
        },
    },
]

# Every field of every form through the portal's field template: required fields marked, the
# error next to the field (partnership/forms.py).
FORM_RENDERER = "partnership.forms.PortalFormRenderer"

# --- Database: PostgreSQL only -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        # An empty DATABASE_URL means unset, as in scripts/devdb.py.
        env("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/partnership",
        conn_max_age=int(env("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("The partnership portal runs on PostgreSQL only (DATABASE_URL).")
# No JIT compiling: for a web application's statements it costs more than it saves (the
# report's year of observations spent about 130 ms compiling a scan that runs in less).
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options["options"] = f"{_db_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Stateless app servers: sessions and cache (rate limits) live in the database.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "portal_cache",
    }
}

# --- Page cache (issue 16; partnership/page_cache.py, docs/caching.md) ------------------------
# Anonymous pages, feeds and open data kept under the database's generation (a trigger changes
# it with every write), so never stale. By default each worker keeps its own in memory
# (bounded); PAGE_CACHE_REDIS_URL=redis://host:6379/1 shares one between workers and machines
# (needs `pip install redis`). PAGE_CACHE=False turns it off.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
if env("PAGE_CACHE_REDIS_URL"):
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("PAGE_CACHE_REDIS_URL"),
        "KEY_PREFIX": "pages",
        "TIMEOUT": 120,  # keys hold the minute: older entries are never read again
    }
else:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "partnership-pages",
        "TIMEOUT": 120,
        "OPTIONS": {"MAX_ENTRIES": int(env("PAGE_CACHE_MAX_ENTRIES", "1000"))},
    }

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "stakeholders.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "stakeholders.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
# Choosing a password by the emailed link logs you in (two-factor is still asked for); a new
# organisation admin's first password lands on Mina sidor (stakeholders/adapters.py).
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# Behind the TLS proxy every request comes from the proxy's address: allauth reads the
# client's from X-Forwarded-For, trusting as many proxies as TRUSTED_PROXY_COUNT says (1 for
# one proxy of ours in front), or from the header TRUSTED_CLIENT_IP_HEADER names (e.g.
# X-Real-IP) when the proxy sets one. Unset, REMOTE_ADDR is the client (no proxy).
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER") or None
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, stated so nobody switches them off by accident: 10 failed logins a
    # minute per client address; 5 per 5 minutes per account *from one address*
    # (stakeholders/adapters.py: the key is the account and the address, so a stranger's
    # wrong passwords do not lock the owner out).
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = env("EMAIL_SUBJECT_PREFIX", "[Partnerskap mot brott] ")
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# The authenticator apps' secrets and the recovery codes' seeds are stored encrypted with
# this key (stakeholders/adapters.py). Comma-separated to change it: the first encrypts,
# all decrypt. Losing it makes every authenticator app unusable (users set them up again).
MFA_ADAPTER = "stakeholders.adapters.MFAAdapter"
MFA_ENCRYPTION_KEYS = env_list("MFA_ENCRYPTION_KEY")
if not MFA_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("MFA_ENCRYPTION_KEY must be set when DEBUG is off.")
    MFA_ENCRYPTION_KEYS = ["development-only-mfa-key-do-not-use-in-production"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "Partnerskap mot brott")
# How long a password confirmation (and, for setting up an authenticator app, the login
# itself: stakeholders/mfa.py) lasts before sensitive changes ask again. Ten minutes: time
# to install an authenticator app after logging in without typing the password twice.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 600

# --- Email ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Partnerskap mot brott <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST"),
                "port": int(env("EMAIL_PORT", "587")),
                "username": env("EMAIL_HOST_USER") or None,
                "password": env("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    # Development: emails (verification links, invitations) are printed by runserver.
    # Tests replace every mailer with the in-memory one.
    MAILERS = {
        "default": {
            "BACKEND": env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
        }
    }

# --- Background tasks (django.tasks): the weekly problem digest ---------------------------
# The database queue by default: `manage.py db_worker` runs what `send_problem_digests`
# enqueues (see README). TASKS_BACKEND=django.tasks.backends.immediate.ImmediateBackend runs
# tasks at once, in the process that enqueues them (tests do that).
TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Languages: Swedish first ----------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Europe/Stockholm")
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- The partnership this deployment serves (data, not code) ---------------------------------
PORTAL_NAME = env("PORTAL_NAME", "Partnerskap mot brott – Vårby gård")
PORTAL_CONTACT_EMAIL = env("PORTAL_CONTACT_EMAIL", "trygghet@example.org")
MAP_CENTER = [float(v) for v in env_list("MAP_CENTER", "59.2650,17.8830")]
MAP_ZOOM = int(env("MAP_ZOOM", "15"))
# south,west,north,east: coordinates outside are refused by forms.
MAP_BOUNDS = [float(v) for v in env_list("MAP_BOUNDS", "59.20,17.75,59.33,18.05")]
MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)

# --- Residents' reports (partnership/residents/, docs/design.md "Residents' reports") --------
# Days a report is kept; `manage.py delete_old_resident_reports` (daily) deletes older ones.
RESIDENT_REPORT_RETENTION_DAYS = int(env("RESIDENT_REPORT_RETENTION_DAYS", "365"))
# Reports one client address may send: at most this many per this many seconds.
RESIDENT_REPORT_LIMIT = int(env("RESIDENT_REPORT_LIMIT", "5"))
RESIDENT_REPORT_LIMIT_PERIOD = int(env("RESIDENT_REPORT_LIMIT_PERIOD", "600"))
# Which themes (by slug) each fixed reason points to, when a coordinator turns reports into a
# problem (its themes) and when Open311 reports name a service (a theme) instead of a reason.
# Unknown slugs are skipped; a partnership with other themes edits this.
RESIDENT_REASON_THEMES = {
    "badly_lit": ["belysning", "fysisk-miljo"],
    "hidden": ["fysisk-miljo"],
    "litter": ["stadning", "klotter"],
    "drugs": ["droger"],
    "harassment": ["nattvandring"],
    "traffic": ["trafiksakerhet"],
    "empty_premises": ["fysisk-miljo"],
    "other": [],
}

# --- Security ---------------------------------------------------------------------------------
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]) if "://" in MAP_TILE_URL else ""
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *([_tile_origin] if _tile_origin else [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
# No page asks for the camera, microphone, location, payment … (partnership/middleware.py).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
)
# Request bodies: the largest is a safety-walk CSV (1 MB, partnership/problems/csv_import.py)
# or an import file; anything over REQUEST_BODY_MAX_BYTES answers 413 before it is read (the
# proxy's client_max_body_size should say the same, README). Form fields are read into memory
# up to DATA_UPLOAD_MAX_MEMORY_SIZE, uploads beyond FILE_UPLOAD_MAX_MEMORY_SIZE go to a file.
REQUEST_BODY_MAX_BYTES = int(env("REQUEST_BODY_MAX_BYTES", str(10 * 1_000_000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_500_000

# Open data another site's page may read (CORS, django-cors-headers): the read API, HSDS, Open311,
# the map's GeoJSON, the calendar feeds, the initiative list's CSV and spreadsheet and the Atom
# feeds of "Ni sa, vi gjorde" (the whole partnership's and each area's), in both languages'
# addresses ("insatser" in Swedish, "initiatives" in English; a test checks the
# pattern against the reversed URLs). Any origin, never with credentials, read-only; an
# answer made for a logged-in session never gets the header (partnership/cors.py).
CORS_URLS_REGEX = (
    r"^/(api/v1/|api/hsds/|open311/v2/"
    r"|(en/)?(insatser|initiatives)/(map\.geojson|calendar\.ics|export\.(csv|xlsx))$"
    r"|(en/)?(insatser|initiatives)/[-\w]+/calendar\.ics$"
    r"|(en/)?(ni-sa-vi-gjorde|you-said-we-did)/([-\w]+/)?feed\.atom$)"
)
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz is probed over plain HTTP by load balancers.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
