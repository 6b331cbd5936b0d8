"""The leaders' digest: hotspots with the dimensions and metrics behind each, what changed,
decisions newly at risk (against the reader's previous digest), text and HTML with the SVG
chart, each reader only their own teams, and one figure-free Slack announcement per release."""

from __future__ import annotations

from unittest import mock

from django.core import mail
from django.test import override_settings

from dashboards.digest import digest_context, digest_fingerprint
from dashboards.friction import friction_build
from dashboards.models import DigestSent
from dashboards.services import digest_send_for_release
from execution.models import Observation
from execution.selectors_flow import friction_table
from orgs.tenancy import tenant_for_user
from scoring.services import snapshot_recompute
from tests.dashboards.test_friction import FrictionTestCase
from tests.decisions.base import DecisionTestCase
from tests.scoring.db_fixture import P1, P2


class DigestHotspotTests(FrictionTestCase):
    def setUp(self) -> None:
        super().setUp()
        # k = 3 shows every team's trust index in P1; Mobile is lowest on trust there, and is
        # given the worst delivery: the one team below the median on both.
        self.org.anonymity_k = 3
        self.org.save()
        Observation.objects.all().delete()
        for team in (self.platform, self.mobile, self.sales):
            for period in (P1, P2):
                self.observe(team, period, 10.0 if team == self.mobile else 95.0)
        snapshot_recompute(org_id=self.org.id)
        mail.outbox.clear()

    def _mail_to(self, user: object) -> mail.EmailMessage:
        return next(m for m in mail.outbox if m.to == [user.email])  # type: ignore[attr-defined]

    def test_the_digest_lists_hotspots_with_their_dimensions_and_metrics(self) -> None:
        self.assertEqual(digest_send_for_release(org_id=self.org.pk), 2)
        for user in (self.owner, self.leader):
            msg = self._mail_to(user)
            html = msg.alternatives[0][0]  # type: ignore[attr-defined]
            for body in (msg.body, html):
                self.assertIn("Hotspots (2026-10)", body)
                self.assertIn("Mobile", body)
                self.assertIn(": trust index 42, execution health 0", body)
                self.assertIn("behind on On-time delivery", body)
                self.assertIn("low on", body)  # the trust dimensions that drag it down
                self.assertIn(f"/dashboard/?team={self.mobile.pk}", body)
            self.assertIn("<svg", html)
            self.assertIn("What changed since", msg.body)
        # Admins may prepare a workshop from the hotspot; a leader's digest has no such link.
        self.assertIn(f"/workshops/new/?team={self.mobile.pk}", self._mail_to(self.owner).body)
        self.assertNotIn("/workshops/", self._mail_to(self.leader).body)

    def test_the_dashboard_decides_hotspots_with_executions_selector(self) -> None:
        tenant = tenant_for_user(self.owner, org=self.org)
        fv = friction_build(tenant=tenant, team_id=0, period=P1)
        table = friction_table(tenant=tenant, period=P1)
        self.assertEqual(
            [(h.name, h.dimensions, h.metrics) for h in fv.hotspots],
            [(h["team_name"], h["dimensions"], h["metrics"]) for h in table.hotspots],
        )
        self.assertEqual([h.name for h in fv.hotspots], ["Mobile"])
        rows = {r.team: r for r in table.rows}
        self.assertEqual(fv.hotspots[0].friction, rows["Mobile"].friction)

    def test_a_leader_reads_only_their_own_teams(self) -> None:
        digest_send_for_release(org_id=self.org.pk)
        body = self._mail_to(self.leader).body
        self.assertNotIn("Sales", body)

    def test_without_execution_figures_the_digest_says_why_there_is_no_hotspot(self) -> None:
        Observation.objects.all().delete()
        digest_send_for_release(org_id=self.org.pk)
        self.assertIn("no execution figures imported yet", self._mail_to(self.owner).body)

    def test_a_release_that_changes_nothing_a_reader_sees_is_not_emailed_again(self) -> None:
        self.assertEqual(digest_send_for_release(org_id=self.org.pk), 2)
        mail.outbox.clear()
        snapshot_recompute(org_id=self.org.id)  # a new release with the same figures
        self.assertEqual(digest_send_for_release(org_id=self.org.pk), 0)
        self.assertEqual(mail.outbox, [])
        stamps = DigestSent.objects.filter(organization=self.org).order_by("id")
        self.assertEqual([s.emailed for s in stamps], [True, True, False, False])
        self.assertEqual(stamps[0].fingerprint, stamps[2].fingerprint)

    def test_a_release_that_changes_a_readers_figures_is_emailed(self) -> None:
        digest_send_for_release(org_id=self.org.pk)
        mail.outbox.clear()
        Observation.objects.filter(team=self.mobile).update(value=60.0)
        snapshot_recompute(org_id=self.org.id)
        self.assertEqual(digest_send_for_release(org_id=self.org.pk), 2)
        self.assertIn("execution health", self._mail_to(self.owner).body)
        self.assertNotEqual(
            *DigestSent.objects.filter(user=self.owner).values_list("fingerprint", flat=True)
        )

    @override_settings(SLACK_WEBHOOK_URL="https://hooks.slack.example/T0")
    def test_slack_gets_one_announcement_per_release_without_figures_or_teams(self) -> None:
        with mock.patch("dashboards.services.slack_post", return_value=True) as post:
            digest_send_for_release(org_id=self.org.pk)
            digest_send_for_release(org_id=self.org.pk)  # a re-run: no second post
        self.assertEqual(post.call_count, 1)
        text = post.call_args.kwargs["text"]
        self.assertIn("New trust results", text)
        self.assertIn("/dashboard/", text)
        for secret in ("Mobile", "Platform", "Sales", "42", "trust index"):
            self.assertNotIn(secret, text)


