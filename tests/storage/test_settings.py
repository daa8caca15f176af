"""MEDIA_STORAGE and its companions are read from the environment and refuse what cannot work."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
S3 = {"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "media", "AWS_S3_ENDPOINT_URL": "http://s3.test"}


def load_settings(**environment: str) -> subprocess.CompletedProcess[str]:
    """Import config.settings in a fresh process with these variables; print the default storage."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MEDIA_", "AWS_"))}
    env.update(environment)
    code = "import config.settings as s; print(s.STORAGES['default']['BACKEND'])"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60
    )


def test_it_keeps_local_files_by_default() -> None:
    result = load_settings()
    assert result.stdout.strip() == "django.core.files.storage.FileSystemStorage", result.stderr


def test_it_uses_the_private_s3_storage_when_asked() -> None:
    result = load_settings(**S3)
    assert result.stdout.strip() == "privatemedia.s3.PrivateS3Storage", result.stderr


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"MEDIA_STORAGE": "s3"}, "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME."),
        ({"MEDIA_STORAGE": "nfs"}, "MEDIA_STORAGE='nfs': use local or s3."),
        ({"MEDIA_ACCEL": "presigned"}, "MEDIA_ACCEL=presigned needs an object store (MEDIA_STORAGE=s3)."),
        ({**S3, "MEDIA_ACCEL": "x-sendfile"}, "MEDIA_ACCEL=x-sendfile needs local files"),
    ],
)
def test_it_refuses_settings_that_cannot_work(environment: dict[str, str], message: str) -> None:
    result = load_settings(**environment)
    assert result.returncode != 0 and message in result.stderr
