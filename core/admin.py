"""Django admin for operators: the audit log and the task outbox, read-only."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.models import AuditEntry, OutboxTask


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "organization", "actor", "action", "object_type", "object_id")
    list_filter = ("organization", "action")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    """Tasks waiting for the broker (core/outbox.py); beat's core.drain_outbox publishes them."""

    list_display = ("created_at", "name", "args", "attempts", "last_error")
    readonly_fields = [f.name for f in OutboxTask._meta.fields]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
