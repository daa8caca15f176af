"""The demo CMS's webhook endpoint: http://127.0.0.1:8765/webhooks (examples/cms_client.py listens
there), or WEBHOOK_DEMO_URL. Active only when WEBHOOK_DEMO_URL is set: without it the endpoint is
created disabled (reason "demo"), so a demo never retries a dead URL for a day."""

from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from integrations.models import Integration
from webhooks.models import WebhookEndpoint

DEMO_INTEGRATION = "Demo CMS"
DEMO_URL = "http://127.0.0.1:8765/webhooks"
DEMO_REASON = "demo: set WEBHOOK_DEMO_URL to send to it"


def seed_demo_webhook(admin: User, write: Callable[[str], object]) -> WebhookEndpoint:
    integration, _created = Integration.objects.get_or_create(name=DEMO_INTEGRATION)
    integration.contacts.add(admin)
    url = settings.WEBHOOK_DEMO_URL or DEMO_URL
    endpoint = WebhookEndpoint.objects.filter(integration=integration).first()
    if endpoint is None:
        endpoint = WebhookEndpoint(integration=integration, url=url)
    endpoint.url = url
    if settings.WEBHOOK_DEMO_URL:
        endpoint.is_active, endpoint.disabled_at, endpoint.disabled_reason = True, None, ""
    elif endpoint.pk is None or endpoint.disabled_reason == DEMO_REASON or endpoint.is_active:
        endpoint.is_active, endpoint.disabled_at, endpoint.disabled_reason = (
            False,
            timezone.now(),
            DEMO_REASON,
        )
    endpoint.save()
    state = "active" if endpoint.is_active else "disabled until WEBHOOK_DEMO_URL is set"
    write(f"  webhooks of {DEMO_INTEGRATION}: {endpoint.url} ({state}), signing secret {endpoint.secret}")
    return endpoint
