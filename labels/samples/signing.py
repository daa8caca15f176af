"""Sign samples with C2PA (a test certificate), optionally with a parent ingredient."""

from __future__ import annotations

import io
from typing import Any

import c2pa

from labels import source_types


def sign_c2pa(
    data: bytes,
    media_type: str,
    *,
    cert_pem: bytes,
    key_pem: bytes,
    source_type: str | None = source_types.TRAINED_ALGORITHMIC_MEDIA,
    actions: list[dict[str, Any]] | None = None,
    parent: tuple[bytes, str] | None = None,
    title: str = "sample",
) -> bytes:
    """Sign ``data`` with a test certificate (es256, no time-stamp, no thumbnail).

    Without ``actions``: ``c2pa.created`` with ``source_type``, or ``c2pa.opened`` of ``parent``
    (bytes, MIME type), which becomes a parentOf ingredient with its own manifest.
    """
    if actions is None:
        if parent is not None:
            actions = [{"action": "c2pa.opened", "parameters": {"ingredientIds": ["parent"]}}]
        else:
            actions = [{"action": "c2pa.created", "digitalSourceType": source_type}]
    manifest = {
        "claim_generator_info": [{"name": "provenant-samples", "version": "1"}],
        "title": title,
        "assertions": [{"label": "c2pa.actions.v2", "data": {"actions": actions}}],
    }
    settings = {"verify": {"remote_manifest_fetch": False}, "builder": {"thumbnail": {"enabled": False}}}
    context = c2pa.Context(c2pa.Settings.from_dict(settings))
    signer = c2pa.Signer.from_info(
        c2pa.C2paSignerInfo(alg=b"es256", sign_cert=cert_pem, private_key=key_pem, ta_url=None)
    )
    builder = c2pa.Builder(manifest, context)
    if parent is not None:
        ingredient = {"title": "parent", "relationship": "parentOf", "label": "parent"}
        builder.add_ingredient(ingredient, parent[1], io.BytesIO(parent[0]))
    output = io.BytesIO()
    builder.sign(signer, media_type, io.BytesIO(data), output)
    return output.getvalue()
