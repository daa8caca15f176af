"""API keys: minting, hashing, and finding the key behind a bearer token.

A key reads `pvk_<prefix>_<secret>`: the prefix (8 hex characters) is public and finds the row;
the secret is 32 random bytes (base64url), of which only the SHA-256 is stored and compared in
constant time.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.utils import timezone

from integrations.models import ApiKey

KEY_PREFIX = "pvk_"


@dataclass(frozen=True)
class MintedKey:
    prefix: str
    secret: str
    secret_hash: str

    @property
    def full(self) -> str:
        return f"{KEY_PREFIX}{self.prefix}_{self.secret}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def mint_key() -> MintedKey:
    secret = secrets.token_urlsafe(32)
    return MintedKey(prefix=secrets.token_hex(4), secret=secret, secret_hash=hash_secret(secret))


def split_key(token: str) -> tuple[str, str] | None:
    if not token.startswith(KEY_PREFIX):
        return None
    prefix, sep, secret = token[len(KEY_PREFIX) :].partition("_")
    if not sep or len(prefix) != 8 or not secret:
        return None
    return prefix, secret


def key_for_token(token: str) -> ApiKey | None:
    """The usable key this token is, or None (unknown, wrong secret, revoked, expired, inactive)."""
    parts = split_key(token.strip())
    if parts is None:
        return None
    prefix, secret = parts
    key = ApiKey.objects.select_related("integration").filter(prefix=prefix).first()
    if key is None or not hmac.compare_digest(key.secret_hash, hash_secret(secret)):
        return None
    if not key.is_usable(timezone.now()):
        return None
    return key
