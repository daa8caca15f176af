"""The access log (CSL Art. 21, R31): one JSON line per request, kept at least 183 days.

Who (user id), what (method, path, status), from where (the client IP, trusting exactly
TRUSTED_PROXY_COUNT proxies), when and how long. Query strings are left out: they can carry
tokens and search terms. Lines go through the "provenant.access" logger; by default to one file
per day (ACCESS_LOG_PATH.YYYY-MM-DD), which the retention purge deletes after
RETENTION_DAYS["access_logs"] days.
"""

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from audit.context import client_ip
from operations.prometheus import observe_request

logger = logging.getLogger("provenant.access")


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            duration = time.perf_counter() - started
            logger.info(
                "request",
                extra={
                    "access": {
                        "user_id": _user_id(request),
                        "method": request.method,
                        "path": request.path,
                        "status": status,
                        "ip": client_ip(request),
                        "duration_ms": round(duration * 1000, 1),
                    }
                },
            )
            observe_request(request.method or "", status, duration)


def _user_id(request: HttpRequest) -> int | None:
    """The logged-in user's id, without loading the user if the request never needed it."""
    user = getattr(request, "user", None)
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty:
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class JsonFormatter(logging.Formatter):
    """{"time": ISO 8601 UTC, ...the request's fields}; other records: time, level, logger, message."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        fields: dict[str, Any] = getattr(record, "access", None) or {
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        return json.dumps({"time": moment.replace("+00:00", "Z"), **fields}, ensure_ascii=False)


class DailyFileHandler(logging.Handler):
    """Appends to `<filename>.<YYYY-MM-DD>` (UTC day of the record).

    Every process opens the day's file in append mode: nothing is ever renamed, so several gunicorn
    workers can share one log without the rotation races of TimedRotatingFileHandler. Deleting old
    days is the retention purge's job (`access_log_files`, `purge_access_logs`).
    """

    def __init__(self, filename: str, encoding: str = "utf-8") -> None:
        super().__init__()
        self.base = Path(filename)
        self.encoding = encoding
        self._day = ""
        self._stream: Any = None
        self._lock = threading.Lock()

    def path_for(self, day: str) -> Path:
        return self.base.with_name(f"{self.base.name}.{day}")

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + "\n"
            day = datetime.fromtimestamp(record.created, tz=UTC).strftime("%Y-%m-%d")
            with self._lock:
                if day != self._day or self._stream is None:
                    self._reopen(day)
                self._stream.write(line)
                self._stream.flush()
        except Exception:
            self.handleError(record)

    def _reopen(self, day: str) -> None:
        if self._stream is not None:
            self._stream.close()
        self.base.parent.mkdir(parents=True, exist_ok=True)
        self._stream = open(self.path_for(day), "a", encoding=self.encoding)  # noqa: SIM115
        self._day = day

    def close(self) -> None:
        with self._lock:
            if self._stream is not None:
                self._stream.close()
                self._stream = None
        super().close()


def access_log_files(base: str) -> list[tuple[str, Path]]:
    """The daily files of the access log at `base`, as (YYYY-MM-DD, path), oldest first."""
    path = Path(base)
    if not path.parent.is_dir():
        return []
    files = []
    for entry in os.scandir(path.parent):
        name = entry.name
        prefix = path.name + "."
        day = name[len(prefix) :]
        if entry.is_file() and name.startswith(prefix) and len(day) == 10 and day[4] == day[7] == "-":
            files.append((day, Path(entry.path)))
    return sorted(files)
