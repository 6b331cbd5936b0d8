"""App config for dashboards: the leader's overview, heatmap, trends and exports."""

from __future__ import annotations

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"

    def ready(self) -> None:
        from core import registry
        from dashboards.invalidation import invalidation_connect
        from dashboards.tasks import release_digest_queue
        from dashboards.warm import warm_overview_queue

        # One digest per published release (not per round): scoring announces it on commit.
        registry.release_published.register("dashboards", release_digest_queue)
        # The overview of each admin and leader, built once per release (dashboards.warm).
        registry.release_published.register("dashboards_warm", warm_overview_queue)
        # Every write a dashboard page shows moves the org's reads version (page cache).
        invalidation_connect()
