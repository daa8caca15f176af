"""Events other systems hear about (publishers' webhooks): one call site for every event of the
notices, takedowns and complaints work.

The webhook outbox (`webhooks.events.emit_event(event, *, submission, data)`, issue 13) writes a
row in the caller's transaction and delivers it signed after commit, to the endpoints of the
submission's integration (none: nothing is written). Every caller runs inside the transaction
that made the change, so an event is never announced for a change that rolled back. The
catalogue of every event and its payload is the docstring of webhooks/events.py.

Events (name: data):
- publication.taken_down: {"decision", "scope": [regions] ([] = everywhere), "ends_at", "source", "reason"}
- publication.restricted: same keys as publication.taken_down
- publication.reinstated: {"decision", "reverses"}
- publication.refuted: {"decision", "refutation", "text"}
- publication.refutation_withdrawn: {"refutation"}
- notice.received: {"notice", "case", "category"}
- notice.decided: {"case", "decision", "outcome", "notices"}
- complaint.received: {"complaint", "decision", "complainant": "contributor" | "notifier" | "account_holder"}
- complaint.decided: {"complaint", "decision", "outcome": "upheld" | "overturned", "result_decision"}
- consent.granted: {"person", "record", "method", "expires_at"}
- consent.withdrawn: {"person", "record", "published", "taken_down"}
"""

from typing import Any

from moderation.models import Submission


def emit(event: str, *, submission: Submission | None, data: dict[str, Any]) -> None:
    """Announce `event` about `submission` (None: about an account) to the publisher's webhooks."""
    from webhooks.events import emit_event  # at call time: the webhooks app loads after this one

    emit_event(event, submission=submission, data=data)
