"""Preparing a workshop: the proposed agenda (last workshop's open commitments first, stuck
decisions with plays), saving it as a draft, and editing it (reorder, remove, add, notes)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from tests.base import BaseTestCase
from tests.workshops.helpers import workshop_make
from workshops.models import Workshop
from workshops.models_commitments import Commitment, CommitmentStatus


class PrepareTests(BaseTestCase):
    def test_the_hotspot_link_proposes_an_agenda_and_saves_a_draft(self) -> None:
        prev = workshop_make(org=self.org, team=self.platform)
        Commitment.objects.create(
            organization=self.org,
            workshop=prev,
            what="Fix the deploy checklist",
            owner=self.member_person,
            due_on=dt.date(2026, 1, 5),
            status=CommitmentStatus.SLIPPED,
            created_at=timezone.now(),
        )
        Commitment.objects.create(
            organization=self.org,
            workshop=prev,
            what="Already done thing",
            owner=self.member_person,
            due_on=dt.date(2026, 1, 5),
            status=CommitmentStatus.DONE,
            created_at=timezone.now(),
        )
        self.login(self.facilitator)
        r = self.client.get(reverse("workshops:new") + f"?team={self.platform.pk}")
        self.assertContains(r, "Review last workshop")
        self.assertContains(r, "Fix the deploy checklist")
        self.assertNotContains(r, "Already done thing")
        r = self.client.post(
            reverse("workshops:new"),
            {
                "team": self.platform.pk,
                "title": "Platform May",
                "scheduled_for": "2026-12-03T10:00",
            },
        )
        w = Workshop.objects.get(title="Platform May")
        self.assertRedirects(r, reverse("workshops:detail", args=[w.pk]))
        self.assertEqual(
            (w.state, w.team, w.facilitator), ("draft", self.platform, self.facilitator)
        )
        self.assertEqual(w.agenda[0]["kind"], "review")
        page = self.client.get(reverse("workshops:detail", args=[w.pk]))
        self.assertContains(page, reverse("workshops:run", args=[w.pk]))  # reachable to run
        # Polls show from 3 answers by default (a workshop may go below the org's k of 5).
        self.assertEqual((w.k, self.org.k), (3, 5))

    def test_the_poll_threshold_is_chosen_never_below_three(self) -> None:
        self.login(self.facilitator)
        url = reverse("workshops:new")
        base = {"team": self.platform.pk, "title": "Platform k"}
        r = self.client.post(url, {**base, "anonymity_k": "2"})
        self.assertContains(r, "from 3 to 50", status_code=400)
        r = self.client.post(url, {**base, "anonymity_k": "many"})
        self.assertEqual(r.status_code, 400)
        self.assertFalse(Workshop.objects.filter(title="Platform k").exists())
        self.client.post(url, {**base, "anonymity_k": "6"})
        self.assertEqual(Workshop.objects.get(title="Platform k").k, 6)

    def test_a_team_the_facilitator_does_not_facilitate_is_refused(self) -> None:
        self.login(self.facilitator)
        r = self.client.get(reverse("workshops:new") + f"?team={self.sales.pk}")
        self.assertContains(r, "only for teams you facilitate", status_code=403)
        # Not a team at all: a clear 400 or 404, not "you do not facilitate it".
        r = self.client.get(reverse("workshops:new") + "?team=junk")
        self.assertContains(r, "Pick a team from the list", status_code=400)
        r = self.client.get(reverse("workshops:new") + "?team=999999")
        self.assertContains(r, "no such team", status_code=404)
        self.assertEqual(
            self.client.post(
                reverse("workshops:new"), {"team": self.sales.pk, "title": "x"}
            ).status_code,
            403,
        )
        self.assertFalse(Workshop.objects.exists())

    def test_the_agenda_is_edited_reordered_and_extended(self) -> None:
        w = workshop_make(
            org=self.org,
            team=self.platform,
            state=Workshop.State.DRAFT,
            agenda=[
                {
                    "kind": "dimension",
                    "key": "authority_to_act",
                    "title": "Authority",
                    "figure": "score 40/100",
                    "notes": "",
                    "plays": ["Map"],
                },
                {"kind": "note", "title": "Second", "notes": "", "plays": []},
                {"kind": "note", "title": "Third", "notes": "", "plays": []},
            ],
        )
        self.login(self.facilitator)
        r = self.client.post(
            reverse("workshops:detail", args=[w.pk]),
            {
                "title": "Edited",
                "scheduled_for": "",
                "title_0": "Authority",
                "notes_0": "Talk about approvals",
                "order_0": "3",
                "title_1": "Second",
                "order_1": "1",
                "remove_1": "1",
                "title_2": "Third",
                "order_2": "2",
                "new_title": "Closing round",
            },
        )
        self.assertEqual(r.status_code, 302)
        w.refresh_from_db()
        self.assertEqual([i["title"] for i in w.agenda], ["Third", "Authority", "Closing round"])
        self.assertEqual(w.agenda[1]["notes"], "Talk about approvals")
        self.assertEqual(w.agenda[1]["figure"], "score 40/100")  # figures are not form fields
        self.assertEqual(w.focus_dimensions, ["authority_to_act"])

    def test_an_empty_title_is_a_clear_400(self) -> None:
        w = workshop_make(org=self.org, team=self.platform, agenda=[])
        self.login(self.facilitator)
        r = self.client.post(
            reverse("workshops:detail", args=[w.pk]), {"title": " ", "scheduled_for": "nope"}
        )
        self.assertEqual(r.status_code, 400)
