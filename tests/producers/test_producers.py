"""The platform's list of known producers (R08): keys as labels write them, every change audited
and versioned, the mapping the label engine looks producers up in, and the admin screens."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from audit.models import AuditEvent
from labels.producers import KnownProducer, classify_producer
from producers.models import KeyKind, Producer, ProducerList
from producers.selectors import known_producers, producer_list_state
from producers.services import producer_delete, producer_save

CODE = "001191110102MACQD9K64010000"  # "001", a digit, USCC 91110102MACQD9K640, product 10000
USCC = "91110102MACQD9K640"


def listed(key: str, name: str = "Doubao (ByteDance)", status: str = "allow", note: str = "") -> Producer:
    producer = Producer(key=key, name=name, status=status, note=note)
    producer_save(producer=producer, actor=None)
    return producer


@pytest.mark.parametrize(
    ("key", "stored", "kind"),
    [
        (f"  {CODE.lower()} ", CODE, KeyKind.TC260_CODE),
        (USCC.lower(), USCC, KeyKind.USCC),
        ("  PicWish ", "picwish", KeyKind.NAME),
    ],
)
def test_it_stores_keys_the_way_the_engine_looks_them_up(db: None, key: str, stored: str, kind: str) -> None:
    producer = listed(key)
    assert (producer.key, producer.kind) == (stored, kind)
    found = classify_producer({"tc260_code": CODE, "uscc": CODE, "name": "picwish"}[kind], known_producers())
    assert found.known == KnownProducer("Doubao (ByteDance)", "allow", "")


@pytest.mark.parametrize("key", [USCC[:-1] + "1", CODE[:21] + "1" + CODE[22:]])
def test_it_refuses_a_uscc_whose_check_character_is_wrong(db: None, key: str) -> None:
    with pytest.raises(ValidationError, match="fails its GB 32100 check"):
        listed(key)
    assert not Producer.objects.exists()


def test_each_change_is_audited_and_bumps_the_version(db: None, ada: User) -> None:
    assert producer_list_state() == (0, "")
    producer = Producer(key=CODE, name="Doubao", status="allow")
    assert producer_save(producer=producer, actor=ada) == 1
    producer.status, producer.note = "deny", "labels forged in 2026"
    assert producer_save(producer=producer, actor=ada) == 2
    assert producer_delete(producer=producer, actor=ada) == 3
    assert ProducerList.objects.get(pk=1).version == 3
    events = list(AuditEvent.objects.filter(action__startswith="producers.").order_by("seq"))
    assert [event.action for event in events] == [
        "producers.entry_created",
        "producers.entry_changed",
        "producers.entry_deleted",
    ]
    assert [event.details["list_version"] for event in events] == [1, 2, 3]
    assert events[1].details["before"]["status"] == "allow" and events[1].details["status"] == "deny"
    assert {event.actor for event in events} == {ada}


def test_the_mapping_follows_the_list(db: None) -> None:
    first = listed(USCC, name="ByteDance", status="deny", note="forged labels")
    assert known_producers() == {USCC: KnownProducer("ByteDance", "deny", "forged labels")}
    listed("doubao", name="Doubao")
    assert set(known_producers()) == {USCC, "doubao"}
    producer_delete(producer=first, actor=None)
    assert set(known_producers()) == {"doubao"}


# --- The admin: list, search, add, change, delete; only for admins ------------------------------

CHANGELIST = "/admin/producers/producer/"


def test_admins_list_and_search_the_producers(db: None, ada_client: Client) -> None:
    listed(CODE, name="Doubao")
    listed("picwish", name="PicWish", status="deny")
    page = ada_client.get(CHANGELIST)
    assert page.status_code == 200
    assert "Doubao" in page.content.decode() and "PicWish" in page.content.decode()
    found = ada_client.get(CHANGELIST, {"q": "picw"}).content.decode()
    assert "PicWish" in found and "Doubao" not in found
    denied = ada_client.get(CHANGELIST, {"status__exact": "deny"}).content.decode()
    assert "PicWish" in denied and "Doubao" not in denied


def test_admins_add_change_and_delete_through_the_services(db: None, ada_client: Client, ada: User) -> None:
    response = ada_client.post(
        f"{CHANGELIST}add/", {"key": CODE.lower(), "name": "Doubao", "status": "allow", "note": ""}
    )
    assert response.status_code == 302
    producer = Producer.objects.get()
    assert (producer.key, producer.updated_by) == (CODE, ada)
    response = ada_client.post(
        f"{CHANGELIST}{producer.pk}/change/",
        {"key": CODE, "name": "Doubao", "status": "deny", "note": "forged labels"},
    )
    assert response.status_code == 302
    assert Producer.objects.get().status == "deny"
    response = ada_client.post(f"{CHANGELIST}{producer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Producer.objects.exists()
    events = AuditEvent.objects.filter(action__startswith="producers.").order_by("seq")
    assert list(events.values_list("action", "actor")) == [
        ("producers.entry_created", ada.pk),
        ("producers.entry_changed", ada.pk),
        ("producers.entry_deleted", ada.pk),
    ]
    assert ProducerList.objects.get(pk=1).version == 3


def test_the_admin_refuses_a_duplicate_and_a_bad_uscc(db: None, ada_client: Client) -> None:
    listed("doubao")
    duplicate = ada_client.post(f"{CHANGELIST}add/", {"key": " DouBao ", "name": "x", "status": "deny"})
    assert duplicate.status_code == 200 and "already exists" in duplicate.content.decode()
    bad = ada_client.post(f"{CHANGELIST}add/", {"key": USCC[:-1] + "1", "name": "x", "status": "deny"})
    assert bad.status_code == 200 and "fails its GB 32100 check" in bad.content.decode()
    assert Producer.objects.count() == 1


def test_only_admins_reach_the_list(db: None, mod_client: Client, alice_client: Client) -> None:
    assert Client().get(CHANGELIST).status_code == 302  # to the login page
    for client in (mod_client, alice_client):
        response = client.get(CHANGELIST)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
