"""Whole-response cache of the dashboard pages: shared by readers of one scope, never across
scopes or orgs, checked for permission before it is served, and dropped by every write."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.db.models.signals import post_save
from django.http import HttpRequest
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import registry
from core.reads import reads_version
from dashboards.invalidation import WATCHED
from decisions.services import decision_create
from execution.services_api import observations_receive
from orgs.models import Membership, Role
from orgs.services import organization_update, team_update
from scoring.services import snapshot_recompute
from tests.base import BaseTestCase
from tests.factories import user_make
from tests.scoring.db_fixture import build
from workshops.services import commitment_create, workshop_create

PAGES = ["dashboards:overview", "dashboards:heatmap", "dashboards:trends"]


@override_settings(DASHBOARD_PAGE_CACHE=True)
class PageCacheTests(BaseTestCase):
    def setUp(self) -> None:
        build(self.org, {"platform": self.platform, "mobile": self.mobile, "sales": self.sales})
        snapshot_recompute(org_id=self.org.id)

    def get(self, user: Any, name: str, **params: Any) -> Any:
        self.client.force_login(user)
        return self.client.get(reverse(name), params)

    def state(self, res: Any) -> str:
        return str(res.headers.get("X-Page-Cache", ""))

    def test_the_second_read_of_a_page_is_a_hit_with_the_same_body(self) -> None:
        for name in PAGES:
            with self.subTest(name=name):
                first = self.get(self.owner, name)
                again = self.get(self.owner, name)
                self.assertEqual((first.status_code, self.state(first)), (200, "miss"))
                self.assertEqual((again.status_code, self.state(again)), (200, "hit"))
                strip = [r.content.decode().split("<main", 1)[1] for r in (first, again)]
                self.assertEqual(strip[0], strip[1])

    def test_two_leaders_of_one_department_share_a_page_but_each_sees_their_own_name(
        self,
    ) -> None:
        twin = user_make(username="twin-leader", org=self.org, role=Role.LEADER, teams=[self.eng])
        mine = self.get(self.leader, "dashboards:overview")
        theirs = self.get(twin, "dashboards:overview")
        self.assertEqual(self.state(theirs), "hit")
        body = theirs.content.decode()
        self.assertIn("<span>twin-leader</span>", body)
        self.assertNotIn("<span>leader</span>", body)
        self.assertIn("<span>leader</span>", mine.content.decode())
        # The hit carries a CSRF token valid for this reader (the log-out form works).
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(twin)
        hit = strict.get(reverse("dashboards:overview"))
        self.assertEqual(self.state(hit), "hit")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', hit.content.decode())
        assert token is not None
        self.assertEqual(strict.post(reverse("logout")).status_code, 403)
        res = strict.post(reverse("logout"), {"csrfmiddlewaretoken": token.group(1)})
        self.assertEqual(res.status_code, 302)

    def test_readers_of_different_scopes_never_get_each_others_page(self) -> None:
        for name in ["dashboards:heatmap", "dashboards:overview"]:
            with self.subTest(name=name):
                admin = self.get(self.owner, name, team=self.eng.pk)
                leader = self.get(self.leader, name, team=self.eng.pk)
                facilitator = self.get(self.facilitator, name)
                self.assertEqual(self.state(admin), "miss")
                self.assertEqual(self.state(leader), "miss")
                self.assertEqual(self.state(facilitator), "miss")
                # The admin's navigation and team picker name Sales; the leader's never do.
                self.assertIn("Sales", admin.content.decode())
                self.assertNotIn("Sales", leader.content.decode())
                self.assertNotIn("Sales", facilitator.content.decode())

    def test_another_orgs_admin_gets_their_own_org_never_a_cached_page(self) -> None:
        self.get(self.owner, "dashboards:heatmap")
        other = self.get(self.outsider, "dashboards:heatmap")
        self.assertEqual(self.state(other), "miss")
        self.assertNotIn("Platform", other.content.decode())
        self.assertNotEqual(
            reads_version(org_id=self.org.id), reads_version(org_id=self.other_org.id)
        )

    def test_the_permission_check_runs_before_the_cache(self) -> None:
        self.assertEqual(self.get(self.leader, "dashboards:overview").status_code, 200)
        Membership.objects.filter(user=self.leader, organization=self.org).update(
            role=Role.EMPLOYEE
        )
        self.assertEqual(self.get(self.leader, "dashboards:overview").status_code, 403)
        self.assertEqual(self.get(self.member, "dashboards:overview").status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("dashboards:overview")).status_code, 302)

    def test_a_reader_with_messages_waiting_gets_them_not_a_cached_page(self) -> None:
        self.get(self.owner, "dashboards:overview")
        # A message queued by a POST elsewhere: the next page shows it (built, not cached).
        storage = CookieStorage(HttpRequest())
        encoded = storage._encode([Message(messages.SUCCESS, "Saved the thing.")])
        self.client.cookies[storage.cookie_name] = encoded
        res = self.client.get(reverse("dashboards:overview"))
        self.assertContains(res, "Saved the thing.")
        self.assertEqual(self.state(res), "")

    def test_a_new_release_changes_the_page(self) -> None:
        self.get(self.owner, "dashboards:heatmap")
        snapshot_recompute(org_id=self.org.id)
        self.assertEqual(self.state(self.get(self.owner, "dashboards:heatmap")), "miss")

    def test_a_decision_logged_shows_on_the_next_overview(self) -> None:
        self.get(self.owner, "dashboards:overview")
        decision_create(
            org=self.org,
            actor=self.owner,
            title="Freeze the roadmap",
            decided_on=dt.date(2026, 11, 2),
            affected_teams=[self.platform],
        )
        res = self.get(self.owner, "dashboards:overview")
        self.assertEqual(self.state(res), "miss")

    def test_the_orgs_settings_and_team_tree_change_the_page(self) -> None:
        self.get(self.owner, "dashboards:heatmap")
        organization_update(organization=self.org, actor=self.owner, name="Acme Renamed")
        res = self.get(self.owner, "dashboards:heatmap")
        self.assertEqual(self.state(res), "miss")
        self.assertContains(res, "Acme Renamed")
        team_update(team=self.sales, actor=self.owner, name="Field Sales", parent=None)
        res = self.get(self.owner, "dashboards:heatmap")
        self.assertEqual(self.state(res), "miss")
        self.assertContains(res, "Field Sales")


class ReadsVersionTests(BaseTestCase):
    """Each kind of write moves the org's reads version (and only that org's)."""

    def moved(self, write: Any) -> bool:
        before = reads_version(org_id=self.org.id)
        other = reads_version(org_id=self.other_org.id)
        with self.captureOnCommitCallbacks(execute=True):
            write()
        self.assertEqual(reads_version(org_id=self.other_org.id), other)
        return reads_version(org_id=self.org.id) != before

    def test_every_watched_model_moves_it_when_saved(self) -> None:
        for model in WATCHED:
            with self.subTest(model=model.__name__):
                instance = model(organization_id=self.org.id)  # type: ignore[misc]
                self.assertTrue(
                    self.moved(lambda i=instance, m=model: post_save.send(m, instance=i))
                )

    def test_registry_events_move_it(self) -> None:
        for event in (
            registry.release_published,
            registry.work_items_imported,
            registry.team_tree_changed,
        ):
            with self.subTest(event=event.name):
                self.assertTrue(self.moved(lambda e=event: e.announce(self.org.id)))

    def test_a_release_a_decision_a_commitment_and_metric_values_move_it(self) -> None:
        build(self.org, {"platform": self.platform, "mobile": self.mobile, "sales": self.sales})
        self.assertTrue(self.moved(lambda: snapshot_recompute(org_id=self.org.id)))
        self.assertTrue(
            self.moved(
                lambda: decision_create(
                    org=self.org,
                    actor=self.owner,
                    title="Ship it",
                    decided_on=dt.date(2026, 11, 2),
                    affected_teams=[self.platform],
                )
            )
        )
        workshop = workshop_create(
            org=self.org, actor=self.owner, team=self.platform, title="Retro", agenda=[]
        )
        self.assertTrue(
            self.moved(
                lambda: commitment_create(
                    workshop=workshop,
                    actor=self.owner,
                    what="Weekly demo",
                    owner=self.member_person,
                    due_on=dt.date.today() + dt.timedelta(days=20),
                )
            )
        )
        self.assertTrue(
            self.moved(
                lambda: observations_receive(
                    organization=self.org,
                    actor=self.owner,
                    rows=[
                        {
                            "team": self.platform.id,
                            "period": "2026-11",
                            "metric": "throughput",
                            "value": 3,
                        }
                    ],
                )
            )
        )

    def test_a_rolled_back_write_leaves_no_page_of_its_rows(self) -> None:
        # Bumped at once (the writer reads its own rows) and again after the commit.
        before = reads_version(org_id=self.org.id)
        with self.captureOnCommitCallbacks(execute=False) as pending:
            organization_update(organization=self.org, actor=self.owner, name="Acme 2")
        during = reads_version(org_id=self.org.id)
        self.assertNotEqual(before, during)
        for callback in pending:
            callback()
        self.assertNotEqual(during, reads_version(org_id=self.org.id))


class ResultsApiCacheTests(BaseTestCase):
    """The results API's whole body is kept per reads version and reader scope."""

    URL = "/api/v1/results/"

    def setUp(self) -> None:
        build(self.org, {"platform": self.platform, "mobile": self.mobile, "sales": self.sales})
        snapshot_recompute(org_id=self.org.id)

    def body(self, user: Any, **params: Any) -> dict[str, Any]:
        self.client.force_login(user)
        res = self.client.get(self.URL, params)
        self.assertEqual(res.status_code, 200, res.content[:300])
        return dict(res.json())

    def teams(self, body: dict[str, Any]) -> set[int]:
        return {int(r["team_id"]) for r in body["results"]}

    def test_a_second_read_gives_the_same_body_in_fewer_queries(self) -> None:
        first = self.body(self.owner)
        self.client.force_login(self.owner)
        with CaptureQueriesContext(connection) as ctx:
            again = self.client.get(self.URL).json()
        self.assertEqual(first, again)
        self.assertLessEqual(len(ctx.captured_queries), 3)

    def test_readers_of_different_scopes_and_orgs_never_share_a_body(self) -> None:
        admin = self.body(self.owner)
        leader = self.body(self.leader)
        facilitator = self.body(self.facilitator)
        self.assertIn(self.sales.pk, self.teams(admin))
        self.assertNotIn(self.sales.pk, self.teams(leader))
        self.assertEqual(self.teams(facilitator) - {self.platform.pk}, set())
        other = self.body(self.outsider)
        self.assertFalse(self.teams(other) & self.teams(admin))

    def test_a_new_release_and_a_team_renamed_change_the_body(self) -> None:
        first = self.body(self.owner)
        team_update(team=self.sales, actor=self.owner, name="Field Sales", parent=None)
        renamed = self.body(self.owner)
        self.assertIn("Field Sales", str(renamed["teams"]))
        self.assertNotIn("Field Sales", str(first["teams"]))
        with self.captureOnCommitCallbacks(execute=True):
            snapshot_recompute(org_id=self.org.id)
        self.assertEqual(self.body(self.owner)["count"], renamed["count"])

    def test_the_permission_check_runs_before_the_cached_body(self) -> None:
        self.body(self.leader)
        Membership.objects.filter(user=self.leader, organization=self.org).update(
            role=Role.EMPLOYEE
        )
        self.client.force_login(self.leader)
        self.assertEqual(self.client.get(self.URL).status_code, 403)


