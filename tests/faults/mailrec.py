"""An email backend for the fault tests: each email appended as one JSON line to a file, slowly.

Set in a worker's environment (EMAIL_BACKEND=tests.faults.mailrec.RecordingBackend,
TRUSTOS_MAIL_LOG=<file>, TRUSTOS_MAIL_DELAY=<seconds per email>) so a test can kill the
worker mid-dispatch and read, afterwards, who got which link how often.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

LINK = re.compile(r"https?://\S+#[\w-]+")


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        path = os.environ["TRUSTOS_MAIL_LOG"]
        delay = float(os.environ.get("TRUSTOS_MAIL_DELAY", "0"))
        for msg in email_messages:
            time.sleep(delay)  # a slow mail server: the kill lands mid-dispatch
            link = LINK.search(str(msg.body))
            line: dict[str, Any] = {"to": msg.to[0], "link": link.group(0) if link else ""}
            # One write of one line with O_APPEND: whole lines even if the process dies.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, (json.dumps(line) + "\n").encode())
            finally:
                os.close(fd)
        return len(email_messages)
