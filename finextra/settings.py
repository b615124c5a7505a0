"""Settings for the Finextra CMS, read from the environment (see .env.example)."""

import os
import subprocess
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def git_commit(folder: Path) -> str:
    """The checked-out commit, short, or "" where there is no git checkout (or no git)."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The production profile: with debug off, `check` (and the WSGI start) refuses to run without
# these (finextra/checks.py). Test and benchmark settings turn the check off.
MISSING_PRODUCTION_VARIABLES = [
    name for name in ("DATABASE_URL", "REDIS_URL", "SITE_URL") if not env(name)
]
PRODUCTION_CHECKS = True
# `seed_demo` resets the demo accounts' passwords and prints them: only with debug, or --demo.
DEMO_CONTENT_ALLOWED = DEBUG

# The public base URL, for links built outside a request (feeds, sitemaps, JSON-LD, emails).
# In development it follows the port `make run` serves on (`PORT=8001 make run`) unless set.
SITE_URL = env(
    "SITE_URL", f"http://127.0.0.1:{env('PORT', '8000')}" if DEBUG else "http://127.0.0.1:8000"
).rstrip("/")
# The one Site (flatpages need it); its domain is kept to SITE_URL's after each migrate.
SITE_ID = 1

INSTALLED_APPS = [
    # Old addresses answered with a 301 (its rows); before finextra, whose admin replaces its
    # admin with one that refuses loops and flattens chains.
    "django.contrib.redirects",
    "finextra.apps.FinextraConfig",
    "articles.apps.ArticlesConfig",
    "comments.apps.CommentsConfig",
    "sponsors.apps.SponsorsConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Feeds need no app; sitemaps, and flatpages (about, privacy, ...) on the sites framework.
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.sitemaps",
    "crispy_forms",
    # The article body's rich-text editor in the admin (ships its own JS and CSS).
    "django_prose_editor",
    "axes",
    # The task queue (django-tasks, Django 6's tasks) and its database backend's tables.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Outermost, so every response gets its Content-Security-Policy (finextra/csp.py).
    "finextra.csp.ContentSecurityPolicyMiddleware",
    # First: answers /healthz before the HTTPS redirect and the host check.
    "finextra.middleware.HealthCheckMiddleware",
    # Before anything reads request.is_secure(): X-Forwarded-Proto only from TRUSTED_PROXIES.
    "finextra.middleware.ForwardedProtoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "finextra.middleware.ServiceUnavailableMiddleware",
    # Above the session: public pages for a reader with no session are kept by shared caches
    # (finextra/edge.py); everything else is private, no-store.
    "finextra.edge.EdgeCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Consulted only when the answer is a 404: an old address sends the reader on (301).
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
    # Last: turns a sign-in lockout into its page (readers' and the admin's sign-in alike).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "finextra.urls"
WSGI_APPLICATION = "finextra.wsgi.application"
AUTH_USER_MODEL = "finextra.User"

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
                "articles.context_processors.navigation",
            ],
        },
    },
]

# Database: PostgreSQL in production (DATABASE_URL), an SQLite file by default.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=0,
        conn_health_checks=True,
    )
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE and WAL: concurrent writers wait for the lock instead of failing.
    sqlite_options = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    _db["OPTIONS"] = sqlite_options
    # No pool for SQLite: keep each worker's connection instead of reopening it per request.
    _db["CONN_MAX_AGE"] = 600
    # A file, not memory: concurrency tests need several connections.
    _db["TEST"] = {"NAME": str(BASE_DIR / f"{env('TEST_DB_NAME', 'test_finextra')}.sqlite3")}
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # Django's connection pool; it requires CONN_MAX_AGE = 0.
    # Short waits, so a database that is down gives a quick 503, not a hung worker: a request
    # waits at most DATABASE_POOL_TIMEOUT for a connection. Each connection is checked as it
    # leaves the pool (a dead one, after a restart, is discarded and replaced), and a failed
    # reconnection is given up after 2 s, so the next request tries afresh: the site answers
    # again within seconds of the database's return. (The check on leaving the pool is
    # CONN_HEALTH_CHECKS, set above: Django passes it to the pool.)
    _db["OPTIONS"] = {
        "connect_timeout": 2,
        "pool": {
            "min_size": 1,
            "max_size": int(env("DATABASE_POOL_MAX", "10")),
            "timeout": float(env("DATABASE_POOL_TIMEOUT", "1")),
            "reconnect_timeout": 2,
        },
    }
    _db["TEST"] = {"NAME": env("TEST_DB_NAME", "test_finextra")}

# Cache: Redis when REDIS_URL is set (shared by every app server), local memory otherwise.
# An optimisation, never a dependency: with Redis down or hung every call is a miss (errors
# ignored), a call waits at most CACHE_TIMEOUT_SECONDS, and after one failure the cache is
# skipped for a few seconds (finextra/cache.py), so pages keep answering.
CACHE_KEY_PREFIX = env("CACHE_KEY_PREFIX", "finextra")


def redis_cache(url: str, *, key_prefix: str, timeout_seconds: float) -> dict:
    """The cache entry for Redis at `url` (the tests use it for Redis that is down or hung)."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "OPTIONS": {
            # django-redis's client with the circuit breaker on every connection.
            "CLIENT_CLASS": "finextra.cache.ResilientRedisClient",
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": timeout_seconds,
            "SOCKET_TIMEOUT": timeout_seconds,
        },
    }


