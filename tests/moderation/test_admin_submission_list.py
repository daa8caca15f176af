"""The admin's submissions list says what it means: "Blocking" only for blocked items, a queue only
for items waiting in one (issue 11, rough edge 2)."""

import re

from django.test import Client

from accounts.models import User
from moderation.models import Status, Submission
from tests.moderation.builders import draft
from tests.moderation.test_review import awaiting
from tests.moderation.test_review_views import ai_file


def cells(html: str, pk: int) -> dict[str, str]:
    """The text of each column of the row of submission `pk`."""
    row = next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if f"/{pk}/change/" in r)
    found = re.findall(r'<t[dh] class="field-(\w+)[^"]*"[^>]*>(.*?)</t[dh]>', row, re.S)
    return {name: re.sub(r"<[^>]+>", "", text).strip() for name, text in found}


def test_it_names_blocking_findings_and_queues_truthfully(alice: User, bob: User, ada_client: Client) -> None:
    blocked = awaiting(bob, files=[ai_file()])
    clean = awaiting(alice)
    unfinished = draft(alice)
    decided = awaiting(alice)
    Submission.objects.filter(pk=decided.pk).update(status=Status.REJECTED)
    html = ada_client.get("/admin/moderation/submission/").content.decode()
    assert cells(html, blocked.pk)["blocking_column"] == "Blocking"
    assert cells(html, clean.pk)["blocking_column"] == "None"
    assert cells(html, unfinished.pk)["blocking_column"] == "—"
    assert cells(html, blocked.pk)["queue_column"] == "Awaiting review"
    assert cells(html, unfinished.pk)["queue_column"] == "—"
    assert cells(html, decided.pk)["queue_column"] == "—"
    assert "icon-yes.svg" not in html and "icon-no.svg" not in html
