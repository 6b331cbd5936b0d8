"""A test email backend that dies after N messages, like a worker killed mid-dispatch.

It replaces only the external boundary (the mail server); everything else is real.
"""

from __future__ import annotations

from typing import Any

from django.core.mail.backends.locmem import EmailBackend


class WorkerKilled(RuntimeError):
    pass


class FlakyEmailBackend(EmailBackend):
    budget: int | None = None  # messages left before the "crash"; None = never

    def send_messages(self, messages: Any) -> int:
        if FlakyEmailBackend.budget is not None:
            if FlakyEmailBackend.budget <= 0:
                raise WorkerKilled("connection lost mid-dispatch")
            FlakyEmailBackend.budget -= 1
        return super().send_messages(messages)
