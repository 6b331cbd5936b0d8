"""Shared set-up for the surveys tests: people in the base org's teams and a dispatched round."""

from __future__ import annotations

from django.core import mail

from orgs.models import Organization, Person, Team
from surveys.models import Invitation, PulseRound
from surveys.services.dispatch import invitation_link
from surveys.services.rounds import round_create


def add_people(org: Organization, team: Team, n: int, prefix: str | None = None) -> list[Person]:
    prefix = prefix or team.name.lower()
    return [
        Person.objects.create(
            organization=org,
            name=f"{prefix.title()} Person{i}",
            email=f"{prefix}{i}@example.com",
            team=team,
            attributes={"location": "Berlin" if i % 2 else "Remote"},
        )
        for i in range(n)
    ]


def open_round(org: Organization, teams: list[Team], **kwargs: object) -> PulseRound:
    """Create and open a round; with eager Celery and captured on_commit it is dispatched."""
    return round_create(organization=org, teams=teams, **kwargs)  # type: ignore[arg-type]


def token_of(invitation: Invitation) -> str:
    return invitation_link(invitation).rstrip("/").rsplit("/", 1)[-1]


def emails_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]
