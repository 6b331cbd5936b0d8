"""App config for dashboards: the leader's overview, heatmap, trends and exports."""

from __future__ import annotations

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
