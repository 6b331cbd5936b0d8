"""A console email backend for `make run`: one short block per email (to, subject, its links), the whole message kept as a file."""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

_LINK = re.compile(r"https?://\S+")
_lock = threading.Lock()


class SummaryConsoleBackend(BaseEmailBackend):
    """Django's console backend printed every email whole (MIME parts, a digest's inline SVG
    as quoted-printable: some 250 lines each), burying the survey links a person trying the
    demo looks for. This prints who it is for, the subject and every link of the plain-text
    body, and keeps the whole message in `var/mail/` (EMAIL_FILE_PATH) for whoever wants it."""

    def __init__(self, *args: Any, stream: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self.folder = Path(
            getattr(settings, "EMAIL_FILE_PATH", None) or Path(settings.BASE_DIR) / "var" / "mail"
        )

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        with _lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            for message in email_messages:
                raw = message.message()
                name = f"{raw['Message-ID'] or id(message)}".strip("<>").replace("/", "_")
                path = self.folder / f"{name}.eml"
                path.write_bytes(raw.as_bytes())
                links = _LINK.findall(str(message.body))
                lines = [
                    f"[email] to {', '.join(message.to)}: {message.subject}",
                    *(f"        {link}" for link in links),
                    f"        (whole message: {path})",
                ]
                self.stream.write("\n".join(lines) + "\n")
                self.stream.flush()
                sent += 1
        return sent
