"""``manage.py inspect_media PATH... [--json] [--details] [--jobs N] [--visible]``: the label engine on
files, no database. ``--jobs`` reads on several processes (same output, same order); ``--visible``
adds the OCR of drawn AI marks (slow).

Exit status: 0 when every path was inspected, even if some files are broken (their records carry
errors and tier "none"); 1 when a file could not be opened (I/O error; its record is still printed);
2 on usage errors: no path, or a path that does not exist or is a directory (nothing is inspected).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from labels.engine import InspectOptions, inspect_many
from labels.report import MediaReport

USAGE_ERROR = 2
IO_ERROR = 1


class Command(BaseCommand):
    help = "Inspect media files for AI provenance labels (C2PA, IPTC, GB 45438 / TC260, generator traces)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        # nargs="*" so a missing path is reported by handle() with exit status 2, also via call_command.
        parser.add_argument("paths", nargs="*", metavar="PATH", help="media files to inspect")
        parser.add_argument("--json", action="store_true", help="one JSON object per file per line")
        parser.add_argument("--details", action="store_true", help="with --json: add the 'details' key")
        parser.add_argument("--trust-anchors", metavar="PEM", help="C2PA trust anchors (default: settings)")
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            metavar="N",
            help="read files on N processes (0: one per core); output keeps the order of the paths",
        )
        parser.add_argument(
            "--visible",
            action="store_true",
            help="also OCR the edges of images and of a video's first 2 s for drawn AI marks (slow)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths = [Path(path) for path in options["paths"]]
        if not paths:
            raise CommandError("give at least one PATH to inspect", returncode=USAGE_ERROR)
        for path in paths:
            if not path.exists():
                raise CommandError(f"{path}: no such file", returncode=USAGE_ERROR)
            if path.is_dir():
                raise CommandError(f"{path}: is a directory; give files", returncode=USAGE_ERROR)
        inspect_options = InspectOptions.from_settings()
        if options["trust_anchors"]:
            pem = Path(options["trust_anchors"]).read_text(encoding="ascii")
            inspect_options = replace(inspect_options, trust_anchors_pem=pem)
        if options["visible"]:
            inspect_options = replace(inspect_options, visible=True)
        if options["jobs"] < 0:
            raise CommandError("--jobs must be 0 (one per core) or more", returncode=USAGE_ERROR)
        render = _summary
        if options["json"]:
            render = _json_details if options["details"] else _json_line
        io_failures = 0
        for failed, line in inspect_many(paths, options=inspect_options, render=render, jobs=options["jobs"]):
            io_failures += failed
            self.stdout.write(line)
        if io_failures:
            raise CommandError(f"{io_failures} file(s) could not be opened", returncode=IO_ERROR)


def _io_failed(report: MediaReport) -> bool:
    return any(error.startswith("file could not be read") for error in report.errors)


def _json_line(report: MediaReport) -> tuple[bool, str]:
    return _io_failed(report), json.dumps(report.to_json(), ensure_ascii=False)


def _json_details(report: MediaReport) -> tuple[bool, str]:
    return _io_failed(report), json.dumps(report.to_json(include_details=True), ensure_ascii=False)


def _summary(report: MediaReport) -> tuple[bool, str]:
    return _io_failed(report), _summary_text(report)


def _summary_text(report: MediaReport) -> str:
    lines = [
        f"{report.path}: {report.media_type}, tier {report.tier}" + (", TAMPERED" if report.tampered else "")
    ]
    if report.c2pa:
        info = report.c2pa
        lines.append(
            f"  C2PA: {info.manifests} manifest(s), {info.validation_state}, signer {info.signer_trust}, "
            f"AI source types: {', '.join(info.ai_source_types) or 'none'}"
        )
    summary = report.tc260
    if summary:
        state = "valid" if summary.valid else "INVALID"
        lines.append(f"  GB 45438 label: {summary.count} found, {state}, Label {summary.first.label_value!r}")
        lines += [f"    - {error}" for error in summary.errors]
    lines += [f"  signal [{signal.source}] {signal.detail}" for signal in report.signals]
    lines += [f"  error: {error}" for error in report.errors]
    return "\n".join(lines)
