"""Downloads of AI content are its labelled rendition, byte for byte, named for its own type, with
byte ranges for players (R19); the item's pages offer that, never the original."""

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from accounts.models import User
from moderation.models import PublishedRendition, Submission
from moderation.review.decisions import review_decide
from privatemedia.serving import UNSATISFIABLE, requested_range
from tests.labels import av_tools
from tests.media_samples import upload
from tests.moderation.builders import unique_image
from tests.moderation.test_review import awaiting


def body(response: Any) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)


def publish(item: Submission, moderator: User, run_commit_hooks: Any) -> PublishedRendition:
    item.refresh_from_db()
    with run_commit_hooks(execute=True):
        review_decide(submission=item, moderator=moderator, outcome="approved", expected_version=item.version)
    item.refresh_from_db()
    assert item.is_published
    return PublishedRendition.objects.get(submission=item, media__isnull=False)


def stored(name: str) -> bytes:
    return Path(default_storage.path(name)).read_bytes()


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    if not av_tools.have("ffmpeg"):
        pytest.skip("needs Debian's ffmpeg")
    return av_tools.make_video(tmp_path_factory.mktemp("clips") / "clip.mp4", seconds=2).read_bytes()


@pytest.fixture
def published_video(alice: User, mod: User, clip: bytes, run_commit_hooks: Any) -> PublishedRendition:
    """An AI video the contributor uploaded as "holiday.mkv": it is an MP4."""
    item = awaiting(alice, declared_ai=True, files=[upload("holiday.mkv", clip)], body="")
    return publish(item, mod, run_commit_hooks)


@pytest.fixture
def published_image(alice: User, mod: User, run_commit_hooks: Any) -> PublishedRendition:
    item = awaiting(alice, declared_ai=True, files=[unique_image()], body="")
    return publish(item, mod, run_commit_hooks)


def test_the_public_download_is_the_labelled_renditions_bytes_named_for_their_type(
    published_video: PublishedRendition,
) -> None:
    item = published_video.submission
    original = item.current_revision.media.get()
    response = Client().get(f"/p/{item.pk}/media/{published_video.pk}/?download=1")

    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"] == (
        f'attachment; filename="provenant-{item.pk}-{published_video.pk}.mp4"; '
        f"filename*=UTF-8''provenant-{item.pk}-{published_video.pk}.mp4"
    )
    data = body(response)
    assert data == stored(published_video.file.name)  # as stored: no re-encoding on the way out
    assert hashlib.sha256(data).hexdigest() != original.sha256  # not the unlabelled upload
    assert response["Accept-Ranges"] == "bytes"


def test_the_player_gets_byte_ranges(published_video: PublishedRendition) -> None:
    item = published_video.submission
    url = f"/p/{item.pk}/media/{published_video.pk}/"
    data = stored(published_video.file.name)
    size = len(data)
    client = Client()

    first = client.get(url, HTTP_RANGE="bytes=0-99")
    assert (first.status_code, first["Content-Range"], first["Content-Length"]) == (
        206,
        f"bytes 0-99/{size}",
        "100",
    )
    assert body(first) == data[:100]
    assert first["Content-Disposition"].startswith("inline;")
    rest = client.get(url, HTTP_RANGE=f"bytes={size - 10}-")
    assert (rest.status_code, body(rest)) == (206, data[-10:])
    tail = client.get(url, HTTP_RANGE="bytes=-16")
    assert (tail.status_code, tail["Content-Range"], body(tail)) == (
        206,
        f"bytes {size - 16}-{size - 1}/{size}",
        data[-16:],
    )
    past = client.get(url, HTTP_RANGE=f"bytes={size}-")
    assert (past.status_code, past["Content-Range"]) == (416, f"bytes */{size}")
    several = client.get(url, HTTP_RANGE="bytes=0-1,5-6")
    assert (several.status_code, body(several)) == (200, data)
    stale = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE="Mon, 01 Jan 2001 00:00:00 GMT")
    assert (stale.status_code, len(body(stale))) == (200, size)
    fresh = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=first["Last-Modified"])
    assert (fresh.status_code, body(fresh)) == (206, data[:10])


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-0", (0, 0)),
        ("bytes=10-", (10, 99)),
        ("bytes=90-500", (90, 99)),
        ("bytes=-5", (95, 99)),
        ("bytes=-500", (0, 99)),
        ("bytes=100-", UNSATISFIABLE),
        ("bytes=-0", UNSATISFIABLE),
        ("bytes=5-4", None),
        ("bytes=-", None),
        ("items=0-5", None),
        ("bytes=0-5,7-9", None),
    ],
)
def test_it_reads_one_range_of_a_range_header(header: str, expected: tuple[int, int] | None) -> None:
    assert requested_range(header, 100) == expected


