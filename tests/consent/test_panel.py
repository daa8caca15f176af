"""The consent panel on the submission page: per person the state, method, time and evidence;
the actions for the contributor; releases to decide for moderators."""

from typing import Any

from django.test import Client
from django.urls import reverse

from accounts.models import User
from consent.selectors import consent_overview
from moderation.intake.services import PersonInput
from moderation.models import Relation
from tests.consent.builders import ask, last_link_to, needing_consent, person_key


def page(client: Client, submission: Any) -> str:
    response = client.get(reverse("submission_detail", args=[submission.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_says_when_consent_is_not_needed(alice: User, alice_client: Client, run_commit_hooks: Any) -> None:
    submission = needing_consent(
        alice, run_commit_hooks, declared_ai=False, categories=[], no_real_person=True, persons=[]
    )
    assert 'id="consent-not-required"' in page(alice_client, submission)


def test_the_contributor_sees_each_person_and_the_actions(
    alice: User, alice_client: Client, run_commit_hooks: Any
) -> None:
    submission = needing_consent(
        alice,
        run_commit_hooks,
        persons=[
            PersonInput("Carol Chen", Relation.OTHER, email="carol@example.com", phone="+8613812345678"),
            PersonInput("Dan Deng", Relation.PUBLIC_FIGURE),
        ],
    )
    html = page(alice_client, submission)

    assert (
        "Required because a face, voice or body synthesis category is declared; another real person is "
        "depicted." in html
    )
    carol = html[html.index(f'id="consent-{person_key(submission)}"') :]
    carol = carol[: carol.index('class="border rounded p-2 mb-2 consent-person"')]
    assert 'data-state="not_requested"' in carol
    assert "No consent request has been sent." in carol
    assert 'name="channel" value="email"' in carol and 'name="channel" value="sms"' in carol
    assert reverse("consent_release_upload", args=[submission.pk, person_key(submission)]) in carol
    dan = html[html.index(f'id="consent-{person_key(submission, "Dan Deng")}"') :]
    assert 'name="channel"' not in dan[: dan.index("</details>")]  # no contact: a release is the way

    [carol_state, dan_state] = consent_overview(submission)
    assert (carol_state.state, carol_state.actions, carol_state.channels) == (
        "not_requested",
        ["send", "upload"],
        ["email", "sms"],
    )
    assert (dan_state.actions, dan_state.channels) == (["upload"], [])


def test_moderators_see_the_evidence_but_not_the_contributor_actions(
    alice: User, mod_client: Client, alice_client: Client, run_commit_hooks: Any
) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    ask(submission, run_commit_hooks)
    with run_commit_hooks(execute=True):
        Client(HTTP_USER_AGENT="Carol's phone").post(
            last_link_to("carol@example.com") + "grant/", {"separate": "on", "text_version": "person-1"}
        )

    html = page(mod_client, submission)
    assert 'data-state="granted"' in html
    assert "Link sent by e-mail" in html
    assert "Carol&#x27;s phone" in html and "127.0.0.1" in html
    assert reverse("consent_send", args=[submission.pk, person_key(submission)]) not in html

    own = page(alice_client, submission)
    assert 'data-state="granted"' in own
    assert "Carol&#x27;s phone" not in own  # where a person answered from is for moderators
