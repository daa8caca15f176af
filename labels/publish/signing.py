"""Re-sign a published rendition with the publisher's C2PA certificate, the source as its parent.

The new manifest records ``c2pa.opened`` of the original upload (a ``parentOf`` ingredient, which
carries the original's manifest along) and ``c2pa.edited`` for the drawn label and rewritten
metadata (R14: "a new manifest with the original as ingredient"). No time-stamp authority (it would
need the network), no thumbnail, no remote manifest fetch.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import c2pa

from labels.report import ENGINE_VERSION

EDIT_DESCRIPTION = "Explicit AI label drawn; GB 45438 implicit label and IPTC digital source type written"


def sign_rendition(
    rendition: bytes,
    media_type: str,
    *,
    source_path: Path,
    source_media_type: str,
    cert_path: str,
    key_path: str,
    trust_anchors_pem: str | None,
    title: str,
) -> bytes:
    """Return ``rendition`` with a new active manifest; raises c2pa.C2paError when signing fails."""
    settings: dict[str, Any] = {
        "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
        "builder": {"thumbnail": {"enabled": False}},
    }
    if trust_anchors_pem:
        settings["trust"] = {"trust_anchors": trust_anchors_pem}
    manifest = {
        "claim_generator_info": [{"name": "Provenant", "version": ENGINE_VERSION}],
        "title": title,
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {
                    "actions": [
                        {"action": "c2pa.opened", "parameters": {"ingredientIds": ["source"]}},
                        {
                            "action": "c2pa.edited",
                            "description": EDIT_DESCRIPTION,
                            "softwareAgent": {"name": "Provenant"},
                        },
                    ]
                },
            }
        ],
    }
    signer = c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(
            alg=b"es256",
            sign_cert=Path(cert_path).read_bytes(),
            private_key=Path(key_path).read_bytes(),
            ta_url=None,
        )
    )
    builder = c2pa.Builder(manifest, c2pa.Context(c2pa.Settings.from_dict(settings)))
    with open(source_path, "rb") as source:
        ingredient = {"title": source_path.name, "relationship": "parentOf", "label": "source"}
        builder.add_ingredient(ingredient, source_media_type, source)
    output = io.BytesIO()
    builder.sign(signer, media_type, io.BytesIO(rendition), output)
    return output.getvalue()
