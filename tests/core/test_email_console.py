"""The make-run console email backend: a short block per email with its links, the whole
message kept as a file."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.mail import EmailMultiAlternatives

from core.email_console import SummaryConsoleBackend


def test_it_prints_recipient_subject_and_links_and_keeps_the_message(tmp_path: Path) -> None:
    out = io.StringIO()
    backend = SummaryConsoleBackend(stream=out)
    backend.folder = tmp_path
    msg = EmailMultiAlternatives(
        subject="Your 2-minute pulse",
        body="Hello,\nanswer here: https://trust.example/s/#tok123\nThanks",
        to=["ana@example.com"],
    )
    msg.attach_alternative("<p>" + "x" * 5000 + "</p>", "text/html")
    assert backend.send_messages([msg]) == 1
    text = out.getvalue()
    assert "[email] to ana@example.com: Your 2-minute pulse" in text
    assert "https://trust.example/s/#tok123" in text
    assert len(text.splitlines()) == 3  # not the whole MIME message
    kept = list(tmp_path.glob("*.eml"))
    assert len(kept) == 1 and b"ana@example.com" in kept[0].read_bytes()
