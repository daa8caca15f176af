"""C2PA manifests through c2pa-python: AI source types in every manifest, validation, signer trust.

The Reader runs only on files whose container walk found an embedded manifest store (the cheap
pre-filter), always with remote manifest and OCSP fetching off so a check never touches the network.
"Tampered" means an integrity failure of the active manifest; an untrusted or expired signer is not
tampering, it is recorded as the signer's trust state.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, field
from typing import IO, Any

import c2pa

from labels import source_types

logger = logging.getLogger(__name__)

ACTION_ASSERTIONS = ("c2pa.actions", "c2pa.actions.v2")
METADATA_ASSERTIONS = ("stds.iptc", "stds.iptc.photo-metadata", "c2pa.metadata")
INTEGRITY_FAILURES = frozenset({"claimSignature.missing", "assertion.missing", "assertion.hashedURI.missing"})
EXPIRED_CODES = frozenset({"signingCredential.expired"})
UNTRUSTED_CODES = frozenset(
    {"signingCredential.untrusted", "signingCredential.invalid", "signingCredential.revoked"}
)


def is_integrity_failure(code: str) -> bool:
    """assertion.dataHash.mismatch, assertion.bmffHash.mismatch, claimSignature.mismatch and the like."""
    return code.endswith(".mismatch") or code in INTEGRITY_FAILURES


@dataclass(frozen=True)
class C2paAction:
    manifest: str
    active: bool
    action: str
    digital_source_type: str | None = None
    software_agent: str | None = None
    description: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def manifest_role(self) -> str:
        return "active" if self.active else "ingredient"

    def to_json(self) -> dict[str, Any]:
        return {
            "manifest": self.manifest,
            "role": self.manifest_role,
            "action": self.action,
            "digital_source_type": self.digital_source_type,
            "software_agent": self.software_agent,
            "description": self.description,
            "parameters": self.parameters,
        }


@dataclass(frozen=True)
class SourceTypeClaim:
    """One digitalSourceType statement: which manifest, which field, which value."""

    manifest: str
    active: bool
    where: str  # e.g. "action c2pa.created" or "assertion stds.iptc"
    uri: str

    @property
    def is_ai(self) -> bool:
        return source_types.is_ai(self.uri)

    def describe(self) -> str:
        role = "active" if self.active else "ingredient"
        return (
            f'C2PA manifest "{self.manifest}" ({role}) {self.where} says digitalSourceType '
            f"{source_types.short_name(self.uri)}"
        )


@dataclass
class C2paInfo:
    location: str
    manifests: int = 0
    active_manifest: str | None = None
    validation_state: str | None = None
    codes: list[str] = field(default_factory=list)
    ingredient_codes: list[str] = field(default_factory=list)
    actions: list[C2paAction] = field(default_factory=list)
    source_type_claims: list[SourceTypeClaim] = field(default_factory=list)
    ingredients: list[dict[str, Any]] = field(default_factory=list)
    claim_generator: str | None = None
    issuer: str | None = None
    signer_common_name: str | None = None
    signed_at: str | None = None
    error: str | None = None

    @property
    def ai_claims(self) -> list[SourceTypeClaim]:
        return [claim for claim in self.source_type_claims if claim.is_ai]

    @property
    def ai_source_types(self) -> list[str]:
        return list(dict.fromkeys(source_types.short_name(claim.uri) for claim in self.ai_claims))

    @property
    def tamper_codes(self) -> list[str]:
        return [code for code in self.codes if is_integrity_failure(code)]

    @property
    def tampered(self) -> bool:
        return bool(self.tamper_codes)

    @property
    def signer_trust(self) -> str | None:
        """ "trusted", "valid" (signature fine, no trust decision), "untrusted", "expired", or None."""
        if self.validation_state is None:
            return None
        if EXPIRED_CODES & set(self.codes):
            return "expired"
        if UNTRUSTED_CODES & set(self.codes):
            return "untrusted"
        return "trusted" if self.validation_state == "Trusted" else "valid"

    def to_json(self) -> dict[str, Any]:
        return {
            "manifests": self.manifests,
            "validation_state": self.validation_state,
            "ai_source_types": self.ai_source_types,
            "codes": self.codes,
        }

    def details_json(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "active_manifest": self.active_manifest,
            "claim_generator": self.claim_generator,
            "issuer": self.issuer,
            "signer_common_name": self.signer_common_name,
            "signed_at": self.signed_at,
            "signer_trust": self.signer_trust,
            "tamper_codes": self.tamper_codes,
            "ingredient_codes": self.ingredient_codes,
            "source_types": [
                {"manifest": c.manifest, "active": c.active, "where": c.where, "uri": c.uri, "ai": c.is_ai}
                for c in self.source_type_claims
            ],
            "actions": [action.to_json() for action in self.actions],
            "ingredients": self.ingredients,
            "error": self.error,
        }


@functools.lru_cache(maxsize=8)
def reader_context(trust_anchors_pem: str | None) -> c2pa.Context:
    """One c2pa Context per trust list: no remote manifests, no OCSP, no thumbnails."""
    settings: dict[str, Any] = {
        "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False},
        "builder": {"thumbnail": {"enabled": False}},
    }
    if trust_anchors_pem:
        settings["trust"] = {"trust_anchors": trust_anchors_pem}
    return c2pa.Context(c2pa.Settings.from_dict(settings))


def read_manifest_store(
    stream: IO[bytes], media_type: str, location: str, trust_anchors_pem: str | None
) -> C2paInfo:
    """Read and validate the manifest store of ``stream``; failures are recorded on the result."""
    info = C2paInfo(location=location)
    try:
        with c2pa.Reader(media_type, stream, context=reader_context(trust_anchors_pem)) as reader:
            store = json.loads(reader.json())
    except c2pa.C2paError as error:
        info.error = f"C2PA manifest store could not be read: {error}"
        return info
    except Exception as error:  # the native library can raise outside its own hierarchy
        logger.exception("c2pa Reader failed unexpectedly")
        info.error = f"C2PA manifest store could not be read: {type(error).__name__}: {error}"
        return info
    _fill_from_store(info, store)
    return info


def _fill_from_store(info: C2paInfo, store: dict[str, Any]) -> None:
    manifests: dict[str, Any] = store.get("manifests") or {}
    info.manifests = len(manifests)
    info.active_manifest = store.get("active_manifest")
    info.validation_state = store.get("validation_state")
    results = store.get("validation_results") or {}
    active_failures = (results.get("activeManifest") or {}).get("failure")
    statuses = active_failures if active_failures is not None else store.get("validation_status") or []
    info.codes = list(dict.fromkeys(status.get("code", "") for status in statuses if status.get("code")))
    info.ingredient_codes = list(
        dict.fromkeys(
            status.get("code", "")
            for delta in results.get("ingredientDeltas") or []
            for status in (delta.get("validationDeltas") or {}).get("failure") or []
        )
    )
    for label, manifest in manifests.items():
        _read_manifest(info, label, manifest, active=label == info.active_manifest)


def _read_manifest(info: C2paInfo, label: str, manifest: dict[str, Any], *, active: bool) -> None:
    if active:
        info.claim_generator = _claim_generator(manifest)
        signature = manifest.get("signature_info") or {}
        info.issuer = signature.get("issuer")
        info.signer_common_name = signature.get("common_name")
        info.signed_at = signature.get("time")
        info.ingredients = [
            {
                "title": ingredient.get("title"),
                "relationship": ingredient.get("relationship"),
                "active_manifest": ingredient.get("active_manifest"),
            }
            for ingredient in manifest.get("ingredients") or []
        ]
    for assertion in manifest.get("assertions") or []:
        assertion_label = str(assertion.get("label", ""))
        data = assertion.get("data") or {}
        base_label = assertion_label.split("__", 1)[0]  # "c2pa.actions.v2__1" is a second instance
        if base_label in ACTION_ASSERTIONS:
            for raw_action in data.get("actions") or []:
                _add_action(info, label, active, raw_action)
        elif base_label in METADATA_ASSERTIONS and isinstance(data, dict):
            for key, value in data.items():
                if key.endswith("DigitalSourceType") and isinstance(value, str):
                    info.source_type_claims.append(
                        SourceTypeClaim(label, active, f"assertion {base_label}", value)
                    )


def _add_action(info: C2paInfo, manifest: str, active: bool, raw: dict[str, Any]) -> None:
    raw_parameters = raw.get("parameters")
    parameters: dict[str, Any] = raw_parameters if isinstance(raw_parameters, dict) else {}
    agent = raw.get("softwareAgent")
    if isinstance(agent, dict):
        agent = agent.get("name")
    source_type = raw.get("digitalSourceType")
    action = C2paAction(
        manifest=manifest,
        active=active,
        action=str(raw.get("action", "")),
        digital_source_type=source_types.normalize(source_type) if isinstance(source_type, str) else None,
        software_agent=agent if isinstance(agent, str) else None,
        description=raw.get("description") or parameters.get("description"),
        parameters=parameters,
    )
    info.actions.append(action)
    if action.digital_source_type:
        info.source_type_claims.append(
            SourceTypeClaim(manifest, active, f"action {action.action}", action.digital_source_type)
        )


def _claim_generator(manifest: dict[str, Any]) -> str | None:
    generator = manifest.get("claim_generator")
    if generator:
        return str(generator)
    info = manifest.get("claim_generator_info") or []
    if info and isinstance(info[0], dict):
        name, version = info[0].get("name"), info[0].get("version")
        return f"{name} {version}" if version else name
    return None
