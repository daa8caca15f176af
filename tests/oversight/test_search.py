"""Search for moderators: by each field, the decided list, a query count that does not grow with
the rows shown, and who may search."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from moderation.models import CheckRun, MediaFile, Submission
from oversight.identifiers import label_identifiers_index
from oversight.models import LabelIdentifier
from oversight.search import SearchQuery, decided_submissions, search_submissions
from tests.media_samples import upload
from tests.moderation.builders import submitted
from tests.oversight.conftest import decide, make_item

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "media" / "corpus"
URL = "/oversight/search/"


@pytest.fixture
def run_commit_hooks(django_capture_on_commit_callbacks: Any) -> Any:
    return django_capture_on_commit_callbacks


def found(**query: Any) -> set[int]:
    return set(search_submissions(SearchQuery(**query)).values_list("pk", flat=True))


def submit_file(contributor: User, path: str, run_commit_hooks: Any, **overrides: Any) -> Submission:
    with run_commit_hooks(execute=True):
        submission = submitted(
            contributor, files=[upload(Path(path).name, (CORPUS / path).read_bytes())], **overrides
        )
    submission.refresh_from_db()
    return submission


def test_it_finds_by_words_of_the_title_and_the_text(alice: User, bob: User) -> None:
    now = timezone.now()
    harbour = make_item(alice, submitted_at=now, title="Harbour at dusk", body="Boats and gulls.")
    portrait = make_item(bob, submitted_at=now, title="Portrait study", body="A harbour in the background.")
    make_item(bob, submitted_at=now, title="Mountain panorama", body="Snow.")
    assert found(text="harbour") == {harbour.pk, portrait.pk}
    assert found(text="harb") == {harbour.pk, portrait.pk}  # a word is a prefix
    assert found(text="gulls boats") == {harbour.pk}  # every word required
    assert found(text="PORTRAIT") == {portrait.pk}
    assert found(text="volcano") == set()


def test_it_finds_by_contributor_status_tier_queue_and_dates(alice: User, bob: User, mod: User) -> None:
    now = timezone.now()
    old = make_item(alice, submitted_at=now - timedelta(days=40), tier="confirmed")
    new = make_item(bob, submitted_at=now - timedelta(days=1), queue="escalated")
    decide(old, mod, "approved", now - timedelta(days=39))
    assert found(contributor="alice") == {old.pk}
    assert found(status="approved") == {old.pk}
    assert found(tier="confirmed") == {old.pk}
    assert found(queue="escalated") == {new.pk}
    today = timezone.localdate()
    assert found(date_from=today - timedelta(days=7)) == {new.pk}
    assert found(date_to=today - timedelta(days=30)) == {old.pk}
    assert found(contributor="bob", tier="confirmed") == set()


def test_it_finds_by_file_sha256(alice: User, run_commit_hooks: Any) -> None:
    submission = submit_file(alice, "generated/plain.jpg", run_commit_hooks)
    sha = MediaFile.objects.get(revision__submission=submission).sha256
    assert found(sha256=sha) == {submission.pk}
    assert found(sha256=sha.upper()) == {submission.pk}
    assert found(sha256="0" * 64) == set()


def test_it_finds_by_c2pa_manifest_id_and_tc260_produce_id(alice: User, run_commit_hooks: Any) -> None:
    c2pa = submit_file(
        alice, "generated/c2pa_trainedAlgorithmicMedia.jpg", run_commit_hooks, declared_ai=True
    )
    tc260 = submit_file(alice, "tc260/tc260_xmp_element.jpg", run_commit_hooks, declared_ai=True)
    assert label_identifiers_index() > 0
    manifest = CheckRun.objects.get(submission=c2pa, kind="label").result["files"][0]["details"]["c2pa"][
        "active_manifest"
    ]
    produce_id = CheckRun.objects.get(submission=tc260, kind="label").result["files"][0]["tc260"][
        "produce_id"
    ]
    assert manifest and produce_id
    assert found(c2pa_manifest=manifest) == {c2pa.pk}
    assert found(produce_id=produce_id) == {tc260.pk}
    assert found(produce_id=manifest) == set()
    # Indexing again (the sweep overlaps, the command re-reads everything) adds nothing.
    rows = LabelIdentifier.objects.count()
    label_identifiers_index()
    label_identifiers_index(everything=True)
    assert LabelIdentifier.objects.count() == rows


def test_the_decided_list_has_decided_items_newest_first(alice: User, mod: User) -> None:
    now = timezone.now()
    items = [make_item(alice, submitted_at=now - timedelta(days=5), title=f"item {n}") for n in range(4)]
    decide(items[0], mod, "approved", now - timedelta(days=3))
    decide(items[1], mod, "rejected", now - timedelta(days=1), reason="quality")
    decide(items[2], mod, "changes_requested", now - timedelta(days=2), reason="quality")
    listed = list(decided_submissions(SearchQuery()).values_list("pk", flat=True))
    assert listed == [items[1].pk, items[2].pk, items[0].pk]
    assert list(decided_submissions(SearchQuery(status="rejected")).values_list("pk", flat=True)) == [
        items[1].pk
    ]


def test_the_page_works_for_moderators(mod_client: Client, alice: User) -> None:
    item = make_item(alice, submitted_at=timezone.now(), title="Harbour at dusk")
    response = mod_client.get(URL, {"q": "harbour"})
    assert response.status_code == 200
    assert f'href="/review/items/{item.pk}/"' in response.content.decode()
    assert mod_client.get(URL).status_code == 200  # the empty form
    assert mod_client.get(URL, {"sha256": "not-a-hash"}).status_code == 400
    assert mod_client.get("/oversight/decided/").status_code == 200


@pytest.mark.parametrize("url", [URL, "/oversight/decided/"])
def test_the_pages_need_login_refuse_other_roles_and_post(
    url: str, client: Client, alice_client: Client, oscar_client: Client, mod_client: Client
) -> None:
    assert client.get(url).status_code == 302
    assert alice_client.get(url).status_code == 403
    assert oscar_client.get(url).status_code == 403
    assert mod_client.post(url).status_code == 405


@pytest.mark.parametrize("url", [f"{URL}?q=harbour", "/oversight/decided/?tier=none"])
def test_its_query_count_does_not_grow_with_the_rows_shown(
    url: str, mod_client: Client, alice: User, mod: User, django_assert_num_queries: Any
) -> None:
    now = timezone.now()

    def add(count: int) -> None:
        for n in range(count):
            item = make_item(alice, submitted_at=now - timedelta(hours=n + 1), title=f"Harbour {n}")
            decide(item, mod, "approved", now - timedelta(minutes=n + 1))

    add(2)
    mod_client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert mod_client.get(url).status_code == 200
    assert len(captured.captured_queries) <= 8
    add(20)
    with django_assert_num_queries(len(captured.captured_queries)):
        response = mod_client.get(url)
    assert len(response.context["page"].object_list) == 22
