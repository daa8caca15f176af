"""Identity providers: who confirms that a person is who they say, pluggable like SMS_BACKEND.

IDENTITY_PROVIDER lists the enabled providers by dotted path (comma-separated in the
environment); the verification pages offer what is enabled. Four ship with the project:

- `DocumentReviewProvider`: an administrator compares an uploaded ID card or business licence
  with the account (the review screen in the admin). Works everywhere, needs people.
- `CarrierThreeFactorProvider`: the mobile carrier (through an aggregator) confirms that a name,
  a resident ID number and a mobile number belong together (运营商三要素). The phone must be
  verified on the account first (SMS code), so the person also holds it. HTTP contract below.
- `NationalIdentityProvider`: the national online identity authentication service
  (国家网络身份认证公共服务). The person authenticates in the service's app; we receive a code,
  redeem it server to server for a signed assertion and verify the signature, audience, issuer,
  lifetime and our nonce. HTTP contract below.
- `ConsoleProvider`: development only. Prints what a carrier would be asked and says yes to
  any well-formed number. `check --deploy` refuses it.

A provider's reference (transaction id, assertion id) is stored with the attempt and can be
used once only: the database refuses a second attempt with the same provider and reference.

Carrier contract (v1), one request per check:
    POST IDENTITY_CARRIER_URL, JSON {"request_id", "name", "id_number", "mobile"} (mobile: the
    national number, 11 digits), headers X-App-Id, X-Timestamp (Unix seconds), X-Nonce (32 hex),
    X-Signature = hex HMAC-SHA256(secret, "POST\\n<path>\\n<timestamp>\\n<nonce>\\n<hex SHA-256 of body>").
    200 JSON {"request_id" (echoed), "result": "match" | "mismatch" | "no_record",
    "transaction_id", "carrier"}, with X-Signature = hex HMAC-SHA256(secret,
    "<request nonce>\\n<hex SHA-256 of response body>"). 400 malformed, 401 bad signature or
    replayed nonce, 429 / 5xx try later.

National service contract (v1), OAuth-style:
    1. the browser goes to IDENTITY_NATIONAL_AUTHORIZE_URL?app_id&redirect_uri&state&nonce;
    2. the service sends it back to redirect_uri?code&state;
    3. POST IDENTITY_NATIONAL_TOKEN_URL, form grant_type=authorization_code, code, redirect_uri,
       HTTP Basic app_id:app_secret → 200 JSON {"assertion": compact JWS} or 400 {"error"};
    4. the JWS is ES256 (ECDSA P-256, SHA-256) under the service's key
       (IDENTITY_NATIONAL_PUBLIC_KEY), claims iss, aud (our app id), sub (the person's network
       identity code, 网号), iat, exp, nonce, jti, auth_level, attested (the attributes the
       service verified, e.g. ["real_name", "id_number"]).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TextIO

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ProviderUnavailable(Exception):
    """The provider could not be asked or did not answer properly: try again later."""


class AssertionRejected(Exception):
    """The national service's assertion is not valid for us (signature, audience, time, nonce)."""


@dataclass(frozen=True)
class PersonClaim:
    name: str
    id_number: str
    phone: str = ""


@dataclass(frozen=True)
class CheckOutcome:
    matched: bool
    reference: str
    verified_fields: tuple[str, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)


class IdentityProvider:
    key: ClassVar[str]
    label: ClassVar[StrOrPromise]

    def __init__(self, **options: Any) -> None:
        self.options = options


class NumberCheckProvider(IdentityProvider):
    """Checks a name and an ID number (and a phone) at once, synchronously."""

    needs_phone: ClassVar[bool] = False

    def check(self, claim: PersonClaim) -> CheckOutcome:
        raise NotImplementedError


class DocumentReviewProvider(IdentityProvider):
    key = "operator"
    label = _("Document reviewed by an administrator")

    FIELDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "id_card": ("name", "id_number", "photo"),
        "business_licence": ("organisation_name", "uscc"),
    }


