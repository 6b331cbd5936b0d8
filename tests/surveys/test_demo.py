"""The demo seeder: fast, one round per period, and the planted team patterns are in the answers."""

from __future__ import annotations

import datetime as dt
import random
import time

import pandas as pd
from django.db.models import Sum
from django.test import TestCase

from orgs.demo import demo_org_create
from orgs.periods import recent_periods
from surveys.demo import seed_demo
from surveys.models import Answer, Invitation, PulseRound, Response, RoundTeamCount


class DemoTests(TestCase):
    def test_seed_demo_plants_the_team_profiles_in_six_periods_of_answers(self) -> None:
        today = dt.date(2026, 11, 23)
        org = demo_org_create(rng=random.Random(1), today=today)
        periods = recent_periods(today, org.reporting_period, 6)
        started = time.monotonic()
        seed_demo(org=org, rng=random.Random(2), periods=periods, today=today, log=lambda m: None)
        assert time.monotonic() - started < 20
        rounds = PulseRound.objects.filter(organization=org)
        assert (
            rounds.filter(status="closed").count() == 5
            and rounds.filter(status="open").count() == 1
        )
        # Closed rounds keep counts, not per-person invitations.
        assert not Invitation.objects.filter(round__status="closed").exists()
        invited = RoundTeamCount.objects.filter(round__status="closed").aggregate(n=Sum("invited"))[
            "n"
        ]
        responded = Response.objects.filter(round__status="closed").count()
        assert 0.70 <= responded / invited <= 0.87
        df = pd.DataFrame(
            list(
                Answer.objects.filter(value__isnull=False).values(
                    "response__team__name", "item__dimension__key", "item__reverse_keyed", "value"
                )
            )
        )
        df["x"] = df["value"].where(~df["item__reverse_keyed"], 6 - df["value"])
        score = df.pivot_table(
            index="response__team__name", columns="item__dimension__key", values="x"
        )
        # Growth is planted low on decision stability and authority; Platform is high.
        assert (
            score.loc["Growth", "decision_stability"]
            < score.loc["Platform", "decision_stability"] - 1
        )
        assert (
            score.loc["Growth", "authority_to_act"] < score.loc["Platform", "authority_to_act"] - 1
        )
        assert Answer.objects.filter(value__isnull=True).exists()  # some skips
        assert Response.objects.exclude(comment="").exists()
