from django.urls import path

from oversight.views import exports, metrics, search, transparency

urlpatterns = [
    path("metrics/", metrics.metrics, name="oversight_metrics"),
    path("search/", search.search, name="oversight_search"),
    path("decided/", search.decided, name="oversight_decided"),
    path("exports/decisions.csv", exports.export_decisions, name="oversight_export_decisions"),
    path("exports/audit-events.csv", exports.export_audit_events, name="oversight_export_audit_events"),
    path("transparency/", transparency.transparency, name="oversight_transparency"),
    path("transparency/report.<str:fmt>", transparency.transparency_file, name="oversight_transparency_file"),
]
