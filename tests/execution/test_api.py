"""The execution API: bulk observations and work items, idempotent, tenant-scoped, write scope."""

from __future__ import annotations

from typing import Any

from django.test import SimpleTestCase
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from execution.models import Observation, WorkItem, WorkItemEvent
from tests.base import BaseTestCase
from tests.factories import api_token_make

OBS_URL = "/api/v1/execution/observations/"
ITEMS_URL = "/api/v1/execution/work-items/"


def client_with(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


class ExecutionApiTests(BaseTestCase):
    def setUp(self) -> None:
        self.api = client_with(api_token_make(user=self.owner, scope="write"))

    def items_body(self) -> dict[str, Any]:
        return {
            "source": "jira",
            "items": [
                {
                    "item_id": "J-1",
                    "team": self.platform.pk,
                    "title": "Fix it",
                    "status": "Done",
                    "assignee": "ada@example.com",
                    "created_at": "2026-10-01T09:00:00Z",
                    "started_at": "2026-10-02T09:00:00Z",
                    "done_at": "2026-10-05T09:00:00Z",
                    "events": [
                        {
                            "field": "status",
                            "from_value": "To Do",
                            "to_value": "In Progress",
                            "at": "2026-10-02T09:00:00Z",
                        },
                        {"field": "followup", "at": "2026-10-03T09:00:00Z"},
                        {
                            "field": "status",
                            "from_value": "In Progress",
                            "to_value": "Done",
                            "at": "2026-10-05T09:00:00Z",
                        },
                    ],
                }
            ],
        }

    def test_observations_are_stored_and_resending_updates_them(self) -> None:
        body = {
            "observations": [
                {"team": self.platform.pk, "period": "2026-10", "metric": "throughput", "value": 9}
            ]
        }
        r = self.api.post(OBS_URL, body, format="json")
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json(), {"observations": 1})
        body["observations"][0]["value"] = 11
        self.api.post(OBS_URL, body, format="json")
        obs = Observation.objects.get()
        self.assertEqual((obs.value, obs.source), (11, "api"))

    def test_work_items_with_events_are_idempotent_on_source_item_and_event(self) -> None:
        r = self.api.post(ITEMS_URL, self.items_body(), format="json")
        self.assertEqual(r.status_code, 200, r.content)
        self.assertEqual(r.json()["new_events"], 3)
        r = self.api.post(ITEMS_URL, self.items_body(), format="json")
        self.assertEqual(r.json()["new_events"], 0)
        self.assertEqual(WorkItem.objects.count(), 1)
        self.assertEqual(WorkItemEvent.objects.count(), 3)

    def test_another_orgs_team_is_refused_and_nothing_is_stored(self) -> None:
        body = {
            "observations": [
                {"team": self.platform.pk, "period": "2026-10", "metric": "throughput", "value": 9},
                {
                    "team": self.other_team.pk,
                    "period": "2026-10",
                    "metric": "throughput",
                    "value": 9,
                },
            ]
        }
        r = self.api.post(OBS_URL, body, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("not a team of Acme", str(r.json()))
        self.assertFalse(Observation.objects.exists())

    def test_a_period_outside_the_calendar_is_named(self) -> None:
        body = {
            "observations": [
                {
                    "team": self.platform.pk,
                    "period": "2026-10-15",
                    "metric": "throughput",
                    "value": 1,
                }
            ]
        }
        r = self.api.post(OBS_URL, body, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("not the first day", str(r.json()))

    def test_a_read_token_may_not_write(self) -> None:
        api = client_with(api_token_make(user=self.owner, scope="read"))
        r = api.post(ITEMS_URL, self.items_body(), format="json")
        self.assertEqual(r.status_code, 403)
        self.assertIn("read", str(r.json()))

    def test_a_leader_may_not_send_data(self) -> None:
        api = client_with(api_token_make(user=self.leader, scope="write"))
        r = api.post(ITEMS_URL, self.items_body(), format="json")
        self.assertEqual(r.status_code, 403)


class ExecutionApiSchemaTests(SimpleTestCase):
    def test_the_execution_endpoints_are_documented_without_warnings(self) -> None:
        GENERATOR_STATS.reset()
        generator = SchemaGenerator(patterns=[path("api/v1/", include("execution.api_urls"))])
        with GENERATOR_STATS.silence():
            schema = generator.get_schema(request=None, public=True)
        self.assertEqual(dict(GENERATOR_STATS._warn_cache), {})
        self.assertEqual(dict(GENERATOR_STATS._error_cache), {})
        validate_schema(schema)
        self.assertEqual(
            sorted(schema["paths"]),
            ["/api/v1/execution/observations/", "/api/v1/execution/work-items/"],
        )