if env("REDIS_URL"):
    CACHES = {
        "default": redis_cache(
            env("REDIS_URL"),
            key_prefix=CACHE_KEY_PREFIX,
            timeout_seconds=float(env("CACHE_TIMEOUT_SECONDS", "0.5")),
        )
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }

# The running code, in every cached fragment's key: a deploy never serves the old templates'
# output. RELEASE from the environment (set it to the commit you deploy), else the checkout's.
RELEASE = env("RELEASE") or git_commit(BASE_DIR) or "dev"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Readers sign in at /accounts/login/ (the newsroom at /admin/login/).
LOGIN_URL = "comments:login"
LOGIN_REDIRECT_URL = "/"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username and address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "en-gb"
# Stored in UTC, shown in London time.
TIME_ZONE = env("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded media (lead images, renditions, placement images), two ways in production:
# - an S3-compatible store (MEDIA_S3_BUCKET set): django-storages, files served by the store or
#   its CDN (MEDIA_S3_CUSTOM_DOMAIN);
# - a shared volume at MEDIA_ROOT that every app server mounts, served at MEDIA_URL by the web
#   server in front (Django serves media only with debug on). See the README.
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
if env("MEDIA_S3_BUCKET"):
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("MEDIA_S3_BUCKET"),
            "endpoint_url": env("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env("MEDIA_S3_REGION") or None,
            "access_key": env("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": env("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "custom_domain": env("MEDIA_S3_CUSTOM_DOMAIN") or None,
            # Public files at plain URLs (pages are cached; signed URLs would expire in them).
            "querystring_auth": False,
            "default_acl": env("MEDIA_S3_ACL", "public-read") or None,
            # Never replace a stored file with a new upload of the same name.
            "file_overwrite": False,
        },
    }
else:
    # Disk; a write the disk refuses (full, read-only) leaves no partial file behind.
    _media_storage = {"BACKEND": "finextra.media.MediaStorage"}
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Email.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Finextra <newsroom@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The task queue, for work that talks to other servers (reply emails): queued in the database
# and run by `manage.py db_worker` in production; run at once, in the process, with debug on
# (and in tests). TASKS_BACKEND overrides the choice.
TASKS = {
    "default": {
        "BACKEND": env(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (IPs or CIDR ranges).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# HTTPS-only settings follow one switch, on by default when debug is off.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# HSTS preload (security.W021) is the deployer's choice: see the README.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp; finextra/csp.py): closed by default. Every script is a
# static file, so public pages need no 'unsafe-inline' and no nonce (a nonce would make every
# cached copy of a page differ). The admin gets this policy with the relaxations its rich-text
# editor needs (finextra.csp.admin_directives; listed in the README).
# Where uploaded images are served from when not from this site: CSP_MEDIA_ORIGINS, and the
# origins MEDIA_URL and the S3 settings name.
CSP_MEDIA_ORIGINS = env_list("CSP_MEDIA_ORIGINS")
for _media_origin in (
    MEDIA_URL,
    # The S3 store's own addresses: its CDN's, or the endpoint's, or AWS's for the bucket.
    f"https://{env('MEDIA_S3_CUSTOM_DOMAIN')}" if env("MEDIA_S3_CUSTOM_DOMAIN") else "",
    env("MEDIA_S3_ENDPOINT_URL") if env("MEDIA_S3_BUCKET") else "",
    f"https://{env('MEDIA_S3_BUCKET')}.s3.amazonaws.com" if env("MEDIA_S3_BUCKET") else "",
):
    _parts = urlsplit(_media_origin)
    if _parts.scheme and _parts.netloc:
        CSP_MEDIA_ORIGINS.append(f"{_parts.scheme}://{_parts.netloc}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, *CSP_MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        # Violations are logged (finextra.csp.csp_report), never stored.
        "report-uri": ["/csp-report/"],
    }
}

# Comments and reader accounts (comments/).
# Guests may comment with a name and an email (their comments wait for a moderator). On in the
# demo (`make run` sets DJANGO_DEBUG); off by default.
COMMENTS_ALLOW_GUESTS = env_bool("COMMENTS_ALLOW_GUESTS", DEBUG)
# Guest emails and address hashes are deleted after this many days (`purge_comment_data`).
COMMENTS_RETENTION_DAYS = int(env("COMMENTS_RETENTION_DAYS", "90"))
COMMENTS_EDIT_WINDOW_MINUTES = int(env("COMMENTS_EDIT_WINDOW_MINUTES", "15"))
COMMENTS_PAGE_SIZE = 20
# Replies indent this many levels; deeper ones show at the deepest with "in reply to <name>".
COMMENTS_MAX_DEPTH = 3
# The signed form timestamp: sent sooner than this is a bot; later, the form is stale.
COMMENTS_FORM_MIN_SECONDS = int(env("COMMENTS_FORM_MIN_SECONDS", "3"))
COMMENTS_FORM_MAX_AGE = 12 * 60 * 60
# (posts, per seconds), counted in the cache so they hold across app servers.
COMMENTS_RATE_PER_ACCOUNT = (5, 10 * 60)
COMMENTS_RATE_PER_IP = (30, 10 * 60)
ACCOUNTS_SIGNUP_RATE_PER_IP = (10, 60 * 60)

# Sponsored placements: a client (address and user agent) counts one impression and one click
# per placement within this window; only a keyed hash of it sits in the cache meanwhile.
PLACEMENT_COUNT_WINDOW_SECONDS = int(env("PLACEMENT_COUNT_WINDOW_SECONDS", "1800"))

# Crispy forms render the public forms through the site's own small template pack
# (templates/finextra_forms/), styled by static/css/site.css.
CRISPY_TEMPLATE_PACK = "finextra_forms"
CRISPY_ALLOWED_TEMPLATE_PACKS = ("finextra_forms",)

# Sign-in lockout (django-axes), for readers and the admin alike: six wrong passwords lock that
# username from that address for the cool-off; other addresses are not locked out.
AXES_FAILURE_LIMIT = 6
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=int(env("LOGIN_COOLOFF_MINUTES", "15")))
# Counters live in the cache (Redis in production, shared by every app server) under hashed
# keys that expire with the cool-off: no address or username is written to the database, so
# nothing outlives the retention period or a deleted account. While the cache is unreachable the
# lockout fails open, logged (finextra/lockout.py): sign-in works, unguarded, for that time.
AXES_HANDLER = "finextra.lockout.FailOpenCacheHandler"
AXES_ENABLE_ADMIN = False
AXES_DISABLE_ACCESS_LOG = True
# The address the way finextra.net.client_ip reads it: X-Forwarded-For is believed only from
# TRUSTED_PROXIES, walked from the right, so a forged header neither resets nor evades a lock.
AXES_CLIENT_IP_CALLABLE = "finextra.net.client_ip"
# An attempt while locked out changes nothing: the lock ends when the cool-off does.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "comments/accounts/locked_out.html"
# Logs name neither the username nor the address (both are masked).
AXES_VERBOSE = False
# Errors reach people: Django mails ADMINS about every 500 (and the logs say why), and Sentry
# gets errors and their context when SENTRY_DSN is set. ADMINS: "Name <email>, ...".
ADMINS = [(name or address, address) for name, address in getaddresses(env_list("ADMINS"))]
SENTRY_DSN = env("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        release=RELEASE,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        # No reader's address, cookies or user details leave the site.
        send_default_pii=False,
        traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )

# HTTP caching at the edge (finextra/edge.py, deploy/): public pages for readers with no session.
# Seconds a browser, and a shared cache (the proxy, a CDN), may keep a public page; purges on
# every change keep the shared copy right, so it may be long. Browsers keep their copy but ask
# again each time by default (the proxy answers 304): a reader who just signed in, or whose
# comment was just published, never sees a stale page from their own browser.
EDGE_BROWSER_MAX_AGE = int(env("EDGE_BROWSER_MAX_AGE", "0"))
EDGE_SHARED_MAX_AGE = int(env("EDGE_SHARED_MAX_AGE", "3600"))
# A page with a sponsored slot draws its placement afresh in each window of this many seconds.
EDGE_ROTATION_SECONDS = int(env("EDGE_ROTATION_SECONDS", "60"))
# The proxies purged after each change (e.g. http://127.0.0.1:6081/); none: no purge is sent.
EDGE_PURGE_URLS = env_list("EDGE_PURGE_URLS")
EDGE_PURGE_TIMEOUT = float(env("EDGE_PURGE_TIMEOUT", "2"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
