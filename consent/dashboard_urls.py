"""Consent actions on a submission, under /submissions/<pk>/consent/ (login required)."""

from django.urls import path

from consent.views import dashboard

urlpatterns = [
    path("releases/<int:document_pk>/", dashboard.consent_release_file, name="consent_release_file"),
    path(
        "releases/<int:document_pk>/approve/",
        dashboard.consent_release_approve,
        name="consent_release_approve",
    ),
    path(
        "releases/<int:document_pk>/refuse/", dashboard.consent_release_refuse, name="consent_release_refuse"
    ),
    path("persons/<str:person_key>/send/", dashboard.consent_send, name="consent_send"),
    path("persons/<str:person_key>/remind/", dashboard.consent_remind, name="consent_remind"),
    path("persons/<str:person_key>/resend/", dashboard.consent_resend, name="consent_resend"),
    path(
        "persons/<str:person_key>/release/", dashboard.consent_release_upload, name="consent_release_upload"
    ),
    path("persons/<str:person_key>/self/", dashboard.consent_self, name="consent_self"),
]
