"""Public consent pages under /consent/: reached from a message, no login, the signed link is the key."""

from django.urls import path

from consent.views import public

urlpatterns = [
    path("done/", public.consent_done, name="consent_done"),
    path("withdraw/<str:token>/", public.consent_withdraw_page, name="consent_withdraw"),
    path("withdraw/<str:token>/confirm/", public.consent_withdraw_submit, name="consent_withdraw_submit"),
    path("<str:token>/", public.consent_page, name="consent_page"),
    path("<str:token>/grant/", public.consent_grant_submit, name="consent_grant"),
    path("<str:token>/refuse/", public.consent_refuse_submit, name="consent_refuse"),
    path("<str:token>/media/<int:media_pk>/", public.consent_media, name="consent_media"),
]
