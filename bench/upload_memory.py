"""Measure what a 1 GB upload costs the web process in memory: it must stream to a temporary file
and on to the storage, never be held whole (issue 19: RSS growth < 50 MB).

    python bench/upload_memory.py [--megabytes 1024] [--storage local s3]
                                  [--database provenant_upload_bench] [--redis-db 13]

Steps:
1. A fresh database (DATABASE_URL's server), migrated, with a verified contributor.
2. For each storage: `local` (MEDIA_ROOT) or `s3` (a SeaweedFS started for the run, as the tests
   do: the `weed` binary from the dev requirement). One gunicorn web process (one sync worker,
   production settings but DEBUG, for static files without collectstatic) on a free port.
3. Log in through the form, then POST the new-submission form (saved as a draft: the upload path
   without checks) with one MP4 of `--megabytes` MB, made on the fly and streamed by the client,
   so neither side ever has it in memory. The web worker's RSS is sampled every 20 ms from /proc.
4. Print the worker's RSS before, its peak during the upload, the growth, and the time taken.
"""

from __future__ import annotations

import sys

sys.path.pop(0)  # keep bench/ off the path (bench/queue.py would shadow `queue`)

import argparse
import contextlib
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import common  # noqa: E402

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BOUNDARY = "provenant-bench-boundary-7d3f"
PASSWORD = "bench-password-123"
GUNICORN = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1", "--timeout", "900"]


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    """The process's resident memory now (VmRSS) or at its highest so far (VmHWM), in KB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


class Sampler(threading.Thread):
    """The highest RSS of a process, sampled until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0, True

    def run(self) -> None:
        while self.running:
            with contextlib.suppress(OSError):
                self.peak = max(self.peak, rss_kb(self.pid))
            time.sleep(0.02)


def mp4_stream(megabytes: int) -> tuple[int, Iterator[bytes]]:
    """A structurally valid MP4 (the test clip and a `free` box of zeros), its length and chunks.
    The box starts with random bytes: an upload the contributor already made would be reused,
    not stored again."""
    clip = (ROOT / "tests" / "fixtures" / "uploads" / "clip.mp4").read_bytes()
    padding = megabytes * 1024 * 1024 - len(clip) - 8

    def chunks() -> Iterator[bytes]:
        yield clip + (padding + 8).to_bytes(4, "big") + b"free" + os.urandom(16)
        block = b"\x00" * (1024 * 1024)
        left = padding - 16
        while left > 0:
            yield block[: min(len(block), left)]
            left -= min(len(block), left)

    return len(clip) + 8 + padding, chunks()


def multipart(fields: dict[str, list[str]], megabytes: int) -> tuple[int, Iterator[bytes]]:
    """The form as multipart/form-data: its exact length (sent as Content-Length) and its chunks."""
    head = b""
    for name, values in fields.items():
        for value in values:
            head += (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            ).encode()
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="media_files"; filename="long.mp4"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    size, body = mp4_stream(megabytes)

    def chunks() -> Iterator[bytes]:
        yield head
        yield from body
        yield tail

    return len(head) + size + len(tail), chunks()


class Body:
    """A request body read in pieces, with a length: requests sends it with Content-Length."""

    def __init__(self, length: int, chunks: Iterator[bytes]) -> None:
        self.length, self.chunks, self.buffer = length, chunks, memoryview(b"")

    def __len__(self) -> int:
        return self.length

    def read(self, size: int = -1) -> bytes:
        if not self.buffer:
            self.buffer = memoryview(next(self.chunks, b""))
        if size < 0 or size >= len(self.buffer):
            data, self.buffer = self.buffer, memoryview(b"")
        else:  # the client reads 8 KB at a time: a view moves along the piece, nothing is copied
            data, self.buffer = self.buffer[:size], self.buffer[size:]
        return bytes(data)


def length_of_file(megabytes: int) -> int:
    return megabytes * 1024 * 1024


def stored_size(storage: str, folder: Path, store: object) -> int:
    """The size of the one file the upload left in the storage (it must be all there)."""
    if storage == "local":
        return sum(path.stat().st_size for path in (folder / "media").rglob("*.mp4"))
    client = store.client()  # type: ignore[attr-defined]
    listing = client.list_objects_v2(Bucket=store.bucket, Prefix="bench/")  # type: ignore[attr-defined]
    return sum(item["Size"] for item in listing.get("Contents", []) if item["Key"].endswith(".mp4"))


