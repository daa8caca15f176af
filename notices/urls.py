from django.urls import path

from notices.views import cases, public

urlpatterns = [
    # Anyone, no login: report content, and how reports and complaints are handled.
    path("report/", public.notice_form, name="notice_form"),
    path("report/received/", public.notice_received, name="notice_received"),
    path("policy/", public.moderation_policy, name="moderation_policy"),
    # Moderators: the notices queue.
    path("notices/", cases.notice_queue, name="notice_queue"),
    path("notices/claim-next/", cases.notice_claim_next, name="notice_claim_next"),
    path("notices/cases/<int:pk>/", cases.notice_case, name="notice_case"),
    path("notices/cases/<int:pk>/claim/", cases.notice_case_claim_view, name="notice_case_claim"),
    path("notices/cases/<int:pk>/release/", cases.notice_case_release_view, name="notice_case_release"),
    path("notices/cases/<int:pk>/decide/", cases.notice_case_decide_view, name="notice_case_decide"),
]
