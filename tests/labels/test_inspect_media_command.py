"""``manage.py inspect_media``: JSON lines of the documented shape, a readable summary, exit codes 0 / 2."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from .conftest import CORPUS

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTED_KEYS = ["path", "media_type", "tier", "tampered", "c2pa", "tc260", "signals", "errors"]


@pytest.fixture(autouse=True)
def django_ready() -> None:
    """The command needs Django, not a database: the project's settings if loaded, else minimal ones."""
    if not settings.configured:
        settings.configure(SECRET_KEY="labels-tests", INSTALLED_APPS=["labels"], USE_TZ=True)
        django.setup()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("inspect_media", *args, stdout=out)
    return out.getvalue()


def test_it_prints_one_json_object_per_file_per_line() -> None:
    paths = [str(CORPUS / "tc260" / "tc260_two_labels.jpg"), str(CORPUS / "c2pa-rs" / "XCA.jpg")]

    lines = run(
        "--json", "--trust-anchors", str(CORPUS / "certs" / "test_cert_root_bundle.pem"), *paths
    ).splitlines()

    records = [json.loads(line) for line in lines]
    assert [list(record) for record in records] == [DOCUMENTED_KEYS, DOCUMENTED_KEYS]
    assert records[0]["tc260"] == {
        "count": 2,
        "valid": False,
        "label": "1",
        "content_producer": "001191110102MACQD9K64010000",
        "produce_id": "img20250901a7",
        "errors": [
            "2 implicit labels found (XMP TC260:AIGC element (JPEG APP1), EXIF IFD0 UserComment); "
            "GB 45438 §6.1 c) allows only one"
        ],
    }
    assert records[1] == {
        "path": paths[1],
        "media_type": "image/jpeg",
        "tier": "none",
        "tampered": True,
        "c2pa": {
            "manifests": 1,
            "validation_state": "Invalid",
            "ai_source_types": [],
            "codes": ["assertion.dataHash.mismatch"],
        },
        "tc260": None,
        "signals": [],
        "errors": [],
    }


def test_it_adds_details_only_when_asked() -> None:
    record = json.loads(run("--json", "--details", str(CORPUS / "real" / "firefly-1.png")))

    assert list(record) == [*DOCUMENTED_KEYS, "details"]
    assert record["details"]["c2pa"]["claim_generator"] == "Adobe_Firefly"


def test_it_prints_a_readable_summary_without_json() -> None:
    output = run(str(CORPUS / "generated" / "c2pa_tampered.jpg"))

    assert output.splitlines() == [
        f"{CORPUS / 'generated' / 'c2pa_tampered.jpg'}: image/jpeg, tier confirmed, TAMPERED",
        "  C2PA: 1 manifest(s), Invalid, signer untrusted, AI source types: trainedAlgorithmicMedia",
        '  signal [c2pa] C2PA manifest "urn:c2pa:1ab39bca-dedc-4c3b-a0e7-36654e202ff3" (active) action '
        "c2pa.created "
        "says digitalSourceType trainedAlgorithmicMedia",
    ]


def test_it_reads_broken_files_and_still_succeeds(tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")

    record = json.loads(run("--json", str(broken)))

    assert (record["tier"], record["errors"]) == ("none", ["PNG ends before its IEND chunk (truncated)"])


@pytest.mark.parametrize(
    ("paths", "message"),
    [
        ([], "give at least one PATH to inspect"),
        (["/nonexistent/file.jpg"], "/nonexistent/file.jpg: no such file"),
        ([str(CORPUS)], f"{CORPUS}: is a directory; give files"),
    ],
)
def test_it_exits_2_on_usage_errors(paths: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        run(*paths)

    assert raised.value.returncode == 2


def test_it_sets_the_process_exit_status(tmp_path: Path) -> None:
    """Through a real process: 0 for files read (even broken ones), 2 for a usage error."""
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.labels.command_settings"}
    command = [sys.executable, "-m", "django", "inspect_media", "--json"]

    ok = subprocess.run(
        [*command, str(CORPUS / "generated" / "plain.jpg"), str(broken)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    usage = subprocess.run(
        [*command, str(tmp_path / "missing.jpg")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert ok.returncode == 0, ok.stderr
    assert [json.loads(line)["tier"] for line in ok.stdout.splitlines()] == ["none", "none"]
    assert usage.returncode == 2
    assert usage.stdout == ""
    assert usage.stderr.strip() == f"CommandError: {tmp_path / 'missing.jpg'}: no such file"


def test_it_gives_the_same_lines_in_the_same_order_with_jobs() -> None:
    paths = sorted(str(path) for path in CORPUS.rglob("*") if path.suffix in (".jpg", ".png", ".mp4", ".wav"))

    one = run("--json", *paths)
    two = run("--json", "--jobs", "2", *paths)

    assert len(one.splitlines()) == len(paths) > 10
    assert two == one


def test_it_refuses_a_negative_job_count() -> None:
    with pytest.raises(CommandError) as raised:
        run("--json", "--jobs", "-1", str(CORPUS / "c2pa-rs" / "A.jpg"))

    assert raised.value.returncode == 2
