"""The Slack boundary: an optional incoming webhook for announcements (email is core/emails.py)."""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings

log = logging.getLogger(__name__)


def slack_post(*, text: str) -> bool:
    """Post to the org's Slack incoming webhook if configured; never raises (optional channel).

    The webhook posts to a shared channel, so it only ever announces a round — personal
    links go by email, never to Slack.
    """
    url = getattr(settings, "SLACK_WEBHOOK_URL", "")
    if not url:
        return False
    req = urllib.request.Request(
        url,
        data=json.dumps({"text": text}).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return 200 <= resp.status < 300
    except OSError as exc:
        log.warning("Slack webhook failed: %s", exc)
        return False
