"""`make run`: its banner lists every login `seed_demo` creates, and email links follow its port."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

from orgs.demo import DEMO_SLUG
from orgs.demo_logins import DEMO_LOGINS
from orgs.models import Membership, Role
from trustos.runall import banner

BASE = Path(__file__).resolve().parent.parent


class BannerTests(TestCase):
    def test_the_banner_lists_every_demo_login_seed_demo_creates(self) -> None:
        call_command("seed_demo", periods=1, stdout=StringIO())
        seeded = set(
            Membership.objects.filter(organization__slug=DEMO_SLUG).values_list(
                "user__username", flat=True
            )
        )
        assert "eng-leader" in seeded
        text = banner("127.0.0.1", "8000")
        listed = {line.split()[0] for line in text.splitlines() if line.startswith("   ")}
        assert listed == seeded
        # ... and the password printed is the one they were given.
        password = text.split("password for all: ")[1].split(")")[0]
        for username in seeded:
            assert get_user_model().objects.get(username=username).check_password(password)

    def test_every_demo_login_has_a_known_role(self) -> None:
        assert {d.role for d in DEMO_LOGINS} <= set(Role.values)

    def test_the_banner_shows_the_address_it_serves(self) -> None:
        assert "http://0.0.0.0:8123/" in banner("0.0.0.0", "8123")


def _site_url(**env: str) -> str:
    """SITE_URL as a fresh process computes it from the environment (settings read it once)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "TRUSTOS_PORT")}
    out = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=BASE,
        env={**clean, "DJANGO_SETTINGS_MODULE": "trustos.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


class SiteUrlTests(SimpleTestCase):
    def test_without_site_url_links_use_the_port_make_run_serves_on(self) -> None:
        assert _site_url(TRUSTOS_PORT="8123") == "http://127.0.0.1:8123"

    def test_the_default_port_is_8000(self) -> None:
        assert _site_url() == "http://127.0.0.1:8000"

    def test_an_explicit_site_url_wins(self) -> None:
        assert (
            _site_url(TRUSTOS_PORT="8123", SITE_URL="https://trust.example/")
            == "https://trust.example"
        )

    def test_the_readme_documents_trustos_port(self) -> None:
        readme = (BASE / "README.md").read_text()
        config = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
        assert "`TRUSTOS_PORT`" in config
