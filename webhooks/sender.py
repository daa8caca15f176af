"""One signed POST, with the standard library's http.client: a connect timeout and a deadline
for the whole exchange, and only the first kilobyte of the answer kept (as its excerpt).

The connection to each host is kept alive for the next POST from this thread (a drain sends many
in a row): a new TCP (and TLS) connection per event was a fifth of a delivery's CPU. A kept
connection the receiver has closed meanwhile is noticed before use (readable at EOF) or by the
POST failing before any answer; then the POST goes once more on a fresh connection (at least
once: the receiver dedupes on webhook-id).
"""

import http.client
import select
import ssl
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

EXCERPT_BYTES = 1024
# Kept connections per thread, the least recently used closed beyond this.
KEPT_CONNECTIONS = 32


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    excerpt: str
    error: str
    latency_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


_local = threading.local()
_tls: ssl.SSLContext | None = None  # loading the CA bundle costs milliseconds: once per process


def _kept() -> "OrderedDict[tuple[str, str, int | None], http.client.HTTPConnection]":
    if not hasattr(_local, "connections"):
        _local.connections = OrderedDict()
    connections: OrderedDict[tuple[str, str, int | None], http.client.HTTPConnection] = _local.connections
    return connections


def close_connections() -> None:
    """Close this thread's kept connections (tests, and a worker shutting down)."""
    connections = _kept()
    while connections:
        connections.popitem()[1].close()


def _dropped(connection: http.client.HTTPConnection) -> bool:
    """Whether the peer closed a kept connection: an idle socket that is readable is at EOF
    (or holds bytes nobody asked for); either way it cannot carry the next request."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _connection(
    scheme: str, host: str, port: int | None, connect_timeout: float
) -> tuple[http.client.HTTPConnection, bool]:
    """A kept connection to (scheme, host, port) and True, or a new one (not yet open) and False."""
    global _tls
    key = (scheme, host, port)
    connections = _kept()
    kept = connections.pop(key, None)
    if kept is not None and not _dropped(kept):
        connections[key] = kept
        return kept, True
    if kept is not None:
        kept.close()
    connection: http.client.HTTPConnection
    if scheme == "https":
        if _tls is None:
            _tls = ssl.create_default_context()
        connection = http.client.HTTPSConnection(host, port, timeout=connect_timeout, context=_tls)
    else:
        connection = http.client.HTTPConnection(host, port, timeout=connect_timeout)
    connections[key] = connection
    while len(connections) > KEPT_CONNECTIONS:
        connections.popitem(last=False)[1].close()
    return connection, False


def _forget(scheme: str, host: str, port: int | None, connection: http.client.HTTPConnection) -> None:
    connection.close()
    connections = _kept()
    if connections.get((scheme, host, port)) is connection:
        del connections[(scheme, host, port)]


# A kept connection the peer closed fails like this before any answer: worth one more try.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


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
    scheme, host, port = parts.scheme, parts.hostname, parts.port
    while True:
        connection, reused = _connection(scheme, host, port, min(connect_timeout, timeout))
        try:
            if connection.sock is None:
                connection.connect()
            sock = connection.sock  # kept: http.client drops it once the answer says "close"
            assert sock is not None
            sock.settimeout(left())
            connection.request("POST", path, body=body, headers=headers)
            sock.settimeout(left())
            response = connection.getresponse()
            sock.settimeout(left())
            excerpt = response.read(EXCERPT_BYTES).decode("utf-8", errors="replace")
            if not response.isclosed():
                # More answer than the excerpt: reading it all is not worth it, nor is the connection.
                _forget(scheme, host, port, connection)
            elif connection.sock is None:
                _forget(scheme, host, port, connection)  # the receiver said "close"
            return Answer(response.status, excerpt, "", elapsed())
        except STALE as exc:
            _forget(scheme, host, port, connection)
            if reused:
                continue  # the receiver had closed the kept connection: once more, afresh
            return Answer(None, "", f"{type(exc).__name__}: {exc}"[:500], elapsed())
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            _forget(scheme, host, port, connection)
            return Answer(None, "", f"{type(exc).__name__}: {exc}"[:500], elapsed())
