"""core.links: derived, namespaced tokens; only hashes stored; claim-and-send exactly once."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import smtplib
from typing import Any
from urllib.parse import urlsplit

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.links import (
    absolute_url,
    link_derive,
    link_hash,
    link_token_from_text,
    link_url,
    send_each,
)
from decisions.checkins import CHECKIN_LINK, checkin_invitation_new, checkin_invitation_send
from decisions.models import CheckInInvitation, Decision
from surveys.links import PULSE_LINK
from surveys.models import Invitation
from tests.base import BaseTestCase
from tests.factories import token_from_email
from tests.surveys.helpers import add_people, open_round, token_of


class OnceDownBackend(EmailBackend):
    """The mail server drops the connection on the next `fail` sends; records every attempt."""

    fail = 0
    attempts: list[Any] = []

    def send_messages(self, messages: Any) -> int:
        OnceDownBackend.attempts.extend(messages)
        if OnceDownBackend.fail > 0:
            OnceDownBackend.fail -= 1
            raise smtplib.SMTPServerDisconnected("connection lost")
        return super().send_messages(messages)


def link_in(body: str) -> str:
    return token_from_email(body, landing="/decisions/c/")


class DeriveTests(BaseTestCase):
    def test_it_derives_the_same_token_from_the_same_inputs(self) -> None:
        a = link_derive(namespace="pulse", parts=(1, 2), nonce="n")
        assert a == link_derive(namespace="pulse", parts=(1, 2), nonce="n")
        assert len(a) == 43 and re.fullmatch(r"[A-Za-z0-9_-]+", a)

    def test_every_input_changes_the_token(self) -> None:
        base = link_derive(namespace="pulse", parts=(1, 2), nonce="n")
        assert base != link_derive(namespace="checkin", parts=(1, 2), nonce="n")
        assert base != link_derive(namespace="pulse", parts=(1, 3), nonce="n")
        assert base != link_derive(namespace="pulse", parts=(1, 2), nonce="m")
        with self.settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
            assert base != link_derive(namespace="pulse", parts=(1, 2), nonce="n")

    def test_a_namespace_must_be_one_word(self) -> None:
        for bad in ("", "pulse:1"):
            with self.assertRaises(ValueError):
                link_derive(namespace=bad, parts=(), nonce="n")

    def test_a_pulse_token_never_validates_as_a_check_in_token(self) -> None:
        add_people(self.org, self.sales, 2)
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.sales])
        inv = rnd.invitations.select_related("person").first()
        decision = Decision.objects.create(
            organization=self.org, title="Ship it", decided_on=dt.date(2026, 3, 1)
        )
        # A check-in row with the very same ids and nonce as the pulse invitation.
        checkin = CheckInInvitation(
            organization=self.org,
            decision=decision,
            offset_days=inv.round_id,
            person=inv.person,
            nonce=inv.nonce,
        )
        pulse_token = token_of(inv)
        assert PULSE_LINK.token(inv) == pulse_token
        assert CHECKIN_LINK.token(checkin) != pulse_token
        checkin.token_hash = link_hash(CHECKIN_LINK.token(checkin))
        checkin.sent_at = timezone.now()
        checkin.save()
        assert CHECKIN_LINK.find(pulse_token) is None
        assert PULSE_LINK.find(pulse_token) == inv
        page = self.client.get(reverse("decisions:checkin", kwargs={"token": pulse_token}))
        assert page.status_code == 404
        api = self.client.get(reverse("decisionsapi:checkin", kwargs={"token": pulse_token}))
        assert api.status_code == 404

    def test_the_database_stores_only_the_hash_of_the_token(self) -> None:
        decision = Decision.objects.create(
            organization=self.org, title="Ship it", decided_on=dt.date(2026, 3, 1)
        )
        inv = checkin_invitation_new(
            org_id=self.org.pk,
            decision_id=decision.pk,
            offset_days=7,
            person_id=self.member_person.pk,
            team_id=self.platform.pk,
        )
        inv.save()
        raw = CHECKIN_LINK.token(inv)
        assert inv.token_hash == hashlib.sha256(raw.encode()).hexdigest() == link_hash(raw)
        stored = str(list(CheckInInvitation.objects.values()))
        assert raw not in stored and inv.token_hash in stored

    @override_settings(SITE_URL="https://trust.example")
    def test_the_url_is_the_site_url_plus_the_landing_page_with_the_token_as_fragment(
        self,
    ) -> None:
        assert link_url(view="decisions:checkin_open", token="abc") == (
            "https://trust.example/decisions/c/#abc"
        )
        assert link_url(view="surveys:open", token="abc") == "https://trust.example/s/#abc"

    def test_the_emailed_links_carry_the_token_in_neither_path_nor_query(self) -> None:
        person = self.member_person
        inv = PULSE_LINK.issue(Invitation(round_id=1, person_id=person.pk))
        check = CHECKIN_LINK.issue(
            CheckInInvitation(decision_id=2, offset_days=7, person_id=person.pk)
        )
        for url, token in (
            (PULSE_LINK.url(inv), PULSE_LINK.token(inv)),
            (CHECKIN_LINK.url(check), CHECKIN_LINK.token(check)),
        ):
            parts = urlsplit(url)
            assert parts.fragment == token and len(token) == 43
            assert token not in parts.path + parts.query + parts.netloc
            assert parts.path in ("/s/", "/decisions/c/") and not parts.query

    def test_a_pasted_link_or_code_gives_its_token(self) -> None:
        token = "Fnkd46eFQPs1RWC6mOoNbl_EnqgN4ifOBlux9MTgYnE"
        for pasted in (
            token,
            f"  {token}\n",
            f"https://trust.example/s/#{token}",
            f"https://trust.example/decisions/c/#{token[:20]}\n{token[20:]}",  # a wrapped line
            f"https://trust.example/s/{token}/",  # the old link form
            f"<https://trust.example/decisions/c/{token}/>",
            f"#{token}",
        ):
            with self.subTest(pasted=pasted):
                assert link_token_from_text(pasted) == token
        for nothing in ("", "   ", "#", "https://trust.example/s/#", "???"):
            with self.subTest(pasted=nothing):
                assert link_token_from_text(nothing) == ""

    def test_lookups_of_odd_tokens_find_nothing(self) -> None:
        for token in ("", "short", "x" * 101, None):
            assert PULSE_LINK.find(token) is None  # type: ignore[arg-type]
        assert not Invitation.objects.exists()


@override_settings(EMAIL_BACKEND="tests.core.test_links.OnceDownBackend")
class ClaimAndSendTests(BaseTestCase):
    def setUp(self) -> None:
        OnceDownBackend.fail, OnceDownBackend.attempts = 0, []
        self.decision = Decision.objects.create(
            organization=self.org, title="Ship it", decided_on=dt.date(2026, 3, 1)
        )
        self.inv = checkin_invitation_new(
            org_id=self.org.pk,
            decision_id=self.decision.pk,
            offset_days=7,
            person_id=self.member_person.pk,
            team_id=self.platform.pk,
        )
        self.inv.save()

    def test_a_mail_error_rolls_the_claim_back_and_the_retry_sends_the_same_link_once(
        self,
    ) -> None:
        OnceDownBackend.fail = 1
        with self.assertRaises(smtplib.SMTPServerDisconnected):
            checkin_invitation_send(invitation_id=self.inv.pk)
        self.inv.refresh_from_db()
        assert self.inv.sent_at is None and mail.outbox == []
        assert checkin_invitation_send(invitation_id=self.inv.pk) is True
        assert checkin_invitation_send(invitation_id=self.inv.pk) is False  # a redelivery
        assert len(mail.outbox) == 1 and len(OnceDownBackend.attempts) == 2
        assert link_in(mail.outbox[0].body) == link_in(OnceDownBackend.attempts[0].body)
        self.inv.refresh_from_db()
        assert self.inv.sent_at is not None
        assert self.inv.token_hash == link_hash(link_in(mail.outbox[0].body))

    def test_a_refused_address_is_skipped_and_other_errors_stop_the_batch(self) -> None:
        calls: list[int] = []

        def send_one(pk: int) -> bool:
            calls.append(pk)
            if pk == 2:
                raise smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"no")})
            if pk == 4:
                raise smtplib.SMTPServerDisconnected("gone")
            return pk != 3

        report = send_each(ids=[1, 2, 3, 4, 5, 6], send_one=send_one)
        assert calls == [1, 2, 3, 4]
        assert (report.sent, report.already_sent, report.refused) == (1, 1, [2])
        assert isinstance(report.error, smtplib.SMTPServerDisconnected)
        assert report.left == 3 and report.unsent == 4

    def test_a_deleted_decisions_invitation_is_never_sent(self) -> None:
        Decision.objects.filter(pk=self.decision.pk).delete()
        assert checkin_invitation_send(invitation_id=self.inv.pk) is False
        assert mail.outbox == []


@override_settings(SITE_URL="https://trust.example")
class AbsoluteURLTests(BaseTestCase):
    def test_the_password_set_link_of_the_account_email_is_absolute(self) -> None:
        from orgs.services_access import password_set_link

        link = password_set_link(user=self.member)
        assert link.startswith("https://trust.example/accounts/reset/")
        assert (
            absolute_url("decisions:checkin", token="t") == "https://trust.example/decisions/c/t/"
        )
