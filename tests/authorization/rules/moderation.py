"""Contributor pages, media, review, publication: alice's items in each status."""

from tests.authorization.matrix import Case, case
from tests.authorization.world import MISSING, World

# anonymous alice bob mod senior admin
EVERYONE_LOGGED_IN = "302 200 200 200 200 200"
REVIEWERS = "302 403 403 200 200 200"
POST_ONLY = "302 405 405 405 405 405"
REVIEWER_POST = "302 403 403 - - -"
STATUSES = ("draft", "awaiting", "escalated", "published", "rejected", "taken_down")

# Who reads alice's item in each status through the contributor's pages: alice always, bob never;
# reviewers never see a draft never submitted, and only seniors an escalated item.
READ = {
    "draft": "302 200 404 404 404 404",
    "awaiting": "302 200 404 200 200 200",
    "escalated": "302 200 404 403 200 200",
    "published": "302 200 404 200 200 200",
    "rejected": "302 200 404 200 200 200",
    "taken_down": "302 200 404 200 200 200",
}
# The review page: the contributor may not review her own (403).
REVIEW = {
    "draft": "302 403 404 404 404 404",
    "awaiting": "302 403 404 200 200 200",
    "escalated": "302 403 404 403 200 200",
    "published": "302 403 404 200 200 200",
    "rejected": "302 403 404 200 200 200",
    "taken_down": "302 403 404 200 200 200",
}
# Editing: alice only while a draft; the others read-only (403) or outsiders (404).
EDIT = {
    "draft": "302 200 404 404 404 404",
    "awaiting": "302 302 404 403 403 403",
    "escalated": "302 302 404 403 403 403",
    "published": "302 302 404 403 403 403",
    "rejected": "302 302 404 403 403 403",
    "taken_down": "302 302 404 403 403 403",
}


def per_status(url: str, table: dict[str, str], post: dict[str, str] | None = None) -> list[Case]:
    return [
        Case(lambda w, s=status: url.format(pk=w.item(s)), table[status], (post or {}).get(status), status)
        for status in STATUSES
    ]


def per_status_media(url: str, table: dict[str, str]) -> list[Case]:
    return [
        Case(lambda w, s=status: url.format(pk=w.item(s), media=w.media(s)), table[status], None, status)
        for status in STATUSES
    ]


def outsiders_post(status_table: dict[str, str]) -> dict[str, str]:
    """POST-only action of the contributor: bob and every reviewer must be refused."""
    return {status: "302 - 404 " + " ".join(row.split()[3:]) for status, row in status_table.items()}


CONTRIBUTOR_POST = {status: "302 405 405 405 405 405" for status in STATUSES}
CONTRIBUTOR_POST_REFUSED = {
    status: "302 - 404 " + ("404 404 404" if status == "draft" else "403 403 403") for status in STATUSES
}


def post_only(url: str, refused: dict[str, str]) -> list[Case]:
    return [
        Case(lambda w, s=status: url.format(pk=w.item(s)), CONTRIBUTOR_POST[status], refused[status], status)
        for status in STATUSES
    ]


def published_media(w: World) -> str:
    return f"/p/{w.item('published')}/media/{w.rendition('published')}/"


