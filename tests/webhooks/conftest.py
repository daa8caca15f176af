from collections.abc import Iterator
from typing import Any

import pytest

from integrations.models import Integration
from tests.webhooks.receiver import Receiver, receiving
from webhooks.models import WebhookEndpoint


@pytest.fixture
def run_commit_hooks(django_capture_on_commit_callbacks: Any) -> Any:
    """`with run_commit_hooks(execute=True):` so deliveries sent after commit really are sent."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def integration(db: None, ada: Any) -> Integration:
    cms = Integration.objects.create(name="Daily Paper CMS")
    cms.contacts.add(ada)
    return cms


@pytest.fixture
def receiver(integration: Integration) -> Iterator[Receiver]:
    with receiving() as running:
        running.secret = WebhookEndpoint.objects.create(integration=integration, url=running.url).secret
        yield running


@pytest.fixture
def endpoint(receiver: Receiver) -> WebhookEndpoint:
    return WebhookEndpoint.objects.get(url=receiver.url)
