"""A real HTTP receiver on 127.0.0.1 for the webhook tests: it verifies every request with the
`standardwebhooks` library and applies each event once (deduplicated by webhook-id), like an
idempotent CMS would."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import standardwebhooks


@dataclass
class Receiver:
    secret: str = ""  # the endpoint's; a test that rotates it sets it again
    # Answers for the first requests, in order (e.g. [500, 500]); then 200.
    answers: list[int] = field(default_factory=list)
    # Called with the event id before answering (a test may block here).
    on_request: Callable[[str], None] | None = None
    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)  # every request, verified or not
    applied: dict[str, dict[str, Any]] = field(default_factory=dict)  # event id -> payload, once
    received_at: dict[str, float] = field(default_factory=dict)  # event id -> first time.time()
    duplicates: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, body: bytes, headers: dict[str, str]) -> int:
        event_id = headers.get("webhook-id", "")
        if self.on_request is not None:
            self.on_request(event_id)
        try:
            payload = standardwebhooks.Webhook(self.secret).verify(body, headers)
            verified = True
        except standardwebhooks.WebhookVerificationError:
            payload, verified = json.loads(body), False
        with self.lock:
            self.requests.append(
                {"id": event_id, "verified": verified, "payload": payload, "headers": headers}
            )
            if not verified:
                return 401
            if self.answers:
                return self.answers.pop(0)
            if event_id in self.applied:
                self.duplicates += 1
            else:
                self.applied[event_id] = payload
                self.received_at[event_id] = time.time()
        return 200

    def of_type(self, event_type: str) -> list[dict[str, Any]]:
        return [payload for payload in self.applied.values() if payload["type"] == event_type]


@contextmanager
def receiving(**options: Any) -> Iterator[Receiver]:
    receiver = Receiver(**options)

    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1: the connection stays open for the next event, as production servers keep it;
        # without Nagle's algorithm (as they do), or the body, written after the headers, waits
        # for the client's delayed ACK: 40 ms an answer.
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            status = receiver.handle(body, {key.lower(): value for key, value in self.headers.items()})
            answer = b'{"ok": true}' if status == 200 else b"nope"
            self.send_response(status)
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
