"""Votes: one per device and poll (a second replaces the first), and every bad input answered
with a message on the participant page, nothing stored, never a 500."""

from __future__ import annotations

from django.urls import reverse

from core.errors import Conflict, InvalidInput
from tests.base import BaseTestCase
from tests.workshops.live_factory import poll_make, workshop_make
from workshops.models_polls import Participant, Poll, Vote
from workshops.polls import TEXT_MAX, answer_clean, poll_options_clean
from workshops.services_live import poll_create, poll_update, vote_submit, workshop_end


class AnswerValidationTests(BaseTestCase):
    def setUp(self) -> None:
        self.ws = workshop_make(org=self.org, team=self.platform)

    def _poll(self, kind: str, options: list[str] | None = None) -> Poll:
        return poll_make(workshop=self.ws, kind=kind, options=options, state="draft")

    def test_each_kind_stores_its_answer_shape(self) -> None:
        self.assertEqual(answer_clean(poll=self._poll("agree"), raw={"value": ["4"]}), 4)
        choice = self._poll("choice", ["A", "B"])
        self.assertEqual(answer_clean(poll=choice, raw={"value": ["1"]}), 1)
        rank = self._poll("rank", ["A", "B", "C"])
        raw = {"rank_0": ["2"], "rank_1": ["3"], "rank_2": ["1"]}
        self.assertEqual(answer_clean(poll=rank, raw=raw), [2, 0, 1])
        text = self._poll("text")
        self.assertEqual(answer_clean(poll=text, raw={"text": ["  more   focus "]}), "more focus")
        matrix = self._poll("matrix", ["Dashboards", "Retros"])
        raw = {"place_0": ["quick_win"], "place_1": ["money_pit"]}
        self.assertEqual(answer_clean(poll=matrix, raw=raw), ["quick_win", "money_pit"])

    def test_bad_answers_name_what_is_wrong(self) -> None:
        cases = [
            (self._poll("agree"), {"value": ["6"]}, "scale"),
            (self._poll("agree"), {}, "scale"),
            (self._poll("choice", ["A", "B"]), {"value": ["2"]}, "options"),
            (self._poll("rank", ["A", "B"]), {"rank_0": ["1"], "rank_1": ["1"]}, "different place"),
            (self._poll("text"), {"text": ["   "]}, "Write"),
            (self._poll("text"), {"text": ["x" * (TEXT_MAX + 1)]}, f"{TEXT_MAX} characters"),
            (self._poll("matrix", ["A"]), {"place_0": ["nowhere"]}, "four boxes"),
        ]
        for poll, raw, words in cases:
            with (
                self.subTest(kind=poll.kind, raw=str(raw)[:40]),
                self.assertRaisesMessage(InvalidInput, words),
            ):
                answer_clean(poll=poll, raw=raw)

    def test_polls_need_a_question_and_enough_options(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "at least 2 option"):
            poll_options_clean(kind="choice", options=["only", " ", "only"])
        with self.assertRaisesMessage(InvalidInput, "kind"):
            poll_options_clean(kind="quiz", options=[])
        with self.assertRaisesMessage(InvalidInput, "question"):
            poll_create(workshop=self.ws, kind="agree", question="  ", options=[])
        self.assertEqual(poll_options_clean(kind="agree", options=["ignored"]), [])

    def test_a_poll_with_answers_cannot_be_edited(self) -> None:
        poll = poll_make(workshop=self.ws, kind="agree", state="open")
        p = Participant.objects.create(workshop=self.ws)
        vote_submit(poll_id=poll.pk, participant=p, raw={"value": ["3"]})
        with self.assertRaises(Conflict):
            poll_update(poll=poll, kind="agree", question="Other?", options=[])


