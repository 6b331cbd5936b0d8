"""App config for execution: work-item imports and flow metrics per team and period."""

from __future__ import annotations

from django.apps import AppConfig


class ExecutionConfig(AppConfig):
    name = "execution"
