"""The hostile files of issue 12 (made by tests/labels/hostile_media.py) through ``inspect_media``.

Every file gets a JSON record of the documented shape (never an exception, exit status 0), and the
findings that send it to a human: metadata that cannot be read safely is never "no label".
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.core.management import call_command

from labels.engine import InspectOptions, inspect_file
from labels.findings import FINDING_CODES, evaluate

from .hostile_media import Hostile, hostile_files, main

HOSTILE = {hostile.name: hostile for hostile in hostile_files()}
DOCUMENTED_KEYS = ["path", "media_type", "tier", "tampered", "c2pa", "tc260", "signals", "errors"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile")
    main(out)
    return out


@pytest.fixture(autouse=True)
def django_ready() -> None:
    if not settings.configured:
        settings.configure(SECRET_KEY="labels-tests", INSTALLED_APPS=["labels"], USE_TZ=True)
        django.setup()


def test_the_script_writes_every_file(folder: Path) -> None:
    assert sorted(path.name for path in folder.iterdir()) == sorted(HOSTILE)


def test_inspect_media_answers_every_file_with_a_record(folder: Path) -> None:
    paths = [str(folder / name) for name in sorted(HOSTILE)]
    out = io.StringIO()

    call_command("inspect_media", "--json", "--details", *paths, stdout=out)

    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [record["path"] for record in records] == paths
    for record in records:
        assert list(record)[: len(DOCUMENTED_KEYS)] == DOCUMENTED_KEYS
        expected = HOSTILE[Path(record["path"]).name]
        assert record["tier"] == expected.tier, record
        assert not any(error.startswith("internal error") for error in record["errors"]), record


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_file_raises_its_findings(name: str, folder: Path) -> None:
    hostile: Hostile = HOSTILE[name]

    report = inspect_file(folder / name, options=InspectOptions())
    found = evaluate([report], declared_ai=False, categories=[])

    codes = {finding.code for finding in found}
    assert hostile.codes <= codes, (hostile.attack, codes, report.errors)
    assert report.tier == hostile.tier
    assert all(problem.reason != "parser_failed" for problem in report.metadata_problems)
    for finding in found:
        json.dumps(finding.evidence)  # structured parameters, JSON-able
        assert finding.severity == FINDING_CODES[finding.code][0]


def test_an_entity_declaration_no_longer_hides_an_ai_source_type(folder: Path) -> None:
    report = inspect_file(folder / "xmp_unused_entity.jpg", options=InspectOptions())

    found = evaluate([report], declared_ai=False, categories=[])
    unsafe = next(finding for finding in found if finding.code == "metadata_unsafe")
    assert (unsafe.severity, unsafe.rule) == ("blocking", "R11")
    assert unsafe.evidence == {
        "path": str(folder / "xmp_unused_entity.jpg"),
        "kind": "unsafe",
        "reason": "xml_dtd",
        "where": "JPEG APP1",
        "detail": "XMP in JPEG APP1 declares a DTD with 1 entities (unused); the declaration was cut out "
        "and entity references left unexpanded",
        "params": {
            "where": "JPEG APP1",
            "declared_entities": [{"name": "unused", "parameter": False, "external": False, "value": "x"}],
            "entity_count": 1,
            "unexpanded_references": [],
            "dtd_bytes": 43,
        },
    }
    assert report.iptc_source_types[0].is_ai


def test_a_walk_over_too_many_boxes_stops_at_its_bound(folder: Path) -> None:
    report = inspect_file(folder / "mp4_tiny_boxes.mp4", options=InspectOptions())

    assert report.errors == ["MP4 has too many boxes; stopped reading"]
