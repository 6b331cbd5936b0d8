"""Who may log, edit and read decisions, on the pages and through the API."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from decisions.models import Decision
from orgs.models import Organization
from tests.decisions.base import DecisionTestCase
from tests.factories import api_token_make


class LoggingPermissionTests(DecisionTestCase):
    def form(self, teams: list, **extra: object) -> dict:
        data = {
            "title": "Use one queue for escalations",
            "decided_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "affected_teams": [t.pk for t in teams],
            "status": "decided",
            "source": "logged",
        }
        data.update(extra)
        return data

    def allow_employees(self) -> None:
        Organization.objects.filter(pk=self.org.pk).update(employees_can_log_decisions=True)

    def test_an_employee_cannot_log_unless_the_org_allows_it(self) -> None:
        self.login(self.member)
        assert self.client.get(reverse("decisions:create")).status_code == 403
        resp = self.client.post(reverse("decisions:create"), self.form([self.platform]))
        assert resp.status_code == 403
        assert not Decision.objects.exists()

    def test_an_allowed_employee_logs_only_for_their_own_team(self) -> None:
        self.allow_employees()
        self.login(self.member)
        resp = self.client.post(reverse("decisions:create"), self.form([self.sales]))
        assert resp.status_code == 200  # form shown again with the error
        assert "affected_teams" in resp.context["form"].errors
        assert not Decision.objects.exists()
        resp = self.client.post(reverse("decisions:create"), self.form([self.platform]))
        assert resp.status_code == 302
        assert Decision.objects.get().created_by == self.member

    def test_a_leader_logs_for_led_teams_and_their_sub_teams_only(self) -> None:
        self.login(self.leader)
        ok = self.client.post(reverse("decisions:create"), self.form([self.platform, self.mobile]))
        assert ok.status_code == 302
        bad = self.client.post(reverse("decisions:create"), self.form([self.sales]))
        assert bad.status_code == 200 and "affected_teams" in bad.context["form"].errors
        assert Decision.objects.count() == 1

    def test_a_facilitator_logs_for_facilitated_teams_only(self) -> None:
        self.login(self.facilitator)
        assert (
            self.client.post(reverse("decisions:create"), self.form([self.platform])).status_code
            == 302
        )
        bad = self.client.post(reverse("decisions:create"), self.form([self.mobile]))
        assert "affected_teams" in bad.context["form"].errors

    def test_non_admins_must_name_a_team(self) -> None:
        self.login(self.leader)
        resp = self.client.post(reverse("decisions:create"), self.form([]))
        assert "affected_teams" in resp.context["form"].errors
        self.login(self.owner)
        resp = self.client.post(
            reverse("decisions:create"), self.form([], stakeholders=[self.sales_people[0].pk])
        )
        assert resp.status_code == 302

    def test_the_form_names_a_future_date(self) -> None:
        self.login(self.owner)
        future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
        resp = self.client.post(
            reverse("decisions:create"), self.form([self.sales], decided_on=future)
        )
        assert "future" in " ".join(resp.context["form"].errors["decided_on"])
        assert not Decision.objects.exists()

    def test_a_leader_cannot_edit_or_see_other_teams_decisions(self) -> None:
        sales = self.decide("Sales thing", teams=[self.sales])
        self.login(self.leader)
        assert self.client.get(reverse("decisions:detail", args=[sales.pk])).status_code == 404
        assert self.client.get(reverse("decisions:edit", args=[sales.pk])).status_code == 404
        listed = self.client.get(reverse("decisions:list"))
        assert "Sales thing" not in listed.content.decode()

    def test_a_facilitator_can_read_but_not_edit_a_wider_decision(self) -> None:
        d = self.decide("Eng-wide", teams=[self.platform, self.mobile])
        self.login(self.facilitator)
        assert self.client.get(reverse("decisions:detail", args=[d.pk])).status_code == 200
        assert self.client.get(reverse("decisions:edit", args=[d.pk])).status_code == 403
        resp = self.client.post(reverse("decisions:status", args=[d.pk]), {"status": "reversed"})
        assert resp.status_code == 403
        d.refresh_from_db()
        assert d.status == "decided"


class TenantIsolationTests(DecisionTestCase):
    def setUp(self) -> None:
        self.d = self.decide("Acme secret decision")
        for p in self.platform_people[:5]:
            self.answer(self.d, p, holding=1, acted="waiting_confirmation", rediscussed="several")
        from decisions.metrics import decision_metrics_recompute

        decision_metrics_recompute(org_id=self.org.pk)

    def test_outsider_gets_404_on_every_decision_page(self) -> None:
        self.login(self.outsider)
        for name in ("detail", "edit"):
            assert (
                self.client.get(reverse(f"decisions:{name}", args=[self.d.pk])).status_code == 404
            )
        for name in ("status", "delete"):
            resp = self.client.post(
                reverse(f"decisions:{name}", args=[self.d.pk]), {"status": "reversed"}
            )
            assert resp.status_code == 404
        assert Decision.objects.filter(pk=self.d.pk, status="decided").exists()
        for name in ("list", "at_risk", "stability"):
            resp = self.client.get(reverse(f"decisions:{name}"))
            assert resp.status_code == 200
            assert "Acme secret decision" not in resp.content.decode()
            assert "Platform" not in resp.content.decode()

    def test_outsider_gets_nothing_from_the_api(self) -> None:
        key = api_token_make(user=self.outsider)
        auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
        detail = reverse("decisionsapi:decision-detail", args=[self.d.pk])
        assert self.client.get(detail, **auth).status_code == 404
        assert (
            self.client.patch(
                detail, {"title": "x"}, content_type="application/json", **auth
            ).status_code
            == 404
        )
        assert self.client.delete(detail, **auth).status_code == 404
        assert (
            self.client.get(
                reverse("decisionsapi:decision-results", args=[self.d.pk]), **auth
            ).status_code
            == 404
        )
        assert self.client.get(reverse("decisionsapi:decision-list"), **auth).json()["count"] == 0
        assert self.client.get(reverse("decisionsapi:at-risk"), **auth).json() == []
        assert self.client.get(reverse("decisionsapi:stability"), **auth).json()["cells"] == []
        self.d.refresh_from_db()
        assert self.d.title == "Acme secret decision"

    def test_outsider_cannot_log_for_another_orgs_team(self) -> None:
        self.login(self.outsider)
        resp = self.client.post(
            reverse("decisions:create"),
            {
                "title": "Sneaky",
                "decided_on": timezone.localdate().isoformat(),
                "affected_teams": [self.platform.pk],
                "status": "decided",
                "source": "logged",
            },
        )
        assert resp.status_code == 200 and "affected_teams" in resp.context["form"].errors
        key = api_token_make(user=self.outsider)
        api = self.client.post(
            reverse("decisionsapi:decision-list"),
            {"title": "Sneaky", "decided_on": "2026-01-01", "affected_teams": [self.platform.pk]},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {key}",
        )
        assert api.status_code == 400 and "affected_teams" in api.json()
        assert not Decision.objects.filter(title="Sneaky").exists()

    def test_anonymous_users_are_sent_to_login_or_refused(self) -> None:
        assert self.client.get(reverse("decisions:list")).status_code == 302
        assert self.client.get(reverse("decisionsapi:decision-list")).status_code in (401, 403)
        assert self.client.get(reverse("decisionsapi:stability")).status_code in (401, 403)
