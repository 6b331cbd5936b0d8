"""Join codes: readable alphabet, unique among live workshops, dead once the workshop ends."""

from __future__ import annotations

from unittest import mock

from django.urls import reverse

from tests.base import BaseTestCase
from tests.workshops.live_factory import workshop_make
from workshops.models import Workshop
from workshops.models_polls import LiveCode, Participant
from workshops.services_live import (
    CODE_ALPHABET,
    join_code_new,
    workshop_end,
    workshop_go_live,
)

LOOK_ALIKES = set("0O1IL")


class JoinCodeTests(BaseTestCase):
    def test_codes_are_six_characters_without_look_alikes(self) -> None:
        self.assertFalse(LOOK_ALIKES & set(CODE_ALPHABET))
        for _ in range(200):
            code = join_code_new()
            self.assertEqual(len(code), 6)
            self.assertLessEqual(set(code), set(CODE_ALPHABET))

    def test_going_live_gives_a_code_and_a_start_time(self) -> None:
        ws = workshop_make(org=self.org, team=self.platform, live=False)
        self.assertEqual(ws.join_code, "")
        ws = workshop_go_live(workshop=ws)
        self.assertEqual(ws.state, Workshop.State.LIVE)
        self.assertEqual(len(ws.join_code), 6)
        self.assertIsNotNone(ws.started_at)
        self.assertEqual(LiveCode.objects.get(workshop=ws).code, ws.join_code)

    def test_a_code_taken_by_a_live_workshop_is_drawn_again(self) -> None:
        first = workshop_make(org=self.org, team=self.platform)
        second = workshop_make(org=self.other_org, team=self.other_team, live=False)
        with mock.patch(
            "workshops.services_live.join_code_new", side_effect=[first.join_code, "ABCDEF"]
        ):
            second = workshop_go_live(workshop=second)
        self.assertEqual(second.join_code, "ABCDEF")
        self.assertEqual(LiveCode.objects.count(), 2)

    def test_the_code_of_an_ended_workshop_may_be_reused(self) -> None:
        first = workshop_make(org=self.org, team=self.platform)
        workshop_end(workshop=first)
        second = workshop_make(org=self.org, team=self.platform, live=False)
        with mock.patch("workshops.services_live.join_code_new", return_value=first.join_code):
            second = workshop_go_live(workshop=second)
        self.assertEqual(second.join_code, first.join_code)
        r = self.client.get(reverse("workshops_participant:live", args=[first.join_code]))
        self.assertContains(r, second.title)
        self.assertEqual(r.context["workshop"].pk, second.pk)

    def test_the_join_form_takes_a_lower_case_code_with_spaces(self) -> None:
        ws = workshop_make(org=self.org, team=self.platform)
        typed = f" {ws.join_code[:3].lower()} {ws.join_code[3:].lower()} "
        r = self.client.get(reverse("workshops_participant:join"), {"code": typed})
        self.assertRedirects(r, reverse("workshops_participant:live", args=[ws.join_code]))

    def test_a_wrong_code_says_so_and_stores_nothing(self) -> None:
        r = self.client.get(reverse("workshops_participant:join"), {"code": "ZZZZZZ"})
        self.assertContains(r, "No live workshop has the code ZZZZZZ", status_code=404)
        r = self.client.get(reverse("workshops_participant:live", args=["ZZZZZZ"]))
        self.assertContains(r, "No live workshop has the code", status_code=404)
        self.assertEqual(Participant.objects.count(), 0)

    def test_an_ended_workshops_code_has_expired(self) -> None:
        ws = workshop_make(org=self.org, team=self.platform)
        workshop_end(workshop=ws)
        self.assertFalse(LiveCode.objects.exists())
        r = self.client.get(reverse("workshops_participant:live", args=[ws.join_code]))
        self.assertContains(r, "has ended", status_code=410)
        r = self.client.get(reverse("workshops_participant:join"), {"code": ws.join_code})
        self.assertContains(r, "has ended", status_code=410)

    def test_a_draft_workshop_cannot_be_joined(self) -> None:
        ws = workshop_make(org=self.org, team=self.platform, live=False)
        r = self.client.get(reverse("workshops_participant:join"), {"code": "ABCDEF"})
        self.assertEqual(r.status_code, 404)
        self.assertEqual(ws.participants.count(), 0)

    def test_the_qr_code_is_an_svg_of_the_join_link_without_script_or_style(self) -> None:
        ws = workshop_make(org=self.org, team=self.platform, facilitator=self.facilitator)
        self.login(self.facilitator)
        r = self.client.get(reverse("workshops:join_qr", args=[ws.pk]))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "image/svg+xml")
        body = r.content.decode()
        self.assertIn("<svg", body)
        for banned in ("<script", "style=", "<style"):
            self.assertNotIn(banned, body)

    def test_the_qr_code_of_a_draft_workshop_does_not_exist(self) -> None:
        ws = workshop_make(
            org=self.org, team=self.platform, facilitator=self.facilitator, live=False
        )
        self.login(self.facilitator)
        self.assertEqual(
            self.client.get(reverse("workshops:join_qr", args=[ws.pk])).status_code, 404
        )