class VoteTests(BaseTestCase):
    def setUp(self) -> None:
        self.ws = workshop_make(org=self.org, team=self.platform)
        self.poll = poll_make(workshop=self.ws, kind="agree")
        self.live_url = reverse("workshops_participant:live", args=[self.ws.join_code])

    def _vote_url(self, poll: Poll) -> str:
        return reverse("workshops_participant:vote", args=[self.ws.join_code, poll.pk])

    def test_a_phone_joins_once_and_its_second_vote_replaces_the_first(self) -> None:
        r = self.client.get(self.live_url)
        self.assertContains(r, self.poll.question)
        self.assertEqual(Participant.objects.count(), 1)
        self.client.get(self.live_url)  # the signed cookie brings the same participant back
        self.assertEqual(Participant.objects.count(), 1)
        r = self.client.post(self._vote_url(self.poll), {"value": "2"})
        self.assertRedirects(r, f"{self.live_url}?saved={self.poll.pk}")
        r = self.client.post(self._vote_url(self.poll), {"value": "5"}, follow=True)
        self.assertContains(r, "Your answer is recorded")
        self.assertEqual(list(Vote.objects.values_list("answer", flat=True)), [5])

    def test_two_phones_are_two_participants(self) -> None:
        self.client.post(self._vote_url(self.poll), {"value": "2"})
        other = self.client_class()
        other.post(self._vote_url(self.poll), {"value": "4"})
        self.assertEqual(Participant.objects.count(), 2)
        self.assertEqual(sorted(Vote.objects.values_list("answer", flat=True)), [2, 4])

    def test_a_forged_cookie_is_ignored(self) -> None:
        victim = Participant.objects.create(workshop=self.ws)
        vote_submit(poll_id=self.poll.pk, participant=victim, raw={"value": ["1"]})
        self.client.cookies[f"trustos_ws{self.ws.pk}"] = str(victim.pk)  # unsigned
        self.client.post(self._vote_url(self.poll), {"value": "5"})
        self.assertEqual(sorted(Vote.objects.values_list("answer", flat=True)), [1, 5])

    def test_a_closed_or_unopened_poll_refuses_the_answer_with_a_message(self) -> None:
        draft = poll_make(workshop=self.ws, kind="agree", state="draft")
        r = self.client.post(self._vote_url(draft), {"value": "3"})
        self.assertContains(r, "closed", status_code=409)
        closed = poll_make(workshop=self.ws, kind="agree", state="closed")
        r = self.client.post(self._vote_url(closed), {"value": "3"})
        self.assertContains(r, "your answer was not recorded", status_code=409)
        self.assertFalse(Vote.objects.exists())

    def test_an_oversized_text_is_refused_and_kept_in_the_form(self) -> None:
        text = poll_make(workshop=self.ws, kind="text")
        r = self.client.post(self._vote_url(text), {"text": "y" * 5000})
        self.assertContains(r, f"Keep it to {TEXT_MAX} characters", status_code=400)
        self.assertFalse(Vote.objects.exists())

    def test_a_poll_of_another_workshop_is_not_found(self) -> None:
        other = workshop_make(org=self.other_org, team=self.other_team)
        foreign = poll_make(workshop=other, kind="agree")
        r = self.client.post(self._vote_url(foreign), {"value": "3"})
        self.assertContains(r, "does not exist", status_code=404)
        self.assertFalse(Vote.objects.exists())

    def test_voting_after_the_workshop_ended_is_refused(self) -> None:
        self.client.get(self.live_url)
        workshop_end(workshop=self.ws)
        r = self.client.post(self._vote_url(self.poll), {"value": "3"})
        self.assertContains(r, "has ended", status_code=410)
        self.assertFalse(Vote.objects.exists())

    def test_the_phone_shows_waiting_when_no_poll_is_open(self) -> None:
        ws = workshop_make(org=self.org, team=self.platform)
        r = self.client.get(reverse("workshops_participant:live", args=[ws.join_code]))
        self.assertContains(r, "Waiting for the next question")
        r = self.client.get(reverse("workshops_participant:status", args=[ws.join_code]))
        self.assertEqual(r.json(), {"poll": None})

    def test_every_kind_renders_on_the_phone_and_keeps_the_stored_answer(self) -> None:
        cases = {
            "agree": ([], {"value": "4"}),
            "choice": (["A", "B"], {"value": "1"}),
            "rank": (["A", "B"], {"rank_0": "2", "rank_1": "1"}),
            "text": ([], {"text": "Fewer meetings"}),
            "matrix": (["Docs"], {"place_0": "big_bet"}),
        }
        for kind, (options, data) in cases.items():
            with self.subTest(kind=kind):
                poll = poll_make(workshop=self.ws, kind=kind, options=options)
                r = self.client.post(self._vote_url(poll), data, follow=True)
                self.assertEqual(r.status_code, 200)
                self.assertContains(r, "Change my answer")
                if kind == "text":
                    self.assertContains(r, "Fewer meetings")
                else:
                    self.assertContains(r, "checked" if kind != "rank" else "selected")
