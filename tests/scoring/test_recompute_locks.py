"""A recompute holding its organization does not block team edits (issue 14: on PostgreSQL a
team rename during a recompute deadlocked). Only transactional tests live here: a file that mixes
them with TestCases runs its flush in the middle of other files under xdist --dist loadfile."""

from __future__ import annotations

import threading
from typing import Any
from unittest import mock

import pytest
from django.db import connection, connections, transaction
from django.test import TransactionTestCase

from orgs.models import Organization, Team
from orgs.services import team_update
from tests.base import make_user


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row-lock modes (FOR UPDATE vs FOR KEY SHARE) exist only on PostgreSQL",
)
class RecomputeLockTests(TransactionTestCase):
    serialized_rollback = True

    def test_a_team_rename_goes_through_while_a_recompute_holds_the_org(self) -> None:
        org = Organization.objects.create(name="Locks", slug="locks")
        team = Team.objects.create(organization=org, name="Before")
        admin = make_user("lockadmin")
        holding, release = threading.Event(), threading.Event()
        errors: list[str] = []

        def scores_while_holding(**kwargs: Any) -> list[Any]:
            holding.set()  # the recompute's transaction now holds its org lock
            release.wait(10)
            return []

        def recompute() -> None:
            try:
                from scoring.services import snapshot_recompute

                snapshot_recompute(org_id=org.id)
            except Exception as exc:  # any failure must fail the test
                errors.append(repr(exc))
            finally:
                connections.close_all()

        with mock.patch("scoring.services.org_scores", side_effect=scores_while_holding):
            worker = threading.Thread(target=recompute)
            worker.start()
            try:
                assert holding.wait(10)
                with transaction.atomic():
                    # Waiting on the recompute's lock is the bug: fail fast instead of hanging.
                    with connection.cursor() as cur:
                        cur.execute("SET LOCAL lock_timeout = '3s'")
                    team_update(team=team, actor=admin, name="After")
            finally:
                release.set()
                worker.join(20)
        assert not errors, errors
        team.refresh_from_db()
        assert team.name == "After"
