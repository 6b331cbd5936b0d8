"""Single-use link tokens: random, shown once in the message, stored only as a sha256 hash."""

from __future__ import annotations

import hashlib
import secrets


def token_new() -> tuple[str, str]:
    """Return (raw token for the link, hash to store)."""
    raw = secrets.token_urlsafe(24)
    return raw, token_hash(raw)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()