@override_settings(DASHBOARD_PAGE_CACHE=True)
class WhoBlockTests(BaseTestCase):
    def test_a_hit_prints_the_same_who_block_a_fresh_render_does(self) -> None:
        def who(body: str) -> str:
            found = re.search(r'<div class="who">.*?</div>', body, re.S)
            assert found is not None
            # The CSRF token differs per response (masked): compare everything else.
            text = re.sub(r'value="[^"]+"', 'value=""', found.group(0))
            return re.sub(r"\s+", " ", text)

        self.login(self.owner)
        url = reverse("dashboards:heatmap")
        with override_settings(DASHBOARD_PAGE_CACHE=False):
            fresh = self.client.get(url).content.decode()
        self.client.get(url)
        hit = self.client.get(url)
        assert hit["X-Page-Cache"] == "hit"
        assert who(hit.content.decode()) == who(fresh)
        assert self.owner.get_username() in who(fresh)


@override_settings(DASHBOARD_PAGE_CACHE=True)
class CacheHeaderAndJunkParameterTests(BaseTestCase):
    def test_signed_in_pages_are_private_and_not_stored(self) -> None:
        self.login(self.owner)
        for _ in range(2):  # a miss, then a hit
            r = self.client.get(reverse("dashboards:heatmap"))
            assert r["Cache-Control"] == "private, no-store"

    def test_a_signed_out_response_is_not_marked_and_a_view_header_is_kept(self) -> None:
        from django.contrib.auth.models import AnonymousUser
        from django.http import HttpResponse
        from django.test import RequestFactory

        from core.middleware import PrivatePagesMiddleware

        def plain(_request: HttpRequest) -> HttpResponse:
            return HttpResponse("x")

        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        assert not PrivatePagesMiddleware(plain)(request).has_header("Cache-Control")
        request.user = self.owner
        assert PrivatePagesMiddleware(plain)(request)["Cache-Control"] == "private, no-store"

        def public(_request: HttpRequest) -> HttpResponse:
            r = HttpResponse("x")
            r["Cache-Control"] = "public, max-age=60"
            return r

        assert PrivatePagesMiddleware(public)(request)["Cache-Control"] == "public, max-age=60"

    def test_unknown_query_keys_are_served_but_never_stored(self) -> None:
        self.login(self.owner)
        url = reverse("dashboards:heatmap")
        for i in range(3):
            r = self.client.get(url, {"utm_source": f"x{i}"})
            assert r.status_code == 200
            assert "X-Page-Cache" not in r  # built fresh, not stored
        self.client.get(url)
        assert self.client.get(url)["X-Page-Cache"] == "hit"
