"""Single-use link tokens: random, shown once in the message, stored only as a sha256 hash.

Invitation tokens are *derived*: raw = HMAC-SHA256(SECRET_KEY, "round:person:nonce") with a
random per-invitation nonce stored on the row. Why: dispatch must be crash-safe, so a re-run
after a worker died between creating the invitation and sending it has to produce the very
same link again, yet we must never store the raw token. The database holds only the nonce
and sha256(raw); without SECRET_KEY (kept out of the database and backups) neither reveals
the link. Rotating SECRET_KEY invalidates the links of open rounds, which is acceptable.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings


def token_new() -> tuple[str, str]:
    """Return (raw token for the link, hash to store)."""
    raw = secrets.token_urlsafe(24)
    return raw, token_hash(raw)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def nonce_new() -> str:
    """A random per-invitation salt (128 bits, hex)."""
    return secrets.token_hex(16)


def invitation_token(*, round_id: int, person_id: int, nonce: str) -> str:
    """The raw link token of an invitation, reproducible only with SECRET_KEY."""
    msg = f"{round_id}:{person_id}:{nonce}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode("utf-8"), msg, hashlib.sha256).digest()
    # base64url without padding: 43 characters, safe in a URL path.
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
