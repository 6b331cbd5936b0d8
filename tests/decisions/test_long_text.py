"""Long text never breaks a page: a decision's context is bounded, and the stylesheet wraps text."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from decisions.models import CONTEXT_MAX_LENGTH, Decision
from tests.decisions.base import DecisionTestCase
from tests.factories import api_token_make

CSS = Path(settings.BASE_DIR) / "static" / "css" / "app.css"


class ContextLengthTests(DecisionTestCase):
    def form_data(self, context: str) -> dict[str, object]:
        return {
            "title": "Ship weekly",
            "context": context,
            "decided_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "affected_teams": [self.platform.pk],
            "status": "decided",
            "source": "logged",
        }

    def test_the_form_refuses_a_context_over_the_limit_and_accepts_one_at_it(self) -> None:
        self.login(self.leader)
        url = reverse("decisions:create")
        r = self.client.post(url, self.form_data("x" * (CONTEXT_MAX_LENGTH + 1)))
        assert r.status_code == 200
        assert "context" in r.context["form"].errors
        assert f'maxlength="{CONTEXT_MAX_LENGTH}"' in r.content.decode()  # said before sending
        assert not Decision.objects.exists()
        r = self.client.post(url, self.form_data("x" * CONTEXT_MAX_LENGTH))
        assert r.status_code == 302
        assert len(Decision.objects.get().context) == CONTEXT_MAX_LENGTH

    def test_the_api_answers_400_naming_context_when_it_is_too_long(self) -> None:
        auth = {"HTTP_AUTHORIZATION": f"Token {api_token_make(user=self.leader)}"}
        data = {
            "title": "Ship weekly",
            "context": "x" * 10_000,
            "decided_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        }
        url = reverse("decisionsapi:decision-list")
        r = self.client.post(url, data, content_type="application/json", **auth)
        assert r.status_code == 400
        assert "context" in r.json() and str(CONTEXT_MAX_LENGTH) in r.json()["context"][0]
        assert not Decision.objects.exists()


def wrapping_selectors() -> set[str]:
    """Every selector of a rule in app.css that lets long words wrap anywhere."""
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    found: set[str] = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if re.search(r"overflow-wrap\s*:\s*anywhere", body):
            found |= {s.strip() for s in selectors.split(",")}
    return found


def test_the_stylesheet_wraps_long_words_in_text_blocks_headers_and_table_cells() -> None:
    found = wrapping_selectors()
    for selector in ("p", "li", "h1", "h2", "h3", "td", "th", ".topbar .org", ".topbar .who"):
        assert selector in found, selector
