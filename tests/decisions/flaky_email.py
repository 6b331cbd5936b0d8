"""A test email backend that refuses some addresses: only the mail server is replaced."""

from __future__ import annotations

from typing import Any

from django.core.mail.backends.locmem import EmailBackend


class MailServerDown(RuntimeError):
    pass


class RefusingEmailBackend(EmailBackend):
    refuse: set[str] = set()

    def send_messages(self, messages: Any) -> int:
        for m in messages:
            if set(m.to) & RefusingEmailBackend.refuse:
                raise MailServerDown(f"refused {m.to}")
        return super().send_messages(messages)