RULES: dict[str, list[Case]] = {
    "home": case("/", "302 302 302 302 302 302"),
    "submission_list": case("/submissions/", "302 200 200 403 403 403"),
    "submission_new": case("/submissions/new/", "302 200 200 403 403 403", post="302 - - 403 403 403"),
    "submission_detail": per_status("/submissions/{pk}/", READ),
    "submission_checks_status": per_status("/submissions/{pk}/checks.json", READ),
    "submission_edit": per_status("/submissions/{pk}/edit/", EDIT),
    "submission_submit": post_only("/submissions/{pk}/submit/", CONTRIBUTOR_POST_REFUSED),
    "submission_withdraw": post_only("/submissions/{pk}/withdraw/", CONTRIBUTOR_POST_REFUSED),
    "submission_revise": post_only("/submissions/{pk}/revise/", CONTRIBUTOR_POST_REFUSED),
    "submission_delete": post_only("/submissions/{pk}/delete/", CONTRIBUTOR_POST_REFUSED),
    "media_file": per_status_media("/submissions/{pk}/media/{media}/", READ),
    "media_thumbnail": per_status_media("/submissions/{pk}/media/{media}/thumbnail/", READ),
    # Unlabelled originals exist for published AI content only; none of these items is AI (404).
    "unlabelled_request": per_status_media(
        "/submissions/{pk}/media/{media}/unlabelled/",
        {
            st: "302 404 404 403 404 404" if st == "escalated" else "302 404 404 404 404 404"
            for st in STATUSES
        },
    ),
    "unlabelled_request_submit": per_status_media(
        "/submissions/{pk}/media/{media}/unlabelled/request/", {s: POST_ONLY for s in STATUSES}
    ),
    "unlabelled_delivery": case(f"/deliveries/{MISSING}/", "302 404 404 404 404 404"),
    "unlabelled_delivery_download": case(f"/deliveries/{MISSING}/download/", POST_ONLY),
    "submission_rerun_checks": [
        Case(
            lambda w, s=status: f"/submissions/{w.item(s)}/rerun-checks/",
            POST_ONLY,
            "302 403 404 " + " ".join(REVIEW[status].split()[3:]).replace("200", "-"),
            status,
        )
        for status in STATUSES
    ],
    "review_home": case("/review/", REVIEWERS),
    "review_settings_toggle_blur": case("/review/settings/blur/", POST_ONLY, REVIEWER_POST),
    "bulk_grid": case("/review/bulk/", REVIEWERS),
    "bulk_decide": case("/review/bulk/decide/", POST_ONLY, REVIEWER_POST),
    "queue_list": case("/review/queue/review/", REVIEWERS, label="review")
    + case("/review/queue/escalated/", "302 403 403 403 200 200", label="escalated")
    + case("/review/queue/takedown/", REVIEWERS, label="takedown")
    + case("/review/queue/mine/", REVIEWERS, label="mine")
    + case("/review/queue/nonsense/", "302 403 403 404 404 404", label="unknown"),
    "queue_claim_next": case("/review/queue/review/claim-next/", POST_ONLY, REVIEWER_POST)
    + case("/review/queue/escalated/claim-next/", POST_ONLY, "302 403 403 403 - -", label="escalated"),
    "review_item": per_status("/review/items/{pk}/", REVIEW),
    "review_item_claim": post_only("/review/items/{pk}/claim/", {s: "302 403 404 - - -" for s in STATUSES}),
    "review_item_heartbeat": post_only(
        "/review/items/{pk}/heartbeat/", {s: "302 403 404 - - -" for s in STATUSES}
    ),
    "review_item_release": post_only(
        "/review/items/{pk}/release/", {s: "302 403 404 - - -" for s in STATUSES}
    ),
    "review_item_decide": post_only("/review/items/{pk}/decide/", {s: "302 403 404 - - -" for s in STATUSES}),
    "review_item_note": post_only("/review/items/{pk}/notes/", {s: "302 403 404 - - -" for s in STATUSES}),
    "item_take_down": post_only("/review/items/{pk}/takedown/", {s: "302 403 404 - - -" for s in STATUSES}),
    "item_reinstate": post_only("/review/items/{pk}/reinstate/", {s: "302 403 404 - - -" for s in STATUSES}),
    "item_refute": post_only("/review/items/{pk}/refute/", {s: "302 403 404 - - -" for s in STATUSES}),
    "review_item_deepfake": post_only(
        "/review/items/{pk}/deepfake/", {s: "302 403 404 - - -" for s in STATUSES}
    ),
    "review_item_deepfake_clear": post_only(
        "/review/items/{pk}/deepfake/clear/", {s: "302 403 404 - - -" for s in STATUSES}
    ),
    "bank_add_item": post_only("/review/items/{pk}/banks/add/", {s: "302 403 404 - - -" for s in STATUSES}),
    "refutation_list": case("/review/refutations/", REVIEWERS),
    "refutation_report": case(f"/review/refutations/{MISSING}/report/", POST_ONLY, "302 403 403 - - -"),
    "refutation_withdraw": case(f"/review/refutations/{MISSING}/withdraw/", POST_ONLY, "302 403 403 - - -"),
    # Published content is public; anything else is not there for anyone (404).
    "publication": [
        Case(
            lambda w, s=status: f"/p/{w.item(s)}/",
            "200 200 200 200 200 200" if status == "published" else "404 404 404 404 404 404",
            None,
            status,
        )
        for status in STATUSES
    ],
    "publication_media": case(published_media, "200 200 200 200 200 200", label="published")
    + case(f"/p/1/media/{MISSING}/", "404 404 404 404 404 404", label="missing"),
    "notification_list": case("/notifications/", EVERYONE_LOGGED_IN),
    "notification_read_all": case("/notifications/read/", POST_ONLY),
}
