"""Complaints in the admin: to look at, never to change (senior moderators answer them in the
complaints queue, through the services)."""

from django.contrib import admin

from complaints.models import Complaint
from notices.admin import LookOnlyAdmin


@admin.register(Complaint)
class ComplaintAdmin(LookOnlyAdmin):
    list_display = [
        "id",
        "complainant_kind",
        "decision",
        "sanction",
        "state",
        "received_at",
        "due_at",
        "decided_at",
    ]
    list_filter = ["state", "complainant_kind"]
    raw_id_fields = ["decision", "sanction", "submission", "notice", "result_decision"]
