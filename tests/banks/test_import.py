"""Partner CSV imports: every bad line named, nothing half-imported unless asked."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from banks.models import Bank, BankEntry, BankImport, Source
from banks.services import bank_import_csv
from tests.factories import make_user

PDQ_A = "b150231ffae4710ffcf4f18bb574b109a576f14bb8543189f8743289f174b109"
PDQ_B = "a0fe94f1e5cc1cc8dd855948498dc9243f7ca27336f036d7f212b74bc103c9a7"
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

GOOD = (
    "signal_type,value,quality,reference,note\n"
    f"pdq,{PDQ_A},100,partner-1,bridge\n"
    f"SHA256,{SHA.upper()},,partner-2,\n"
)
BAD = (
    f"pdq,{PDQ_A},100,ref-a\n"
    "md5,d41d8cd98f00b204e9800998ecf8427e\n"
    f"pdq,{PDQ_B[:60]}\n"
    f"sha256,{SHA},77\n"
    f"pdq,{PDQ_B},101\n"
    "# a comment\n"
    "\n"
    "pdq\n"
)


def test_it_imports_a_partners_hashes(ada: User, bank: Bank) -> None:
    result = bank_import_csv(bank=bank, data=GOOD.encode(), filename="gifct.csv", partner="GIFCT", actor=ada)
    assert result.imported and result.errors == []
    batch = result.batch
    assert (batch.lines, batch.added, batch.duplicates, batch.refused) == (2, 2, 0, 0)
    pdq = BankEntry.objects.get(signal_type="pdq")
    assert (pdq.value, pdq.quality, pdq.partner_reference, pdq.note, pdq.source, pdq.batch) == (
        PDQ_A,
        100,
        "partner-1",
        "bridge",
        Source.IMPORT,
        batch,
    )
    assert BankEntry.objects.get(signal_type="sha256").value == SHA
    again = bank_import_csv(bank=bank, data=GOOD.encode(), filename="gifct.csv", partner="GIFCT", actor=ada)
    assert (again.batch.added, again.batch.duplicates) == (0, 2)
    assert AuditEvent.objects.filter(action="bank.imported").count() == 2


def test_a_file_with_bad_lines_imports_nothing_and_names_each_line(ada: User, bank: Bank) -> None:
    result = bank_import_csv(bank=bank, data=BAD.encode(), filename="bad.csv", partner="P", actor=ada)
    assert not result.imported
    assert [(error["line"], error["error"]) for error in result.errors] == [
        (2, 'unknown hash type "md5"; use pdq or sha256'),
        (3, "the hash must be 64 hexadecimal characters (got 60)"),
        (4, "only PDQ hashes have a quality"),
        (5, "the quality must be a whole number from 0 to 100"),
        (8, "expected at least a hash type and a hash"),
    ]
    assert not BankEntry.objects.exists() and not BankImport.objects.exists()


def test_it_can_import_the_good_lines_and_record_the_bad_ones(ada: User, bank: Bank) -> None:
    result = bank_import_csv(
        bank=bank, data=BAD.encode(), filename="bad.csv", partner="P", actor=ada, skip_invalid=True
    )
    assert (result.batch.added, result.batch.refused) == (1, 5)
    assert [error["line"] for error in result.batch.errors] == [2, 3, 4, 5, 8]


def test_it_refuses_binary_and_empty_files(ada: User, bank: Bank) -> None:
    assert bank_import_csv(bank=bank, data=b"\xff\xfe\x00", filename="x", partner="P", actor=ada).errors == [
        {"line": 0, "error": "The file is not UTF-8 text."}
    ]
    assert bank_import_csv(bank=bank, data=b"# nothing\n", filename="x", partner="P", actor=ada).errors == [
        {"line": 0, "error": "The file has no hashes."}
    ]


# --- The admin page ----------------------------------------------------------------------------


def url(bank: Bank) -> str:
    return f"/admin/banks/bank/{bank.pk}/import/"


def csv_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("hashes.csv", text.encode(), content_type="text/csv")


def test_the_import_page_imports_and_lists_bad_lines(ada_client: Client, bank: Bank) -> None:
    assert ada_client.get(url(bank)).status_code == 200
    response = ada_client.post(url(bank), {"partner": "GIFCT", "file": csv_upload(GOOD)})
    assert response.status_code == 200
    assert BankEntry.objects.filter(bank=bank).count() == 2
    response = ada_client.post(url(bank), {"partner": "GIFCT", "file": csv_upload(BAD)})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Nothing was imported" in text and "unknown hash type" in text and "<td>8</td>" in text
    assert BankEntry.objects.filter(bank=bank).count() == 2


def test_the_import_page_needs_an_admin(client: Client, mod_client: Client, bank: Bank, db: None) -> None:
    assert client.get(url(bank)).status_code == 302  # to the admin login
    assert mod_client.get(url(bank)).status_code == 302  # moderators are not staff
    clerk = make_user("clerk", is_staff=True)
    clerk_client = Client()
    clerk_client.force_login(clerk)
    assert clerk_client.get(url(bank)).status_code == 403
    assert clerk_client.post(url(bank), {"partner": "P", "file": csv_upload(GOOD)}).status_code == 403
    assert not BankEntry.objects.exists()


def test_the_import_page_of_a_missing_bank_is_404(ada_client: Client, db: None) -> None:
    assert ada_client.get("/admin/banks/bank/999999/import/").status_code == 404


def test_the_admin_lists_banks_entries_and_imports(ada_client: Client, bank: Bank, ada: User) -> None:
    bank_import_csv(bank=bank, data=GOOD.encode(), filename="gifct.csv", partner="GIFCT", actor=ada)
    for path in (
        "/admin/banks/bank/",
        "/admin/banks/bankentry/",
        "/admin/banks/bankimport/",
        f"/admin/banks/bank/{bank.pk}/change/",
    ):
        assert ada_client.get(path).status_code == 200, path
    entry = BankEntry.objects.first()
    response = ada_client.post(
        "/admin/banks/bankentry/", {"action": "disable_entries", "_selected_action": [entry.pk]}
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert not entry.is_active
