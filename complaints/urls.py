from django.urls import path

from complaints.views import answering, filing

urlpatterns = [
    # The contributor, from a decision on their content (login); notifiers and account holders by link.
    path("complaints/decisions/<int:pk>/", filing.complaint_new, name="complaint_new"),
    path("complaints/link/<str:token>/", filing.complaint_by_link, name="complaint_by_link"),
    # Senior moderators: the complaints queue.
    path("complaints/", answering.complaint_queue, name="complaint_queue"),
    path("complaints/claim-next/", answering.complaint_claim_next_view, name="complaint_claim_next"),
    path("complaints/<int:pk>/", answering.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/claim/", answering.complaint_claim_view, name="complaint_claim"),
    path("complaints/<int:pk>/release/", answering.complaint_release_view, name="complaint_release"),
    path("complaints/<int:pk>/decide/", answering.complaint_decide_view, name="complaint_decide"),
]
