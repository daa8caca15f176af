"""Search across submissions for moderators, and the list of decided items.

Text is matched with PostgreSQL full text search over every revision's title and text, through the
GIN index oversight's migration builds (each word a prefix, all words required); on SQLite it falls
back to a plain case-insensitive match. Identifiers are exact: a contributor's username, a file's
SHA-256, a C2PA manifest id or a TC260 ProduceID (LabelIdentifier). Pages count at most COUNT_CAP
matches, so a broad search costs the same as a narrow one."""

import re
from dataclasses import dataclass
from datetime import date
from typing import cast

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from moderation.models import MediaFile, Revision, Status, Submission
from oversight.metrics.days import day_bounds
from oversight.models import LabelIdentifier

COUNT_CAP = 1000
DECIDED_STATUSES = (Status.APPROVED, Status.REJECTED, Status.CHANGES_REQUESTED)


# Revisions whose title and text match a tsquery, through the GIN index oversight_revision_fulltext_idx
# (the very expression it is built on).
FULLTEXT_SQL = (
    "SELECT submission_id FROM moderation_revision "
    "WHERE to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(body, '')) "
    "@@ to_tsquery('simple'::regconfig, %s)"
)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    contributor: str = ""
    sha256: str = ""
    c2pa_manifest: str = ""
    produce_id: str = ""
    status: str = ""
    tier: str = ""
    queue: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__)


def _text_query(text: str) -> str:
    """Words as a tsquery: each word a prefix, all required. Only word characters go in."""
    words = re.findall(r"\w+", text.lower())[:8]
    return " & ".join(f"{word}:*" for word in words)


def _matching(text: str, submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """Submissions with a revision matching the words.

    PostgreSQL cannot tell how many revisions a word matches (its estimate is a fixed share), so it
    may walk the newest submissions and recompute every vector until 25 match: seconds for a rare
    word. So the matches are counted first, up to COUNT_CAP: a few are looked up by id; many are
    left to that walk, which is quick when matches are dense."""
    if connection.vendor != "postgresql":
        revisions = Revision.objects.filter(Q(title__icontains=text) | Q(body__icontains=text))
        return submissions.filter(pk__in=revisions.values("submission_id"))
    tsquery = _text_query(text)
    if not tsquery:
        return submissions.none()
    with connection.cursor() as cursor:
        cursor.execute(FULLTEXT_SQL + " LIMIT %s", [tsquery, COUNT_CAP + 1])
        ids = {row[0] for row in cursor.fetchall()}
    if len(ids) <= COUNT_CAP:
        return submissions.filter(pk__in=ids)
    return submissions.filter(pk__in=RawSQL(FULLTEXT_SQL, [tsquery]))


def _filtered(query: SearchQuery, submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    if query.text.strip():
        submissions = _matching(query.text, submissions)
    if query.contributor:
        submissions = submissions.filter(contributor__username=query.contributor.strip())
    if query.sha256:
        files = MediaFile.objects.filter(sha256=query.sha256.strip().lower())
        submissions = submissions.filter(pk__in=files.values("revision__submission_id"))
    for kind, value in (
        (LabelIdentifier.Kind.C2PA_MANIFEST, query.c2pa_manifest),
        (LabelIdentifier.Kind.TC260_PRODUCE_ID, query.produce_id),
    ):
        if value:
            found = LabelIdentifier.objects.filter(kind=kind, value=value.strip())
            submissions = submissions.filter(pk__in=found.values("submission_id"))
    if query.status:
        submissions = submissions.filter(status=query.status)
    if query.tier:
        submissions = submissions.filter(tier=query.tier)
    if query.queue:
        submissions = submissions.filter(queue=query.queue)
    return submissions


def _listed(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    return submissions.select_related("current_revision", "contributor").only(
        "id",
        "status",
        "queue",
        "tier",
        "created_at",
        "submitted_at",
        "decided_at",
        "current_revision__title",
        "contributor__username",
    )


def search_submissions(query: SearchQuery) -> QuerySet[Submission]:
    """Submissions matching every field given, newest first (by submission time when a date range
    is given, by creation otherwise); submitted between the dates."""
    submissions = _filtered(query, Submission.objects.all())
    if query.date_from:
        submissions = submissions.filter(submitted_at__gte=day_bounds(query.date_from)[0])
    if query.date_to:
        submissions = submissions.filter(submitted_at__lt=day_bounds(query.date_to)[1])
    if query.date_from or query.date_to:
        # The order of oversight_submission_submitted_idx: the range is one stretch of it.
        return _listed(submissions).order_by(F("submitted_at").desc(nulls_last=True), "-id")
    return _listed(submissions).order_by("-id")


def decided_submissions(query: SearchQuery) -> QuerySet[Submission]:
    """Decided items (approved, rejected, changes requested), most recently decided first;
    decided between the dates."""
    submissions = _filtered(
        query, Submission.objects.filter(status__in=DECIDED_STATUSES, decided_at__isnull=False)
    )
    if query.date_from:
        submissions = submissions.filter(decided_at__gte=day_bounds(query.date_from)[0])
    if query.date_to:
        submissions = submissions.filter(decided_at__lt=day_bounds(query.date_to)[1])
    return _listed(submissions).order_by("-decided_at", "-id")


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows: past that the page list says "1000+"."""

    @cached_property
    def count(self) -> int:
        return cast(QuerySet, self.object_list)[: COUNT_CAP + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def limit(self) -> int:
        return COUNT_CAP

    @property
    def pages_at_least(self) -> int:
        return self.num_pages


def page_of(submissions: QuerySet[Submission], number: str | None, per_page: int = 25) -> Page:
    return CappedPaginator(submissions, per_page).get_page(number)
