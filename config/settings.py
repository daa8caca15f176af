"""Provenant settings, read from the environment.

With no environment at all the app runs for development: DEBUG on, SQLite, checks run inline.
Setting SECRET_KEY switches DEBUG off by default, so a production environment cannot forget it.
`.env.example` lists every variable; the README explains them.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# --- Core -------------------------------------------------------------------------------------

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", default=not SECRET_KEY)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-provenant"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_rq",
    "axes",
    "audit",
    "accounts",
    "labels",
    "moderation",
    "notifications",
    "consent",
    "banks",
    "integrations",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.middleware.AuditContextMiddleware",
    # Logs out suspended sessions and sends users to new terms.
    "accounts.middleware.AccountStandingMiddleware",
    # Applies a logged-in user's stored language and remembers the one they switch to.
    "accounts.middleware.UserLanguageMiddleware",
    # AxesMiddleware must be last: it turns lockouts raised during login into responses.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accounts.context_processors.navigation",
                "accounts.context_processors.account_banners",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", "sqlite:///var/db.sqlite3")
DATABASES = {"default": database_from_url(DATABASE_URL, BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# REDIS_URL switches on real background workers; without it checks run inline after commit.
REDIS_URL = env_str("REDIS_URL")
BACKGROUND_JOBS = bool(REDIS_URL)
_rq_connection = {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 300}
RQ_QUEUES = {name: dict(_rq_connection) for name in ("default", "checks", "media")}
RQ_SHOW_ADMIN_LINK = BACKGROUND_JOBS
# Our services decide when to send (after commit); django-rq must not defer on its own.
# Workers run jobs in their own process: forking one per job is three times slower
# (bench/pipeline.py), and a worker that dies mid-job loses nothing (requeue_stale_checks).
RQ = {"COMMIT_MODE": "auto", "WORKER_CLASS": "rq.worker.SimpleWorker"}

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Uploaded media is private: it lives outside the static tree and is only served by views
# that check who is asking. There is deliberately no MEDIA_URL.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Accounts and security -------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
# ModelBackend's subclass refuses suspended accounts and loads each request's user with its standing.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.AccountBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Repeated failed logins lock out a username from one IP (the pair) for a cooling-off period: behind a
# NAT or a proxy many people share an IP, and a stranger's typos must not lock them all out.
# AXES_LOCKOUT_BY lists what a lockout is keyed on, "+" joining a combination: "username+ip_address"
# (default), or "username,ip_address" for the stricter either-or of a site without shared addresses.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [
    entry.split("+") if "+" in entry else entry
    for entry in env_list("AXES_LOCKOUT_BY", ["username+ip_address"])
]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# How many reverse proxies stand in front of the app; their X-Forwarded-For entries are trusted.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# HTTPS=1 switches on every transport-security setting `check --deploy` asks for.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto. Set TRUSTED_PROXY_COUNT too, or every
# client has the proxy's address (check --deploy warns: accounts.W010).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Audit trail -----------------------------------------------------------------------------

# Events are chained per target in this many hash chains, so writers rarely wait on each other.
AUDIT_CHAINS = env_int("AUDIT_CHAINS", 16)
if not 1 <= AUDIT_CHAINS <= 64:
    raise ImproperlyConfigured("AUDIT_CHAINS must be between 1 and 64.")

# --- E-mail -----------------------------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Provenant <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Forms and UI -----------------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
SITE_NAME = env_str("SITE_NAME", "Provenant")
# The address people reach the dashboard at: used in e-mails and consent links.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Submissions and media --------------------------------------------------------------------

# Uploads stream to a temporary file (never memory), hashed on the way in.
FILE_UPLOAD_HANDLERS = ["moderation.intake.upload_handlers.HashingTemporaryFileUploadHandler"]
FILE_UPLOAD_TEMP_DIR = env_str("FILE_UPLOAD_TEMP_DIR") or None
UPLOAD_MAX_BYTES = {
    "image": env_int("UPLOAD_MAX_IMAGE_MB", 25) * 1024 * 1024,
    "video": env_int("UPLOAD_MAX_VIDEO_MB", 1024) * 1024 * 1024,
    "audio": env_int("UPLOAD_MAX_AUDIO_MB", 100) * 1024 * 1024,
}
UPLOAD_MAX_IMAGE_PIXELS = env_int("UPLOAD_MAX_IMAGE_PIXELS", 50_000_000)
UPLOAD_MAX_FILES = env_int("UPLOAD_MAX_FILES", 10)
THUMBNAIL_SIZE = 480
# Production: let the web server send media after the view has checked access.
# "" (Django streams the file), "x-accel-redirect" (nginx) or "x-sendfile" (Apache, lighttpd).
MEDIA_ACCEL = env_str("MEDIA_ACCEL")
MEDIA_ACCEL_PREFIX = env_str("MEDIA_ACCEL_PREFIX", "/protected-media/")

# --- Check pipeline ---------------------------------------------------------------------------

CHECK_LEASE_SECONDS = env_int("CHECK_LEASE_SECONDS", 120)
# A pending run whose job is not in Redis after this long is sent again by the sweep.
CHECK_RESEND_AFTER_SECONDS = env_int("CHECK_RESEND_AFTER_SECONDS", 30)
CHECK_MAX_ATTEMPTS = env_int("CHECK_MAX_ATTEMPTS", 3)
CHECK_RETRY_INTERVALS = [5, 30, 120]
CHECK_SWEEP_INTERVAL_SECONDS = env_int("CHECK_SWEEP_INTERVAL_SECONDS", 60)
# Check jobs commit without waiting for the disk (PostgreSQL): a crash re-runs a check, loses none.
CHECK_ASYNC_COMMIT = env_bool("CHECK_ASYNC_COMMIT", True)

# --- Review -----------------------------------------------------------------------------------

# Hours a queue promises to decide within; an item is "at risk" past SLA_AT_RISK_FRACTION of it.
SLA_HOURS = {
    "review": env_int("SLA_HOURS_REVIEW", 24),
    "escalated": env_int("SLA_HOURS_ESCALATED", 48),
    "takedown": env_int("SLA_HOURS_TAKEDOWN", 4),
}
SLA_AT_RISK_FRACTION = 0.75
CLAIM_LEASE_MINUTES = env_int("CLAIM_LEASE_MINUTES", 15)

# --- Accounts: identity verification, terms of service, sanctions ---------------------------------

# Text messages for phone verification: a dotted path, like EMAIL_BACKEND.
SMS_BACKEND = env_str("SMS_BACKEND", "accounts.sms.ConsoleBackend")
SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(BASE_DIR / "var" / "sms"))

# Identity numbers are stored only as HMAC-SHA256 under this key (plus their last four characters).
# Changing it makes existing hashes unmatchable, so duplicates go undetected: set it once, keep it.
# Development derives one from SECRET_KEY; without DEBUG, verification refuses to run until it is set.
IDENTITY_HMAC_KEY = env_str("IDENTITY_HMAC_KEY")
if not IDENTITY_HMAC_KEY and DEBUG:
    from django.utils.crypto import salted_hmac

    IDENTITY_HMAC_KEY = salted_hmac(
        "provenant.identity", "hmac", secret=SECRET_KEY, algorithm="sha256"
    ).hexdigest()

OTP_TTL_MINUTES = env_int("OTP_TTL_MINUTES", 10)
OTP_MAX_ATTEMPTS = env_int("OTP_MAX_ATTEMPTS", 5)
OTP_SENDS_PER_NUMBER_PER_HOUR = env_int("OTP_SENDS_PER_NUMBER_PER_HOUR", 3)
OTP_SENDS_PER_IP_PER_HOUR = env_int("OTP_SENDS_PER_IP_PER_HOUR", 10)

# Uploaded ID and business-licence images: deleted this many days after the decision (the row stays).
IDENTITY_DOCUMENT_RETENTION_DAYS = env_int("IDENTITY_DOCUMENT_RETENTION_DAYS", 183)
IDENTITY_DOCUMENT_MAX_BYTES = env_int("IDENTITY_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024)

# Strikes shown to moderators: sanctions imposed in this many days, lifted ones excluded.
STRIKE_WINDOW_DAYS = env_int("STRIKE_WINDOW_DAYS", 365)
# Where sanctioned users appeal, and the answer time we publish (Deep Synthesis Provisions Art. 12).
APPEALS_CONTACT = env_str("APPEALS_CONTACT", "appeals@provenant.example.com")
APPEALS_RESPONSE_DAYS = env_int("APPEALS_RESPONSE_DAYS", 15)

# --- AI labels on publication (GB 45438) ------------------------------------------------------

# The platform's name or TC260 code, written as ContentPropagator in published files.
LABELS_PUBLISHER_CODE = env_str("LABELS_PUBLISHER_CODE", "Provenant")
LABELS_EXPLICIT_CORNER = env_str("LABELS_EXPLICIT_CORNER", "bottom-right")
# The publisher's C2PA signing certificate chain and es256 key (PEM). Without them AI content is not
# published (R14; `check --deploy` fails, labels.E001). DEBUG uses the public demo test certs.
_demo_certs = BASE_DIR / "demo" / "certs"
LABELS_C2PA_SIGN_CERT = env_str("LABELS_C2PA_SIGN_CERT") or (str(_demo_certs / "es256.pub") if DEBUG else "")
LABELS_C2PA_SIGN_KEY = env_str("LABELS_C2PA_SIGN_KEY") or (str(_demo_certs / "es256.pem") if DEBUG else "")
# Trust anchors for C2PA signers; without them every signer reads as untrusted (not tampered).
LABELS_C2PA_TRUST_ANCHORS = (
    env_str("LABELS_C2PA_TRUST_ANCHORS")
    or (str(_demo_certs / "test_cert_root_bundle.pem") if DEBUG else "")
    or None
)
PUBLISHED_ROOT = "published"

# --- Consent --------------------------------------------------------------------------------------
# Separate consent (单独同意) of every real person whose face, voice or body is synthesised:
# Deep Synthesis Provisions Art. 14, PIPL Arts. 28-29. Everything below belongs to the consent app.

# A consent counts for this many days after it was given; then the person must be asked again.
CONSENT_VALIDITY_DAYS = env_int("CONSENT_VALIDITY_DAYS", 365)
# A consent link in an e-mail or text message works this many days (until answered or resent).
CONSENT_LINK_DAYS = env_int("CONSENT_LINK_DAYS", 14)
# Consent records are proof: kept this long after they expire or are withdrawn, never less than the
# 183-day log floor (CSL Art. 21, R31). Three years covers the general limitation period for claims.
CONSENT_RETENTION_DAYS = env_int("CONSENT_RETENTION_DAYS", 3 * 365)
if CONSENT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured("CONSENT_RETENTION_DAYS must be at least 183 (R31).")
# People asked for consent are not pestered: one reminder per interval, a few messages a day at most.
CONSENT_REMINDER_INTERVAL_HOURS = env_int("CONSENT_REMINDER_INTERVAL_HOURS", 24)
CONSENT_MESSAGES_PER_PERSON_PER_DAY = env_int("CONSENT_MESSAGES_PER_PERSON_PER_DAY", 3)
# Signed release documents (JPEG, PNG or PDF) uploaded by contributors.
CONSENT_DOCUMENT_MAX_BYTES = env_int("CONSENT_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)

# --- Identity providers (real-name verification, R26) ------------------------------------------
# Who confirms a person's identity: dotted paths, comma-separated (see accounts/identity_providers.py).
# Development: the console provider (accepts any well-formed number) and document review. Production
# needs at least one real one: the national service, the carrier check, or document review.
_IDENTITY_DEFAULT = ["accounts.identity_providers.DocumentReviewProvider"]
if DEBUG:
    _IDENTITY_DEFAULT.insert(0, "accounts.identity_providers.ConsoleProvider")
IDENTITY_PROVIDER = env_list("IDENTITY_PROVIDER", _IDENTITY_DEFAULT)
IDENTITY_PROVIDER_TIMEOUT_SECONDS = env_int("IDENTITY_PROVIDER_TIMEOUT_SECONDS", 10)
# The carrier three-factor check (name + ID number + mobile), through your aggregator.
IDENTITY_CARRIER_URL = env_str("IDENTITY_CARRIER_URL")
IDENTITY_CARRIER_APP_ID = env_str("IDENTITY_CARRIER_APP_ID")
IDENTITY_CARRIER_SECRET = env_str("IDENTITY_CARRIER_SECRET")
# The national online identity authentication service: our registration and its signing key (PEM).
IDENTITY_NATIONAL_AUTHORIZE_URL = env_str("IDENTITY_NATIONAL_AUTHORIZE_URL")
IDENTITY_NATIONAL_TOKEN_URL = env_str("IDENTITY_NATIONAL_TOKEN_URL")
IDENTITY_NATIONAL_APP_ID = env_str("IDENTITY_NATIONAL_APP_ID")
IDENTITY_NATIONAL_APP_SECRET = env_str("IDENTITY_NATIONAL_APP_SECRET")
IDENTITY_NATIONAL_ISSUER = env_str("IDENTITY_NATIONAL_ISSUER")
IDENTITY_NATIONAL_PUBLIC_KEY = env_str("IDENTITY_NATIONAL_PUBLIC_KEY")
# An assertion older than this is refused, however long it claims to be valid.
IDENTITY_NATIONAL_MAX_AGE_SECONDS = env_int("IDENTITY_NATIONAL_MAX_AGE_SECONDS", 300)
# A started national-service login must come back within this many minutes.
IDENTITY_NATIONAL_LOGIN_MINUTES = env_int("IDENTITY_NATIONAL_LOGIN_MINUTES", 10)

# --- Known-content banks ----------------------------------------------------------------------
# Hashes of content seen before (PDQ for images and video frames, SHA-256 for every file); the
# match check compares each upload with the active banks. Everything below belongs to banks/.

# PDQ hashes below this quality (0-100) are neither banked nor compared: featureless images and
# black frames would match unrelated content. Meta recommends discarding quality <= 49.
BANKS_MIN_QUALITY = env_int("BANKS_MIN_QUALITY", 50)
# Video: frames sampled per second, and at most this many frames a file (long videos are sampled
# more sparsely); ffmpeg gets this long per file.
BANKS_VIDEO_FRAMES_PER_SECOND = float(env_str("BANKS_VIDEO_FRAMES_PER_SECOND", "1"))
BANKS_VIDEO_MAX_FRAMES = env_int("BANKS_VIDEO_MAX_FRAMES", 120)
BANKS_FFMPEG_TIMEOUT_SECONDS = env_int("BANKS_FFMPEG_TIMEOUT_SECONDS", 120)
# Each worker rebuilds its in-memory PDQ index at least this often (and at once when a bank changes).
BANKS_INDEX_RELOAD_SECONDS = env_int("BANKS_INDEX_RELOAD_SECONDS", 600)
BANKS_IMPORT_MAX_MB = env_int("BANKS_IMPORT_MAX_MB", 50)

# --- AI labels on video and audio (GB 45438 §5.3-5.4, R13-R17) ------------------------------------
# Video: the explicit label shows from the first frame for this many seconds (at least 2), and
# again over the last seconds when LABELS_VIDEO_END_LABEL is on.
LABELS_VIDEO_LABEL_SECONDS = float(env_str("LABELS_VIDEO_LABEL_SECONDS", "3"))
LABELS_VIDEO_END_LABEL = env_bool("LABELS_VIDEO_END_LABEL", False)
# The one encode of the labelled video: H.264 (MP4, MOV, MKV) preset and CRF, VP9 (WebM) CRF.
LABELS_VIDEO_X264_PRESET = env_str("LABELS_VIDEO_X264_PRESET", "ultrafast")
LABELS_VIDEO_X264_CRF = env_int("LABELS_VIDEO_X264_CRF", 26)
# x264 options on top of the preset: ultrafast's cheap compression tools switched back on (no-ops
# with superfast and slower presets); "" for the preset alone. See labels/publish/video.py.
LABELS_VIDEO_X264_PARAMS = env_str(
    "LABELS_VIDEO_X264_PARAMS", "cabac=1:deblock=0,0:bframes=3:weightb=1:8x8dct=1:aq-mode=1"
)
LABELS_VIDEO_VP9_CRF = env_int("LABELS_VIDEO_VP9_CRF", 32)
# Audio: rhythm (短长短短, Morse "AI"), voice (spoken 人工智能生成, needs espeak-ng) or both; start or end.
LABELS_AUDIO_PROMPT = env_str("LABELS_AUDIO_PROMPT", "rhythm")
LABELS_AUDIO_PROMPT_POSITION = env_str("LABELS_AUDIO_PROMPT_POSITION", "start")
# The tools (Debian packages ffmpeg and espeak-ng) and the longest one ffmpeg run may take.
LABELS_FFMPEG = env_str("LABELS_FFMPEG", "ffmpeg")
LABELS_FFPROBE = env_str("LABELS_FFPROBE", "ffprobe")
LABELS_ESPEAK = env_str("LABELS_ESPEAK", "espeak-ng")
LABELS_AV_TIMEOUT_SECONDS = env_int("LABELS_AV_TIMEOUT_SECONDS", 3600)

# --- Front door and check health ----------------------------------------------------------------

# Files browsers ask for at the site's root (/favicon.ico), served by whitenoise before any login.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# A failed CSRF check (usually an expired form) gets our page with the site's navigation.
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
# English times read "6:04 PM", not "6:04 p.m." (which doubles a sentence's full stop).
FORMAT_MODULE_PATH = ["config.formats"]
# Moderators and admins see a banner when checks wait and no worker has been seen for this long.
WORKER_SILENT_AFTER_SECONDS = env_int("WORKER_SILENT_AFTER_SECONDS", 60)
# A worker reports in at least this often while idle (operations.workers.HeartbeatWorker).
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 15)
RQ["WORKER_CLASS"] = "operations.workers.HeartbeatWorker"  # RQ's SimpleWorker, plus that heartbeat
INSTALLED_APPS += ["operations"]
_template_options: dict[str, list[str]] = TEMPLATES[0]["OPTIONS"]  # type: ignore[assignment]
_template_options["context_processors"].append("operations.context_processors.check_health")

# --- Publication off the decision lock ------------------------------------------------------------
# Approving decides under the item's row lock; the labelled renditions are made afterwards by a job
# on the "media" queue (inline after commit without Redis) and the item is published only once they
# read back. A PublicationRun row is the source of truth, like a CheckRun.
PUBLICATION_LEASE_SECONDS = env_int("PUBLICATION_LEASE_SECONDS", 300)
PUBLICATION_RESEND_AFTER_SECONDS = env_int("PUBLICATION_RESEND_AFTER_SECONDS", 60)
# After this many failed attempts the item goes to the escalated queue with the reason.
PUBLICATION_MAX_ATTEMPTS = env_int("PUBLICATION_MAX_ATTEMPTS", 3)
PUBLICATION_RETRY_INTERVALS = [10, 60, 300]
PUBLICATION_SWEEP_INTERVAL_SECONDS = env_int("PUBLICATION_SWEEP_INTERVAL_SECONDS", 60)

# --- Oversight and operations -------------------------------------------------------------------
# Metrics, search, exports, DSA transparency, the EU Transparency Database (oversight/), and
# retention, the access log, /metrics, /healthz and /readyz (operations/).

INSTALLED_APPS += ["oversight"]  # operations is added above, with check health
# First, so that every request is logged with its final status and duration, redirects included.
MIDDLEWARE.insert(0, "operations.access_log.AccessLogMiddleware")
# Load balancers probe these over plain HTTP: no redirect to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# Nothing younger than this is ever purged (CSL Art. 21(3): logs kept at least six months, R31).
RETENTION_FLOOR_DAYS = 183


def _retention_days(name: str, default: int) -> int:
    """Days a record type is kept before the purge removes it; 0 keeps it forever."""
    days = env_int(name, default)
    if days != 0 and days < RETENTION_FLOOR_DAYS:
        raise ImproperlyConfigured(
            f"{name}={days} is below the {RETENTION_FLOOR_DAYS}-day floor (R31); 0 keeps forever."
        )
    return days


RETENTION_DAYS = {
    "decisions": _retention_days("RETENTION_DECISIONS_DAYS", 3 * 365),
    "check_runs": _retention_days("RETENTION_CHECK_RUNS_DAYS", 3 * 365),
    "identity_events": _retention_days("RETENTION_IDENTITY_EVENTS_DAYS", 3 * 365),
    "consent_records": CONSENT_RETENTION_DAYS,
    "notices": _retention_days("RETENTION_NOTICES_DAYS", 3 * 365),
    "audit_events": _retention_days("RETENTION_AUDIT_EVENTS_DAYS", 3 * 365),
    "access_logs": _retention_days("RETENTION_ACCESS_LOGS_DAYS", 365),
}
if IDENTITY_DOCUMENT_RETENTION_DAYS < RETENTION_FLOOR_DAYS:
    raise ImproperlyConfigured(
        f"IDENTITY_DOCUMENT_RETENTION_DAYS must be at least {RETENTION_FLOOR_DAYS} (R31)."
    )

# One JSON line per request, in one file per day (ACCESS_LOG_PATH.YYYY-MM-DD): every process appends
# to the day's file, so gunicorn workers never race to rename it. Files older than
# RETENTION_DAYS["access_logs"] are deleted by the retention purge. Empty: log to the console.
ACCESS_LOG_PATH = env_str("ACCESS_LOG_PATH", str(BASE_DIR / "var" / "log" / "access.log"))
_logging: dict = LOGGING  # the same dict, typed for the additions below
_logging["formatters"] = {"access_json": {"()": "operations.access_log.JsonFormatter"}}
_logging["handlers"]["access"] = (
    {
        "class": "operations.access_log.DailyFileHandler",
        "filename": ACCESS_LOG_PATH,
        "formatter": "access_json",
    }
    if ACCESS_LOG_PATH
    else {"class": "logging.StreamHandler", "formatter": "access_json"}
)
_logging["loggers"]["provenant.access"] = {"handlers": ["access"], "level": "INFO", "propagate": False}

# Prometheus scrapes /metrics with "Authorization: Bearer METRICS_TOKEN"; without a token it is 404.
METRICS_TOKEN = env_str("METRICS_TOKEN")

# Metrics roll-ups: the scheduled job recomputes this many recent days each run (today included).
METRICS_ROLLUP_DAYS = env_int("METRICS_ROLLUP_DAYS", 2)
METRICS_ROLLUP_INTERVAL_SECONDS = env_int("METRICS_ROLLUP_INTERVAL_SECONDS", 3600)

# EU Transparency Database (DSA Art. 24(5)): statements of reasons are sent when both are set.
TDB_API_BASE_URL = env_str("TDB_API_BASE_URL").rstrip("/")
TDB_API_TOKEN = env_str("TDB_API_TOKEN")
TDB_BATCH_SIZE = min(env_int("TDB_BATCH_SIZE", 100), 100)  # the API takes 1 to 100 statements a call
TDB_MAX_ATTEMPTS = env_int("TDB_MAX_ATTEMPTS", 8)
TDB_TIMEOUT_SECONDS = env_int("TDB_TIMEOUT_SECONDS", 30)
# Our Platform Unique Identifiers are "<prefix>-decision-<id>": unique per statement, no personal data.
TDB_PUID_PREFIX = env_str("TDB_PUID_PREFIX", "provenant")
TDB_SWEEP_INTERVAL_SECONDS = env_int("TDB_SWEEP_INTERVAL_SECONDS", 300)

# --- Notices, takedowns, refutations and complaints -------------------------------------------------
# Anyone may report published content (DSA Art. 16) at /report/; moderators decide notices in their
# own queue; contributors, notifiers and sanctioned users complain about decisions (DSA Art. 20,
# DS Art. 12), answered by a senior moderator who did not decide. /policy/ publishes all of it.
INSTALLED_APPS += ["notices", "complaints"]
# The notices queue's SLA, and the shorter one of child sexual abuse material and non-consensual
# depictions.
NOTICES_SLA_HOURS = env_int("NOTICES_SLA_HOURS", 24)
NOTICES_URGENT_SLA_HOURS = env_int("NOTICES_URGENT_SLA_HOURS", 2)
# Flood defence a real person never notices: notices per client IP and per item per hour (the cache),
# and a form sent sooner than this after it was shown is asked to be checked and sent again.
NOTICES_RATE_PER_IP_PER_HOUR = env_int("NOTICES_RATE_PER_IP_PER_HOUR", 10)
NOTICES_RATE_PER_ITEM_PER_HOUR = env_int("NOTICES_RATE_PER_ITEM_PER_HOUR", 30)
NOTICES_MIN_FILL_SECONDS = env_int("NOTICES_MIN_FILL_SECONDS", 3)
# Trusted flaggers (DSA Art. 22): their notices come first. Addresses or @domains, comma-separated.
NOTICES_TRUSTED_FLAGGERS = [entry.lower() for entry in env_list("NOTICES_TRUSTED_FLAGGERS")]
# How long after being told of a decision a complaint may be filed: at least six months (DSA Art. 20(1)).
COMPLAINTS_WINDOW_DAYS = env_int("COMPLAINTS_WINDOW_DAYS", 183)
if COMPLAINTS_WINDOW_DAYS < 183:
    raise ImproperlyConfigured("COMPLAINTS_WINDOW_DAYS must be at least 183 (six months, DSA Art. 20(1)).")
# Named in every answer to a complaint and on the policy page (DSA Art. 21).
OUT_OF_COURT_BODIES = env_str(
    "OUT_OF_COURT_BODIES",
    "You may turn to an out-of-court dispute settlement body certified under Art. 21 of the Digital "
    "Services Act. The European Commission lists them at "
    "https://digital-strategy.ec.europa.eu/en/policies/dsa-out-court-dispute-settlement; in mainland "
    "China, complaints may also be made to the Cyberspace Administration at https://www.12377.cn.",
)
# The request header the proxy puts the reader's ISO country code in (e.g. CF-IPCountry); without it,
# content restricted in some region is withheld from every reader who cannot be placed.
PUBLICATION_COUNTRY_HEADER = env_str("PUBLICATION_COUNTRY_HEADER")
# How often rqcron lifts temporary takedowns that have run out (end_expired_takedowns).
TAKEDOWN_SWEEP_INTERVAL_SECONDS = env_int("TAKEDOWN_SWEEP_INTERVAL_SECONDS", 300)

# --- Label pipeline: text, producers, visible marks (issues 16 and 12) ---------------------------
# The platform's allow/deny list of AI content producers (R08), managed in the admin.
INSTALLED_APPS += ["producers"]
# The visible-mark check: OCR of the edges of images and of a video's first seconds (R10), on the
# "media" queue. The item enters review without waiting for it; approval waits until it has run.
CHECK_VISIBLE_MARKS = env_bool("CHECK_VISIBLE_MARKS", True)
# OCR takes 1-2.5 s a picture: a worker holds a visible-mark run this long before the sweep takes it back.
CHECK_VISIBLE_LEASE_SECONDS = env_int("CHECK_VISIBLE_LEASE_SECONDS", 600)

# --- Labelled video and audio on the product side (issue 15) --------------------------------------
# A publication job may run this long before RQ stops it: longer than one ffmpeg run
# (LABELS_AV_TIMEOUT_SECONDS), and each ffmpeg run is cut to the job's time left, so ffmpeg's own
# deadline ends a run cleanly first. The job renews its lease while it reports progress.
PUBLICATION_JOB_TIMEOUT_SECONDS = env_int("PUBLICATION_JOB_TIMEOUT_SECONDS", LABELS_AV_TIMEOUT_SECONDS + 600)
if PUBLICATION_JOB_TIMEOUT_SECONDS <= LABELS_AV_TIMEOUT_SECONDS:
    raise ImproperlyConfigured("PUBLICATION_JOB_TIMEOUT_SECONDS must exceed LABELS_AV_TIMEOUT_SECONDS.")
# Unlabelled originals (Labeling Measures Art. 9, R32): each request and its recipient are kept this
# many days, never less than six months (183 days); the one-time download works this many minutes.
UNLABELLED_DELIVERY_RETENTION_DAYS = env_int("UNLABELLED_DELIVERY_RETENTION_DAYS", 183)
if UNLABELLED_DELIVERY_RETENTION_DAYS < 183:
    raise ImproperlyConfigured("UNLABELLED_DELIVERY_RETENTION_DAYS must be at least 183 (R32).")
UNLABELLED_DELIVERY_LINK_MINUTES = env_int("UNLABELLED_DELIVERY_LINK_MINUTES", 15)

# --- First-day rough edges (issue 11) -------------------------------------------------------------
# Send a consent request to each depicted person the contributor gave a contact for, the moment the
# item is submitted (else the contributor sends them from the consent panel).
CONSENT_REQUEST_ON_SUBMIT = env_bool("CONSENT_REQUEST_ON_SUBMIT", True)

# --- Consent and deepfakes (issue 20) -------------------------------------------------------------
# The version of the consent notice on the submission form ("inform the person and obtain their
# separate consent", R24). Change it whenever the notice's wording changes: each revision stores the
# version its contributor acknowledged, and a revision acknowledged under another version asks again.
CONSENT_NOTICE_VERSION = env_str("CONSENT_NOTICE_VERSION", "2026-11")

# --- Follow-ups: retention of complaints and of the unlabelled-original log ----------------------
# Answered complaints lose the complainant's personal data this many days after the answer (never
# under the 183-day floor; 0 keeps it); notices follow RETENTION_NOTICES_DAYS above.
RETENTION_DAYS["complaints"] = _retention_days("RETENTION_COMPLAINTS_DAYS", 3 * 365)
# The log of unlabelled originals handed out is purged once past its own period (at least 183 days).
RETENTION_DAYS["unlabelled_deliveries"] = UNLABELLED_DELIVERY_RETENTION_DAYS

# --- Webhooks to publishers' CMSs (issue 13) ------------------------------------------------------
# Standard Webhooks signed POSTs of every event about an integration's submissions (webhooks/).
INSTALLED_APPS += ["webhooks"]
# One attempt: this long to connect, this long in all (connect, send, first KB of the answer).
WEBHOOK_CONNECT_TIMEOUT_SECONDS = env_int("WEBHOOK_CONNECT_TIMEOUT_SECONDS", 3)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10)
# A worker holds a delivery this long (more than one attempt's timeout) before the sweep resends it.
WEBHOOK_LEASE_SECONDS = env_int("WEBHOOK_LEASE_SECONDS", 30)
if WEBHOOK_LEASE_SECONDS <= WEBHOOK_TIMEOUT_SECONDS:
    raise ImproperlyConfigured("WEBHOOK_LEASE_SECONDS must exceed WEBHOOK_TIMEOUT_SECONDS.")
# Waits between attempts (full jitter: a random wait up to each), the last repeated, for at least
# WEBHOOK_RETRY_HOURS after the event; then the delivery is given up.
WEBHOOK_RETRY_DELAYS_SECONDS = [
    int(seconds)
    for seconds in env_list(
        "WEBHOOK_RETRY_DELAYS_SECONDS", ["5", "30", "120", "600", "1800", "3600", "7200", "14400", "28800"]
    )
]
WEBHOOK_RETRY_HOURS = env_int("WEBHOOK_RETRY_HOURS", 24)
if WEBHOOK_RETRY_HOURS < 24:
    raise ImproperlyConfigured("WEBHOOK_RETRY_HOURS must be at least 24 (issue 13).")
# After "rotate the secret" requests are signed with the old secret too for this long.
WEBHOOK_SECRET_OVERLAP_HOURS = env_int("WEBHOOK_SECRET_OVERLAP_HOURS", 24)
# An endpoint that has failed without a single success this long is disabled; its contacts are told.
WEBHOOK_DISABLE_AFTER_DAYS = env_int("WEBHOOK_DISABLE_AFTER_DAYS", 3)
# How often rqcron resends deliveries a dead worker or a flushed Redis stranded (requeue_stale_webhooks).
WEBHOOK_SWEEP_INTERVAL_SECONDS = env_int("WEBHOOK_SWEEP_INTERVAL_SECONDS", 60)
# seed_demo: the demo integration's endpoint is active only when this is set (else created disabled).
WEBHOOK_DEMO_URL = env_str("WEBHOOK_DEMO_URL")
# Events whose every delivery ended (delivered or given up), with their deliveries and attempts, are
# purged this long after the event (never under the 183-day floor; 0 keeps them): delivery logs.
RETENTION_DAYS["webhook_deliveries"] = _retention_days("RETENTION_WEBHOOK_DELIVERIES_DAYS", 183)

# --- Media storage on many machines (issue 19) ------------------------------------------------
# "local": files under MEDIA_ROOT (one machine, the default for `make run`). "s3": an S3-compatible
# object store shared by every web server and worker (AWS S3, SeaweedFS, MinIO...), private objects.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local")
# Signed links to the store live this long (MEDIA_ACCEL=presigned, and any storage.url()).
MEDIA_PRESIGNED_SECONDS = env_int("MEDIA_PRESIGNED_SECONDS", 60)
# Uploads go to the store in parts of this size, this many at a time (memory: about their product).
MEDIA_S3_PART_MB = env_int("MEDIA_S3_PART_MB", 8)
MEDIA_S3_UPLOAD_CONCURRENCY = env_int("MEDIA_S3_UPLOAD_CONCURRENCY", 2)
# Where workers put the temporary local copy a tool needs (ffmpeg, c2pa), and its bound.
MEDIA_TEMP_DIR = env_str("MEDIA_TEMP_DIR") or None
MEDIA_LOCAL_COPY_MAX_MB = env_int("MEDIA_LOCAL_COPY_MAX_MB", 2 * 1024)
if MEDIA_STORAGE == "s3":
    if not env_str("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    STORAGES["default"] = {
        "BACKEND": "privatemedia.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "access_key": env_str("AWS_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_S3_SECRET_ACCESS_KEY") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            # "path" for most self-hosted stores; "virtual" (or empty: boto3 decides) for AWS.
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            "location": env_str("AWS_LOCATION"),
            # Reads of whole files (thumbnails, documents) spill to a temporary file past this.
            "max_memory_size": 8 * 1024 * 1024,
            "file_overwrite": True,  # names are random and never reused: no extra request per save
        },
    }
    if MEDIA_ACCEL == "x-sendfile":
        raise ImproperlyConfigured("MEDIA_ACCEL=x-sendfile needs local files (MEDIA_STORAGE=local).")
elif MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(f"MEDIA_STORAGE={MEDIA_STORAGE!r}: use local or s3.")
elif MEDIA_ACCEL == "presigned":
    raise ImproperlyConfigured("MEDIA_ACCEL=presigned needs an object store (MEDIA_STORAGE=s3).")

# --- Security headers and uploads under attack (issue 12) ----------------------------------------
# A strict Content-Security-Policy on every response (django-csp): scripts and styles only from our
# own static files, no inline script, no inline style, no eval, nothing from other hosts. Templates
# keep JavaScript in static/js and CSS in static/css. Bootstrap's icons are data: images, media
# previews may be blob: URLs. A national identity provider's login page is a form's redirect
# target, so its origin joins form-action.
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware"
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "config.security.SecurityHeadersMiddleware",
)


def _origin(url: str) -> str:
    scheme, _sep, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}" if rest else ""


_FORM_TARGETS = [origin for origin in (_origin(IDENTITY_NATIONAL_AUTHORIZE_URL),) if origin]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *_FORM_TARGETS],
        "report-uri": env_list("CSP_REPORT_URI") or None,
    },
}
# Presigned links send the browser to the object store for images and media: allow its origin
# (MEDIA_PRESIGNED_ORIGIN, or the endpoint's; AWS without an endpoint signs virtual-host links).
if MEDIA_ACCEL == "presigned":
    from urllib.parse import urlsplit

    _endpoint = urlsplit(env_str("AWS_S3_ENDPOINT_URL"))
    _bucket_host = "*." if env_str("AWS_S3_ADDRESSING_STYLE") == "virtual" else ""
    _store_origin = env_str("MEDIA_PRESIGNED_ORIGIN") or (
        f"{_endpoint.scheme}://{_bucket_host}{_endpoint.netloc}"
        if _endpoint.netloc
        else "https://*.amazonaws.com"
    )
    for _directive in ("img-src", "media-src"):
        _sources = CONTENT_SECURITY_POLICY["DIRECTIVES"][_directive]
        assert _sources is not None
        _sources.append(_store_origin)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No page uses the camera, microphone, location, payment, USB or the like: switched off for us and
# for anything we embed.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)

# Intake answers every upload quickly: each walk over a file's structure (MP4 boxes, WAV chunks) stops
# after this many seconds (and a count of entries) and the file is refused as uncheckable.
UPLOAD_PARSE_MAX_SECONDS = float(env_str("UPLOAD_PARSE_MAX_SECONDS", "1.0"))

# --- Publisher API (issue 13) ----------------------------------------------------------------------
# /api/v1/ for publishers' CMSs, keyed by integration (integrations/), docs at /api/docs.
INSTALLED_APPS += ["ninja", "api"]
# The signed download links of labelled renditions work this long.
API_DOWNLOAD_URL_SECONDS = env_int("API_DOWNLOAD_URL_SECONDS", 3600)
# A request body larger than this is refused with 413 before it is read: every file at its limit.
API_MAX_REQUEST_BYTES = env_int(
    "API_MAX_REQUEST_BYTES", max(UPLOAD_MAX_BYTES.values()) * UPLOAD_MAX_FILES + 1024 * 1024
)
# A POST's Idempotency-Key is honoured this long (as Stripe does): a retry within it gets the stored
# answer; after it the key is free, the request is new, and purge_idempotency_keys deletes the record.
IDEMPOTENCY_KEY_TTL_HOURS = env_int("IDEMPOTENCY_KEY_TTL_HOURS", 24)
if IDEMPOTENCY_KEY_TTL_HOURS < 1:
    raise ImproperlyConfigured("IDEMPOTENCY_KEY_TTL_HOURS must be at least 1.")
# The change feed (GET /api/v1/submissions?changed_since=) shows a change this long after it was
# made: a transaction still open when a page is read cannot then commit a change behind the page's
# cursor. More than any transaction takes from its stamp to its commit, and than the clocks of the
# servers differ. On PostgreSQL the feed also waits for transactions still writing (api/feed.py).
API_FEED_SETTLE_SECONDS = env_int("API_FEED_SETTLE_SECONDS", 5)
if API_FEED_SETTLE_SECONDS < 0:
    raise ImproperlyConfigured("API_FEED_SETTLE_SECONDS must not be negative.")

# --- Webhook batches ---
# A drain job claims and sends up to this many due deliveries of one endpoint at a time, one
# after the other on a kept-alive connection, and records them in one transaction.
WEBHOOK_BATCH_SIZE = env_int("WEBHOOK_BATCH_SIZE", 50)
if WEBHOOK_BATCH_SIZE < 1:
    raise ImproperlyConfigured("WEBHOOK_BATCH_SIZE must be at least 1.")

# --- Metrics page cache (issue 17) ---
# The metrics page's charts and summaries, kept in the cache (Redis when REDIS_URL is set) per range,
# queue, language and roll-up: a roll-up run makes new ones. This long at most; 0 turns it off.
METRICS_PAGE_CACHE_SECONDS = env_int("METRICS_PAGE_CACHE_SECONDS", 3600)
