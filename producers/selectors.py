"""Reads of the producer list: its version, and the mapping the label engine looks producers up in."""

from collections.abc import Mapping

from labels.producers import KnownProducer
from producers.models import Producer, ProducerList

ListState = tuple[int, str]

# The mapping for one state of the list: every change bumps its version, so a worker reads the
# list once per change rather than once per label check.
_mappings: dict[ListState, dict[str, KnownProducer]] = {}


def producer_list_state() -> ListState:
    """The list's version and the moment it changed (which also tells a restored database apart)."""
    row = ProducerList.objects.filter(pk=1).values_list("version", "updated_at").first()
    return (row[0], row[1].isoformat()) if row else (0, "")


def known_producers(state: ListState | None = None) -> Mapping[str, KnownProducer]:
    """The list as ``labels.findings.evaluate(known_producers=...)`` takes it: key (TC260 code, USCC
    or lower-cased name) -> who the producer is and whether it is allowed or denied."""
    state = state or producer_list_state()
    if state not in _mappings:
        _mappings.clear()
        _mappings[state] = {
            key: KnownProducer(name, status, note)
            for key, name, status, note in Producer.objects.values_list("key", "name", "status", "note")
        }
    return _mappings[state]