class DigestAtRiskTests(DecisionTestCase):
    def setUp(self) -> None:
        self.waiting = self.decide("Platform waits", teams=[self.platform])
        for i, p in enumerate(self.platform_people):
            self.answer(
                self.waiting, p, holding=4, acted="waiting_confirmation" if i < 4 else "yes"
            )
        self.circling = self.decide("Platform circles", teams=[self.platform])
        for p in self.platform_people:
            self.answer(self.circling, p, holding=2, acted="yes", rediscussed="several")
        self.release()

    def test_the_first_digest_lists_every_decision_at_risk(self) -> None:
        ctx = digest_context(user=self.leader, org=self.org, key="release:2")
        assert ctx is not None
        self.assertTrue(ctx["first_digest"])
        titles = [r["decision"].title for r in ctx["newly_at_risk"]]
        self.assertEqual(titles, ["Platform circles", "Platform waits"])
        self.assertEqual(sorted(ctx["at_risk_ids"]), sorted([self.waiting.pk, self.circling.pk]))

    def test_the_fingerprint_ignores_what_is_relative_to_the_previous_digest(self) -> None:
        first = digest_context(user=self.leader, org=self.org, key="release:2")
        DigestSent.objects.create(
            organization=self.org, user=self.leader, key="release:1", at_risk_ids=[self.circling.pk]
        )
        later = digest_context(user=self.leader, org=self.org, key="release:2")
        assert first is not None and later is not None
        self.assertNotEqual(first["newly_at_risk"], later["newly_at_risk"])
        self.assertEqual(digest_fingerprint(first), digest_fingerprint(later))
        later["at_risk_ids"] = later["at_risk_ids"][:1]  # a decision no longer at risk
        self.assertNotEqual(digest_fingerprint(first), digest_fingerprint(later))

    def test_a_later_digest_names_only_the_decisions_newly_at_risk(self) -> None:
        DigestSent.objects.create(
            organization=self.org, user=self.leader, key="release:1", at_risk_ids=[self.circling.pk]
        )
        ctx = digest_context(user=self.leader, org=self.org, key="release:2")
        assert ctx is not None
        self.assertFalse(ctx["first_digest"])
        self.assertEqual([r["decision"].title for r in ctx["newly_at_risk"]], ["Platform waits"])
        self.assertEqual(ctx["still_at_risk"], 1)
        from django.template.loader import render_to_string

        text = render_to_string("emails/digest-body.txt", ctx)
        self.assertIn("newly at risk since your last digest", text)
        self.assertIn("Platform waits", text)
        self.assertNotIn("Platform circles", text)
        self.assertIn("Still at risk from before: 1.", text)
