"""The projector view and the run page: results only once revealed and at least k people
answered, text answers shuffled, and only the workshop's runners may open either."""

from __future__ import annotations

import random

from django.urls import reverse

from tests.base import BaseTestCase
from tests.factories import user_make
from tests.workshops.live_factory import poll_make, votes_make, workshop_make
from workshops.models import Workshop
from workshops.models_polls import Poll
from workshops.polls import poll_tally
from workshops.services_live import poll_set_state, vote_submit


class ProjectorThresholdTests(BaseTestCase):
    def setUp(self) -> None:
        self.ws = workshop_make(org=self.org, team=self.platform, facilitator=self.facilitator, k=3)
        self.login(self.facilitator)
        self.fragment = reverse("workshops:projector_live", args=[self.ws.pk])

    def test_an_open_poll_shows_only_its_count(self) -> None:
        poll = poll_make(workshop=self.ws, kind="agree")
        votes_make(poll=poll, raws=[{"value": ["5"]}] * 4)
        r = self.client.get(self.fragment)
        self.assertContains(r, "4 answered")
        self.assertNotContains(r, "Strongly agree")

    def test_a_revealed_poll_below_k_shows_no_distribution(self) -> None:
        poll = poll_make(workshop=self.ws, kind="agree")
        votes_make(poll=poll, raws=[{"value": ["5"]}, {"value": ["1"]}])
        poll_set_state(poll=poll, action="reveal")
        r = self.client.get(self.fragment)
        self.assertContains(r, "Fewer than 3 people answered")
        self.assertNotContains(r, "ws-bar ")
        self.assertNotContains(r, "Strongly agree")

    def test_a_revealed_poll_at_k_shows_its_distribution(self) -> None:
        poll = poll_make(workshop=self.ws, kind="choice", options=["Yes", "No"])
        votes_make(poll=poll, raws=[{"value": ["0"]}, {"value": ["0"]}, {"value": ["1"]}])
        r = self.client.get(self.fragment)
        self.assertNotContains(r, "ws-results")  # answered, not yet revealed
        poll_set_state(poll=poll, action="reveal")
        r = self.client.get(self.fragment)
        self.assertContains(r, 'id="ws-results"')
        self.assertContains(r, "2 (67 %)")
        self.assertContains(r, "ws-w70")

    def test_a_stored_k_below_three_is_floored(self) -> None:
        Workshop.objects.filter(pk=self.ws.pk).update(anonymity_k=1)
        poll = poll_make(workshop=self.ws, kind="agree")
        votes_make(poll=poll, raws=[{"value": ["5"]}, {"value": ["4"]}])
        poll_set_state(poll=poll, action="reveal")
        self.assertContains(self.client.get(self.fragment), "Fewer than 3 people answered")

    def test_a_higher_workshop_k_is_respected(self) -> None:
        Workshop.objects.filter(pk=self.ws.pk).update(anonymity_k=5)
        poll = poll_make(workshop=self.ws, kind="agree")
        votes_make(poll=poll, raws=[{"value": ["3"]}] * 4)
        poll_set_state(poll=poll, action="reveal")
        self.assertContains(self.client.get(self.fragment), "Fewer than 5 people answered")

    def test_a_replaced_vote_counts_its_person_once(self) -> None:
        poll = poll_make(workshop=self.ws, kind="agree")
        p1, _ = votes_make(poll=poll, raws=[{"value": ["5"]}, {"value": ["4"]}])
        for v in ("1", "2", "3"):
            vote_submit(poll_id=poll.pk, participant=p1, raw={"value": [v]})
        poll_set_state(poll=poll, action="reveal")
        r = self.client.get(self.fragment)
        self.assertContains(r, "2 answered")
        self.assertContains(r, "Fewer than 3 people answered")

    def test_text_answers_are_shown_shuffled(self) -> None:
        poll = poll_make(workshop=self.ws, kind="text")
        texts = [f"idea {i}" for i in range(12)]
        self.assertNotEqual(
            poll_tally(poll=poll, answers=texts, rng=random.Random(1))["texts"], texts
        )
        votes_make(poll=poll, raws=[{"text": [t]} for t in texts])
        poll_set_state(poll=poll, action="reveal")
        orders = set()
        for _ in range(5):
            body = self.client.get(self.fragment).content.decode()
            orders.add(tuple(sorted(texts, key=body.index)))
        self.assertGreater(len(orders), 1)
        self.assertEqual(set(orders.pop()), set(texts))

    def test_the_projector_page_uses_htmx_from_static_files_and_no_inline_script(self) -> None:
        poll_make(workshop=self.ws, kind="agree")
        r = self.client.get(reverse("workshops:projector", args=[self.ws.pk]))
        self.assertContains(r, "/static/django_htmx/htmx-2.min.js")
        self.assertContains(r, "/static/js/workshop-projector.js")
        self.assertContains(r, 'hx-trigger="ws:tick"')
        self.assertContains(r, self.ws.join_code)
        self.assertNotIn("<script>", r.content.decode())


class RunPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.ws = workshop_make(
            org=self.org, team=self.platform, facilitator=self.facilitator, live=False
        )
        self.run = reverse("workshops:run", args=[self.ws.pk])

    def test_the_facilitator_runs_a_workshop_from_draft_to_end(self) -> None:
        self.login(self.facilitator)
        self.assertContains(self.client.get(self.run), "Go live")
        self.client.post(reverse("workshops:go_live", args=[self.ws.pk]))
        self.ws.refresh_from_db()
        self.assertEqual(self.ws.state, "live")
        r = self.client.post(
            reverse("workshops:poll_add", args=[self.ws.pk]),
            {"kind": "choice", "question": "Which first?", "options": "Docs\nTests\n"},
            follow=True,
        )
        self.assertContains(r, "Poll added")
        poll = Poll.objects.get(workshop=self.ws)
        self.assertEqual(poll.options, ["Docs", "Tests"])
        for action, state in (("open", "open"), ("close", "closed"), ("reveal", "revealed")):
            self.client.post(reverse("workshops:poll_action", args=[self.ws.pk, poll.pk, action]))
            poll.refresh_from_db()
            self.assertEqual(poll.state, state)
        # A revealed poll is not revealed twice (one below k may be re-opened or closed:
        # tests/workshops/test_poll_reveal_below_k.py).
        r = self.client.post(
            reverse("workshops:poll_action", args=[self.ws.pk, poll.pk, "reveal"]), follow=True
        )
        self.assertContains(r, "cannot be revealed")
        self.client.post(reverse("workshops:end", args=[self.ws.pk]))
        self.ws.refresh_from_db()
        self.assertEqual(self.ws.state, "ended")

    def test_opening_a_poll_closes_the_open_one(self) -> None:
        self.login(self.facilitator)
        self.client.post(reverse("workshops:go_live", args=[self.ws.pk]))
        self.ws.refresh_from_db()
        first = poll_make(workshop=self.ws, kind="agree")
        second = poll_make(workshop=self.ws, kind="text", state="draft")
        self.client.post(reverse("workshops:poll_action", args=[self.ws.pk, second.pk, "open"]))
        first.refresh_from_db()
        self.assertEqual(first.state, "closed")

    def test_a_bad_poll_says_why_and_stores_nothing(self) -> None:
        self.login(self.facilitator)
        r = self.client.post(
            reverse("workshops:poll_add", args=[self.ws.pk]),
            {"kind": "rank", "question": "Rank?", "options": "Only one"},
            follow=True,
        )
        self.assertContains(r, "needs at least 2 option")
        self.assertFalse(Poll.objects.exists())

    def test_a_draft_poll_is_edited_on_the_run_page(self) -> None:
        self.login(self.facilitator)
        poll = poll_make(workshop=self.ws, kind="agree", state="draft")
        r = self.client.get(self.run, {"edit": poll.pk})
        self.assertContains(r, 'id="edit-poll"')
        self.client.post(
            reverse("workshops:poll_edit", args=[self.ws.pk, poll.pk]),
            {"kind": "choice", "question": "Pick", "options": "A\nB"},
        )
        poll.refresh_from_db()
        self.assertEqual((poll.kind, poll.options), ("choice", ["A", "B"]))


