from django.urls import path

from moderation.intake import media_views as media
from moderation.intake import views as submissions
from moderation.publication import actions as published
from moderation.publication import download_views as downloads
from moderation.publication import views as publication
from moderation.review import bulk
from moderation.review import views as review

urlpatterns = [
    # Contributors
    path("submissions/", submissions.submission_list, name="submission_list"),
    path("submissions/new/", submissions.submission_new, name="submission_new"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/edit/", submissions.submission_edit, name="submission_edit"),
    path("submissions/<int:pk>/submit/", submissions.submission_submit, name="submission_submit"),
    path("submissions/<int:pk>/withdraw/", submissions.submission_withdraw, name="submission_withdraw"),
    path("submissions/<int:pk>/delete/", submissions.submission_delete, name="submission_delete"),
    path("submissions/<int:pk>/revise/", submissions.submission_revise, name="submission_revise"),
    path(
        "submissions/<int:pk>/checks.json",
        submissions.submission_checks_status,
        name="submission_checks_status",
    ),
    path("submissions/<int:pk>/media/<int:media_pk>/", media.media_file, name="media_file"),
    path(
        "submissions/<int:pk>/media/<int:media_pk>/thumbnail/", media.media_thumbnail, name="media_thumbnail"
    ),
    # Unlabelled originals on request (R32)
    path(
        "submissions/<int:pk>/media/<int:media_pk>/unlabelled/",
        downloads.unlabelled_request_form,
        name="unlabelled_request",
    ),
    path(
        "submissions/<int:pk>/media/<int:media_pk>/unlabelled/request/",
        downloads.unlabelled_request,
        name="unlabelled_request_submit",
    ),
    path("deliveries/<int:pk>/", downloads.unlabelled_delivery, name="unlabelled_delivery"),
    path(
        "deliveries/<int:pk>/download/",
        downloads.unlabelled_delivery_download,
        name="unlabelled_delivery_download",
    ),
    path(
        "submissions/<int:pk>/rerun-checks/", review.submission_rerun_checks, name="submission_rerun_checks"
    ),
    # Moderators
    path("review/", review.review_home, name="review_home"),
    path("review/settings/blur/", review.review_settings_toggle_blur, name="review_settings_toggle_blur"),
    path("review/bulk/", bulk.bulk_grid, name="bulk_grid"),
    path("review/bulk/decide/", bulk.bulk_decide, name="bulk_decide"),
    path("review/queue/<str:queue>/", review.queue_list, name="queue_list"),
    path("review/queue/<str:queue>/claim-next/", review.queue_claim_next, name="queue_claim_next"),
    path("review/items/<int:pk>/", review.review_item, name="review_item"),
    path("review/items/<int:pk>/claim/", review.review_item_claim, name="review_item_claim"),
    path("review/items/<int:pk>/heartbeat/", review.review_item_heartbeat, name="review_item_heartbeat"),
    path("review/items/<int:pk>/release/", review.review_item_release, name="review_item_release"),
    path("review/items/<int:pk>/decide/", review.review_item_decide, name="review_item_decide"),
    path("review/items/<int:pk>/notes/", review.review_item_note, name="review_item_note"),
    path("review/items/<int:pk>/deepfake/", review.review_item_deepfake, name="review_item_deepfake"),
    path(
        "review/items/<int:pk>/deepfake/clear/",
        review.review_item_deepfake_clear,
        name="review_item_deepfake_clear",
    ),
    # Moderators: published content (take down, restrict, reinstate, refute)
    path("review/items/<int:pk>/takedown/", published.item_take_down, name="item_take_down"),
    path("review/items/<int:pk>/reinstate/", published.item_reinstate, name="item_reinstate"),
    path("review/items/<int:pk>/refute/", published.item_refute, name="item_refute"),
    path("review/refutations/", published.refutation_list, name="refutation_list"),
    path("review/refutations/<int:pk>/report/", published.refutation_report, name="refutation_report"),
    path(
        "review/refutations/<int:pk>/withdraw/",
        published.refutation_withdraw_view,
        name="refutation_withdraw",
    ),
    # Readers: published content with its AI labels
    path("p/<int:pk>/", publication.publication, name="publication"),
    path("p/<int:pk>/media/<int:rendition_pk>/", publication.publication_media, name="publication_media"),
]
