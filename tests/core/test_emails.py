"""core.emails: each email is a named template pair and one function; texts as users get them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from django.conf import settings
from django.core import mail
from django.test import SimpleTestCase, override_settings

from core import emails
from surveys.services.dispatch import invitation_email_context, invitation_link
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round

PULSE = {
    "first_name": "Ada",
    "title": "March pulse",
    "organization": "Acme",
    "n": 8,
    "link": "http://testserver/s/TOKEN/",
    "closes": "Friday 06 March, 17:00",
}
PULSE_BODY = (
    "Hello Ada,\n\n"
    "{reminder}Acme asks you 8 short questions about how work moves in your team. It takes "
    "about two minutes.\n\n"
    "http://testserver/s/TOKEN/\n\n"
    "Your answers are anonymous: they are stored without your name, email or this link, and "
    "results are shown only for groups large enough that nobody can be singled out.\n"
    "The link works once, until Friday 06 March, 17:00.\n"
)
CHECKIN = {
    "name": "Ada Lovelace",
    "offset_days": 7,
    "title": "Adopt trunk-based development",
    "link": "http://testserver/decisions/c/TOKEN/",
    "answer_days": 21,
}
CHECKIN_BODY = (
    "Hello Ada,\n\n"  # first name, like every other email
    "7 days ago this decision was made:\n\n"
    "    Adopt trunk-based development\n\n"
    "Three quick questions (30 seconds, anonymous: nobody sees who answered what):\n"
    "http://testserver/decisions/c/TOKEN/\n\n"
    "The link works once and for 21 days.\n"
)


class _User:
    first_name = "Ada"
    email = "ada@example.com"

    def get_username(self) -> str:
        return "ada@example.com"


class _Org:
    name = "R&D Labs"


ACCOUNT = {
    "user": _User(),
    "organization": _Org(),
    "role": "Team leader",
    "link": "http://testserver/accounts/reset/MQ/set-password/",
    "site_url": "http://testserver",
}
ACCOUNT_BODY = (
    "Hello Ada,\n\n"
    'You have been given the role "Team leader" in R&D Labs on Trust OS.\n\n'
    "Your login name is: ada@example.com\n"
    "Set your password here (the link works once and expires):\n"
    "http://testserver/accounts/reset/MQ/set-password/\n\n"
    "Then log in at http://testserver/accounts/login/\n"
)

Send = Callable[..., None]
CASES: list[tuple[Send, Mapping[str, Any], str, str]] = [
    (
        emails.pulse_invitation,
        PULSE,
        "March pulse: 8 quick questions",
        PULSE_BODY.format(reminder=""),
    ),
    (
        emails.pulse_reminder,
        PULSE,
        "Reminder: March pulse: 8 quick questions",
        PULSE_BODY.format(reminder="A friendly reminder: "),
    ),
    (
        emails.checkin_invitation,
        CHECKIN,
        "Quick check-in: Adopt trunk-based development",
        CHECKIN_BODY,
    ),
    (emails.account_created, ACCOUNT, "Your Trust OS account for R&D Labs", ACCOUNT_BODY),
]


class EmailTemplateTests(SimpleTestCase):
    def test_each_email_sends_its_subject_and_body_from_its_template_pair(self) -> None:
        for send, ctx, subject, body in CASES:
            mail.outbox = []
            send(to="ada@example.com", ctx=ctx)
            [m] = mail.outbox
            assert (m.to, m.subject, m.body) == (["ada@example.com"], subject, body), send
            assert m.alternatives == []  # no -body.html template: plain text only

    def test_plain_text_is_not_html_escaped(self) -> None:
        subject, body, _ = emails.render("checkin-invitation", {**CHECKIN, "title": "R&D <b>"})
        assert subject == "Quick check-in: R&D <b>" and "    R&D <b>\n" in body

    def test_the_subject_is_one_line_of_at_most_150_characters(self) -> None:
        subject, _, _ = emails.render("checkin-invitation", {**CHECKIN, "title": "x\ny " * 100})
        assert "\n" not in subject and len(subject) == emails.SUBJECT_MAX

    def test_an_html_body_template_is_sent_as_the_html_alternative(self) -> None:
        with TemporaryDirectory() as tmp:
            folder = Path(tmp) / "emails"
            folder.mkdir()
            (folder / "hello-subject.txt").write_text("Hi {{ name }}\n")
            (folder / "hello-body.txt").write_text("Hello {{ name }} & co\n")
            (folder / "hello-body.html").write_text("<p>Hello {{ name }}</p>\n")
            engine = {**settings.TEMPLATES[0], "DIRS": [tmp, *settings.TEMPLATES[0]["DIRS"]]}
            with override_settings(TEMPLATES=[engine]):
                emails.send("hello", to="a@example.com", ctx={"name": "<Ada>"})
        [m] = mail.outbox
        assert (m.subject, m.body) == ("Hi <Ada>", "Hello <Ada> & co\n")
        assert m.alternatives == [("<p>Hello &lt;Ada&gt;</p>\n", "text/html")]


class SentEmailTests(BaseTestCase):
    def test_the_dispatched_pulse_invitation_reads_as_before(self) -> None:
        add_people(self.org, self.sales, 1)
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.sales], title="March pulse", questions=8)
        inv = rnd.invitations.select_related("person", "round__organization").get()
        [m] = mail.outbox
        ctx = invitation_email_context(invitation=inv)
        assert ctx["first_name"] == "Sales" and ctx["n"] == 8 and ctx["organization"] == "Acme"
        local = rnd.closes_at.astimezone(self.org.tz)
        closes = local.strftime("%A %d %B, %H:%M") + f" ({self.org.time_zone})"
        expected = (
            PULSE_BODY.format(reminder="")
            .replace("Ada", "Sales")
            .replace("http://testserver/s/TOKEN/", invitation_link(inv))
            .replace("Friday 06 March, 17:00", closes)
        )
        assert (m.subject, m.body) == ("March pulse: 8 quick questions", expected)
