"""Fixtures of the label tests: the corpus copy, the c2pa-rs test certificate, engine options.

The engine is always given explicit options here, so the tests do not depend on the project's
LABELS_* settings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from labels.engine import InspectOptions, inspect_bytes
from labels.report import MediaReport

MEDIA = Path(__file__).resolve().parent.parent / "fixtures" / "media"
CORPUS = MEDIA / "corpus"
CERTS = CORPUS / "certs"


@dataclass(frozen=True)
class SigningCertificate:
    cert_path: Path
    key_path: Path
    trust_anchors_path: Path

    @property
    def cert_pem(self) -> bytes:
        return self.cert_path.read_bytes()

    @property
    def key_pem(self) -> bytes:
        return self.key_path.read_bytes()

    @property
    def trust_anchors_pem(self) -> str:
        return self.trust_anchors_path.read_text(encoding="ascii")


@pytest.fixture(scope="session")
def certificate() -> SigningCertificate:
    return SigningCertificate(CERTS / "es256.pub", CERTS / "es256.pem", CERTS / "test_cert_root_bundle.pem")


@pytest.fixture(scope="session")
def untrusted() -> InspectOptions:
    """No trust list: the c2pa-rs test signer reads as untrusted."""
    return InspectOptions()


@pytest.fixture(scope="session")
def trusted(certificate: SigningCertificate) -> InspectOptions:
    return InspectOptions(trust_anchors_pem=certificate.trust_anchors_pem)


@pytest.fixture(scope="session")
def inspect(untrusted: InspectOptions) -> Callable[..., MediaReport]:
    """``inspect(data, name="sample")``: the engine on bytes, without a trust list."""

    def run(data: bytes, name: str = "sample") -> MediaReport:
        return inspect_bytes(data, name=name, options=untrusted)

    return run
