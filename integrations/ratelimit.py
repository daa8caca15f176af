"""A fixed one-minute window per API key: a Redis counter when REDIS_URL is set (shared by every
gunicorn worker), else a counter in this process (development and tests without Redis)."""

import threading
import time
from functools import lru_cache

import redis
from django.conf import settings

_local: dict[tuple[str, int], int] = {}
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _redis() -> "redis.Redis":
    return redis.Redis.from_url(settings.REDIS_URL)


def hit(key_id: str, limit: int, now: float | None = None) -> int | None:
    """Count one request of the key (its random prefix, unique for good, unlike a row id a
    recreated database hands out again); None when within `limit`, else the seconds until the window ends."""
    now = time.time() if now is None else now
    window = int(now // 60)
    retry_after = max(1, 60 - int(now % 60))
    if settings.REDIS_URL:
        name = f"provenant:api:rate:{key_id}:{window}"
        pipe = _redis().pipeline()
        pipe.incr(name)
        pipe.expire(name, 70)
        count = int(pipe.execute()[0])
    else:
        with _lock:
            for stale in [k for k in _local if k[1] < window]:
                del _local[stale]
            count = _local[(key_id, window)] = _local.get((key_id, window), 0) + 1
    return retry_after if count > limit else None
