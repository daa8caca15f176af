"""Two answers through one link at the same moment (a double tap, two tabs): exactly one counts.

Needs PostgreSQL: SQLite serialises whole transactions, so it cannot show the row lock at work.
"""

import threading
from typing import Any

import pytest
from django.db import connection

from accounts.models import User
from consent.models import ConsentRecord, ConsentRequest
from consent.services import consent_grant, consent_refuse
from consent.tokens import ConsentLinkError
from tests.consent.builders import ask, last_link_to, needing_consent, token_of

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_it_counts_one_of_two_answers_that_arrive_at_once(
    postgres: None, alice: User, run_commit_hooks: Any
) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    ask(submission, run_commit_hooks)
    token = token_of(last_link_to("carol@example.com"))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(grant: bool) -> None:
        try:
            barrier.wait()
            if grant:
                consent_grant(token=token, separate=True, text_version="person-1", ip=None, user_agent="")
            else:
                consent_refuse(token=token, ip=None, user_agent="")
            outcomes.append("granted" if grant else "refused")
        except ConsentLinkError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(grant,)) for grant in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) in (["granted", "used"], ["refused", "used"])
    consent_request = ConsentRequest.objects.get()
    assert consent_request.status in (ConsentRequest.Status.GRANTED, ConsentRequest.Status.REFUSED)
    assert ConsentRecord.objects.count() == (
        1 if consent_request.status == ConsentRequest.Status.GRANTED else 0
    )
