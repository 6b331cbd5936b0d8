"""App config for workshops: preparing, running and following up facilitator workshops."""

from __future__ import annotations

from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"
