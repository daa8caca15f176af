"""Identity providers against local HTTP servers that enforce each documented contract
(accounts/identity_providers.py): success, failure and replay for every backend."""

import base64
import hashlib
import hmac
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.test import Client

from accounts.identity_providers import (
    CarrierThreeFactorProvider,
    CheckOutcome,
    ConsoleProvider,
    NumberCheckProvider,
    PersonClaim,
)
from accounts.models import IdentityVerification, User
from accounts.services import VerificationError, identity_verify_id_card, submission_gate
from accounts.services.gate import GateReason
from accounts.services.phone import phone_verification_confirm, phone_verification_start
from accounts.system_checks import identity_providers_real
from audit.models import AuditEvent
from tests.accounts.samples import VALID_IDS
from tests.accounts.test_phone_verification import last_code

Status = IdentityVerification.Status
PHONE = "+8613800138000"
SECRET = "carrier-test-secret"
APP_ID = "provenant-test"


class Server:
    """A ThreadingHTTPServer on a free port, in a thread, with the handler's state beside it."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.state = self
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- The carrier three-factor check ---------------------------------------------------------------


@dataclass
class CarrierState:
    people: set[tuple[str, str, str]] = field(default_factory=set)
    seen_nonces: set[str] = field(default_factory=set)
    requests: list[dict] = field(default_factory=list)
    transaction_id: str | None = None  # a fixed id: the carrier (or an attacker) repeats one
    sign_with: str = SECRET
    other_request_id: bool = False


class CarrierHandler(BaseHTTPRequestHandler):
    """Enforces the carrier contract: app id, fresh timestamp, unused nonce, signature, fields."""

    def log_message(self, *args: Any) -> None:
        pass

    def reply(self, status: int, body: dict, nonce: str = "") -> None:
        state: CarrierState = self.server.state.carrier
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        signature = hmac.new(
            state.sign_with.encode(),
            f"{nonce}\n{hashlib.sha256(payload).hexdigest()}".encode(),
            hashlib.sha256,
        )
        self.send_header("X-Signature", signature.hexdigest())
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:
        state: CarrierState = self.server.state.carrier
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        timestamp, nonce = self.headers.get("X-Timestamp", ""), self.headers.get("X-Nonce", "")
        expected = hmac.new(
            SECRET.encode(),
            f"POST\n{self.path}\n{timestamp}\n{nonce}\n{hashlib.sha256(body).hexdigest()}".encode(),
            hashlib.sha256,
        ).hexdigest()
        if self.headers.get("X-App-Id") != APP_ID or not hmac.compare_digest(
            expected, self.headers.get("X-Signature", "")
        ):
            return self.reply(401, {"error": "bad signature"})
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300 or nonce in state.seen_nonces:
            return self.reply(401, {"error": "stale or replayed request"})
        state.seen_nonces.add(nonce)
        try:
            data = json.loads(body)
            person = (data["name"], data["id_number"], data["mobile"])
            request_id = data["request_id"]
        except (ValueError, KeyError):
            return self.reply(400, {"error": "malformed"})
        if len(data["mobile"]) != 11 or not data["mobile"].isdigit():
            return self.reply(400, {"error": "mobile must be 11 digits"})
        state.requests.append(data)
        if person in state.people:
            result = "match"
        elif any(known[1] == person[1] for known in state.people):
            result = "mismatch"
        else:
            result = "no_record"
        self.reply(
            200,
            {
                "request_id": "someone-else" if state.other_request_id else request_id,
                "result": result,
                "transaction_id": state.transaction_id or uuid.uuid4().hex,
                "carrier": "cmcc",
            },
            nonce=nonce,
        )


@pytest.fixture
def carrier() -> Iterator[tuple[CarrierState, str]]:
    server = Server(CarrierHandler)
    server.carrier = CarrierState(people={("Alice Liddell", VALID_IDS[0], PHONE[3:])})
    yield server.carrier, f"{server.base}/v1/three-factor"
    server.stop()


def provider_for(url: str) -> CarrierThreeFactorProvider:
    return CarrierThreeFactorProvider(url=url, app_id=APP_ID, secret=SECRET, timeout=10)


def verify_phone(user: User, outbox: list) -> None:
    attempt = phone_verification_start(user=user, phone=PHONE)
    phone_verification_confirm(verification=attempt, code=last_code(outbox))


def test_the_carrier_verifies_name_number_and_phone_together(
    uma: User, sms_outbox: list, carrier: tuple[CarrierState, str]
) -> None:
    state, url = carrier
    verify_phone(uma, sms_outbox)
    attempt = identity_verify_id_card(
        user=uma, number=VALID_IDS[0], name="Alice Liddell", phone=PHONE, provider=provider_for(url)
    )
    assert attempt.status == Status.VERIFIED
    assert (attempt.method, attempt.provider) == ("id_card", "carrier")
    assert attempt.verified_fields == ["name", "id_number", "phone"]
    assert attempt.evidence == {"result": "match", "carrier": "cmcc"}
    assert len(attempt.provider_reference) == 32 and attempt.decided_at is not None
    assert state.requests[0]["mobile"] == "13800138000"
    assert User.objects.get(pk=uma.pk).is_identity_verified


def test_the_carrier_refuses_a_name_that_does_not_match(
    uma: User, sms_outbox: list, carrier: tuple[CarrierState, str]
) -> None:
    _state, url = carrier
    verify_phone(uma, sms_outbox)
    attempt = identity_verify_id_card(
        user=uma, number=VALID_IDS[0], name="Mallory", phone=PHONE, provider=provider_for(url)
    )
    assert attempt.status == Status.REJECTED
    assert attempt.evidence["result"] == "mismatch" and attempt.verified_fields == []
    assert "do not belong together" in attempt.rejection_reason
    assert AuditEvent.objects.filter(action="identity.check_failed").count() == 1
    # A number the carrier does not know is a refusal too.
    unknown = identity_verify_id_card(
        user=uma, number=VALID_IDS[1], name="Alice Liddell", phone=PHONE, provider=provider_for(url)
    )
    assert (unknown.status, unknown.evidence["result"]) == (Status.REJECTED, "no_record")


def test_the_carrier_needs_a_phone_verified_on_this_account(
    uma: User, ugo: User, sms_outbox: list, carrier: tuple[CarrierState, str]
) -> None:
    state, url = carrier
    verify_phone(ugo, sms_outbox)  # ugo holds the phone, not uma
    with pytest.raises(VerificationError) as excinfo:
        identity_verify_id_card(
            user=uma, number=VALID_IDS[0], name="Alice Liddell", phone=PHONE, provider=provider_for(url)
        )
    assert excinfo.value.code == "phone_not_verified"
    assert state.requests == [] and not IdentityVerification.objects.filter(user=uma).exists()


def test_a_replayed_carrier_transaction_is_refused(
    uma: User, ugo: User, sms_outbox: list, carrier: tuple[CarrierState, str], settings: Any
) -> None:
    state, url = carrier
    state.transaction_id = "txn-0001"
    state.people.add(("Bob Builder", VALID_IDS[1], "13900139000"))
    verify_phone(uma, sms_outbox)
    assert (
        identity_verify_id_card(
            user=uma, number=VALID_IDS[0], name="Alice Liddell", phone=PHONE, provider=provider_for(url)
        ).status
        == Status.VERIFIED
    )
    attempt = phone_verification_start(user=ugo, phone="+8613900139000")
    phone_verification_confirm(verification=attempt, code=last_code(sms_outbox))
    with pytest.raises(VerificationError) as excinfo:
        identity_verify_id_card(
            user=ugo,
            number=VALID_IDS[1],
            name="Bob Builder",
            phone="+8613900139000",
            provider=provider_for(url),
        )
    assert excinfo.value.code == "replay"
    assert not IdentityVerification.objects.filter(user=ugo, method="id_card").exists()


def test_a_forged_or_foreign_carrier_answer_is_not_believed(
    uma: User, sms_outbox: list, carrier: tuple[CarrierState, str]
) -> None:
    state, url = carrier
    verify_phone(uma, sms_outbox)
    state.sign_with = "not-our-secret"
    with pytest.raises(VerificationError) as excinfo:
        identity_verify_id_card(
            user=uma, number=VALID_IDS[0], name="Alice Liddell", phone=PHONE, provider=provider_for(url)
        )
    assert excinfo.value.code == "unavailable"
    state.sign_with, state.other_request_id = SECRET, True
    with pytest.raises(VerificationError):
        identity_verify_id_card(
            user=uma, number=VALID_IDS[0], name="Alice Liddell", phone=PHONE, provider=provider_for(url)
        )
    wrong_secret = CarrierThreeFactorProvider(url=url, app_id=APP_ID, secret="wrong", timeout=10)
    with pytest.raises(VerificationError):  # the server answers 401
        identity_verify_id_card(
            user=uma, number=VALID_IDS[0], name="Alice Liddell", phone=PHONE, provider=wrong_secret
        )
    closed = CarrierThreeFactorProvider(
        url="http://127.0.0.1:9/none", app_id=APP_ID, secret=SECRET, timeout=2
    )
    with pytest.raises(VerificationError):
        identity_verify_id_card(
            user=uma, number=VALID_IDS[0], name="Alice Liddell", phone=PHONE, provider=closed
        )
    assert not IdentityVerification.objects.filter(user=uma, method="id_card").exists()


def test_the_id_card_page_uses_the_carrier(
    uma: User, uma_client: Client, sms_outbox: list, carrier: tuple[CarrierState, str], settings: Any
) -> None:
    _state, url = carrier
    settings.IDENTITY_PROVIDER = ["accounts.identity_providers.CarrierThreeFactorProvider"]
    settings.IDENTITY_CARRIER_URL, settings.IDENTITY_CARRIER_APP_ID = url, APP_ID
    settings.IDENTITY_CARRIER_SECRET = SECRET
    page = uma_client.get("/accounts/verify/id-card/").content
    assert b'name="phone"' in page and b'name="name"' in page
    form = {"number": VALID_IDS[0], "name": "Alice Liddell", "phone": PHONE}
    refused = uma_client.post("/accounts/verify/id-card/submit/", form)
    assert (
        refused.status_code == 200 and b"Verify this mobile number by text message first" in refused.content
    )
    verify_phone(uma, sms_outbox)
    response = uma_client.post("/accounts/verify/id-card/submit/", form)
    assert response.status_code == 302 and response.url == "/accounts/me/"
    assert IdentityVerification.objects.get(user=uma, method="id_card").provider == "carrier"


# --- The national online identity authentication service -----------------------------------------


@dataclass
class NationalState:
    key: ec.EllipticCurvePrivateKey
    subject: str = "NID-3301-0000-7788"
    codes: dict[str, dict] = field(default_factory=dict)
    claims_override: dict = field(default_factory=dict)
    signing_key: ec.EllipticCurvePrivateKey | None = None
    fixed_jti: str | None = None


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_assertion(key: ec.EllipticCurvePrivateKey, claims: dict, alg: str = "ES256") -> str:
    header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    r, s = decode_dss_signature(key.sign(f"{header}.{body}".encode(), ec.ECDSA(hashes.SHA256())))
    return f"{header}.{body}.{b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


class NationalHandler(BaseHTTPRequestHandler):
    """GET /authorize: the person signs in (always the configured one) and is sent back with a code.
    POST /token: app credentials, single-use code, same redirect_uri → a signed assertion."""

    def log_message(self, *args: Any) -> None:
        pass

    def state(self) -> NationalState:
        return self.server.state.national

    def do_GET(self) -> None:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        if not self.path.startswith("/authorize") or query.get("app_id") != APP_ID:
            self.send_response(400)
            self.end_headers()
            return
        code = uuid.uuid4().hex
        self.state().codes[code] = {"nonce": query["nonce"], "redirect_uri": query["redirect_uri"]}
        location = (
            f"{query['redirect_uri']}?{urllib.parse.urlencode({'code': code, 'state': query['state']})}"
        )
        self.send_response(302)
        self.send_header("Location", location)
        self.end_headers()

    def json_reply(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:
        state = self.state()
        form = dict(
            urllib.parse.parse_qsl(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
        )
        credentials = base64.b64encode(f"{APP_ID}:national-secret".encode()).decode()
        if self.path != "/token" or self.headers.get("Authorization") != f"Basic {credentials}":
            return self.json_reply(401, {"error": "invalid_client"})
        grant = state.codes.pop(form.get("code", ""), None)  # single use
        if form.get("grant_type") != "authorization_code" or grant is None:
            return self.json_reply(400, {"error": "invalid_grant"})
        if grant["redirect_uri"] != form.get("redirect_uri"):
            return self.json_reply(400, {"error": "invalid_grant"})
        now = int(time.time())
        claims = {
            "iss": "https://national-id.test",
            "aud": APP_ID,
            "sub": state.subject,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            "jti": state.fixed_jti or uuid.uuid4().hex,
            "auth_level": "L2",
            "attested": ["real_name", "id_number"],
            **state.claims_override,
        }
        self.json_reply(200, {"assertion": sign_assertion(state.signing_key or state.key, claims)})


@pytest.fixture
def national(settings: Any, tmp_path: Path) -> Iterator[tuple[NationalState, Server]]:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = tmp_path / "national.pem"
    pem.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    server = Server(NationalHandler)
    server.national = NationalState(key=key)
    settings.IDENTITY_PROVIDER = [
        "accounts.identity_providers.NationalIdentityProvider",
        "accounts.identity_providers.DocumentReviewProvider",
    ]
    settings.IDENTITY_NATIONAL_AUTHORIZE_URL = f"{server.base}/authorize"
    settings.IDENTITY_NATIONAL_TOKEN_URL = f"{server.base}/token"
    settings.IDENTITY_NATIONAL_APP_ID = APP_ID
    settings.IDENTITY_NATIONAL_APP_SECRET = "national-secret"
    settings.IDENTITY_NATIONAL_ISSUER = "https://national-id.test"
    settings.IDENTITY_NATIONAL_PUBLIC_KEY = str(pem)
    yield server.national, server
    server.stop()


def sign_in(client: Client) -> str:
    """Start on our site, let the national service sign the person in; return our callback URL."""
    start = client.post("/accounts/verify/national/start/")
    assert start.status_code == 302
    request = urllib.request.Request(start.url)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(request, timeout=10)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302
        location = answer.headers["Location"]
    else:  # pragma: no cover
        raise AssertionError("the service did not redirect")
    assert location.startswith("http://testserver/accounts/verify/national/callback/?")
    return location.removeprefix("http://testserver")


def test_the_national_service_verifies_through_a_signed_assertion(
    uma: User, uma_client: Client, national: tuple[NationalState, Server]
) -> None:
    page = uma_client.get("/accounts/verify/national/")
    assert page.status_code == 200
    assert b"/accounts/verify/national/" in uma_client.get("/accounts/me/").content
    callback = sign_in(uma_client)
    response = uma_client.get(callback)
    assert response.status_code == 302 and response.url == "/accounts/me/"
    attempt = IdentityVerification.objects.get(user=uma, method="national")
    assert (attempt.status, attempt.provider) == (Status.VERIFIED, "national")
    assert attempt.verified_fields == ["network_identity", "real_name", "id_number"]
    assert attempt.identifier_last4 == "7788" and "NID-3301" not in json.dumps(attempt.evidence)
    assert attempt.evidence["auth_level"] == "L2" and len(attempt.provider_reference) == 32
    assert GateReason.IDENTITY_NOT_VERIFIED not in submission_gate(uma).reasons


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"aud": "someone-else"}, "issued for another application"),
        ({"iss": "https://evil.test"}, "another issuer"),
        ({"exp": 1_000_000_000, "iat": 999_999_000}, "expired"),
        ({"nonce": "not-ours"}, "not the answer to our request (nonce)"),
    ],
)
def test_the_national_service_assertion_must_be_for_us(
    uma: User, uma_client: Client, national: tuple[NationalState, Server], change: dict, why: str
) -> None:
    state, _server = national
    state.claims_override = change
    response = uma_client.get(sign_in(uma_client))
    assert response.status_code == 400
    assert why in response.content.decode()
    attempt = IdentityVerification.objects.get(user=uma, method="national")
    assert attempt.status == Status.REJECTED and not User.objects.get(pk=uma.pk).is_identity_verified


def test_an_assertion_signed_by_another_key_is_refused(
    uma: User, uma_client: Client, national: tuple[NationalState, Server]
) -> None:
    state, _server = national
    state.signing_key = ec.generate_private_key(ec.SECP256R1())
    response = uma_client.get(sign_in(uma_client))
    assert response.status_code == 400 and b"signature does not verify" in response.content
    assert not User.objects.get(pk=uma.pk).is_identity_verified


def test_a_national_sign_in_cannot_be_replayed(
    uma: User, ugo: User, uma_client: Client, ugo_client: Client, national: tuple[NationalState, Server]
) -> None:
    state, _server = national
    callback = sign_in(uma_client)
    assert uma_client.get(callback).status_code == 302
    # The same callback again: the state was used.
    again = uma_client.get(callback)
    assert again.status_code == 400 and b"already used" in again.content
    # Another person's sign-in answered with an assertion id already used: refused.
    state.fixed_jti = IdentityVerification.objects.get(user=uma, method="national").provider_reference
    state.subject = "NID-4401-0000-1234"
    replayed = ugo_client.get(sign_in(ugo_client))
    assert replayed.status_code == 400 and b"already used" in replayed.content
    assert not User.objects.get(pk=ugo.pk).is_identity_verified
    # A state we never issued.
    forged = ugo_client.get("/accounts/verify/national/callback/?state=abc&code=def")
    assert forged.status_code == 400


def test_the_national_pages_are_for_contributors_and_only_where_enabled(
    uma_client: Client, mod_client: Client, national: tuple[NationalState, Server], settings: Any
) -> None:
    start = "/accounts/verify/national/start/"
    assert uma_client.get(start).status_code == 405
    anonymous = Client().post(start)
    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    assert Client().get("/accounts/verify/national/callback/?state=a&code=b").status_code == 302
    assert mod_client.post(start).status_code == 403
    assert mod_client.get("/accounts/verify/national/").status_code == 403
    settings.IDENTITY_PROVIDER = ["accounts.identity_providers.DocumentReviewProvider"]
    assert uma_client.get("/accounts/verify/national/").status_code == 404
    assert uma_client.post(start).status_code == 404


# --- Console, replay in general, the gate, deployment ---------------------------------------------


class FixedReferenceProvider(NumberCheckProvider):
    key = "fixed"
    label = "fixed"

    def check(self, claim: PersonClaim) -> CheckOutcome:
        return CheckOutcome(matched=True, reference="same-every-time", verified_fields=("name", "id_number"))


def test_the_console_provider_accepts_any_well_formed_number_and_refuses_no_name(uma: User) -> None:
    stream = io.StringIO()
    attempt = identity_verify_id_card(
        user=uma, number=VALID_IDS[2], name="A", provider=ConsoleProvider(stream=stream)
    )
    assert attempt.status == Status.VERIFIED and "development only" in stream.getvalue()
    with pytest.raises(VerificationError):
        identity_verify_id_card(
            user=uma, number=VALID_IDS[3], name="  ", provider=ConsoleProvider(stream=stream)
        )


def test_a_provider_reference_counts_once(uma: User, ugo: User) -> None:
    first = identity_verify_id_card(
        user=uma, number=VALID_IDS[0], name="A", provider=FixedReferenceProvider()
    )
    assert first.status == Status.VERIFIED
    with pytest.raises(VerificationError) as excinfo:
        identity_verify_id_card(user=ugo, number=VALID_IDS[1], name="B", provider=FixedReferenceProvider())
    assert excinfo.value.code == "replay"


def test_a_well_formed_number_does_not_open_the_gate(uma: User) -> None:
    identity_verify_id_card(user=uma, number=VALID_IDS[0])
    assert GateReason.IDENTITY_NOT_VERIFIED in submission_gate(uma).reasons


def test_the_deploy_check_refuses_the_console_provider(settings: Any) -> None:
    settings.DEBUG = False
    settings.IDENTITY_PROVIDER = ["accounts.identity_providers.ConsoleProvider"]
    assert [message.id for message in identity_providers_real(None)] == ["accounts.E002"]
    settings.IDENTITY_PROVIDER = ["accounts.identity_providers.NationalIdentityProvider"]
    assert identity_providers_real(None) == []
    settings.IDENTITY_PROVIDER = []
    assert [message.id for message in identity_providers_real(None)] == ["accounts.E003"]


def test_the_migration_downgrades_checksum_only_verifications(uma: User, ugo: User, db: None) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0005_identity_providers")
    old = IdentityVerification.objects.create(
        user=uma, method="id_card", status="verified", identifier_hash="x"
    )
    phone = IdentityVerification.objects.create(
        user=ugo, method="phone", status="verified", identifier_hash="y"
    )
    migration.record_providers(apps, None)
    old.refresh_from_db()
    phone.refresh_from_db()
    assert old.status == Status.WELL_FORMED
    assert (phone.status, phone.provider, phone.verified_fields) == (Status.VERIFIED, "sms", ["phone"])
