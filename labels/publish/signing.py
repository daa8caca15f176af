"""Sign a published rendition with the publisher's C2PA certificate, the original upload as its parent.

Every published AI file that can carry C2PA gets a new manifest (R14), whether or not the original had
one:
- ``c2pa.opened`` of the original upload, a ``parentOf`` ingredient (which carries the original's own
  manifest along when it had one), with the rendition's ``digitalSourceType`` when there is one to
  state (the same value the IPTC field gets: see ``implicit.source_type_to_write``) and, in its
  description and parameters, the evidence it rests on (the original's TC260 label, its IPTC type,
  its manifest, the uploader's declaration, the moderator's decision);
- ``c2pa.edited`` for what publication changed (the explicit label, the rewritten metadata).

No time-stamp authority (it would need the network), no thumbnail, no remote manifest fetch.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import c2pa

from labels import source_types, tc260
from labels.publish.implicit import TIER_LABEL_VALUES
from labels.report import ENGINE_VERSION, MediaReport

EDIT_DESCRIPTION = "Explicit AI label drawn; GB 45438 implicit label and IPTC digital source type written"
EVIDENCE_PARAMETER = "org.provenant.evidence"

# The rendition formats c2pa-python 0.38 can embed a manifest in (Builder.get_supported_mime_types()
# lists many more; these are the ones we publish). WebM, Matroska and Ogg are not supported.
SIGNABLE_MEDIA_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/webp",
        "video/mp4",
        "video/quicktime",
        "audio/mp4",
        "audio/mpeg",
        "audio/wav",
        "audio/flac",
    }
)


@dataclass(frozen=True)
class ManifestFacts:
    """What the new manifest states about the rendition."""

    title: str
    tier: str
    source_type: str | None
    evidence: tuple[str, ...]
    edit_description: str = EDIT_DESCRIPTION


@dataclass(frozen=True)
class Credentials:
    cert_path: str
    key_path: str
    trust_anchors_pem: str | None


def evidence_from_report(report: MediaReport, declared: Sequence[str] = ()) -> tuple[str, ...]:
    """The reasons the rendition is labelled AI: the caller's (declaration, decision), then the file's."""
    evidence = [item for item in declared if item]
    for label in report.tc260_labels:
        if label.tier_value:
            producer = label.field_text("ContentProducer") or "unnamed producer"
            evidence.append(
                f'GB 45438 implicit label of the original ({label.placement}): Label "{label.tier_value}" '
                f"({tc260.LABEL_MEANINGS[label.tier_value]}), ContentProducer {producer}"
            )
    evidence += [f"{item.describe()} in the original" for item in report.iptc_source_types if item.is_ai]
    if report.c2pa is not None:
        evidence.append("C2PA manifest of the original (the parent ingredient)")
    return tuple(dict.fromkeys(evidence))


def build_manifest(facts: ManifestFacts) -> dict[str, Any]:
    label_value = TIER_LABEL_VALUES[facts.tier]
    statement = f"Published as {tc260.LABEL_MEANINGS[label_value]} (GB 45438 Label {label_value})"
    evidence = "; ".join(facts.evidence) if facts.evidence else "no evidence recorded"
    opened: dict[str, Any] = {
        "action": "c2pa.opened",
        "description": f"{statement}. Evidence: {evidence}",
        "parameters": {"ingredientIds": ["source"], EVIDENCE_PARAMETER: list(facts.evidence)},
    }
    if facts.source_type:
        opened["digitalSourceType"] = facts.source_type
    return {
        "claim_generator_info": [{"name": "Provenant", "version": ENGINE_VERSION}],
        "title": facts.title,
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {
                    "actions": [
                        opened,
                        {
                            "action": "c2pa.edited",
                            "description": facts.edit_description,
                            "softwareAgent": {"name": "Provenant"},
                        },
                    ]
                },
            }
        ],
    }


def sign_rendition(
    rendition: bytes,
    media_type: str,
    *,
    source_path: Path,
    source_media_type: str,
    credentials: Credentials,
    facts: ManifestFacts,
) -> bytes:
    """Return ``rendition`` with a new active manifest; raises c2pa.C2paError or OSError on failure."""
    output = io.BytesIO()
    _sign(io.BytesIO(rendition), output, media_type, source_path, source_media_type, credentials, facts)
    return output.getvalue()


def sign_rendition_file(
    rendition_path: Path,
    output_path: Path,
    media_type: str,
    *,
    source_path: Path,
    source_media_type: str,
    credentials: Credentials,
    facts: ManifestFacts,
) -> None:
    """Write ``rendition_path`` signed to ``output_path`` (streams: a video is never read into memory)."""
    with open(rendition_path, "rb") as rendition, open(output_path, "w+b") as output:
        _sign(rendition, output, media_type, source_path, source_media_type, credentials, facts)


def _sign(
    rendition: IO[bytes],
    output: IO[bytes],
    media_type: str,
    source_path: Path,
    source_media_type: str,
    credentials: Credentials,
    facts: ManifestFacts,
) -> None:
    settings: dict[str, Any] = {
        "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
        "builder": {"thumbnail": {"enabled": False}},
    }
    if credentials.trust_anchors_pem:
        settings["trust"] = {"trust_anchors": credentials.trust_anchors_pem}
    signer = c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(
            alg=b"es256",
            sign_cert=Path(credentials.cert_path).read_bytes(),
            private_key=Path(credentials.key_path).read_bytes(),
            ta_url=None,
        )
    )
    builder = c2pa.Builder(build_manifest(facts), c2pa.Context(c2pa.Settings.from_dict(settings)))
    with open(source_path, "rb") as source:
        ingredient = {"title": source_path.name, "relationship": "parentOf", "label": "source"}
        builder.add_ingredient(ingredient, source_media_type, source)
    builder.sign(signer, media_type, rendition, output)


def states_source_type(readback: MediaReport, source_type: str) -> bool:
    """Whether the active manifest read back states ``source_type`` on one of its actions."""
    if readback.c2pa is None:
        return False
    wanted = source_types.short_name(source_type)
    return any(
        action.active
        and action.digital_source_type
        and source_types.short_name(action.digital_source_type) == wanted
        for action in readback.c2pa.actions
    )
