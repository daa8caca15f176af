"""The submission lifecycle: the one writer of `Submission.status`.

The allowed moves are a plain table beside the status choices
(`moderation.models.choices.TRANSITIONS`, a dict of frozensets). Every status change, from
the contributor's submit to a takedown, goes through `submission_transition(...)`:

1. the move must be in the table (and among `from_`, when the caller narrows it), or
   `InvalidTransition` is raised with a message for the person who tried;
2. one conditional UPDATE … WHERE status = <the status read> writes the new status, bumps
   `version`, stamps `updated_at` and sets the caller's `fields`: of two concurrent movers
   exactly one wins; the other re-reads the status and the table decides again (a second
   "withdraw" then finds "withdrawn" and is refused);
3. one audit event under the caller's action name (the names predate this module and are kept:
   "submission.submitted", "review.decided", "submission.takedown_opened", …) with
   {"from": …, "to": …, **details} and the actor;
4. the after-transition hooks, in the order they were registered, in the same transaction.
   The first, registered by ModerationConfig.ready, is the statement guard: a move that
   restricts content (choices.STATEMENT_REQUIRED) must name in `details["decision"]` a Decision
   carrying its statement of reasons, made no later than the move, or it is undone (R36).

Hooks are how later work attaches to every move without touching the callers: a webhook
outbox row written in the same transaction, a notification. Register one in code, at import
time of the module that owns it (an AppConfig.ready() is a good place), not with a signal:

    from moderation.lifecycle import TransitionResult, register_after_transition

    def write_outbox(result: TransitionResult) -> None:
        ...  # result.submission, result.from_status, result.to_status, result.actor, result.action

    register_after_transition(write_outbox)

A hook runs inside the transaction that moved the submission: what it writes commits or rolls
back with the move; an exception in a hook undoes the move. Work that must wait for the commit
(sending a request, an e-mail) goes through `transaction.on_commit` from inside the hook.

Why a plain table and not a library. django-fsm-2 puts `@transition` decorators on model
methods over an FSMField (protected=True forbids direct assignment): the moves are spread over
the model, the model grows workflow (STYLE.md keeps it in services), it adds a dependency and
its own signals, and its conditional save still needs our compare-and-set on the old status and
our audit. viewflow.fsm is a descriptor layer of the viewflow package (a larger dependency)
aimed at class-based flows and its admin. Neither gives more than one dict of frozensets: the
table is read by the service, by `WITHDRAWABLE`, by the tests that walk every pair, and by the
next engineer who adds a state with one line.
"""

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from audit.services import record_event
from moderation.models import Status, Submission
from moderation.models.choices import TRANSITIONS, can_move

# How a refused move reads: "This submission is approved, so it cannot be withdrawn."
REFUSED_VERB: dict[str, Promise] = {
    Status.DRAFT: pgettext_lazy("refused transition", "revised"),
    Status.SUBMITTED: pgettext_lazy("refused transition", "submitted"),
    Status.CHECKING: pgettext_lazy("refused transition", "checked"),
    Status.AWAITING_REVIEW: pgettext_lazy("refused transition", "put in a review queue"),
    Status.PUBLISHING: pgettext_lazy("refused transition", "approved"),
    Status.APPROVED: pgettext_lazy("refused transition", "published"),
    Status.REJECTED: pgettext_lazy("refused transition", "rejected"),
    Status.CHANGES_REQUESTED: pgettext_lazy("refused transition", "sent back for changes"),
    Status.WITHDRAWN: pgettext_lazy("refused transition", "withdrawn"),
    Status.TAKEN_DOWN: pgettext_lazy("refused transition", "taken down"),
    Status.RESTRICTED: pgettext_lazy("refused transition", "restricted"),
}

# A status read, refused by the UPDATE because someone moved first, is read again this often.
MAX_ATTEMPTS = 5


class InvalidTransition(Exception):
    """The submission is not in a state that allows this. The message says why."""


@dataclass(frozen=True)
class TransitionResult:
    """What moved: handed to every after-transition hook and returned to the caller."""

    submission: Submission
    from_status: str
    to_status: str
    action: str
    actor: User | None
    at: datetime
    # What the caller said about the move (also in the audit event), e.g. {"decision": pk}.
    details: Mapping[str, Any] = field(default_factory=dict)


AfterTransitionHook = Callable[[TransitionResult], None]

# In order of registration; see the module docstring.
AFTER_TRANSITION_HOOKS: list[AfterTransitionHook] = []


def register_after_transition(hook: AfterTransitionHook) -> AfterTransitionHook:
    """Run `hook(result)` after every status change, in the same transaction. Idempotent."""
    if hook not in AFTER_TRANSITION_HOOKS:
        AFTER_TRANSITION_HOOKS.append(hook)
    return hook


def refusal_message(submission: Submission, to: str) -> str:
    status = Status(submission.status).label.lower()
    verb = REFUSED_VERB.get(to)
    if verb is None:
        return _("This submission is %(status)s: it cannot become %(to)s.") % {
            "status": status,
            "to": Status(to).label.lower(),
        }
    return _("This submission is %(status)s, so it cannot be %(action)s.") % {
        "status": status,
        "action": verb,
    }


def _allowed(current: str, to: str, from_: Collection[str] | None) -> bool:
    return can_move(current, to) and (from_ is None or current in from_)


@transaction.atomic
def submission_transition(
    *,
    submission: Submission,
    to: str,
    actor: User | None,
    action: str,
    from_: Collection[str] | None = None,
    details: Mapping[str, Any] | None = None,
    fields: Mapping[str, Any] | None = None,
    refresh: bool = True,
) -> TransitionResult:
    """Move `submission` to `to`, or raise InvalidTransition; see the module docstring.

    `submission.status` is taken as the status the caller saw; a stale one costs a re-read, never
    a wrong move. `fields` are written by the same UPDATE. With `refresh` the instance is read
    again afterwards (the caller goes on using it); without, only what was written is set on it.
    """
    assert to in TRANSITIONS, f"{to!r} is not in the lifecycle table"
    assert "status" not in (fields or {}), "the status is `to`"
    now = timezone.now()
    for _attempt in range(MAX_ATTEMPTS):
        current = submission.status
        if not _allowed(current, to, from_):
            raise InvalidTransition(refusal_message(submission, to))
        moved = Submission.objects.filter(pk=submission.pk, status=current).update(
            status=to, version=F("version") + 1, updated_at=now, **(fields or {})
        )
        if moved:
            break
        submission.refresh_from_db(fields=["status"])
    else:
        raise InvalidTransition(refusal_message(submission, to))

    if refresh:
        submission.refresh_from_db()
    else:
        submission.status, submission.updated_at = to, now
        for name, value in (fields or {}).items():
            if not hasattr(value, "resolve_expression"):
                setattr(submission, name, value)
    record_event(
        action=action, actor=actor, target=submission, details={"from": current, "to": to, **(details or {})}
    )
    result = TransitionResult(
        submission=submission,
        from_status=current,
        to_status=to,
        action=action,
        actor=actor,
        at=now,
        details=dict(details or {}),
    )
    for hook in AFTER_TRANSITION_HOOKS:
        hook(result)
    return result
