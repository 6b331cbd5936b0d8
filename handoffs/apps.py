"""App config for handoffs: handoff events and the check-ins they fire."""

from __future__ import annotations

from django.apps import AppConfig


class HandoffsConfig(AppConfig):
    name = "handoffs"
