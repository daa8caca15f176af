from django.urls import path

from moderation.views import media, review, submissions

urlpatterns = [
    path("submissions/", submissions.submission_list, name="submission_list"),
    path("submissions/new/", submissions.submission_new, name="submission_new"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/edit/", submissions.submission_edit, name="submission_edit"),
    path("submissions/<int:pk>/submit/", submissions.submission_submit, name="submission_submit"),
    path("submissions/<int:pk>/withdraw/", submissions.submission_withdraw, name="submission_withdraw"),
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
    path(
        "submissions/<int:pk>/rerun-checks/", review.submission_rerun_checks, name="submission_rerun_checks"
    ),
    path("review/", review.review_home, name="review_home"),
]