def measure(storage: str, env: dict[str, str], megabytes: int) -> dict[str, float]:
    import requests

    from tests.seaweedfs import free_ports, running_store

    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="provenant-upload-bench-")))
        node_env = {**os.environ, **env, "MEDIA_ROOT": str(folder / "media"), "TMPDIR": str(folder)}
        store = None
        if storage == "s3":
            store = stack.enter_context(running_store())
            node_env.update(store.environment("bench"))
        port = free_ports(1)[0]
        log = stack.enter_context(open(os.environ.get("BENCH_WEB_LOG", os.devnull), "wb"))
        web = subprocess.Popen(
            [*GUNICORN, "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=node_env,
            start_new_session=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        stack.callback(web.wait, 60)
        stack.callback(os.killpg, web.pid, signal.SIGTERM)  # callbacks run last in, first out
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise SystemExit("gunicorn did not answer")
            time.sleep(0.2)
        session = requests.Session()
        token = CSRF.search(session.get(f"{base}/accounts/login/").text).group(1)  # type: ignore[union-attr]
        session.post(
            f"{base}/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": "bench", "password": PASSWORD},
        )
        worker = children(web.pid)[0]
        # A warm-up upload of 1 MB first: the worker has loaded what any upload needs (boto3 and
        # its S3 model alone are some 60 MB), so the growth measured is the big file's own.
        upload(session, base, 1)
        before = rss_kb(worker)
        sampler = Sampler(worker)
        sampler.start()
        started = time.monotonic()
        length = upload(session, base, megabytes)
        seconds = time.monotonic() - started
        sampler.running = False
        sampler.join()
        peak = max(sampler.peak, rss_kb(worker, "VmHWM"))  # the kernel's own high-water mark
        stored = stored_size(storage, folder, store)
        if stored != length_of_file(megabytes) + length_of_file(1):
            raise SystemExit(f"stored {stored} bytes, sent {length}")
        return {"before": before / 1024, "peak": peak / 1024, "seconds": seconds}


def upload(session: Any, base: str, megabytes: int) -> int:
    """POST the new-submission form with an MP4 of `megabytes` MB, saved as a draft."""
    page = session.get(f"{base}/submissions/new/")
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    fields = {
        "csrfmiddlewaretoken": [token],
        "title": ["A long video"],
        "body": [""],
        "declared_ai": ["no"],
        "region": ["cn"],
        "no_real_person": ["on"],
        "persons-TOTAL_FORMS": ["0"],
        "persons-INITIAL_FORMS": ["0"],
        "persons-MIN_NUM_FORMS": ["0"],
        "persons-MAX_NUM_FORMS": ["20"],
        "action": ["save"],
    }
    length, body = multipart(fields, megabytes)
    response = session.post(
        f"{base}/submissions/new/",
        data=Body(length, body),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        allow_redirects=False,
        timeout=900,
    )
    if response.status_code != 302:
        raise SystemExit(f"the upload failed: {response.status_code} {response.text[:500]}")
    return length


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--megabytes", type=int, default=1024)
    parser.add_argument("--storage", nargs="+", default=["local", "s3"], choices=["local", "s3"])
    parser.add_argument("--database", default="provenant_upload_bench", help="dropped and created afresh")
    parser.add_argument("--redis-db", type=int, default=13, help="holds nothing: drafts send no jobs")
    args = parser.parse_args()

    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0").rsplit("/", 1)[0]
    env = common.configure_environment(
        args.database,
        "bench/upload_memory.py",
        REDIS_URL=f"{redis}/{args.redis_db}",
        ALLOWED_HOSTS="127.0.0.1",
        # Static files without collectstatic (the manifest storage needs it); a handful of
        # queries kept per request is all DEBUG adds to the worker's memory.
        DEBUG="1",
        UPLOAD_MAX_VIDEO_MB=str(args.megabytes + 64),
    )
    print(f"Setting up database {args.database} …")
    common.recreate_database(env, args.database)
    common.manage(env, "migrate", "--noinput")
    import django

    django.setup()
    from accounts.roles import Role
    from accounts.selectors import current_terms
    from accounts.services.terms import terms_accept
    from tests.factories import make_user, verify_identity

    contributor = verify_identity(make_user("bench", Role.CONTRIBUTOR))
    contributor.set_password(PASSWORD)
    contributor.save(update_fields=["password"])
    terms = current_terms()
    if terms is not None:
        terms_accept(user=contributor, terms=terms)

    print("\n| storage | upload | worker RSS before | peak during upload | growth | time |")
    print("|---|---|---|---|---|---|")
    for storage in args.storage:
        result = measure(storage, env, args.megabytes)
        growth = result["peak"] - result["before"]
        print(
            f"| {storage} | {args.megabytes} MB | {result['before']:.0f} MB | {result['peak']:.0f} MB "
            f"| {growth:.1f} MB | {result['seconds']:.1f} s |"
        )


if __name__ == "__main__":
    main()
