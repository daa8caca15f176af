"""After submitting, the message says where the checks stand (issue 11, rough edge 9)."""

from typing import Any

import pytest
from django.test import Client

from tests.moderation.builders import unique_image
from tests.moderation.test_submission_views import form_data

RUNNING = "Submitted. The automated checks are running; a moderator reviews it next."
DONE = "Submitted and checked: a moderator reviews it next."


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Real commits, as in production: inline checks run when the submit commits, before the redirect.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_inline_checks_have_finished_when_the_contributor_is_told(alice_client: Client) -> None:
    response = alice_client.post("/submissions/new/", form_data(media_files=[unique_image()]), follow=True)
    assert DONE in messages_of(response) and RUNNING not in messages_of(response)


def test_background_checks_are_said_to_be_running(alice_client: Client, settings: Any) -> None:
    # Nothing runs the commit hooks here: the checks are still waiting, as with a worker.
    response = alice_client.post("/submissions/new/", form_data(media_files=[unique_image()]), follow=True)
    assert RUNNING in messages_of(response)
