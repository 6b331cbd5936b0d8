"""App config for dashboards: the leader's overview, heatmap, trends and exports."""

from __future__ import annotations

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"

    def ready(self) -> None:
        from core import registry
        from dashboards.tasks import round_digest_queue

        # A closed round is a release of results until a 'release_published' event exists.
        registry.round_scores_changed.register("dashboards", round_digest_queue)
