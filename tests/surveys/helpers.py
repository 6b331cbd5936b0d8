"""Shared set-up for the surveys tests: thin positional wrappers over tests.factories."""

from __future__ import annotations

from django.core import mail

from orgs.models import Organization, Person, Team
from surveys.models import Invitation, PulseRound
from surveys.selectors_forms import round_form
from tests.factories import invitation_token, people_make, round_make


def add_people(org: Organization, team: Team, n: int, prefix: str | None = None) -> list[Person]:
    return people_make(org=org, team=team, n=n, prefix=prefix)


def open_round(org: Organization, teams: list[Team], **kwargs: object) -> PulseRound:
    """Create and open a round with its invitations; with eager Celery and captured on_commit
    the invitations are also sent."""
    return round_make(org=org, teams=teams, **kwargs)


def token_of(invitation: Invitation) -> str:
    return invitation_token(invitation)


def emails_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if address in m.to]


def form_keys(rnd: PulseRound, form: int = 0) -> list[str]:
    """The statement keys of rotation form `form` of the round (what one respondent answers)."""
    return [it.key for it in round_form(round=rnd, form_index=form)]
