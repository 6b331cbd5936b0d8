"""Test factories: one plain typed function per object, valid with no argument but its owner.

Each takes keyword arguments only, fills the rest with sensible defaults (unique names from a
counter) and passes any extra keyword straight to the model or service, so a test names only
what matters to it: `person_make(org=org, team=sales)`, `round_make(org=org, teams=[sales])`.
Rounds, decisions and answers go through the real services, never around them, so a test
sees the same rows (audit entries, invitations, token hashes) production writes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from decisions.checkin_flush import checkins_flush
from decisions.checkins import CHECKIN_LINK, checkin_invitation_new, checkin_submit
from decisions.models import CheckInResponse, Decision
from decisions.services import decision_create
from orgs.models import Membership, Organization, Person, Role, Team
from orgs.services import api_token_create
from surveys.links import PULSE_LINK
from surveys.models import Invitation, PulseRound, Response, RoundStatus
from surveys.services.dispatch import invitations_create
from surveys.services.responses import response_submit, responses_flush, round_items
from surveys.services.rounds import round_create

PASSWORD = "correct horse battery staple"

_seq = itertools.count(1)


def _n() -> int:
    """A number unique within the test run, for names that must not collide."""
    return next(_seq)


def org_make(*, name: str | None = None, slug: str | None = None, **fields: Any) -> Organization:
    """An organization (k = 5, monthly periods, UTC unless overridden)."""
    n = _n()
    return Organization.objects.create(
        name=name or f"Org {n}", slug=slug or f"org-{n}", **{"anonymity_k": 5, **fields}
    )


def team_make(
    *, org: Organization, name: str | None = None, parent: Team | None = None, **fields: Any
) -> Team:
    return Team.objects.create(
        organization=org, name=name or f"Team {_n()}", parent=parent, **fields
    )


def person_make(
    *,
    org: Organization,
    team: Team | None = None,
    name: str | None = None,
    email: str | None = None,
    **fields: Any,
) -> Person:
    """A person who can be invited (in `team`, or in no team)."""
    n = _n()
    return Person.objects.create(
        organization=org,
        team=team,
        name=name or f"Person {n}",
        email=email or f"person{n}@example.com",
        **fields,
    )


def people_make(
    *, org: Organization, team: Team, n: int, prefix: str | None = None
) -> list[Person]:
    """`n` people of `team`, named `<Prefix> Person<i>` with emails `<prefix><i>@example.com`
    and a `location` attribute alternating Remote/Berlin (the filters' test data)."""
    prefix = prefix or team.name.lower()
    return [
        person_make(
            org=org,
            team=team,
            name=f"{prefix.title()} Person{i}",
            email=f"{prefix}{i}@example.com",
            attributes={"location": "Berlin" if i % 2 else "Remote"},
        )
        for i in range(n)
    ]


def user_make(
    *,
    username: str | None = None,
    org: Organization | None = None,
    role: str | None = None,
    teams: Iterable[Team] = (),
    person: Person | None = None,
    **fields: Any,
) -> Any:
    """A login (password PASSWORD); with `org` and `role`, a membership covering `teams`;
    with `person`, that person record becomes the user's own (their team, their GDPR data)."""
    username = username or f"user{_n()}"
    user = get_user_model().objects.create_user(
        username=username,
        email=fields.pop("email", f"{username}@example.com"),
        password=PASSWORD,
        **fields,
    )
    if org is not None and role is not None:
        membership = Membership.objects.create(user=user, organization=org, role=role)
        if teams:
            membership.teams.set(list(teams))
    if person is not None:
        person.user = user
        person.save(update_fields=["user"])
    return user


def api_token_make(
    *, user: Any, org: Organization | None = None, scope: str = "write", days: int = 90
) -> str:
    """An API token of `user` for `org` (default: their lowest-id org); returns the key."""
    if org is None:
        org = Membership.objects.filter(user=user).order_by("organization_id").first().organization  # type: ignore[union-attr]
    _token, key = api_token_create(
        organization=org, user=user, name=f"token {_n()}", scope=scope, days=days
    )
    return key


def employee_make(*, org: Organization, team: Team, **fields: Any) -> Any:
    """An employee login with their own person record in `team`."""
    user = user_make(org=org, role=Role.EMPLOYEE, **fields)
    person_make(org=org, team=team, email=user.email, user=user)
    return user


def round_make(
    *, org: Organization, teams: list[Team], actor: Any = None, **kwargs: Any
) -> PulseRound:
    """An open pulse round (round_create: shipped rubric, 8 questions, 5 days) with one
    invitation for each active person of `teams` and their sub-teams. Invitations are
    created here, not by the dispatch task, so they exist whether or not on_commit runs;
    they carry no sent_at unless the dispatch task ran too."""
    rnd = round_create(organization=org, teams=teams, actor=actor, **kwargs)
    if rnd.status == RoundStatus.OPEN:  # a scheduled round invites when it opens
        invitations_create(round=rnd)
    return rnd


def invitation_token(invitation: Invitation) -> str:
    """The raw token of a pulse invitation (what its email link carries)."""
    return PULSE_LINK.token(invitation)


def response_make(
    *,
    invitation: Invitation,
    answers: Mapping[str, int | None] | None = None,
    value: int | None = 4,
    comment: str = "",
) -> Response:
    """Answer a pulse invitation through the service: `answers` by item key, any item not
    named gets `value` (None = skipped). The invitation's token is spent, and the answer is
    flushed out of the buffer at once (below k too), so the test can read it straight away."""
    items = round_items(round=invitation.round)
    given = dict(answers or {})
    full = {it.key: given.get(it.key, value) for it in items}
    response_submit(token=invitation_token(invitation), answers=full, comment=comment)
    return _only(responses_flush(round_id=invitation.round_id, force=True))


def _only(rows: list[Any]) -> Any:
    # The factory flushes after each answer, so the buffer held just this one.
    assert len(rows) == 1, f"expected this answer alone in the buffer, flushed {len(rows)}"
    return rows[0]


def decision_make(
    *,
    org: Organization,
    actor: Any = None,
    title: str = "Adopt trunk-based development",
    teams: Iterable[Team] = (),
    decided_on: dt.date | None = None,
    **kwargs: Any,
) -> Decision:
    """A logged decision (decided 10 days ago unless `decided_on` is given)."""
    return decision_create(
        org=org,
        actor=actor,
        title=title,
        decided_on=decided_on or timezone.localdate() - dt.timedelta(days=10),
        affected_teams=list(teams),
        **kwargs,
    )


def checkin_invite(*, decision: Decision, person: Person, offset_days: int = 7) -> str:
    """An already-sent check-in invitation; returns its raw token (as the email carries it)."""
    inv = checkin_invitation_new(
        org_id=decision.organization_id,
        decision_id=decision.pk,
        offset_days=offset_days,
        person_id=person.pk,
        team_id=person.team_id,
    )
    inv.sent_at = timezone.now()
    inv.save()
    return CHECKIN_LINK.token(inv)


def checkin_answer_make(
    *,
    decision: Decision,
    person: Person,
    holding: int | None = 4,
    acted: str = "yes",
    rediscussed: str = "never",
    offset_days: int = 7,
) -> CheckInResponse:
    """Invite `person` to a check-in of `decision`, answer it through the service and flush
    the answer out of the buffer at once (below k too)."""
    raw = checkin_invite(decision=decision, person=person, offset_days=offset_days)
    checkin_submit(raw_token=raw, holding=holding, acted=acted, rediscussed=rediscussed)
    return _only(checkins_flush(decision_id=decision.pk, force=True))


# An emailed one-time link: SITE_URL + a token-free landing path + "#" + the token.
_EMAILED_LINK = re.compile(r"(https?://[^/\s]+)(/[^\s#?]*)#([A-Za-z0-9_-]+)")


def link_from_email(body: str, *, landing: str) -> tuple[str, str]:
    """The (path, token) of the one emailed link in `body` whose path is `landing` (e.g.
    "/s/" or "/decisions/c/"). Fails unless there is exactly one: the path carries no token."""
    found = [(m.group(2), m.group(3)) for m in _EMAILED_LINK.finditer(body)]
    mine = [f for f in found if f[0] == landing]
    assert len(mine) == 1, f"expected one {landing}#<token> link in the email, found {found}"
    return mine[0]


def token_from_email(body: str, *, landing: str) -> str:
    """The raw token of the one `landing`#<token> link in an email body."""
    return link_from_email(body, landing=landing)[1]


def answers_flush() -> None:
    """Write every buffered pulse and check-in answer now (below k too), as a round close or
    a check-in window close would: for tests that submit through a page or the API and then
    read the stored responses."""
    responses_flush(force=True)
    checkins_flush(force=True)