class LivePermissionTests(BaseTestCase):
    def setUp(self) -> None:
        self.ws = workshop_make(org=self.org, team=self.platform, facilitator=self.facilitator)
        self.poll = poll_make(workshop=self.ws, kind="agree")
        self.pages = [
            reverse("workshops:run", args=[self.ws.pk]),
            reverse("workshops:projector", args=[self.ws.pk]),
            reverse("workshops:projector_live", args=[self.ws.pk]),
            reverse("workshops:join_qr", args=[self.ws.pk]),
        ]

    def test_the_facilitator_and_an_admin_open_every_live_page(self) -> None:
        for user in (self.facilitator, self.owner):
            self.login(user)
            for url in self.pages:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_others_get_a_404_and_cannot_act(self) -> None:
        other_facilitator = user_make(
            username="other-fac", org=self.other_org, role="facilitator", teams=[self.other_team]
        )
        sales_facilitator = user_make(
            username="sales-fac", org=self.org, role="facilitator", teams=[self.sales]
        )
        for user in (other_facilitator, sales_facilitator, self.member, self.leader, self.outsider):
            self.login(user)
            for url in self.pages:
                with self.subTest(user=user.username, url=url):
                    self.assertIn(self.client.get(url).status_code, (403, 404))
            action = reverse("workshops:poll_action", args=[self.ws.pk, self.poll.pk, "close"])
            self.assertIn(self.client.post(action).status_code, (403, 404))
        self.poll.refresh_from_db()
        self.assertEqual(self.poll.state, "open")

    def test_another_orgs_facilitator_gets_404(self) -> None:
        other_facilitator = user_make(
            username="other-fac2", org=self.other_org, role="facilitator", teams=[self.other_team]
        )
        self.login(other_facilitator)
        for url in self.pages:
            self.assertEqual(self.client.get(url).status_code, 404)

    def test_a_participant_without_login_sees_only_the_live_page(self) -> None:
        live = reverse("workshops_participant:live", args=[self.ws.join_code])
        self.assertContains(self.client.get(live), self.poll.question)
        for url in self.pages:
            r = self.client.get(url)
            self.assertEqual(r.status_code, 302)
            self.assertIn(reverse("login"), r["Location"])


class PhoneResultTests(BaseTestCase):
    """A waiting phone shows the revealed result under the projector's rule (k, shuffled text),
    refreshed by htmx from a fragment (no inline script)."""

    def setUp(self) -> None:
        self.ws = workshop_make(org=self.org, team=self.platform, facilitator=self.facilitator, k=3)
        self.page = reverse("workshops_participant:live", args=[self.ws.join_code])
        self.fragment = reverse("workshops_participant:results", args=[self.ws.join_code])

    def test_the_waiting_page_polls_the_result_fragment_with_the_static_script(self) -> None:
        page = self.client.get(self.page).content.decode()
        self.assertIn(f'hx-get="{self.fragment}"', page)
        self.assertIn("js/workshop-projector.js", page)
        self.assertIn("django_htmx/htmx-2.min.js", page)
        self.assertNotIn("<script>", page)

    def test_a_closed_unrevealed_poll_shows_nothing_but_waiting(self) -> None:
        poll = poll_make(workshop=self.ws, kind="choice", options=["Yes", "No"])
        votes_make(poll=poll, raws=[{"value": ["0"]}] * 3)
        poll_set_state(poll=poll, action="close")
        r = self.client.get(self.fragment)
        self.assertContains(r, "Waiting for the next question")
        self.assertNotContains(r, "ws-results")

    def test_a_revealed_poll_below_k_shows_no_distribution_on_phones(self) -> None:
        poll = poll_make(workshop=self.ws, kind="agree")
        votes_make(poll=poll, raws=[{"value": ["5"]}, {"value": ["1"]}])
        poll_set_state(poll=poll, action="reveal")
        for url in (self.fragment, self.page):
            r = self.client.get(url)
            self.assertContains(r, "Fewer than 3 people answered")
            self.assertNotContains(r, "Strongly agree")

    def test_a_revealed_poll_at_k_shows_its_result_and_texts_on_phones(self) -> None:
        poll = poll_make(workshop=self.ws, kind="text")
        votes_make(poll=poll, raws=[{"text": [t]} for t in ("alpha", "beta", "gamma")])
        poll_set_state(poll=poll, action="reveal")
        r = self.client.get(self.fragment)
        self.assertContains(r, 'id="ws-results"')
        for t in ("alpha", "beta", "gamma"):
            self.assertContains(r, t)

    def test_an_ended_workshop_says_so_in_the_fragment(self) -> None:
        from workshops.services_live import workshop_end

        workshop_end(workshop=self.ws)
        r = self.client.get(self.fragment)
        self.assertEqual(r.status_code, 200)
        self.assertContains(r, "has ended")
