"""Top-level URLs. Django's auth URLs and the admin stay where deployment scripts expect them."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts.views import home

urlpatterns = [
    path("admin/django-rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", home, name="home"),
    path("", include("moderation.urls")),
    # Metrics, search, exports, the DSA transparency report; health and Prometheus endpoints.
    path("oversight/", include("oversight.urls")),
    path("", include("operations.urls")),
    # Consent: the public pages a depicted person reaches by link, and the actions on a submission.
    path("consent/", include("consent.urls")),
    path("submissions/<int:pk>/consent/", include("consent.dashboard_urls")),
]