class ConsoleProvider(NumberCheckProvider):
    key = "console"
    label = _("Development check (console): nothing is verified")

    def __init__(self, stream: TextIO | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.stream = stream or sys.stdout

    def check(self, claim: PersonClaim) -> CheckOutcome:
        self.stream.write(
            f"Identity check (console provider, development only): {claim.name} · "
            f"ID ****{claim.id_number[-4:]} · phone {claim.phone or '-'} → accepted without asking anyone\n"
        )
        self.stream.flush()
        return CheckOutcome(
            matched=bool(claim.name.strip()),
            reference=f"console-{uuid.uuid4().hex}",
            verified_fields=(),
            evidence={"note": "development console provider: nothing was checked"},
        )


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sign(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _open(request: urllib.request.Request, timeout: float) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of an HTTP exchange; network trouble is ProviderUnavailable."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read(1_000_000)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read(1_000_000)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ProviderUnavailable(f"cannot reach the provider: {exc}") from exc


class CarrierThreeFactorProvider(NumberCheckProvider):
    key = "carrier"
    label = _("Mobile carrier: name, ID number and phone checked together")
    needs_phone = True

    def __init__(
        self,
        url: str | None = None,
        app_id: str | None = None,
        secret: str | None = None,
        timeout: float | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.url = url or settings.IDENTITY_CARRIER_URL
        self.app_id = app_id or settings.IDENTITY_CARRIER_APP_ID
        self.secret = secret or settings.IDENTITY_CARRIER_SECRET
        self.timeout = timeout or settings.IDENTITY_PROVIDER_TIMEOUT_SECONDS

    def check(self, claim: PersonClaim) -> CheckOutcome:
        """Steps: sign and send the request; refuse an unsigned, mis-signed or foreign answer
        (another request id); map the result. "no_record" and "mismatch" are both no."""
        if not (self.url and self.app_id and self.secret):
            raise ProviderUnavailable("IDENTITY_CARRIER_URL, _APP_ID and _SECRET must be set")
        mobile = claim.phone.removeprefix("+86")
        request_id = uuid.uuid4().hex
        body = json.dumps(
            {"request_id": request_id, "name": claim.name, "id_number": claim.id_number, "mobile": mobile},
            ensure_ascii=False,
        ).encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        path = urllib.parse.urlsplit(self.url).path or "/"
        signature = _sign(self.secret, f"POST\n{path}\n{timestamp}\n{nonce}\n{_sha256_hex(body)}")
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-App-Id": self.app_id,
                "X-Timestamp": timestamp,
                "X-Nonce": nonce,
                "X-Signature": signature,
            },
        )
        status, headers, payload = _open(request, self.timeout)
        if status != 200:
            raise ProviderUnavailable(f"the carrier answered HTTP {status}")
        expected = _sign(self.secret, f"{nonce}\n{_sha256_hex(payload)}")
        received = {name.lower(): value for name, value in headers.items()}.get("x-signature", "")
        if not hmac.compare_digest(expected, received):
            raise ProviderUnavailable("the carrier's answer is not signed with our secret")
        try:
            answer = json.loads(payload)
            result, reference = answer["result"], str(answer["transaction_id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderUnavailable("the carrier's answer is not in the agreed form") from exc
        if answer.get("request_id") != request_id or not reference:
            raise ProviderUnavailable("the carrier's answer is for another request")
        if result not in ("match", "mismatch", "no_record"):
            raise ProviderUnavailable(f"unknown result {result!r}")
        return CheckOutcome(
            matched=result == "match",
            reference=reference[:128],
            verified_fields=("name", "id_number", "phone") if result == "match" else (),
            evidence={"result": result, "carrier": str(answer.get("carrier", ""))[:16]},
        )


# --- The national online identity authentication service -----------------------------------------


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@dataclass(frozen=True)
class NationalAssertion:
    subject: str
    reference: str
    claims: dict[str, Any]


class NationalIdentityProvider(IdentityProvider):
    key = "national"
    label = _("National online identity authentication service")

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.authorize_url = options.get("authorize_url") or settings.IDENTITY_NATIONAL_AUTHORIZE_URL
        self.token_url = options.get("token_url") or settings.IDENTITY_NATIONAL_TOKEN_URL
        self.app_id = options.get("app_id") or settings.IDENTITY_NATIONAL_APP_ID
        self.app_secret = options.get("app_secret") or settings.IDENTITY_NATIONAL_APP_SECRET
        self.issuer = options.get("issuer") or settings.IDENTITY_NATIONAL_ISSUER
        self.public_key_path = options.get("public_key") or settings.IDENTITY_NATIONAL_PUBLIC_KEY
        self.timeout = options.get("timeout") or settings.IDENTITY_PROVIDER_TIMEOUT_SECONDS
        self.leeway = 60

    def start_url(self, *, state: str, redirect_uri: str) -> str:
        """Where to send the browser; `state` doubles as the nonce the assertion must carry."""
        query = urllib.parse.urlencode(
            {"app_id": self.app_id, "redirect_uri": redirect_uri, "state": state, "nonce": state}
        )
        return f"{self.authorize_url}{'&' if '?' in self.authorize_url else '?'}{query}"

    def redeem(self, *, code: str, redirect_uri: str, nonce: str) -> NationalAssertion:
        """Exchange the code for the signed assertion and verify it; return what it attests."""
        if not (self.token_url and self.app_id and self.app_secret and self.public_key_path):
            raise ProviderUnavailable("the IDENTITY_NATIONAL_* settings are incomplete")
        body = urllib.parse.urlencode(
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        ).encode()
        basic = base64.b64encode(f"{self.app_id}:{self.app_secret}".encode()).decode()
        request = urllib.request.Request(
            self.token_url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Authorization": f"Basic {basic}"},
        )
        status, _headers, payload = _open(request, self.timeout)
        if status == 400:
            raise AssertionRejected("the service refused the code (used, expired or unknown)")
        if status != 200:
            raise ProviderUnavailable(f"the service answered HTTP {status}")
        try:
            token = json.loads(payload)["assertion"]
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderUnavailable("the service's answer is not in the agreed form") from exc
        return self.verify(token, nonce=nonce)

    def public_key(self) -> Any:
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        return load_pem_public_key(Path(self.public_key_path).read_bytes())

    def verify(self, token: str, *, nonce: str, now: float | None = None) -> NationalAssertion:
        """Check the JWS: ES256 only, signature, issuer, audience, lifetime, our nonce, an id."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

        try:
            header_part, claims_part, signature_part = token.split(".")
            header = json.loads(_b64decode(header_part))
            claims = json.loads(_b64decode(claims_part))
            signature = _b64decode(signature_part)
        except ValueError as exc:
            raise AssertionRejected("not a compact JWS") from exc
        if header.get("alg") != "ES256" or len(signature) != 64:
            raise AssertionRejected("only ES256 signatures are accepted")
        r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        try:
            self.public_key().verify(
                encode_dss_signature(r, s), f"{header_part}.{claims_part}".encode(), ec.ECDSA(hashes.SHA256())
            )
        except InvalidSignature as exc:
            raise AssertionRejected("the signature does not verify") from exc
        now = time.time() if now is None else now
        if not isinstance(claims, dict):
            raise AssertionRejected("the claims are not an object")
        if claims.get("iss") != self.issuer:
            raise AssertionRejected("another issuer")
        if claims.get("aud") != self.app_id:
            raise AssertionRejected("issued for another application")
        if not isinstance(claims.get("exp"), int | float) or claims["exp"] < now - self.leeway:
            raise AssertionRejected("expired")
        if not isinstance(claims.get("iat"), int | float) or claims["iat"] > now + self.leeway:
            raise AssertionRejected("issued in the future")
        if now - claims["iat"] > settings.IDENTITY_NATIONAL_MAX_AGE_SECONDS:
            raise AssertionRejected("too old")
        if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
            raise AssertionRejected("not the answer to our request (nonce)")
        subject, reference = str(claims.get("sub") or ""), str(claims.get("jti") or "")
        if not subject or not reference:
            raise AssertionRejected("no subject or no assertion id")
        return NationalAssertion(subject=subject, reference=reference[:128], claims=claims)


# --- Which providers this deployment uses ---------------------------------------------------------


def enabled_providers() -> list[IdentityProvider]:
    return [import_string(path)() for path in settings.IDENTITY_PROVIDER]


def get_provider(key: str) -> IdentityProvider | None:
    return next((provider for provider in enabled_providers() if provider.key == key), None)


def number_check_provider() -> NumberCheckProvider | None:
    """The first enabled provider that checks a name and an ID number (carrier, console)."""
    return next((p for p in enabled_providers() if isinstance(p, NumberCheckProvider)), None)
