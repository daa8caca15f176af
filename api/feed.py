"""The change feed's horizon: the moment before which no change can still be committed.

The feed pages by (`updated_at`, pk), and `updated_at` is read from the clock inside the
transaction that makes the change, before it commits. A transaction that stamps T and commits
after a sync has read a row stamped T' > T would land behind the CMS's cursor and never be read.
So the feed holds back the newest changes: it shows only rows stamped at or before the horizon,
and a page's cursor never passes it.

- Everywhere: the horizon is API_FEED_SETTLE_SECONDS before now. Sound when every transaction
  commits within that time of its stamp (the services stamp last, after any slow work) and the
  servers' clocks agree to within it. SQLite shows no open transactions: there this is all.
- PostgreSQL also knows which transactions are still open and have written: none of them stamped
  before it began, so the horizon is also held at the start of the oldest of them in this
  database, less the settle time (for the clocks, and the moment between reading the clock and
  the first write). A long transaction (a slow lock wait, a large sweep) then delays the feed
  instead of slipping a change past it. Transactions that only read (a report, a backup) cannot
  stamp anything and do not hold it back.

Why not a transaction-id column paged by txid_snapshot_xmin(txid_current_snapshot()): exact, but
it needs a column written by every stamp, a new page order and a new cursor (the clients' cursors
hold a time), and it exists only on PostgreSQL; the start of the oldest writing transaction gives
nearly the same guarantee (within the settle time's margin) over the column the feed pages by.
"""

import datetime
import logging

from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

# A writing transaction open this long holds every CMS's sync back: say so (a forgotten shell, a
# hung job; `idle_in_transaction_session_timeout` ends such sessions).
HELD_BACK_WARNING = datetime.timedelta(minutes=5)

# Sessions of this database in a transaction that has written (it has a transaction id), other
# than the one asking. The application's role sees its own sessions; pg_stat_activity hides other
# roles' unless the role has pg_read_all_stats.
OLDEST_WRITING_TRANSACTION = """
    SELECT min(xact_start) FROM pg_stat_activity
    WHERE datname = current_database() AND backend_type = 'client backend'
      AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL
"""


def oldest_writing_transaction() -> datetime.datetime | None:
    """When the oldest transaction still open in this database that has written began
    (PostgreSQL), else None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # pg_stat_activity is read once per transaction and kept: ask for the sessions as they are now.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(OLDEST_WRITING_TRANSACTION)
        row = cursor.fetchone()
    return row[0] if row else None


def feed_horizon() -> datetime.datetime:
    """The feed shows changes stamped at or before this moment; see the module docstring."""
    now = timezone.now()
    horizon = now
    oldest = oldest_writing_transaction()
    if oldest is not None:
        horizon = min(horizon, oldest)
        if now - oldest >= HELD_BACK_WARNING:
            logger.warning(
                "The API change feed is held back %d s by a transaction open since %s "
                "(pg_stat_activity shows which session)",
                (now - oldest).total_seconds(),
                oldest.isoformat(),
            )
    return horizon - datetime.timedelta(seconds=settings.API_FEED_SETTLE_SECONDS)
