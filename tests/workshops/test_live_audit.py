"""Every live action of the facilitator leaves an audit entry under a registered code."""

from __future__ import annotations

from django.urls import reverse

from core.models import AuditEntry
from tests.base import BaseTestCase
from tests.workshops.live_factory import workshop_make
from workshops.models_polls import Poll


class LiveAuditTests(BaseTestCase):
    def test_going_live_polls_and_ending_are_audited_with_the_actor(self) -> None:
        ws = workshop_make(
            org=self.org, team=self.platform, facilitator=self.facilitator, live=False
        )
        self.login(self.facilitator)
        self.client.post(reverse("workshops:go_live", args=[ws.pk]))
        self.client.post(
            reverse("workshops:poll_add", args=[ws.pk]),
            {"kind": "agree", "question": "Do we decide fast enough?"},
        )
        poll = Poll.objects.get(workshop=ws)
        self.client.post(
            reverse("workshops:poll_edit", args=[ws.pk, poll.pk]),
            {"kind": "agree", "question": "Do we decide fast enough, really?"},
        )
        for action in ("open", "close", "reveal"):
            self.client.post(reverse("workshops:poll_action", args=[ws.pk, poll.pk, action]))
        self.client.post(reverse("workshops:end", args=[ws.pk]))
        entries = list(
            AuditEntry.objects.filter(organization=self.org, action__contains=".")
            .filter(action__startswith="workshops.")
            .order_by("pk")
            .values_list("action", "actor_id")
        )
        self.assertEqual(
            [a for a, _ in entries],
            [
                "workshops.workshop.went_live",
                "workshops.poll.created",
                "workshops.poll.updated",
                "workshops.poll.opened",
                "workshops.poll.closed",
                "workshops.poll.revealed",
                "workshops.workshop.ended",
            ],
        )
        self.assertEqual({actor for _, actor in entries}, {self.facilitator.pk})

    def test_a_refused_action_leaves_no_entry(self) -> None:
        ws = workshop_make(org=self.org, team=self.platform, facilitator=self.facilitator)
        self.login(self.facilitator)
        self.client.post(reverse("workshops:end", args=[ws.pk]))
        before = AuditEntry.objects.count()
        self.client.post(reverse("workshops:end", args=[ws.pk]))  # already ended: refused
        self.assertEqual(AuditEntry.objects.count(), before)
