"""Settings for Breakthrough, read from the environment.

Everything a deployment changes comes from an environment variable, read by
the strict helpers below: a malformed value stops the process at start-up
rather than running with a surprise.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as e:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from e


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=true "
            "for a development server with a throwaway key."
        )
    # Only ever used with DEBUG on: never in a deployment.
    SECRET_KEY = "dev-only-insecure-key-do-not-deploy"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "organisations",
    "model_content",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view reads a value (breakthrough/middleware.py); after authentication, so
    # that its 400 page shows the navigation of whoever is signed in.
    "breakthrough.middleware.RefuseNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes docs).
    "axes.middleware.AxesMiddleware",
    # Innermost: it is the first to see an exception a view raised, and turns a database
    # outage into a 503 the page (or the polling script) knows to retry.
    "breakthrough.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "breakthrough.urls"

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
                "organisations.context_processors.memberships",
                "assessments.context_processors.steps",
            ],
        },
    },
]

WSGI_APPLICATION = "breakthrough.wsgi.application"

# SQLite in the project folder is the embedded quick-start default; any real
# deployment sets DATABASE_URL to PostgreSQL. Persistent connections with
# health checks: measured here, a one-query page went from 226 to 2,087
# requests/s on PostgreSQL once connections were kept.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
# Each app server process listens to PostgreSQL's notices of workshops changed, so that an
# unchanged poll is answered without a query (assessments/watch.py). It checks itself; off
# where notices cannot reach it (a pooler in transaction mode).
WORKSHOP_WATCH = env_bool("WORKSHOP_WATCH", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3 prepares a statement the fifth time a connection runs it: from then on
    # PostgreSQL neither parses nor plans it again, for any parameters. Measured in-process
    # (bench/README.md): a rating submitted in 3.8 ms instead of 4.7, the wall chart in 2.3 ms
    # instead of 2.6.
    # A pooler in transaction mode in front of PostgreSQL needs PgBouncer 1.21 or later with
    # max_prepared_statements set, or DATABASE_PREPARED_STATEMENTS=false.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "server_side_binding": True,
            "prepare_threshold": 5 if DATABASE_PREPARED_STATEMENTS else None,
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite locks the whole file on write; wait for the lock rather than
    # failing when two participants submit at once. The wait only helps if a
    # transaction takes the write lock when it begins: one that has read and
    # then wants to write while another holds the lock is refused at once
    # ("database is locked", a 500), which is what twenty people submitting
    # together, or a submit racing its own autosave, used to get.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["timeout"] = 20
    options["transaction_mode"] = "IMMEDIATE"
    # Tests on SQLite use a file, not memory: an in-memory test database is one
    # connection shared by every thread of the browser tests' live server, and
    # a poll arriving during a submit would collide on it.
    # One file per test process, so that two test runs never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"breakthrough-test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Then an account guessed at from many addresses waits (organisations/throttle.py).
    "organisations.throttle.AccountThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Magic links (django-sesame): a one-time sign-in link by email instead of a password.
    "sesame.backends.ModelBackend",
    # Single sign-on (OpenID Connect, mozilla-django-oidc): only the sign-on callback's
    # credentials reach it, and it does nothing unless OIDC_DISCOVERY_URL is set.
    "organisations.oidc.SsoBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js from the installed plotly package: breakthrough/staticfinders.py
    "breakthrough.staticfinders.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "breakthrough.staticstorage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: printed to the console unless a deployment names an SMTP server.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Breakthrough <breakthrough@localhost>")
# Links in emails are absolute; the site's own address comes from here.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)

# Where the accessibility statement (/accessibility/) tells people to report a problem: an
# email address (shown as a link) or a sentence. Empty: it says to ask the IT service desk.
ACCESSIBILITY_CONTACT = env_str("ACCESSIBILITY_CONTACT")

# A sign-in link works once (signing in changes what its token was made from) and only for
# a few minutes; asking for one is throttled per address and per account.
SESAME_MAX_AGE = 60 * env_int("MAGIC_LINK_MINUTES", 15)
SESAME_ONE_TIME = True
MAGIC_LINKS_PER_ACCOUNT = 3  # in MAGIC_LINK_WINDOW seconds
MAGIC_LINKS_PER_ADDRESS = 10
MAGIC_LINK_WINDOW = 15 * 60

# Single sign-on through an OpenID Connect provider (Microsoft Entra ID or another), with
# mozilla-django-oidc: organisations/oidc.py. Off unless OIDC_DISCOVERY_URL is set; then the
# sign-in page shows a button, and nothing else changes until an organisation admits people.
OIDC_DISCOVERY_URL = env_str("OIDC_DISCOVERY_URL")
if OIDC_DISCOVERY_URL and not OIDC_DISCOVERY_URL.endswith("/.well-known/openid-configuration"):
    # The issuer's address is enough: its discovery document is at the standard place.
    OIDC_DISCOVERY_URL = OIDC_DISCOVERY_URL.rstrip("/") + "/.well-known/openid-configuration"
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_EMAIL_CLAIM = env_str("OIDC_EMAIL_CLAIM", "email")
OIDC_GROUPS_CLAIM = env_str("OIDC_GROUPS_CLAIM")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "your organisation's account")
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
if OIDC_DISCOVERY_URL:
    missing = [
        name
        for name, value in (
            ("OIDC_CLIENT_ID", OIDC_RP_CLIENT_ID),
            ("OIDC_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
        )
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(f"OIDC_DISCOVERY_URL is set, so set {' and '.join(missing)}")
    if "openid" not in OIDC_RP_SCOPES.split():
        raise ImproperlyConfigured(f"OIDC_SCOPES must include openid, not {OIDC_RP_SCOPES!r}")
# What the library is told. PKCE on top of the client secret, and a nonce (its default).
OIDC_USE_PKCE = True
# The client authenticates to the token endpoint with HTTP Basic, the standard's default,
# which Entra ID accepts; the secret then never sits in a request body.
OIDC_TOKEN_USE_BASIC_AUTH = True
# Kept in the session for the hint on the provider's sign-out link.
OIDC_STORE_ID_TOKEN = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso_callback"

# Sessions live in the database: any app server behind a load balancer can
# serve any request, with no sticky sessions. Django's database sessions, read
# with one hand-written statement (assessments/sessions.py).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True

# Security headers. Behind a TLS-terminating proxy in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer's plain-HTTP health check is answered, not redirected.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Content Security Policy: nothing from elsewhere, no inline script.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # plotly.js sets style attributes on the SVG it draws.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# How many reverse proxies (nginx, a load balancer) stand in front of the app, each appending
# the address it saw to X-Forwarded-For: the client's address is taken from there
# (breakthrough/client_ip.py). 0, the default, trusts no header: the peer's address is the
# client's. Behind a proxy, leaving it at 0 puts everybody at the proxy's one address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "breakthrough.client_ip.client_ip"

# Login throttling: five failures lock the user and address pair for an hour.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# A refused single sign-on is no password guess, and carries no username: counted, every
# refusal from a council's one office address would lock single sign-on for all its staff.
AXES_WHITELIST_CALLABLE = "organisations.oidc.not_a_password_attempt"

# Where generated PDFs are cached, keyed by the workshop's version.
PDF_CACHE_DIR = Path(env_str("PDF_CACHE_DIR", str(BASE_DIR / "var" / "pdf-cache")))
# Chromium for kaleido's chart export and the browser tests.
BROWSER_PATH = env_str("BROWSER_PATH", "/usr/bin/chromium")
# A chart export taking longer than this (seconds) is abandoned: the PDF comes with its
# tables and a note instead of the chart (a stopped or wedged Chromium must not hold it).
CHART_EXPORT_TIMEOUT = env_int("CHART_EXPORT_TIMEOUT", 10)
# How much a task worker lowers its own CPU priority (nice), so that on a small server the
# people in a room are answered first and the PDFs take what is left (bench/README.md:
# the polls of twenty rooms while ten cold reports render). 0 leaves it as started.
WORKER_NICE = env_int("WORKER_NICE", 10)
# Where the chart-export browser keeps its profile and page, one folder per worker process,
# so that a worker starting can clear what a killed one left behind (and nothing else).
CHART_EXPORT_DIR = Path(env_str("CHART_EXPORT_DIR", str(BASE_DIR / "var" / "chart-export")))

# Background tasks (the PDFs): Django's Tasks API (the django-tasks backport) with its
# database backend, so that it needs no other server, on PostgreSQL as on SQLite. Workers:
# `python manage.py worker` (README, Operations). Request workers only queue and serve.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# What a 503 asks the client to wait before trying again (seconds): the database is away.
DATABASE_RETRY_AFTER = env_int("DATABASE_RETRY_AFTER", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