def test_the_public_page_offers_the_labelled_download_beside_the_player(
    published_video: PublishedRendition,
) -> None:
    item = published_video.submission
    html = Client().get(f"/p/{item.pk}/").content.decode()
    url = f"/p/{item.pk}/media/{published_video.pk}/"
    assert f'<video src="{url}" controls preload="metadata"' in html
    assert f'<strong class="ai-reminder">{published_video.explicit_label}</strong>' in html
    assert f'<a href="{url}?download=1" class="publication-download" download>' in html
    assert f"/submissions/{item.pk}/media/" not in html  # the original is never offered


def test_the_contributors_page_offers_the_labelled_copy_and_the_request(
    published_image: PublishedRendition, alice_client: Client, mod_client: Client, senior_client: Client
) -> None:
    item = published_image.submission
    media = item.current_revision.media.get()
    html = alice_client.get(f"/submissions/{item.pk}/").content.decode()
    assert f'href="/p/{item.pk}/media/{published_image.pk}/?download=1" class="labelled-download"' in html
    assert f'href="/submissions/{item.pk}/media/{media.pk}/unlabelled/" class="unlabelled-request"' in html
    assert f"/submissions/{item.pk}/media/{media.pk}/?download=1" not in html
    assert "unlabelled-request" not in mod_client.get(f"/submissions/{item.pk}/").content.decode()
    assert "unlabelled-request" in senior_client.get(f"/submissions/{item.pk}/").content.decode()


def test_a_download_of_the_ai_upload_is_sent_to_the_labelled_copy(
    published_image: PublishedRendition, alice_client: Client
) -> None:
    item = published_image.submission
    media = item.current_revision.media.get()
    response = alice_client.get(f"/submissions/{item.pk}/media/{media.pk}/?download=1")
    assert (response.status_code, response["Location"]) == (
        302,
        f"/p/{item.pk}/media/{published_image.pk}/?download=1",
    )
    shown = alice_client.get(f"/submissions/{item.pk}/media/{media.pk}/")  # the page's own preview
    assert (shown.status_code, body(shown)) == (200, stored(media.file.name))


def test_an_unpublished_ai_upload_is_not_downloaded(alice: User, alice_client: Client) -> None:
    item = awaiting(alice, declared_ai=True, files=[unique_image()])
    media = item.current_revision.media.get()
    assert alice_client.get(f"/submissions/{item.pk}/media/{media.pk}/?download=1").status_code == 403
    html = alice_client.get(f"/submissions/{item.pk}/").content.decode()
    assert "?download=1" not in html and "unlabelled-request" in html


def test_content_without_ai_indication_downloads_as_uploaded_under_its_own_extension(
    alice: User, alice_client: Client
) -> None:
    item = awaiting(alice, declared_ai=False, files=[upload("scan.gif", unique_image().read())])
    media = item.current_revision.media.get()
    response = alice_client.get(f"/submissions/{item.pk}/media/{media.pk}/?download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="provenant-{item.pk}-m{media.pk}-original.jpg"'
    )
    assert body(response) == stored(media.file.name)
