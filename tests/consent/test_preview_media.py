"""The files a person is asked about are reachable only through their live link."""

from typing import Any

from django.test import Client

from accounts.models import User
from tests.consent.builders import ask, last_link_to, needing_consent


def test_it_serves_the_files_through_the_link_and_keeps_them_out_of_caches(
    alice: User, run_commit_hooks: Any
) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    ask(submission, run_commit_hooks)
    link = last_link_to("carol@example.com")
    media = submission.current_revision.media.get()

    response = Client().get(f"{link}media/{media.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == media.file.open("rb").read()
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")


def test_it_serves_no_file_of_another_submission(alice: User, bob: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    other = needing_consent(bob, run_commit_hooks)
    ask(submission, run_commit_hooks)
    link = last_link_to("carol@example.com")
    their_media = other.current_revision.media.get()

    assert Client().get(f"{link}media/{their_media.pk}/").status_code == 404


def test_it_serves_nothing_without_a_live_link(alice: User, run_commit_hooks: Any) -> None:
    submission = needing_consent(alice, run_commit_hooks)
    ask(submission, run_commit_hooks)
    link = last_link_to("carol@example.com")
    media = submission.current_revision.media.get()

    assert Client().get(f"/consent/nonsense/media/{media.pk}/").status_code == 404
    assert Client().get(f"/submissions/{submission.pk}/media/{media.pk}/").status_code == 302  # login first
    with run_commit_hooks(execute=True):
        Client().post(link + "refuse/")
    assert Client().get(f"{link}media/{media.pk}/").status_code == 404
