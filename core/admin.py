"""Django admin for operators: the audit log, read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "organization", "actor", "action", "object_type", "object_id")
    list_filter = ("organization", "action")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
