"""API tokens on the wire: authentication by key hash, the read/write scope, a per-token throttle."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import authentication, exceptions, permissions, throttling

from orgs.models import ApiToken, ApiTokenScope

KEYWORD = "Token"  # the header clients already send: `Authorization: Token <key>`
PREFIX_LEN = 8


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_new() -> str:
    """A fresh random key (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def request_token(request: Any) -> ApiToken | None:
    """The ApiToken a DRF request was authenticated with, if any."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`: looked up by SHA-256, refused when expired or revoked."""

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid token header: use 'Authorization: Token <key>'."
            )
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token header.") from exc
        token = (
            ApiToken.objects.select_related("user", "organization")
            .filter(key_hash=key_hash(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API token was revoked.")
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                f"This API token expired on {token.expires_at:%Y-%m-%d}; create a new one."
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        today = now.date()
        if token.last_used_on != today:
            # One write a day at most: day precision is all the set-up page shows.
            ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
            token.last_used_on = today
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return KEYWORD


class TokenScopeAllows(permissions.BasePermission):
    """A read-scoped token may only use safe methods (GET, HEAD, OPTIONS)."""

    message = "This API token has the 'read' scope: it may not change data."

    def has_permission(self, request: Any, view: Any) -> bool:
        token = request_token(request)
        if token is None or request.method in permissions.SAFE_METHODS:
            return True
        return bool(token.scope == ApiTokenScope.WRITE)


class ApiTokenThrottle(throttling.SimpleRateThrottle):
    """Requests per token (`API_TOKEN_RATE`); other requests are left to other throttles."""

    scope = "api_token"

    def get_rate(self) -> str | None:
        # Read at request time (not class definition) so a deployment or a test can set it.
        return str(getattr(settings, "API_TOKEN_RATE", "600/min"))

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        token = request_token(request)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token's place in the OpenAPI schema (same name and header as DRF's token scheme)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return dict(
            build_bearer_security_scheme_object(header_name="Authorization", token_prefix=KEYWORD)
        )
