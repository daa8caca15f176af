"""The audit trail is append-only and a hash chain: edits and removals are caught and named."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from accounts.models import User
from audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from audit.services import record_event, verify_chain


def record_three(actor: User) -> list[AuditEvent]:
    return [
        record_event(action=f"test.step{i}", actor=actor, details={"n": i, "note": "ü"}) for i in range(3)
    ]


def run_verify() -> str:
    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    return out.getvalue()


def raw_sql(sql: str, params: list) -> None:
    """Change rows the way someone with database access would, around the PostgreSQL trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # What a superuser can do: skip triggers for this transaction.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def test_it_links_each_event_to_the_previous_one(uma: User) -> None:
    first, second, third = record_three(uma)
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert first.chain == second.chain == third.chain  # one actor, no target: one chain
    assert AuditChainHead.objects.get(chain=third.chain).hash == third.hash
    assert verify_chain() == (3, None)
    assert "Audit chain intact: 3 events verified." in run_verify()


def test_it_names_an_event_edited_through_sql(uma: User) -> None:
    _first, second, _third = record_three(uma)
    raw_sql("UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"n": 99, "note": "ü"}', second.id])
    with pytest.raises(CommandError) as excinfo:
        run_verify()
    assert excinfo.value.returncode == 1
    assert (
        f"event #2 of chain {second.chain} (id {second.id}): its content was changed after it was recorded"
        in str(excinfo.value)
    )


def test_it_names_an_event_removed_through_sql(uma: User) -> None:
    _first, second, _third = record_three(uma)
    raw_sql("DELETE FROM audit_auditevent WHERE id = %s", [second.id])
    with pytest.raises(CommandError) as excinfo:
        run_verify()
    assert f"event #2 of chain {second.chain}: missing: the chain jumps from #1 to #3" in str(excinfo.value)


def test_it_notices_the_newest_event_removed(uma: User) -> None:
    *_rest, third = record_three(uma)
    raw_sql("DELETE FROM audit_auditevent WHERE id = %s", [third.id])
    checked, broken = verify_chain()
    assert checked == 2
    assert broken is not None and broken.seq == 3


def test_it_refuses_changes_through_the_orm(uma: User) -> None:
    event = record_event(action="test.once", actor=uma)
    event.action = "test.changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_it_refuses_raw_updates_in_postgresql(uma: User, postgres: None) -> None:
    event = record_event(action="test.once", actor=uma)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.id])


@pytest.mark.django_db
def test_it_records_system_events_without_an_actor() -> None:
    event = record_event(action="test.system", target_type="moderation.submission", target_id=42)
    assert (event.actor_label, event.target_type, event.target_id, event.ip) == (
        "system",
        "moderation.submission",
        "42",
        None,
    )


def test_it_keeps_each_targets_events_in_one_chain_and_spreads_targets(uma: User, bob: User) -> None:
    alice_events = [record_event(action="test.a", actor=uma, target=uma) for _ in range(3)]
    assert {event.chain for event in alice_events} == {alice_events[0].chain}
    assert [event.seq for event in alice_events][1:] == [alice_events[0].seq + 1, alice_events[0].seq + 2]
    chains = {
        record_event(action="test.t", target_type="moderation.submission", target_id=i).chain
        for i in range(200)
    }
    assert len(chains) == 16  # AUDIT_CHAINS
    assert verify_chain()[1] is None


def test_it_notices_an_event_moved_to_another_chain(uma: User) -> None:
    _first, second, _third = record_three(uma)
    other = (second.chain + 1) % 16
    raw_sql("UPDATE audit_auditevent SET chain = %s WHERE id = %s", [other, second.id])
    _checked, broken = verify_chain()
    assert broken is not None
    assert broken.chain in (second.chain, other)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sent", "stored"),
    [("2001:0DB8::0001", "2001:db8::1"), ("::ffff:10.0.0.1", "::ffff:10.0.0.1"), ("", None)],
)
def test_it_hashes_the_address_as_the_database_gives_it_back(sent: str, stored: str | None) -> None:
    """An IPv6 address in another spelling (a proxy's X-Forwarded-For) is stored in its canonical
    form; the hash covers that form, so the chain still verifies."""
    event = record_event(action="test.ip", target_type="t", target_id=1, ip=sent)
    assert event.ip == stored
    assert AuditEvent.objects.get(pk=event.pk).ip == stored
    assert verify_chain() == (1, None)
