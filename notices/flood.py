"""Bot and flood defence on the public notice form, which a real person never notices.

- A honeypot: a field hidden from sight (and labelled "leave this empty" for screen readers).
  Filled in, the form thanks the sender and records nothing.
- A minimum fill time: the form carries the signed time it was shown; sent sooner than
  NOTICES_MIN_FILL_SECONDS after, it is shown again (with what was typed) and asked to be sent
  again. A person who pastes fast just sends twice; a script that posts at once gets nowhere.
- Rate limits in the cache (Redis in production): notices per client IP and per item per hour.
  Over either, the sender is told to try later (HTTP 429). IPs are kept only as keyed hashes.
"""

import hashlib
import hmac
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

SALT = "notices.form-started"
HOUR = 3600


def started_token(at: float | None = None) -> str:
    return signing.dumps(round(at if at is not None else time.time(), 3), salt=SALT)


def seconds_since(token: str) -> float | None:
    """How long ago the form was shown, or None for a missing or forged token."""
    try:
        started = signing.loads(token, salt=SALT, max_age=24 * HOUR)
    except signing.BadSignature:
        return None
    if not isinstance(started, int | float):
        return None
    return time.time() - float(started)


def too_fast(token: str) -> bool:
    elapsed = seconds_since(token)
    return elapsed is None or elapsed < settings.NOTICES_MIN_FILL_SECONDS


def _ip_key(ip: str | None) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), (ip or "unknown").encode(), hashlib.sha256).hexdigest()
    return digest[:24]


def _window() -> int:
    return int(time.time() // HOUR)


def _count(key: str) -> int:
    """Add one to a counter that lives for the current hour; return the new count."""
    cache.add(key, 0, timeout=2 * HOUR)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=2 * HOUR)
        return 1


def over_limit(*, ip: str | None, submission_id: int) -> str | None:
    """Count this notice; say which limit it breaks ("ip" or "item"), or None."""
    window = _window()
    if _count(f"notices:ip:{_ip_key(ip)}:{window}") > settings.NOTICES_RATE_PER_IP_PER_HOUR:
        return "ip"
    if _count(f"notices:item:{submission_id}:{window}") > settings.NOTICES_RATE_PER_ITEM_PER_HOUR:
        return "item"
    return None
