"""Provenant on several machines, here as processes that share no disk: two web servers (gunicorn)
and two workers, each with its own empty MEDIA_ROOT and temp dir, sharing only PostgreSQL (the
test database), a Redis database and the object store (SeaweedFS). A contributor uploads through
web 1, the workers check the item, a moderator approves it through web 2, the publication job
makes the labelled rendition on a worker, and web 1 hands it out: every step works, and no
process kept a file of its own."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.files.storage import default_storage

from accounts.models import User
from accounts.roles import Role
from moderation.models import CheckRun, PublishedRendition, Status, Submission
from tests.factories import PASSWORD, make_contributor, make_user
from tests.media_samples import image_bytes
from tests.moderation.test_submission_views import form_data
from tests.moderation.test_workers import database_url
from tests.seaweedfs import free_ports

PROJECT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Node:
    """One process of the deployment, with a folder of its own standing for its machine's disk."""

    def __init__(self, name: str, command: list[str], environment: dict[str, str], root: Path) -> None:
        self.name = name
        self.media_root = root / name / "media"
        self.temp = root / name / "tmp"
        self.media_root.mkdir(parents=True)
        self.temp.mkdir(parents=True)
        self.log_path = root / name / "output.log"
        env = {**environment, "MEDIA_ROOT": str(self.media_root), "TMPDIR": str(self.temp)}
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.log.close()


class Deployment:
    def __init__(self) -> None:
        self.nodes: list[Node] = []

    def add(self, node: Node) -> Node:
        self.nodes.append(node)
        return node

    def logs(self) -> str:
        return "\n".join(f"--- {node.name}\n{node.output()}" for node in self.nodes)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 300) -> None:
        """Generous deadlines: the box may be busy; a process that died fails at once."""
        deadline = time.monotonic() + timeout
        while not condition():
            for node in self.nodes:
                if node.process.poll() is not None:
                    raise AssertionError(f"{node.name} exited while waiting for {what}\n{self.logs()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}\n{self.logs()}")
            time.sleep(0.2)


@pytest.fixture
def deployment() -> Iterator[Deployment]:
    running = Deployment()
    yield running
    for node in running.nodes:
        node.stop()


def web_answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/healthz", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def logged_in(base: str, username: str) -> requests.Session:
    """A browser session that logged in through the login form, CSRF token and all."""
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=60)
    token = CSRF.search(page.text)
    assert page.status_code == 200 and token, page.text[:500]
    response = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token.group(1), "username": username, "password": PASSWORD},
        timeout=60,
    )
    assert response.status_code == 200 and 'id="logout-' in response.text, response.text[:2000]
    return session


def csrf_token(session: requests.Session, base: str, page: str) -> str:
    response = session.get(f"{base}{page}", timeout=60)
    assert response.status_code == 200, response.text[:500]
    token = CSRF.search(response.text)
    assert token, response.text[:500]
    return token.group(1)


def with_web_password(user: User) -> User:
    """The web processes run the production settings (no MD5 hasher): a PBKDF2 password, with few
    iterations so the login stays cheap (Django upgrades it on the first login)."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "multinodesalt", iterations=1000)
    user.save(update_fields=["password"])
    return user


def test_it_runs_on_two_web_servers_and_two_workers_sharing_no_disk(
    s3_media: str,
    object_store: Any,
    redis_url: str,
    rq_connection: Any,
    deployment: Deployment,
    tmp_path: Path,
) -> None:
    with_web_password(make_contributor("carla"))
    with_web_password(make_user("mona", Role.MODERATOR))
    environment = {
        **os.environ,
        **object_store.environment(s3_media),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "SECRET_KEY": "multi-node-test-secret-key-shared-by-every-node",
        "DEBUG": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CHECK_VISIBLE_MARKS": "0",  # OCR costs seconds a picture; the label check reads the file
        "CHECK_LEASE_SECONDS": "300",
    }
    environment.pop("FILE_UPLOAD_TEMP_DIR", None)
    web_ports = free_ports(2)
    gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1", "--timeout", "300"]
    for n, port in enumerate(web_ports, start=1):
        deployment.add(Node(f"web{n}", [*gunicorn, "--bind", f"127.0.0.1:{port}"], environment, tmp_path))
    for n in (1, 2):
        deployment.add(
            Node(
                f"worker{n}",
                [sys.executable, "manage.py", "rqworker", "default", "checks", "media"],
                environment,
                tmp_path,
            )
        )
    web1, web2 = (f"http://127.0.0.1:{port}" for port in web_ports)
    deployment.wait_for(lambda: web_answers(web1) and web_answers(web2), "the web servers")

    # Web 1: the contributor logs in and uploads a picture she declares AI-generated.
    carla = logged_in(web1, "carla")
    original = image_bytes("JPEG", (480, 320))
    fields = form_data(title="Made on two machines")
    fields["csrfmiddlewaretoken"] = csrf_token(carla, web1, "/submissions/new/")
    response = carla.post(
        f"{web1}/submissions/new/",
        data=fields,
        files=[("media_files", ("lake.jpg", original, "image/jpeg"))],
        timeout=120,
    )
    assert response.status_code == 200, deployment.logs()
    item = Submission.objects.get(current_revision__title="Made on two machines")
    media = item.current_revision.media.get()
    assert default_storage.open(media.file.name).read() == original  # in the shared store

    # The workers check it, reading the upload from the store.
    deployment.wait_for(
        lambda: Submission.objects.get(pk=item.pk).status == Status.AWAITING_REVIEW, "the checks"
    )
    runs = list(CheckRun.objects.filter(submission=item))
    assert runs and all(run.is_finished and not run.worker.startswith("inline") for run in runs)

    # Web 2: a moderator claims and approves it; publication makes the labelled rendition.
    mona = logged_in(web2, "mona")
    token = csrf_token(mona, web2, f"/review/items/{item.pk}/")
    claimed = mona.post(
        f"{web2}/review/items/{item.pk}/claim/", data={"csrfmiddlewaretoken": token}, timeout=60
    )
    assert claimed.status_code == 200, claimed.text[:2000]
    item.refresh_from_db()
    assert item.claimed_by is not None and item.claimed_by.username == "mona"
    token = csrf_token(mona, web2, f"/review/items/{item.pk}/")
    decided = mona.post(
        f"{web2}/review/items/{item.pk}/decide/",
        data={"csrfmiddlewaretoken": token, "outcome": "approved", "version": item.version},
        timeout=60,
    )
    assert decided.status_code == 200, decided.text[:2000]
    deployment.wait_for(
        lambda: (
            PublishedRendition.objects.filter(submission=item, media=media).exists()
            and Submission.objects.get(pk=item.pk).is_published
        ),
        "the publication",
    )
    rendition = PublishedRendition.objects.get(submission=item, media=media)

    # Web 1 hands out the labelled rendition the worker wrote, to the contributor and the public.
    url = f"{web1}/p/{item.pk}/media/{rendition.pk}/?download=1"
    download = carla.get(url, timeout=120)
    assert download.status_code == 200, deployment.logs()
    stored = default_storage.open(rendition.file.name).read()
    assert download.content == stored and stored.startswith(b"\xff\xd8\xff") and stored != original
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert requests.get(url, timeout=120).content == stored

    # No process kept a file of its own: every byte is in the shared store.
    for node in deployment.nodes:
        assert not any(node.media_root.rglob("*")), node.name
        assert not list(node.temp.glob("provenant-*")), node.name
