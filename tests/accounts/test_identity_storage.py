"""No database column ever holds a whole identity number: read every row of every table."""

import re

from django.db import connection
from django.test import Client

from accounts.models import User
from tests.accounts.samples import VALID_IDS, VALID_USCCS
from tests.accounts.test_phone_verification import last_code

ID_NUMBER = VALID_IDS[1]
CREDIT_CODE = VALID_USCCS[2]
PHONE = "+8613800138000"


def every_value() -> list[tuple[str, str, str]]:
    """(table, column, text) for every non-empty value in the database, whatever its type."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    text = (
                        bytes(value).decode("latin-1")
                        if isinstance(value, bytes | memoryview)
                        else str(value)
                    )
                    found.append((table, column, text))
    return found


def test_it_never_stores_a_whole_identity_number(
    uma: User, uma_client: Client, ugo_client: Client, sms_outbox: list, settings: object
) -> None:
    settings.IDENTITY_PROVIDER = ["accounts.identity_providers.ConsoleProvider"]
    # Verify through the real pages, so sessions, audit events and everything else are written.
    verified = uma_client.post("/accounts/verify/id-card/submit/", {"number": ID_NUMBER, "name": "Alice"})
    assert verified.status_code == 302
    assert ugo_client.post("/accounts/verify/uscc/submit/", {"code": CREDIT_CODE}).status_code == 302
    # A refused duplicate is recorded too.
    duplicate = ugo_client.post("/accounts/verify/id-card/submit/", {"number": ID_NUMBER, "name": "Bob"})
    assert b"already verified on another account" in duplicate.content
    sent = uma_client.post("/accounts/verify/phone/send/", {"phone": PHONE})
    assert sent.status_code == 302
    confirm = uma_client.post(sent.url + "confirm/", {"code": last_code(sms_outbox)})
    assert confirm.status_code == 302
    assert uma_client.get("/accounts/me/").status_code == 200

    secrets = {
        ID_NUMBER,
        ID_NUMBER.lower(),
        CREDIT_CODE,
        CREDIT_CODE.lower(),
        PHONE,
        PHONE.lstrip("+"),
        PHONE[3:],  # the national number
    }
    values = every_value()
    tables = {table for table, _column, _text in values}
    assert {"accounts_identityverification", "audit_auditevent"} <= tables
    leaks = [
        (table, column)
        for table, column, text in values
        for secret in secrets
        if secret in text or secret in re.sub(r"\D", "", text)
        if not (secret.isdigit() and len(re.sub(r"\D", "", text)) > 40)  # long hex digests
    ]
    assert leaks == []
    # The masked forms are there, so the scan did see identity rows.
    assert any("002X" in text or "1232" in text for _table, _column, text in values)
