"""One signed POST, with the standard library's http.client: a connect timeout and a deadline
for the whole exchange, and only the first kilobyte of the answer read (kept as its excerpt)."""

import http.client
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

EXCERPT_BYTES = 1024


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    excerpt: str
    error: str
    latency_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: bytes, headers: dict[str, str], *, connect_timeout: float, timeout: float) -> Answer:
    started = time.monotonic()
    deadline = started + timeout

    def left() -> float:
        return max(0.05, deadline - time.monotonic())

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Answer(None, "", f"not an http(s) URL: {url}", 0)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname,
            parts.port,
            timeout=min(connect_timeout, timeout),
            context=ssl.create_default_context(),
        )
    else:
        connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=min(connect_timeout, timeout)
        )
    try:
        connection.connect()
        sock = connection.sock  # kept: http.client drops it once the answer says "close"
        assert sock is not None
        sock.settimeout(left())
        connection.request("POST", path, body=body, headers=headers)
        sock.settimeout(left())
        response = connection.getresponse()
        sock.settimeout(left())
        excerpt = response.read(EXCERPT_BYTES).decode("utf-8", errors="replace")
        return Answer(response.status, excerpt, "", elapsed())
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        return Answer(None, "", f"{type(exc).__name__}: {exc}"[:500], elapsed())
    finally:
        connection.close()
