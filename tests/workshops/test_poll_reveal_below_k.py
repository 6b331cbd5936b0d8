"""Revealing a poll below k: the runner is warned first (votes vs k) and keeps an action after
(re-open or close), while a poll revealed with k votes or more stays revealed."""

from __future__ import annotations

from django.urls import reverse

from core.errors import Conflict
from tests.base import BaseTestCase
from tests.workshops.live_factory import poll_make, workshop_make
from workshops.models_polls import Participant, Poll
from workshops.services_live import poll_set_state, vote_submit


class RevealBelowKTests(BaseTestCase):
    def setUp(self) -> None:
        self.ws = workshop_make(org=self.org, team=self.platform, facilitator=self.facilitator)
        self.poll = poll_make(workshop=self.ws, kind="agree", state="open")

    def vote(self, n: int) -> None:
        for _ in range(n):
            p = Participant.objects.create(workshop=self.ws)
            vote_submit(poll_id=self.poll.pk, participant=p, raw={"value": ["4"]})

    def run_page(self) -> str:
        self.login(self.facilitator)
        r = self.client.get(reverse("workshops:run", args=[self.ws.pk]))
        self.assertEqual(r.status_code, 200)
        return r.content.decode()

    def test_the_runner_is_warned_before_revealing_below_k(self) -> None:
        self.vote(2)
        page = self.run_page()
        self.assertIn("Only 2 votes, fewer than 3", page)
        self.assertIn("Reveal anyway (2 of 3 votes)", page)

    def test_a_poll_revealed_below_k_can_be_reopened_or_closed(self) -> None:
        self.vote(1)
        poll_set_state(poll=self.poll, action="reveal")
        page = self.run_page()
        self.assertIn("Re-open", page)
        poll = poll_set_state(poll=self.poll, action="open")
        self.assertEqual(poll.state, Poll.State.OPEN)
        poll_set_state(poll=poll, action="reveal")
        self.assertEqual(poll_set_state(poll=poll, action="close").state, Poll.State.CLOSED)

    def test_a_poll_revealed_with_k_votes_stays_revealed(self) -> None:
        self.vote(3)
        page = self.run_page()
        self.assertNotIn("Reveal anyway", page)
        poll_set_state(poll=self.poll, action="reveal")
        self.assertNotIn("Re-open", self.run_page())
        for action in ("open", "close"):
            with self.subTest(action=action), self.assertRaises(Conflict):
                poll_set_state(poll=self.poll, action=action)
