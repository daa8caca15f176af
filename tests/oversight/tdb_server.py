"""A stand-in for the EU Transparency Database's Statement API, served on a free local port.

It answers like the real API (app/Http/Controllers/Api/v1/Statement*APIController.php): bearer token
or 401 {"message": "Unauthenticated."}; POST /api/v1/statements takes 1 to 100 statements and answers
201 {"statements": [... with uuid ...]}, or 422 with {"errors": {"statement_<i>": {...}}} when any
statement is invalid (nothing stored), or 422 {"message", "errors": {"puid", "existing_puids"}} for
PUIDs it already holds; POST /api/v1/statement takes one. It validates with the rules of
oversight.tdb.validation (the real service is out of reach here; the rules themselves are tested
one by one in test_tdb_validation.py). Tests can queue raw failures (500, 429, ...) and see every
request it received."""

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from oversight.tdb.validation import validate_batch, validate_statement

TOKEN = "test-tdb-token"


@dataclass
class FakeDatabase:
    url: str = ""
    stored: dict[str, dict[str, Any]] = field(default_factory=dict)  # puid -> statement with uuid
    requests: list[dict[str, Any]] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)  # statuses to answer before behaving
    refuse_puids: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # extra refusals
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, path: str, token: str, body: Any) -> tuple[int, dict[str, Any]]:
        with self.lock:
            self.requests.append({"path": path, "token": token, "body": body})
            if self.failures:
                status = self.failures.pop(0)
                return status, {"message": "Server Error"}
            if token != f"Bearer {TOKEN}":
                return 401, {"message": "Unauthenticated."}
            if path == "/api/v1/statements":
                return self._many(body)
            if path == "/api/v1/statement":
                return self._one(body)
            return 404, {"message": "Not Found"}

    def _many(self, body: Any) -> tuple[int, dict[str, Any]]:
        statements = body.get("statements") if isinstance(body, dict) else None
        errors = validate_batch(statements)
        if "statements" in errors:
            return 422, {"message": errors["statements"][0], "errors": errors}
        assert isinstance(statements, list)
        for index, statement in enumerate(statements):
            extra = self.refuse_puids.get(statement.get("puid", ""))
            if extra:
                errors.setdefault(f"statement_{index}", {}).update(extra)
        if errors:
            return 422, {"errors": errors}
        puids = [s["puid"] for s in statements]
        existing = sorted({p for p in puids if p in self.stored or puids.count(p) > 1})
        if existing:
            message = "The platform identifier(s) are not all unique within this call."
            return 422, {"message": message, "errors": {"puid": [message], "existing_puids": existing}}
        out = []
        for statement in statements:
            stored = {**statement, "uuid": str(uuid.uuid4()), "platform_name": "Provenant test"}
            self.stored[statement["puid"]] = stored
            out.append(stored)
        return 201, {"statements": out}

    def _one(self, body: Any) -> tuple[int, dict[str, Any]]:
        errors = validate_statement(body if isinstance(body, dict) else {})
        if errors:
            first = next(iter(errors.values()))[0]
            more = sum(len(v) for v in errors.values()) - 1
            message = first + (f" (and {more} more errors)" if more else "")
            return 422, {"message": message, "errors": errors}
        if body["puid"] in self.stored:
            message = "The identifier given is not unique within this platform."
            return 422, {
                "message": message,
                "errors": {"puid": [message]},
                "existing": {"puid": body["puid"]},
            }
        stored = {**body, "uuid": str(uuid.uuid4()), "id": len(self.stored) + 1}
        self.stored[body["puid"]] = stored
        return 201, stored


def serve() -> Iterator[FakeDatabase]:
    database = FakeDatabase()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = None
            status, answer = database.handle(self.path, self.headers.get("Authorization", ""), body)
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    database.url = f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield database
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)
