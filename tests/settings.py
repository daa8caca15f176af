"""Test settings: the project's settings with what tests need changed, and why."""

import tempfile
from pathlib import Path

from config.settings import *  # noqa: F403

# Hashing passwords properly costs ~100 ms a login; tests log in thousands of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Each test session writes media to its own throw-away folder; real workers started by the
# tests are given the same folder through MEDIA_ROOT.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="provenant-test-media-"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Unit tests run checks inline, like the embedded default; queue tests switch this on themselves.
BACKGROUND_JOBS = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests state the C2PA trust list they want; by default no signer is trusted.
LABELS_C2PA_TRUST_ANCHORS = None
# Identity: document review only, so an ID number on its own is recorded as well-formed; tests of
# the other providers configure them (tests/accounts/test_identity_providers.py).
IDENTITY_PROVIDER = ["accounts.identity_providers.DocumentReviewProvider"]

# Test requests write their access log to a throw-away folder, not to var/log.
ACCESS_LOG_PATH = str(Path(tempfile.mkdtemp(prefix="provenant-test-log-")) / "access.log")
LOGGING["handlers"]["access"]["filename"] = ACCESS_LOG_PATH  # noqa: F405

# OCR costs seconds an image and most tests submit images: the visible-mark check is off unless a
# test turns it on (tests/moderation/test_visible_check.py).
CHECK_VISIBLE_MARKS = False

# Consent tests drive each request themselves (send, resend, remind): no request goes out on submit
# unless a test turns it on (tests/consent/test_requests_on_submit.py).
CONSENT_REQUEST_ON_SUBMIT = False
