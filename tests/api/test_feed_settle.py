"""The change feed holds back its newest changes, so that one committed late is never skipped.

A transaction stamps `updated_at` before it commits. Had the feed shown every committed row, a
CMS could read a change stamped T' and move its cursor past it while another transaction,
stamped T < T', was still to commit: that change would then lie behind the cursor for good.
The feed shows only changes older than API_FEED_SETTLE_SECONDS and, on PostgreSQL, older than
the oldest transaction still open; a page's cursor never passes what it held back.
"""

import datetime
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import LazySettings
from django.db import connection, transaction
from django.utils import timezone

from moderation.models import Submission
from tests.api.conftest import api, metadata, submit, the_settle_time_passes


@pytest.fixture(autouse=True)
def settle_time(settings: LazySettings) -> int:
    settings.API_FEED_SETTLE_SECONDS = 5
    return 5


def page(key: str, cursor: str = "") -> tuple[list[str], str | None]:
    response = api(key).get(f"/api/v1/submissions?changed_since={cursor}")
    assert response.status_code == 200, response.content
    body = response.json()
    return [item["external_id"] for item in body["items"]], body["next_cursor"]


def submitted(key: str, external_id: str) -> Submission:
    assert submit(key, metadata(external_id=external_id)).status_code == 202
    return Submission.objects.get(external_id=external_id)


def test_a_change_inside_the_settle_time_is_held_back_and_the_cursor_waits_for_it(key: str) -> None:
    submitted(key, "article-1")
    the_settle_time_passes()
    submitted(key, "article-2")  # just now

    items, cursor = page(key)
    assert items == ["article-1"]
    assert cursor is not None
    assert page(key, cursor) == ([], cursor)  # nothing new yet: the same cursor

    the_settle_time_passes()

    items, later = page(key, cursor)
    assert items == ["article-2"]
    assert later != cursor


def test_with_nothing_settled_the_first_page_is_empty_without_a_cursor(key: str) -> None:
    submitted(key, "article-1")
    assert page(key) == ([], None)
    the_settle_time_passes()
    assert page(key)[0] == ["article-1"]


def test_a_change_committed_late_is_not_skipped(key: str) -> None:
    first, second = submitted(key, "article-1"), submitted(key, "article-2")
    the_settle_time_passes()
    items, cursor = page(key)
    assert items == ["article-1", "article-2"]
    assert cursor is not None

    # Two transactions change the two items: the first stamps its change, then the second stamps
    # and commits its own, and a sync reads the feed before the first commits.
    stamped_first = timezone.now()
    assert api(key).post(f"/api/v1/submissions/{second.pk}/withdraw").status_code == 200
    assert page(key, cursor) == ([], cursor)  # the second's change waits: the cursor stays
    # Now the first commits, stamped before the change the sync did not take.
    Submission.objects.filter(pk=first.pk).update(updated_at=stamped_first)

    the_settle_time_passes()

    assert page(key, cursor)[0] == ["article-1", "article-2"]


@contextmanager
def held_open(work: Callable[[], object]) -> Iterator[None]:
    """Another connection does `work` in a transaction and keeps it open until the block ends."""
    done, commit = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with transaction.atomic():
                work()
                done.set()
                assert commit.wait(timeout=60)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            done.set()
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert done.wait(timeout=60)
        yield
    finally:
        commit.set()
        worker.join(timeout=60)
    assert errors == [] and not worker.is_alive()


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transaction_still_open_holds_the_feed_back(
    postgres: None, key: str, settings: LazySettings
) -> None:
    """Real transactions on PostgreSQL, with no settle time at all: one stamps its change and stays
    open while a later change commits; the feed waits for it however long it takes."""
    settings.API_FEED_SETTLE_SECONDS = 0
    first, second = submitted(key, "article-1"), submitted(key, "article-2")
    items, cursor = page(key)
    assert items == ["article-1", "article-2"]
    assert cursor is not None

    with held_open(lambda: Submission.objects.filter(pk=first.pk).touch()):
        assert api(key).post(f"/api/v1/submissions/{second.pk}/withdraw").status_code == 200
        assert page(key, cursor) == ([], cursor)

    assert page(key, cursor)[0] == ["article-1", "article-2"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transaction_holding_the_feed_back_for_long_is_logged(
    postgres: None, key: str, settings: LazySettings, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    from api import feed

    settings.API_FEED_SETTLE_SECONDS = 0
    item = submitted(key, "article-1")
    _items, cursor = page(key)
    monkeypatch.setattr(feed, "HELD_BACK_WARNING", datetime.timedelta(0))
    with caplog.at_level("WARNING", logger="api.feed"):
        page(key, cursor or "")
        assert not warnings(caplog)  # nothing open, nothing held back
        with held_open(lambda: Submission.objects.filter(pk=item.pk).touch()):
            page(key, cursor or "")
    held = warnings(caplog)
    assert len(held) == 1 and held[0].startswith("The API change feed is held back "), held


def warnings(caplog: Any) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "api.feed" and r.levelname == "WARNING"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_transaction_that_only_reads_holds_nothing_back(
    postgres: None, key: str, settings: LazySettings
) -> None:
    """A report or a backup reading for a long time cannot stamp a change: the feed goes on."""
    settings.API_FEED_SETTLE_SECONDS = 0
    item = submitted(key, "article-1")
    items, cursor = page(key)
    assert items == ["article-1"]

    with held_open(lambda: Submission.objects.count()):
        assert api(key).post(f"/api/v1/submissions/{item.pk}/withdraw").status_code == 200
        assert page(key, cursor or "")[0] == ["article-1"]


def test_the_schema_tells_clients_when_changes_come_up() -> None:
    from api.management.commands.api_schema import current_schema

    feed = json.loads(current_schema())["paths"]["/api/v1/submissions"]["get"]["description"]
    assert "API_FEED_SETTLE_SECONDS" in feed and "webhooks" in feed
