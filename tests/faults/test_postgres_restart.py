"""PostgreSQL restarted under load: only the requests inside the restart fail, no manual action.

A private cluster gets a copy of this test's database; gunicorn serves it (persistent
connections, CONN_HEALTH_CHECKS on). A client loop of authenticated API reads runs across a
`pg_ctl restart`: every request before the restart and every request that starts after it
has finished succeeds; the web server is neither restarted nor told anything.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.test import TransactionTestCase

from orgs.models import Organization, Role, Team
from surveys.rubric_io import rubric_install, rubric_read
from tests.factories import api_token_make, people_make, user_make
from tests.faults.harness import (
    Gunicorn,
    PostgresCluster,
    app_env,
    database_url_for_workers,
    get,
    services_only,
)


@services_only
class PostgresRestartTests(TransactionTestCase):
    serialized_rollback = True

    def test_requests_fail_only_inside_a_postgres_restart(self) -> None:
        rubric_install(data=rubric_read())
        org = Organization.objects.create(name="Restart Co", slug="restart-co")
        team = Team.objects.create(organization=org, name="Crew")
        people_make(org=org, team=team, n=5)
        admin = user_make(org=org, role=Role.ADMIN)
        key = api_token_make(user=admin, org=org, scope="read")
        assert settings.DATABASES["default"].get("CONN_HEALTH_CHECKS") is True
        cluster = PostgresCluster()
        server = None
        results: list[tuple[float, float, int]] = []  # (started, ended, status)
        try:
            cluster.start()
            cluster.copy_database_from(database_url_for_workers())
            server = Gunicorn(
                app_env(database_url=cluster.url(), broker_url=settings.CELERY_BROKER_URL),
                workers=2,
            )
            url = f"{server.base_url}/api/v1/teams/"
            headers = {"Authorization": f"Token {key}"}
            assert get(url, headers)[0] == 200
            stop = threading.Event()

            def loop() -> None:
                while not stop.is_set():
                    started = time.monotonic()
                    status = get(url, headers, timeout=15)[0]
                    results.append((started, time.monotonic(), status))
                    time.sleep(0.02)

            client = threading.Thread(target=loop)
            client.start()
            time.sleep(2)
            restart_began = time.monotonic()
            cluster.restart()
            restart_ended = time.monotonic()
            time.sleep(3)
            stop.set()
            client.join(30)
        finally:
            log = server.stop() if server is not None else ""
            cluster.close()
        before = [s for start, end, s in results if end < restart_began]
        inside = [s for start, end, s in results if end >= restart_began and start <= restart_ended]
        after = [s for start, end, s in results if start > restart_ended]
        print(
            f"postgres restart took {restart_ended - restart_began:.1f}s: "
            f"{len(before)} requests before, {len(inside)} during "
            f"({sum(s != 200 for s in inside)} failed), {len(after)} after"
        )
        assert before and after, "the client loop did not run across the restart"
        assert set(before) == {200}
        assert set(after) == {200}, (after, log[-3000:])
