"""Oversight pages, exports, the transparency report; health probes and /metrics; the staff-only
admin and django-rq dashboard (covered by prefix: only staff get in)."""

from tests.authorization.matrix import case

# anonymous alice bob mod senior admin
SENIORS = "302 403 403 403 200 200"
REVIEWERS = "302 403 403 200 200 200"

RULES = {
    "oversight_metrics": case("/oversight/metrics/", SENIORS),
    "oversight_search": case("/oversight/search/", REVIEWERS),
    "oversight_decided": case("/oversight/decided/", REVIEWERS),
    "oversight_export_decisions": case("/oversight/exports/decisions.csv", SENIORS),
    "oversight_export_audit_events": case("/oversight/exports/audit-events.csv", "302 403 403 403 403 200"),
    "oversight_transparency": case("/oversight/transparency/", SENIORS),
    "oversight_transparency_file": case("/oversight/transparency/report.csv", SENIORS),
    "healthz": case("/healthz", "* * * * * *"),
    "readyz": case("/readyz", "* * * * * *"),
    "prometheus_metrics": case("/metrics", "404 404 404 404 404 404"),
}

# Staff only: the admin and django-rq send everyone but the admin (staff) to the admin's login page.
# django-rq's JSON and Prometheus views answer a logged-in non-staff user 401. django-rq answers a
# queue index that does not exist with a 500 (IndexError): not checked for the admin here.
PREFIX_RULES = {
    "admin:django_rq_home_json": "302 401 401 401 401 *",
    "admin:django_rq_metrics": "302 401 401 401 401 *",
    "django_rq:home_json": "302 401 401 401 401 *",
    "django_rq:metrics": "302 401 401 401 401 *",
    "admin:django_rq_": "302 302 302 302 302 -",
    "django_rq:": "302 302 302 302 302 -",
    "admin:": "302 302 302 302 302 *",
}

RULES["admin:login"] = case("/admin/login/", "200 200 200 200 200 302")
