"""Top-level URLs. Django's auth URLs and the admin stay where deployment scripts expect them."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from accounts.views import home

admin.site.site_header = format_lazy(_("{site} administration"), site=settings.SITE_NAME)
admin.site.site_title = admin.site.site_header
# The app list is one click away on the admin's home page; beside the filters on the right, a
# left-hand app list left the change lists too narrow at 1366 px (their last columns scrolled away).
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("admin/django-rq/", include("django_rq.urls")),
    path("admin/", admin.site.urls),
    # The publisher API for machine clients (API keys), its schema and docs.
    path("api/", include("api.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("", home, name="home"),
    path("", include("moderation.urls")),
    path("", include("banks.urls")),
    path("", include("notifications.urls")),
    # Metrics, search, exports, the DSA transparency report; health and Prometheus endpoints.
    path("oversight/", include("oversight.urls")),
    path("", include("operations.urls")),
    # Notices (public form, policy page, the notices queue) and complaints.
    path("", include("notices.urls")),
    path("", include("complaints.urls")),
    # Consent: the public pages a depicted person reaches by link, and the actions on a submission.
    path("consent/", include("consent.urls")),
    path("submissions/<int:pk>/consent/", include("consent.dashboard_urls")),
]

# Our own error pages (templates/403.html and 404.html go through Django's handlers).
handler400 = "config.views.bad_request"
handler500 = "config.views.server_error"
