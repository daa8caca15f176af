"""The webhook outbox: `emit_event` writes what happened, in the transaction that made it happen.

Every request is a POST in the Standard Webhooks format (https://www.standardwebhooks.com):
headers `webhook-id` (the event id, `evt_…`, the same on every attempt: dedupe on it),
`webhook-timestamp` (the attempt's Unix time) and `webhook-signature` (`v1,<base64 HMAC-SHA256>`
of "<id>.<timestamp>.<body>" with the endpoint's `whsec_…` secret); verify with
`standardwebhooks.Webhook(secret).verify(body, headers)`. The body is JSON:

    {"type": "submission.decided", "timestamp": "2026-11-28T22:01:02.345678+00:00",
     "data": {"submission": 42, "external_id": "cms-981", "sequence": 3, ...the event's data}}

`sequence` counts the events about one submission from 1, in the order they were committed:
deliveries may arrive out of order (retries), so a receiver orders by it and ignores what is
older than what it has applied. Delivery is at least once: the same event may arrive twice.

The event catalogue (a stable interface: keys are only ever added):

- submission.checked: every fast check has run and the item waits for a moderator.
  {"status", "tier", "blocking": bool, "checks": [{"kind", "status", "findings": [codes]}]}
- submission.decided: a moderator decided. {"decision", "outcome": "approved" | "rejected" |
  "changes_requested", "reason": code | null, "explanation", "statement": {the statement of
  reasons, DSA Art. 17, or {} for an approval}}. An approval is followed by publication.published.
- publication.published: the labelled renditions are public.
  {"publication", "tier", "renditions": [{"id", "kind": "image" | "video" | "audio" | "text",
  "mime", "sha256"}]}
- publication.taken_down: hidden everywhere. {"decision", "scope": [] , "ends_at": ISO | null,
  "source": "consent_withdrawal" | "notice" | "own_initiative" | "trusted_flagger" | "complaint",
  "reason": code}. Consent withdrawn or expired, a notice, a moderator, a complaint, the API.
- publication.restricted: withheld in the regions of "scope"; same keys as taken_down.
- publication.reinstated: published again. {"decision", "reverses"}
- publication.refuted: labelled as false information. {"decision", "refutation", "text"}
- publication.refutation_withdrawn: {"refutation"}
- consent.granted: a depicted person consented. {"person", "record", "method", "expires_at"}
- consent.withdrawn: a depicted person withdrew. {"person", "record", "published": bool,
  "taken_down": bool} (a takedown also sends publication.taken_down).
- notice.received: {"notice", "case", "category"}
- notice.decided: {"case", "decision", "outcome", "notices"}
- complaint.received: {"complaint", "decision", "complainant": "contributor" | "notifier" |
  "account_holder"}
- complaint.decided: {"complaint", "decision", "outcome": "upheld" | "overturned", "result_decision"}
- webhook.test: sent from the admin's "send test event"; {"endpoint", "message"}, no submission.

Events about a submission go to the active endpoints of its integration that subscribe to the
type; a submission without an integration (the web upload form) writes nothing.
"""

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from moderation.models import Submission
from webhooks.dispatch import drain_on_commit
from webhooks.models import SubmissionSequence, WebhookDelivery, WebhookEndpoint, WebhookEvent

EVENT_TYPES = (
    "submission.checked",
    "submission.decided",
    "publication.published",
    "publication.taken_down",
    "publication.restricted",
    "publication.reinstated",
    "publication.refuted",
    "publication.refutation_withdrawn",
    "consent.granted",
    "consent.withdrawn",
    "notice.received",
    "notice.decided",
    "complaint.received",
    "complaint.decided",
    "webhook.test",
)


def next_sequence(submission_id: int) -> int:
    """The submission's next event number. One upsert: the counter row stays locked until the
    caller commits, so concurrent events about one submission are numbered in commit order."""
    table = connection.ops.quote_name(SubmissionSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (submission_id, last) VALUES (%s, 1)"
            f" ON CONFLICT (submission_id) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [submission_id],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def as_json(value: dict[str, Any]) -> dict[str, Any]:
    """Plain JSON (dates as ISO strings, lazy translations as text), as it will be sent."""
    result: dict[str, Any] = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return result


@transaction.atomic(savepoint=False)  # inside the caller's transaction: no savepoint round trips
def emit_event(event: str, *, submission: Submission | None, data: dict[str, Any]) -> WebhookEvent | None:
    """Write `event` about `submission` to the outbox, with one delivery per endpoint that wants
    it; the deliveries are sent after commit. Returns None when no integration is concerned."""
    if submission is None or submission.integration_id is None:
        return None
    assert event in EVENT_TYPES, f"{event!r} is not in the event catalogue (webhooks/events.py)"
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            integration_id=submission.integration_id, is_active=True
        )
        if endpoint.wants(event)
    ]
    now = timezone.now()
    sequence = next_sequence(submission.pk)
    payload = as_json(
        {
            "type": event,
            "timestamp": now.isoformat(),
            "data": {
                "submission": submission.pk,
                "external_id": submission.external_id,
                "sequence": sequence,
                **data,
            },
        }
    )
    outbox = WebhookEvent.objects.create(
        integration_id=submission.integration_id,
        submission=submission,
        type=event,
        payload=payload,
        sequence=sequence,
        created_at=now,
    )
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(event=outbox, endpoint=endpoint, next_attempt_at=now, created_at=now)
            for endpoint in endpoints
        ]
    )
    drain_on_commit(endpoint.pk for endpoint in endpoints)
    return outbox
