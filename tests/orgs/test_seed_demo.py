"""`seed_demo` is deterministic: the same seed and day give the same org, another seed another."""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO
from typing import Any
from unittest.mock import patch

from django.core.management import call_command
from django.test import TestCase

from core.registry import DemoSeeder, demo_seeders
from orgs.demo import DEMO_SLUG, demo_org_create, demo_org_delete, demo_seed_apps
from orgs.models import Membership, Organization, Person, Team


def dump() -> dict[str, Any]:
    org = Organization.objects.get(slug=DEMO_SLUG)
    return {
        "org": (org.name, org.reporting_period, org.anonymity_k, org.time_zone),
        "teams": sorted(
            Team.objects.filter(organization=org).values_list("name", "parent__name", "is_active")
        ),
        "people": sorted(
            (
                p.external_id,
                p.name,
                p.email,
                p.team.name if p.team else None,
                sorted(p.attributes.items()),
                p.is_active,
                p.user.username if p.user else None,
            )
            for p in Person.objects.filter(organization=org).select_related("team", "user")
        ),
        "roles": sorted(
            (m.user.username, m.role, sorted(t.name for t in m.teams.all()))
            for m in Membership.objects.filter(organization=org).select_related("user")
        ),
    }


def seed(*args: str) -> None:
    call_command("seed_demo", *args, "--today", "2026-06-15", stdout=StringIO())


class SeedDemoDeterminismTests(TestCase):
    def test_the_same_seed_gives_the_same_org_and_another_seed_differs(self) -> None:
        seed("--seed", "7")
        first = dump()
        seed("--seed", "7", "--reset")
        second = dump()
        self.assertEqual(first, second)
        self.assertEqual(len(first["teams"]), 18)  # 3 departments, 15 teams (3 small ones)
        self.assertGreater(len(first["people"]), 140)
        seed("--seed", "8", "--reset")
        other = dump()
        self.assertNotEqual([p[1:4] for p in first["people"]], [p[1:4] for p in other["people"]])
        self.assertEqual(first["teams"], other["teams"])  # the structure is fixed; people vary
        self.assertEqual(Organization.objects.filter(slug=DEMO_SLUG).count(), 1)
        # --if-empty leaves an existing demo alone (one seeding less than a separate test:
        # once the other apps add their history, each seeding costs seconds).
        seed("--seed", "9", "--if-empty")
        self.assertEqual(dump(), other)


class DemoRegistryTests(TestCase):
    def test_the_apps_seed_by_declared_order_and_reset_in_reverse_before_the_org_goes(
        self,
    ) -> None:
        # What the apps registered in ready(): surveys, decisions, scoring, execution, workshops.
        order = [k for k, s in sorted(demo_seeders.items(), key=lambda kv: kv[1].order)]
        assert order == ["surveys", "decisions", "scoring", "execution", "workshops"]
        calls: list[str] = []

        def seeder(name: str, order: int) -> DemoSeeder:
            def seed(*, org: Any, **_: Any) -> None:
                calls.append(f"seed {name} {org.slug}")

            def reset(org: Any) -> None:
                assert Organization.objects.filter(pk=org.pk).exists()  # the org is still there
                calls.append(f"reset {name}")

            return DemoSeeder(order=order, seed=seed, reset=reset)

        # Registered out of order on purpose: the declared order wins.
        fake = {"late": seeder("late", 30), "early": seeder("early", 10)}
        with patch.dict(demo_seeders._items, fake, clear=True):
            org = demo_org_create(rng=random.Random(1), today=dt.date(2026, 6, 15))
            demo_seed_apps(org=org, seed=1, periods=[], today=dt.date(2026, 6, 15), log=print)
            demo_org_delete()
        assert calls == ["seed early northwind", "seed late northwind", "reset late", "reset early"]
        assert not Organization.objects.filter(slug=DEMO_SLUG).exists()
