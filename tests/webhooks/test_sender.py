"""The sender keeps one connection per receiver alive between POSTs, and a kept connection the
receiver closed meanwhile costs a second try on a fresh one, not a failed attempt."""

import socket
from collections.abc import Iterator

import pytest

from tests.webhooks.receiver import Receiver, receiving
from webhooks import sender
from webhooks.models import new_secret


@pytest.fixture
def plain_receiver() -> Iterator[Receiver]:
    sender.close_connections()
    with receiving() as running:
        running.secret = new_secret()
        yield running
    sender.close_connections()


def send(receiver: Receiver) -> sender.Answer:
    return sender.post(receiver.url, b"{}", {"webhook-id": "evt_x"}, connect_timeout=3, timeout=10)


def test_it_keeps_the_connection_for_the_next_post(plain_receiver: Receiver) -> None:
    assert send(plain_receiver).status_code == 401  # unsigned: the receiver refuses, and answers
    [kept] = sender._kept().values()
    assert send(plain_receiver).status_code == 401
    assert list(sender._kept().values()) == [kept]  # the same connection carried both


def test_it_sends_again_on_a_fresh_connection_when_the_kept_one_broke(plain_receiver: Receiver) -> None:
    send(plain_receiver)
    [kept] = sender._kept().values()
    assert kept.sock is not None
    kept.sock.shutdown(socket.SHUT_WR)  # as if the receiver had dropped it: the next write fails
    answer = send(plain_receiver)
    assert (answer.status_code, answer.error) == (401, "")
    assert len(plain_receiver.requests) == 2
    assert list(sender._kept().values()) != [kept]
