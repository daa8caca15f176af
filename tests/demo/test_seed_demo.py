"""`seed_demo`: the demo users, and a story that went through the real services and checks."""

from io import StringIO
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from accounts.roles import Role
from audit.services import verify_chain
from complaints.models import Complaint
from labels.engine import inspect_file
from moderation.models import Decision, Finding, PublishedRendition, Queue, Status, Submission
from moderation.selectors import latest_runs
from notices.models import NoticeCase


@pytest.mark.django_db
@pytest.mark.shipped_terms
def test_it_seeds_users_and_a_living_story_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-1")
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (Submission.objects.count(), Decision.objects.count(), Finding.objects.count())
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert "already there" in again.getvalue()
    assert (Submission.objects.count(), Decision.objects.count(), Finding.objects.count()) == counts

    # The demo publisher's author is a contributor too, made by the API (tests/api/test_demo.py).
    roles = {
        u.username: u.role
        for u in User.objects.filter(integration_author__isnull=True).prefetch_related("groups")
    }
    assert roles == {
        "admin": Role.ADMIN,
        "senior": Role.SENIOR_MODERATOR,
        "mod": Role.MODERATOR,
        "alice": Role.CONTRIBUTOR,
        "bob": Role.CONTRIBUTOR,
    }
    assert "demo-pass-1" in out.getvalue()
    for username, landing in [("mod", "/review/"), ("alice", "/submissions/"), ("admin", "/admin/")]:
        client = Client()
        assert (
            client.post("/accounts/login/", {"username": username, "password": "demo-pass-1"}).status_code
            == 302
        )
        assert client.get("/").url == landing  # terms accepted, nothing in the way

    def status_of(title: str) -> tuple[str, str]:
        item = Submission.objects.get(current_revision__title=title)
        return item.status, item.queue

    assert status_of("Festival poster") == (Status.APPROVED, Queue.REVIEW)
    assert status_of("Beach day")[0] == Status.REJECTED
    assert status_of("Cat with sunglasses")[0] == Status.CHANGES_REQUESTED
    assert status_of("Two labels") == (Status.AWAITING_REVIEW, Queue.ESCALATED)
    assert status_of("Wedding video with Tom") == (Status.AWAITING_REVIEW, Queue.TAKEDOWN)
    assert status_of("Autumn notes (draft)")[0] == Status.DRAFT
    # After publication: a reported item, a takedown (with its complaint waiting), a refutation,
    # and a takedown overturned on the contributor's complaint.
    reported = NoticeCase.objects.get(submission__current_revision__title="Night market")
    assert (reported.state, reported.notice_count) == ("open", 2)
    assert status_of("Watch advert with Zhou Ming")[0] == Status.TAKEN_DOWN
    taken = Decision.objects.get(
        submission__current_revision__title="Watch advert with Zhou Ming", outcome="taken_down"
    )
    assert (taken.source, taken.statement["tdb"]["source_type"]) == ("notice", "SOURCE_ARTICLE_16")
    assert Complaint.objects.get(decision=taken).state == "open"
    bridge = Submission.objects.get(current_revision__title="Bridge collapse in the harbour")
    assert "No bridge collapsed" in Client().get(f"/p/{bridge.pk}/").content.decode()
    pier = Submission.objects.get(current_revision__title="Mayor opens the new pier")
    assert (pier.status, pier.tier) == (Status.APPROVED, "none")
    assert "Deepfake: this content is not authentic" in Client().get(f"/p/{pier.pk}/").content.decode()
    fireworks = Submission.objects.get(current_revision__title="Harbour fireworks")
    assert (fireworks.status, fireworks.is_published) == (Status.APPROVED, True)
    assert Complaint.objects.get(submission=fireworks).state == "overturned"
    waiting = Submission.objects.filter(status=Status.AWAITING_REVIEW, queue=Queue.REVIEW)
    assert waiting.count() == 10  # the story's nine and the Demo CMS's submission (demo/integration.py)
    assert "Demo CMS: API key (shown once, keep it): pvk_" in out.getvalue()
    assert {item.sla_state() for item in waiting} == {"on_track", "at_risk", "breached"}

    def codes(title: str) -> set[str]:
        """Findings of the newest run of each check: what the moderator sees now."""
        item = Submission.objects.get(current_revision__title=title)
        return {
            finding.code for run in latest_runs(item.current_revision_id) for finding in run.findings.all()
        }

    assert "declaration_contradicts_metadata" in codes("Holiday snapshot")
    assert "c2pa_tampered" in codes("Breaking: flood in the old town")
    assert "generator_trace" in codes("Anime girl")
    assert "tc260_multiple" in codes("Two labels")
    assert "policy_match" in codes("Cheap watches")
    assert "consent_missing" in codes("Street interview (cloned voice)")
    assert "consent_missing" not in codes("Grandma, restored")

    poster = PublishedRendition.objects.get(
        submission__current_revision__title="Festival poster", media__isnull=False
    )
    report = inspect_file(default_storage.path(poster.file.name))
    assert (report.tc260.count, report.tc260_labels[0].fields["ContentPropagator"]) == (1, "Provenant")
    assert verify_chain()[1] is None

    # Video and audio, published by the publication job with their labels (ffmpeg is installed here).
    for title, media_type in (
        ("Paper boats (generated video)", "video/mp4"),
        ("Lullaby (generated)", "audio/wav"),
    ):
        assert status_of(title) == (Status.APPROVED, Queue.REVIEW)
        rendition = PublishedRendition.objects.get(
            submission__current_revision__title=title, media__isnull=False
        )
        assert (rendition.mime_type, rendition.c2pa_status, rendition.run.progress) == (
            media_type,
            "signed",
            100,
        )
        [label] = inspect_file(default_storage.path(rendition.file.name)).tc260_labels
        assert label.fields["PropagateID"] == f"provenant-{rendition.submission_id}-r1-m{rendition.media_id}"
        assert Client().get(f"/p/{rendition.submission_id}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.shipped_terms
def test_without_ffmpeg_it_skips_video_and_audio_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from demo import media

    monkeypatch.setattr(media, "have_ffmpeg", lambda: False)
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert (
        "(skipped: Paper boats (generated video): video and audio are published with ffmpeg" in out.getvalue()
    )
    assert "(skipped: Lullaby (generated)" in out.getvalue()
    assert not Submission.objects.filter(current_revision__title="Paper boats (generated video)").exists()
    assert Submission.objects.get(current_revision__title="Festival poster").status == Status.APPROVED


def only_the_sunset(monkeypatch: pytest.MonkeyPatch) -> None:
    """The story cut to its item with a drawn mark (the whole story with OCR on takes minutes)."""
    from demo import story

    monkeypatch.setattr(story, "STORY", [item for item in story.STORY if item.needs_visible_marks])
    assert [item.title for item in story.STORY] == ["Sunset over the bay"]


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.shipped_terms
def test_with_the_visible_check_on_a_drawn_mark_contradicts_a_photo(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from demo import media

    if media.mark_font() is None:
        pytest.skip("no CJK font to draw the mark in")
    settings.CHECK_VISIBLE_MARKS = True
    only_the_sunset(monkeypatch)
    call_command("seed_demo", stdout=StringIO())
    item = Submission.objects.get(current_revision__title="Sunset over the bay")
    assert item.status == Status.AWAITING_REVIEW and item.current_revision.declared_ai is False
    assert item.contradicts_declaration and item.has_blocking_findings and item.tier == "suspected"
    visible = next(run for run in latest_runs(item.current_revision_id) if run.kind == "visible")
    assert [mark["text"] for mark in visible.result["files"][0]["marks"]] == ["AI生成"]
    assert set(visible.findings.values_list("code", flat=True)) == {
        "visible_ai_mark",
        "declaration_contradicts_metadata",
    }


@pytest.mark.django_db
@pytest.mark.shipped_terms
def test_with_the_visible_check_off_the_marked_item_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    only_the_sunset(monkeypatch)
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "(skipped: Sunset over the bay: the visible-mark check is off" in out.getvalue()
    assert not Submission.objects.filter(current_revision__title="Sunset over the bay").exists()


@pytest.mark.django_db
@pytest.mark.shipped_terms
def test_it_seeds_the_story_in_chinese_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """`--language zh-hans`: the same story, its titles and texts in Chinese (the English default
    is as written, above). Cut to four items: the marker, an approval, a rejection, a policy match."""
    from demo import story

    kept = {"Lake at dawn", "Festival poster", "Beach day", "Cheap watches"}
    monkeypatch.setattr(story, "STORY", [item for item in story.STORY if item.title in kept])
    call_command("seed_demo", "--language", "zh-hans", stdout=StringIO())
    assert Submission.objects.get(current_revision__title="节日海报").status == Status.APPROVED
    beach = Submission.objects.get(current_revision__title="海滩一日")
    assert beach.status == Status.REJECTED and beach.current_revision.body == "海边度假。"
    watches = Submission.objects.get(current_revision__title="便宜手表")
    found = {
        finding.code for run in latest_runs(watches.current_revision_id) for finding in run.findings.all()
    }
    assert "policy_match" in found  # the rule's words are kept in the translation
    assert not Submission.objects.filter(current_revision__title__in=kept).exists()
    again = StringIO()
    call_command("seed_demo", "--language", "zh-hans", stdout=again)
    assert "already there" in again.getvalue()
