"""The decisions REST API for other tools: token auth, same rules, 4xx naming the field."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from decisions.models import Decision, DecisionStatusChange
from tests.decisions.base import DecisionTestCase
from tests.factories import api_token_make


class DecisionAPITests(DecisionTestCase):
    def auth(self, user: object) -> dict:
        return {"HTTP_AUTHORIZATION": f"Token {api_token_make(user=user)}"}

    def payload(self, **kw: object) -> dict:
        data = {
            "title": "Adopt Renovate for dependency updates",
            "context": "From the platform sync",
            "decided_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
            "affected_teams": [self.platform.pk],
            "stakeholders": [self.sales_people[0].pk],
            "source": "imported",
        }
        data.update(kw)
        return data

    def test_a_leader_creates_lists_and_updates_with_a_token(self) -> None:
        auth = self.auth(self.leader)
        url = reverse("decisionsapi:decision-list")
        resp = self.client.post(url, self.payload(), content_type="application/json", **auth)
        assert resp.status_code == 201, resp.content
        body = resp.json()
        assert body["status"] == "decided" and body["source"] == "imported"
        assert body["history"][0]["to_status"] == "decided"
        listed = self.client.get(url, {"q": "renovate"}, **auth).json()
        assert listed["count"] == 1
        detail = reverse("decisionsapi:decision-detail", args=[body["id"]])
        upd = self.client.patch(
            detail,
            {"status": "being_revisited", "note": "pushback"},
            content_type="application/json",
            **auth,
        )
        assert upd.status_code == 200 and upd.json()["status"] == "being_revisited"
        assert DecisionStatusChange.objects.filter(
            to_status="being_revisited", note="pushback"
        ).exists()
        assert self.client.get(url, {"status": "decided"}, **auth).json()["count"] == 0

    def test_bad_input_is_400_naming_the_field_and_stores_nothing(self) -> None:
        auth = self.auth(self.leader)
        url = reverse("decisionsapi:decision-list")
        future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
        cases = [
            (self.payload(decided_on=future), "decided_on"),
            (self.payload(decided_on="yesterday"), "decided_on"),
            (self.payload(affected_teams=[self.other_team.pk]), "affected_teams"),
            (self.payload(affected_teams=[self.sales.pk]), "affected_teams"),
            (self.payload(owner=self.other_person.pk), "owner"),
            (self.payload(title=""), "title"),
            (self.payload(status="maybe"), "status"),
        ]
        for data, field in cases:
            resp = self.client.post(url, data, content_type="application/json", **auth)
            assert resp.status_code == 400, (field, resp.content)
            assert field in resp.json(), (field, resp.json())
        assert not Decision.objects.exists()

    def test_supersede_self_or_cycle_is_400(self) -> None:
        auth = self.auth(self.owner)
        a, b = self.decide("A"), self.decide("B")
        url_a = reverse("decisionsapi:decision-detail", args=[a.pk])
        resp = self.client.patch(
            url_a,
            {"status": "superseded", "superseded_by": a.pk},
            content_type="application/json",
            **auth,
        )
        assert resp.status_code == 400 and "superseded_by" in resp.json()
        ok = self.client.patch(
            url_a,
            {"status": "superseded", "superseded_by": b.pk},
            content_type="application/json",
            **auth,
        )
        assert ok.status_code == 200
        url_b = reverse("decisionsapi:decision-detail", args=[b.pk])
        cyc = self.client.patch(
            url_b,
            {"status": "superseded", "superseded_by": a.pk},
            content_type="application/json",
            **auth,
        )
        assert cyc.status_code == 400 and "cycle" in cyc.json()["superseded_by"][0]

    def test_an_employee_needs_the_org_setting(self) -> None:
        auth = self.auth(self.member)
        resp = self.client.post(
            reverse("decisionsapi:decision-list"),
            self.payload(),
            content_type="application/json",
            **auth,
        )
        assert resp.status_code == 403
        assert not Decision.objects.exists()

    def test_the_schema_lists_the_decisions_api(self) -> None:
        self.login(self.owner)
        schema = self.client.get("/api/schema/").content.decode()
        for path in (
            "/api/v1/decisions/",
            "/api/v1/decision-stability/",
            "/api/v1/checkins/{token}/",
            "/api/v1/decisions/at-risk/",
        ):
            assert path in schema, path
