"""Account URLs, under /accounts/ next to Django's own auth URLs (which come after these)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from accounts.forms import AccountAuthenticationForm
from accounts.views import account, language, sanctions, signup, terms, verification

urlpatterns = [
    # Django's login view with a form that explains closed and suspended accounts.
    path(
        "login/",
        login_not_required(auth_views.LoginView.as_view(authentication_form=AccountAuthenticationForm)),
        name="login",
    ),
    path("signup/", signup.signup, name="signup"),
    path("signup/create/", signup.signup_create, name="signup_create"),
    path("terms/", terms.terms_accept_page, name="terms_accept"),
    path("terms/accept/", terms.terms_accept_submit, name="terms_accept_submit"),
    path("me/", account.account, name="account"),
    path("me/language/", language.account_language, name="account_language"),
    path("verify/phone/", verification.verify_phone, name="verify_phone"),
    path("verify/phone/send/", verification.verify_phone_send, name="verify_phone_send"),
    path("verify/phone/<int:pk>/", verification.verify_phone_code, name="verify_phone_code"),
    path("verify/phone/<int:pk>/confirm/", verification.verify_phone_confirm, name="verify_phone_confirm"),
    path("verify/id-card/", verification.verify_id_card, name="verify_id_card"),
    path("verify/id-card/submit/", verification.verify_id_card_submit, name="verify_id_card_submit"),
    path("verify/uscc/", verification.verify_uscc, name="verify_uscc"),
    path("verify/uscc/submit/", verification.verify_uscc_submit, name="verify_uscc_submit"),
    path("verify/national/", verification.verify_national, name="verify_national"),
    path("verify/national/start/", verification.verify_national_start, name="verify_national_start"),
    path("verify/national/callback/", verification.verify_national_callback, name="verify_national_callback"),
    path("verify/document/", verification.verify_document, name="verify_document"),
    path("verify/document/upload/", verification.verify_document_upload, name="verify_document_upload"),
    path("identity-documents/<int:pk>/", verification.identity_document, name="identity_document"),
    path("warnings/<int:pk>/acknowledge/", sanctions.warning_acknowledge, name="warning_acknowledge"),
]
