"""The endpoint's admin pages: the attempts with status code, latency and excerpt; send a test
event; redeliver one or all failed; rotate the secret (audited); turn a disabled endpoint on."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests.webhooks.receiver import Receiver
from webhooks.models import DeliveryStatus, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

pytestmark = pytest.mark.django_db


def url(name: str, pk: int) -> str:
    return reverse(f"admin:webhooks_{name}", args=[pk])


def test_it_sends_a_test_event_and_lists_its_attempt(
    ada_client: Client, endpoint: WebhookEndpoint, receiver: Receiver, run_commit_hooks: Any
) -> None:
    with run_commit_hooks(execute=True):
        response = ada_client.post(url("webhookendpoint_send_test", endpoint.pk))
    assert response.status_code == 302
    [request] = receiver.requests
    assert request["verified"] and request["payload"]["type"] == "webhook.test"
    assert request["payload"]["data"]["endpoint"] == endpoint.pk

    page = ada_client.get(url("webhookendpoint_attempts", endpoint.pk))
    assert page.status_code == 200
    attempt = WebhookAttempt.objects.get()
    html = page.content.decode()
    assert request["id"] in html and "webhook.test" in html and "{&quot;ok&quot;: true}" in html
    assert f"<td>{attempt.latency_ms}</td>" in html


def test_it_redelivers_one_and_all_failed(
    ada_client: Client, endpoint: WebhookEndpoint, receiver: Receiver, run_commit_hooks: Any
) -> None:
    receiver.answers = [500]
    with run_commit_hooks(execute=True):
        ada_client.post(url("webhookendpoint_send_test", endpoint.pk))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED

    with run_commit_hooks(execute=True):
        ada_client.post(url("webhookendpoint_redeliver_failed", endpoint.pk))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)

    with run_commit_hooks(execute=True):
        response = ada_client.post(url("webhookdelivery_redeliver", delivery.pk))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 3)
    assert [request["id"] for request in receiver.requests] == [delivery.event_id] * 3
    assert receiver.duplicates == 1  # the receiver dedupes by webhook-id
    assert AuditEvent.objects.filter(action__startswith="webhooks.redelivered").count() == 2


def test_it_shows_and_rotates_the_secret(
    ada_client: Client, endpoint: WebhookEndpoint, receiver: Receiver, run_commit_hooks: Any
) -> None:
    old = endpoint.secret
    assert old.startswith("whsec_")
    page = ada_client.get(url("webhookendpoint_change", endpoint.pk)).content.decode()
    assert old in page
    for button in ("Send test event", "Redeliver all failed", "Rotate the signing secret"):
        assert f'value="{button}"' in page
    assert 'value="Turn back on"' not in page  # the endpoint is active

    ada_client.post(url("webhookendpoint_rotate_secret", endpoint.pk))

    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")
    event = AuditEvent.objects.get(action="webhooks.secret_rotated")
    assert event.details == {"ends_with": endpoint.secret[-4:]}
    with run_commit_hooks(execute=True):  # the receiver still has the old secret
        ada_client.post(url("webhookendpoint_send_test", endpoint.pk))
    assert receiver.requests[-1]["verified"]
    assert len(receiver.requests[-1]["headers"]["webhook-signature"].split(" ")) == 2
    receiver.secret = endpoint.secret  # switched
    with run_commit_hooks(execute=True):
        ada_client.post(url("webhookendpoint_send_test", endpoint.pk))
    assert receiver.requests[-1]["verified"]
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(previous_secret_expires_at=timezone.now())
    with run_commit_hooks(execute=True):
        ada_client.post(url("webhookendpoint_send_test", endpoint.pk))
    assert len(receiver.requests[-1]["headers"]["webhook-signature"].split(" ")) == 1


def test_it_refuses_to_send_to_a_disabled_endpoint_until_turned_on(
    ada_client: Client, endpoint: WebhookEndpoint
) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_reason="demo")
    ada_client.post(url("webhookendpoint_send_test", endpoint.pk))
    assert not WebhookEvent.objects.exists()
    ada_client.post(url("webhookendpoint_enable", endpoint.pk))
    endpoint.refresh_from_db()
    assert (endpoint.is_active, endpoint.disabled_reason) == (True, "")


@pytest.mark.parametrize(
    "name", ["webhookendpoint_send_test", "webhookendpoint_redeliver_failed", "webhookendpoint_rotate_secret"]
)
def test_its_actions_reject_get(ada_client: Client, endpoint: WebhookEndpoint, name: str) -> None:
    assert ada_client.get(url(name, endpoint.pk)).status_code == 405


@pytest.mark.parametrize("persona", ["alice", "mod", "senior"])
def test_it_keeps_everyone_but_admins_out(
    persona: str, request: pytest.FixtureRequest, endpoint: WebhookEndpoint
) -> None:
    client: Client = request.getfixturevalue(f"{persona}_client")
    old = endpoint.secret
    for name in ("webhookendpoint_attempts", "webhookendpoint_change"):
        assert client.get(url(name, endpoint.pk)).status_code == 302  # to the admin's login
    assert client.post(url("webhookendpoint_rotate_secret", endpoint.pk)).status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret == old
    assert Client().get(url("webhookendpoint_attempts", endpoint.pk)).status_code == 302
