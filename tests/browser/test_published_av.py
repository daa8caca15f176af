"""A labelled video in a real browser: the contributor's page moves its publishing progress bar
while the job renders, then the public page plays the labelled rendition (byte ranges) beside its
label and downloads exactly those bytes. Every page passes axe (the Browser helper)."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from accounts.models import User
from moderation.models import PublicationRun, PublicationStatus, PublishedRendition, Status, Submission
from moderation.publication import dispatch
from moderation.publication.jobs import publish_inline
from moderation.review.decisions import review_decide
from tests.browser.conftest import Browser, console_errors
from tests.factories import make_contributor, make_user
from tests.labels import av_tools
from tests.media_samples import upload
from tests.moderation.test_review import awaiting

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not av_tools.have("ffmpeg"), reason="needs Debian's ffmpeg"),
]


class Held:
    """Stands in for the publication queue: runs wait until the test sends them."""

    def send_on_commit(self, ids: list[int]) -> None:
        pass


@pytest.fixture
def people(db: None) -> dict[str, User]:
    from accounts.roles import Role

    return {"alice": make_contributor("alice"), "mod": make_user("mod", Role.MODERATOR)}


@pytest.fixture
def video_item(people: dict[str, User], tmp_path: Path) -> Submission:
    clip = av_tools.make_video(tmp_path / "clip.mp4", seconds=3)
    return awaiting(
        people["alice"],
        files=[upload("clip.mp4", clip.read_bytes())],
        declared_ai=True,
        title="Paper boats",
        body="",
    )


def test_the_progress_bar_moves_and_the_published_video_plays_and_downloads_labelled(
    browser: Browser, people: dict[str, User], video_item: Submission, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dispatch, "PUBLICATION_RUNS", Held())
    review_decide(
        submission=video_item,
        moderator=people["mod"],
        outcome="approved",
        expected_version=video_item.version,
    )
    run = PublicationRun.objects.get(submission=video_item)
    PublicationRun.objects.filter(pk=run.pk).update(status=PublicationStatus.RUNNING, progress=35)

    page = browser.page_for("alice")
    errors = console_errors(page)
    page.goto(f"{browser.base}/submissions/{video_item.pk}/")
    bar = page.locator("#publishing-progress[role=progressbar]")
    assert bar.get_attribute("aria-valuenow") == "35"
    browser.shot(page, "publishing-progress")
    PublicationRun.objects.filter(pk=run.pk).update(progress=70)
    page.wait_for_function(
        "() => document.querySelector('#publishing-progress').getAttribute('aria-valuenow') === '70'"
    )
    assert "progress-step-70" in (
        page.locator("#publishing-progress .progress-bar").get_attribute("class") or ""
    )
    assert page.locator("#publishing-percent").inner_text() == "70%"

    PublicationRun.objects.filter(pk=run.pk).update(status=PublicationStatus.PENDING)
    assert publish_inline(run.pk) == "published"
    page.wait_for_selector("#published-link")  # the page reloaded once the status moved on
    assert errors() == []

    rendition = PublishedRendition.objects.get(submission=video_item, media__isnull=False)
    reader = browser.new_page()
    reader.goto(f"{browser.base}/p/{video_item.pk}/")
    assert "AI生成" in reader.locator("#publication figcaption .ai-reminder").inner_text()
    video = reader.locator("#publication video")
    video.evaluate("v => v.readyState >= 1 || new Promise(r => v.addEventListener('loadedmetadata', r))")
    assert 2.5 < video.evaluate("v => v.duration") < 3.5
    browser.shot(reader, "published-video")
    with reader.expect_download() as download_info:
        reader.click("#publication a.publication-download")
    download = download_info.value
    assert download.suggested_filename == f"provenant-{video_item.pk}-{rendition.pk}.mp4"
    saved = Path(download.path())
    assert saved.read_bytes() == Path(default_storage.path(rendition.file.name)).read_bytes()
    video_item.refresh_from_db()
    assert video_item.status == Status.APPROVED
