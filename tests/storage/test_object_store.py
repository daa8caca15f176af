"""Media on an S3-compatible object store (SeaweedFS here, `MEDIA_STORAGE=s3`): written, read,
streamed in ranges and deleted through Django's storage API; served only after the access check,
by us or by a short-lived signed link; copied to a bounded temporary file for the tools that need
a path; and checked by a worker whose own disk never held the upload."""

import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.test import Client

from accounts.models import User
from moderation.models import CheckRun, Finding, MediaFile, RunStatus
from privatemedia.localcopy import LocalCopyTooLarge, local_copy, local_output
from privatemedia.s3 import PrivateS3Storage
from privatemedia.storage import is_local, iter_range, local_path, read_range
from tests.media_samples import image_bytes, upload
from tests.moderation.test_submission_views import form_data

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "media" / "corpus"
DATA = bytes(range(256)) * 1024  # 256 KiB, every byte value


def fetch(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def wait_for(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.2)


def test_it_writes_reads_streams_and_deletes(s3_media: str, object_store: Any) -> None:
    assert isinstance(storages["default"], PrivateS3Storage)
    name = default_storage.save("submissions/2026/11/a.bin", ContentFile(DATA))
    assert name == "submissions/2026/11/a.bin"
    assert default_storage.exists(name) and default_storage.size(name) == len(DATA)
    with default_storage.open(name, "rb") as stored:
        assert stored.read() == DATA
    assert b"".join(iter_range(name, 1000, 70_000)) == DATA[1000:70_001]
    assert read_range(name, len(DATA) - 10, 64) == DATA[-10:]
    assert default_storage.listdir("submissions/2026/11") == ([], ["a.bin"])
    assert local_path(name) is None and not is_local()

    # Private: the object's plain URL is refused, only a signed one works.
    status, _body, _headers = fetch(f"{object_store.endpoint}/{object_store.bucket}/{s3_media}/{name}")
    assert status == 403
    status, body, _headers = fetch(default_storage.url(name))
    assert (status, body) == (200, DATA)

    default_storage.delete(name)
    assert not default_storage.exists(name)


def test_it_copies_to_a_bounded_temporary_file_for_tools(
    s3_media: str, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_TEMP_DIR = str(tmp_path)
    name = default_storage.save("submissions/b.jpg", ContentFile(DATA))
    with local_copy(name) as path:
        assert Path(path).parent == tmp_path and path.endswith(".jpg")
        assert Path(path).read_bytes() == DATA
    assert list(tmp_path.iterdir()) == []  # removed at the end of the block

    settings.MEDIA_LOCAL_COPY_MAX_MB = 0
    with pytest.raises(LocalCopyTooLarge), local_copy(name):
        pass
    assert list(tmp_path.iterdir()) == []


def test_it_writes_results_back_through_the_storage(s3_media: str, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_TEMP_DIR = str(tmp_path)
    with local_output("renditions/r1.png") as target:
        target.write_bytes(b"rendition")
    assert default_storage.open("renditions/r1.png").read() == b"rendition"

    with pytest.raises(RuntimeError), local_output("renditions/r2.png") as target:
        target.write_bytes(b"half")
        raise RuntimeError("the tool failed")
    assert not default_storage.exists("renditions/r2.png")  # nothing stored on an error
    assert list(tmp_path.iterdir()) == []


def test_it_serves_a_stored_upload_only_after_the_access_check(
    s3_media: str, alice_client: Client, bob_client: Client, settings: Any
) -> None:
    data = image_bytes("JPEG", (320, 240))
    on_disk = set(Path(settings.MEDIA_ROOT).rglob("*"))  # other tests' files, on local storage
    response = alice_client.post(
        "/submissions/new/", form_data(action="save", media_files=[upload("photo.jpg", data)])
    )
    assert response.status_code == 302
    media = MediaFile.objects.get()
    assert default_storage.exists(media.file.name)
    assert set(Path(settings.MEDIA_ROOT).rglob("*")) == on_disk  # nothing on this machine's disk
    url = f"/submissions/{media.revision.submission_id}/media/{media.pk}/"

    whole = alice_client.get(url)
    assert whole.status_code == 200
    assert b"".join(whole.streaming_content) == data
    assert whole["Content-Length"] == str(len(data))
    assert whole["Cache-Control"] == "private, max-age=300"

    part = alice_client.get(url, HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(data)}"
    assert b"".join(part.streaming_content) == data[10:20]

    assert bob_client.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page

    thumbnail = alice_client.get(url + "thumbnail/")
    assert thumbnail.status_code == 200
    assert b"".join(thumbnail.streaming_content).startswith(b"\xff\xd8\xff")


def test_it_redirects_to_a_signed_link_that_expires(
    s3_media: str, alice_client: Client, bob_client: Client, settings: Any
) -> None:
    data = image_bytes("PNG", (64, 64))
    alice_client.post("/submissions/new/", form_data(action="save", media_files=[upload("p.png", data)]))
    media = MediaFile.objects.get()
    url = f"/submissions/{media.revision.submission_id}/media/{media.pk}/"
    settings.MEDIA_ACCEL = "presigned"

    response = alice_client.get(url)
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    status, body, headers = fetch(response["Location"])
    assert (status, body) == (200, data)
    assert headers["Content-Type"] == "image/png"
    assert headers["Content-Disposition"].startswith('inline; filename="p.png"')
    assert "X-Amz-Expires=60" in response["Location"]

    assert bob_client.get(url).status_code == 404  # no link for who may not see it

    settings.MEDIA_PRESIGNED_SECONDS = 1
    short = alice_client.get(url)["Location"]
    wait_for(lambda: fetch(short)[0] == 403)  # expired: the store refuses it


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_whose_disk_has_no_copy_checks_the_upload(
    s3_media: str,
    object_store: Any,
    alice: User,
    rq_connection: Any,
    redis_url: str,
    tmp_path: Path,
    settings: Any,
) -> None:
    from tests.moderation.builders import submitted
    from tests.moderation.test_workers import finish, start_worker

    data = (CORPUS / "generated" / "c2pa_trainedAlgorithmicMedia.jpg").read_bytes()
    submission = submitted(alice, files=[upload("ai.jpg", data)], declared_ai=False)
    media_root, temp = tmp_path / "worker-media", tmp_path / "worker-tmp"
    media_root.mkdir()
    temp.mkdir()
    settings.MEDIA_ROOT = media_root  # the worker's own, empty (start_worker passes it on)
    environment = {
        **object_store.environment(s3_media),
        "MEDIA_ROOT": str(media_root),
        "TMPDIR": str(temp),
        "CHECK_VISIBLE_MARKS": "0",
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in environment.items():
            patch.setenv(key, value)
        finish(start_worker(redis_url, "--burst", queues=("default", "checks", "media")))

    label = CheckRun.objects.get(submission=submission, kind="label")
    assert label.status == RunStatus.FAILED and not label.worker.startswith("inline")
    finding = Finding.objects.get(run=label, code="declaration_contradicts_metadata")
    assert "trainedAlgorithmicMedia" in finding.message  # read from the object store's bytes
    assert list(media_root.iterdir()) == [] and list(temp.iterdir()) == []
