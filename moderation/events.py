"""Events other systems hear about (publishers' webhooks): one call site for every event of the
notices, takedowns and complaints work.

The publisher API's outbox (`integrations.events.emit_event(event, *, submission, data)`,
issue 13) writes a row in the caller's transaction and delivers it signed after commit. It is
not part of this code base yet; until it is, `emit` records nothing and sends nothing. Wiring it
is one line here. Every caller runs inside the transaction that made the change, so an event
is never announced for a change that rolled back.

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
"""

from typing import Any

from moderation.models import Submission


def emit(event: str, *, submission: Submission | None, data: dict[str, Any]) -> None:
    """Announce `event` about `submission` (None: about an account) to the publisher's webhooks."""
    # integrations.events.emit_event(event, submission=submission, data=data) once it has landed.
    return None
