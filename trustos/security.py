"""Who the client is (behind trusted proxies only) and what a locked-out login sees."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_username, get_cool_off
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.settings import api_settings

LOCKED_STATUS = 429


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For read past the trusted proxies.

    Exactly DRF's `BaseThrottle.get_ident` rule with `NUM_PROXIES` (settings
    TRUSTED_PROXY_COUNT), so the login lockout and the API throttles agree on who a client
    is. With 0 trusted proxies the header is ignored: anyone can write it.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = api_settings.NUM_PROXIES or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies == 0 or not forwarded:
        return remote
    # Each trusted proxy appends the address it saw; the n-th from the right is the client.
    addresses = str(forwarded).split(",")
    return addresses[-min(proxies, len(addresses))].strip()


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any]
) -> HttpResponse:
    """The login page again, saying the account is locked here and for how long (429)."""
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    username = get_client_username(request, credentials) or ""
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "locked_out": True, "cool_off_minutes": minutes}
    context["next"] = request.POST.get("next", "") if request.method == "POST" else ""
    return render(request, "registration/login.html", context, status=LOCKED_STATUS)
