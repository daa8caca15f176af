"""SMS backends are chosen by dotted path, like Django's e-mail backends."""

import io
from pathlib import Path
from typing import Any

import pytest

from accounts import sms


def test_it_keeps_messages_in_memory_for_tests(sms_outbox: list[sms.SmsMessage]) -> None:
    sms.send_sms("+8613800138000", "hello")
    assert sms_outbox == [sms.SmsMessage(to="+8613800138000", body="hello")]


def test_it_prints_messages_to_the_console() -> None:
    stream = io.StringIO()
    sms.ConsoleBackend(stream=stream).send(sms.SmsMessage("+8613800138000", "Your code is 123456."))
    assert "SMS to +8613800138000" in stream.getvalue()
    assert "Your code is 123456." in stream.getvalue()


def test_it_writes_messages_to_files(settings: Any, tmp_path: Path) -> None:
    settings.SMS_BACKEND = "accounts.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms")
    sms.send_sms("+8613800138000", "first")
    sms.send_sms("+8613800138000", "second")
    files = sorted((tmp_path / "sms").iterdir())
    assert len(files) == 2
    assert {path.read_text(encoding="utf-8").split("\n\n", 1)[1].strip() for path in files} == {
        "first",
        "second",
    }


def test_it_turns_file_errors_into_sms_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    with pytest.raises(sms.SmsError):
        sms.FileBackend(file_path=str(blocker)).send(sms.SmsMessage("+8613800138000", "x"))


class ProviderBackend(sms.BaseSmsBackend):
    sent: list[sms.SmsMessage] = []

    def send(self, message: sms.SmsMessage) -> None:
        self.sent.append(message)


def test_it_loads_a_provider_by_dotted_path(settings: Any) -> None:
    settings.SMS_BACKEND = "tests.accounts.test_sms.ProviderBackend"
    sms.send_sms("+447700900123", "via provider")
    assert ProviderBackend.sent[-1] == sms.SmsMessage("+447700900123", "via provider")
