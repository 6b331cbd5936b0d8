"""Long names and texts on a 360 px phone: nothing is pushed off screen, no sideways scroll."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from decisions.models import CONTEXT_MAX_LENGTH, Decision
from orgs.models import Organization, Role
from tests.base import make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_long_org_name_and_decision_context_fit_a_phone(
    live_server: Any, phone_page: Any
) -> None:
    org = Organization.objects.create(name="N" * 200, slug="long-names")
    admin = make_user("longadmin", org, Role.ADMIN)
    decision = Decision.objects.create(
        organization=org,
        title="T" * 200,
        context="C" * CONTEXT_MAX_LENGTH,
        decided_on=dt.date(2026, 11, 1),
    )
    client = Client()
    client.force_login(admin)
    phone_page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    phone_page.goto(live_server.url + reverse("home"))
    box = phone_page.get_by_role("button", name="Log out").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    phone_page.goto(live_server.url + reverse("decisions:detail", args=[decision.pk]))
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
