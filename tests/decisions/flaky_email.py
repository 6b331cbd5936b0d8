"""A test email backend that refuses some addresses or goes down: only the mail server is replaced."""

from __future__ import annotations

import smtplib
from typing import Any

from django.core.mail.backends.locmem import EmailBackend


class MailServerDown(ConnectionError):
    pass


class RefusingEmailBackend(EmailBackend):
    refuse: set[str] = set()  # addresses refused one by one, as an SMTP server does
    down_after: int | None = None  # the server goes away after this many more messages

    def send_messages(self, messages: Any) -> int:
        for m in messages:
            if RefusingEmailBackend.down_after is not None:
                if RefusingEmailBackend.down_after <= 0:
                    raise MailServerDown("connection refused")
                RefusingEmailBackend.down_after -= 1
            refused = set(m.to) & RefusingEmailBackend.refuse
            if refused:
                raise smtplib.SMTPRecipientsRefused({a: (550, b"no such user") for a in refused})
        return super().send_messages(messages)
