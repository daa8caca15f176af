"""seed_demo's webhook endpoint for the demo CMS: disabled unless WEBHOOK_DEMO_URL names a
receiver, so a demo never retries a dead URL for a day."""

from io import StringIO
from typing import Any

import pytest

from accounts.models import User
from demo.webhooks import DEMO_REASON, DEMO_URL, seed_demo_webhook
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_it_creates_the_demo_endpoint_disabled(ada: User, settings: Any) -> None:
    settings.WEBHOOK_DEMO_URL = ""
    out = StringIO()
    endpoint = seed_demo_webhook(ada, out.write)
    assert (endpoint.url, endpoint.is_active, endpoint.disabled_reason) == (DEMO_URL, False, DEMO_REASON)
    assert endpoint.secret in out.getvalue()
    assert list(endpoint.integration.contacts.all()) == [ada]


def test_it_turns_the_demo_endpoint_on_for_a_demo_receiver(ada: User, settings: Any) -> None:
    settings.WEBHOOK_DEMO_URL = ""
    seed_demo_webhook(ada, StringIO().write)
    settings.WEBHOOK_DEMO_URL = "http://127.0.0.1:9999/hooks"
    endpoint = seed_demo_webhook(ada, StringIO().write)
    assert (endpoint.url, endpoint.is_active, endpoint.disabled_reason) == (
        "http://127.0.0.1:9999/hooks",
        True,
        "",
    )
    assert WebhookEndpoint.objects.count() == 1
