"""Sending text messages through a pluggable backend, the way Django sends e-mail.

SMS_BACKEND names a class by dotted path. Three ship with the project:

- `accounts.sms.ConsoleBackend` prints each message (development),
- `accounts.sms.FileBackend` writes each message to a file under SMS_FILE_PATH (demos, staging),
- `accounts.sms.LocmemBackend` keeps them in `accounts.sms.outbox` (tests).

A real provider is a subclass of BaseSmsBackend with its own `send`, raising SmsError when the
provider refuses: the caller then tells the user the code could not be sent.
"""

import sys
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The message could not be handed to the provider."""


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str


class BaseSmsBackend:
    def __init__(self, **options: Any) -> None:
        self.options = options

    def send(self, message: SmsMessage) -> None:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    def __init__(self, stream: TextIO | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.stream = stream or sys.stdout

    def send(self, message: SmsMessage) -> None:
        self.stream.write(f"SMS to {message.to}:\n{message.body}\n{'-' * 40}\n")
        self.stream.flush()


class FileBackend(BaseSmsBackend):
    def __init__(self, file_path: str | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.directory = Path(file_path or settings.SMS_FILE_PATH)

    def send(self, message: SmsMessage) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.txt"
            (self.directory / name).write_text(f"To: {message.to}\n\n{message.body}\n", encoding="utf-8")
        except OSError as exc:
            raise SmsError(str(exc)) from exc


outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


class LocmemBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> None:
        with _outbox_lock:
            outbox.append(message)


def get_backend(path: str | None = None, **options: Any) -> BaseSmsBackend:
    backend_class = import_string(path or settings.SMS_BACKEND)
    return backend_class(**options)


def send_sms(to: str, body: str) -> None:
    get_backend().send(SmsMessage(to=to, body=body))
