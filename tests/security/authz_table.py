"""The authorization matrix: every URL pattern (pages and API) x role -> the status it must get.

tests/security/test_authz_matrix.py walks the URL conf and fails for any pattern missing here,
so a new endpoint comes with its permission expectations. One dict per app (namespace);
a new app adds its dict and lists it in TABLES.

An entry is `URL name: E("<admin> <leader> <facilitator> <employee> <anonymous> <other_admin>",
**url kwargs)` or a tuple of E's (the same view on different objects). Each word is a
status class:
  ok     2xx                       login  3xx to the login page
  redir  3xx anywhere else         400 401 403 404 405 410   that status exactly
URL kwargs name a real object by kind (tests/security/authz_objects.py), e.g.
`pk="team:own"` (the leader's team), `"lit:csv"` (the literal "csv"), `"team:sub"` (a team below it, the facilitator's),
`"team:other"` (a team no role holder has), `"team:foreign"` (another organization's).
`other_admin` is the admin of another organization: on this org's objects it must get 404.
`method="post"` sends an empty form (each request is rolled back; CSRF is not checked here).
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("admin", "leader", "facilitator", "employee", "anonymous", "other_admin")
CLASSES = {"ok", "redir", "login", "400", "401", "403", "404", "405", "410"}


@dataclass(frozen=True)
class E:
    """Expected status classes of one URL for the six roles, in ROLES order."""

    expect: str
    method: str = "get"
    kwargs: dict[str, str] = field(default_factory=dict)

    def __init__(self, expect: str, method: str = "get", **kwargs: str) -> None:
        words = expect.split()
        assert len(words) == len(ROLES), f"{expect!r}: one word per role {ROLES}"
        assert set(words) <= CLASSES, f"{expect!r}: classes are {sorted(CLASSES)}"
        object.__setattr__(self, "expect", expect)
        object.__setattr__(self, "method", method)
        object.__setattr__(self, "kwargs", kwargs)

    def by_role(self) -> dict[str, str]:
        return dict(zip(ROLES, self.expect.split(), strict=True))


Entry = E | tuple[E, ...]

# Paths under these prefixes are not in the matrix, with the reason.
EXCLUDED_PREFIXES = {
    "ops/admin/": "Django's own admin: staff logins only, guarded by django.contrib.admin",
}

# Login, password reset, health, API schema and docs (no namespace).
ROOT: dict[str, Entry] = {
    "api-docs": E("ok ok ok ok ok ok"),
    "healthz": E("ok ok ok ok ok ok"),
    "home": E("ok ok ok ok login ok"),
    "login": E("ok ok ok ok ok ok"),
    "logout": E("405 405 405 405 405 405"),
    "password_reset": E("ok ok ok ok ok ok"),
    "password_reset_complete": E("ok ok ok ok ok ok"),
    "password_reset_confirm": E("ok ok ok ok ok ok", uidb64="reset_uid", token="reset_token"),
    "password_reset_done": E("ok ok ok ok ok ok"),
    "schema": E("ok ok ok ok ok ok"),
}

ORGS: dict[str, Entry] = {
    "orgs:audit": E("ok 403 403 403 login ok"),
    "orgs:import": E("ok 403 403 403 login ok"),
    "orgs:import_example": E("ok 403 403 403 login ok"),
    "orgs:import_preview": E("redir 403 403 403 login redir"),
    "orgs:lockouts": E("ok 403 403 403 login ok"),
    "orgs:person_create": E("ok 403 403 403 login ok"),
    "orgs:person_delete": (
        E("ok 403 403 403 login 404", pk="person:sub"),
        E("404 403 403 403 login redir", method="post", pk="person:foreign"),
    ),
    "orgs:person_edit": (
        E("ok 403 403 403 login 404", pk="person:sub"),
        E("404 403 403 403 login ok", pk="person:foreign"),
    ),
    "orgs:person_export": (
        E("ok 403 403 403 login 404", pk="person:sub"),
        E("404 403 403 403 login ok", pk="person:foreign"),
    ),
    "orgs:person_list": E("ok 403 403 403 login ok"),
    "orgs:person_status": (
        E("405 403 403 403 login 405", pk="person:sub"),
        E("404 403 403 403 login redir", method="post", pk="person:foreign"),
    ),
    "orgs:role_revoke": (
        E("405 403 403 403 login 405", pk="membership:own"),
        E("404 403 403 403 login redir", method="post", pk="membership:foreign"),
    ),
    "orgs:roles": E("ok 403 403 403 login ok"),
    "orgs:settings": E("ok 403 403 403 login ok"),
    "orgs:setup": E("ok 403 403 403 login ok"),
    "orgs:team_create": E("ok 403 403 403 login ok"),
    "orgs:team_edit": (
        E("ok 403 403 403 login 404", pk="team:own"),
        E("404 403 403 403 login ok", pk="team:foreign"),
        E("400 403 403 403 login 404", method="post", pk="team:sub"),
        E("404 403 403 403 login 400", method="post", pk="team:foreign"),
    ),
    "orgs:team_list": E("ok 403 403 403 login ok"),
    "orgs:team_status": (
        E("405 403 403 403 login 405", pk="team:own"),
        E("redir 403 403 403 login 404", method="post", pk="team:own"),
        E("404 403 403 403 login redir", method="post", pk="team:foreign"),
    ),
    "orgs:tokens": E("ok 403 403 403 login ok"),
}

ORGS_API: dict[str, Entry] = {
    "orgsapi:membership-detail": (
        E("ok 403 403 403 401 404", pk="membership:own"),
        E("404 403 403 403 401 ok", pk="membership:foreign"),
    ),
    "orgsapi:membership-list": E("ok 403 403 403 401 ok"),
    "orgsapi:organization": E("ok 403 403 403 401 ok"),
    "orgsapi:person-detail": (
        E("ok 403 403 403 401 404", pk="person:sub"),
        E("404 403 403 403 401 ok", pk="person:foreign"),
    ),
    "orgsapi:person-export": (
        E("ok 403 403 403 401 404", pk="person:sub"),
        E("404 403 403 403 401 ok", pk="person:foreign"),
    ),
    "orgsapi:person-list": E("ok 403 403 403 401 ok"),
    "orgsapi:team-detail": (
        E("ok 403 403 403 401 404", pk="team:own"),
        E("404 403 403 403 401 ok", pk="team:foreign"),
    ),
    "orgsapi:team-list": E("ok 403 403 403 401 ok"),
}

SURVEYS: dict[str, Entry] = {
    "surveys:answer": E("ok ok ok ok ok ok", token="survey_token"),
    "surveys:answer_form": E("redir redir redir redir redir redir"),
    "surveys:open": E("ok ok ok ok ok ok"),
    "surveys:round_close": (
        E("ok 403 403 403 login 404", pk="round:own"),
        E("404 404 403 403 login ok", method="post", pk="round:foreign"),
    ),
    "surveys:round_detail": (
        E("ok ok 403 403 login 404", pk="round:own"),
        E("ok ok 403 403 login 404", pk="round:sub"),
        E("ok 404 403 403 login 404", pk="round:other"),
        E("404 404 403 403 login ok", pk="round:foreign"),
    ),
    "surveys:round_list": E("ok ok 403 403 login ok"),
    "surveys:round_remind": (
        E("405 405 405 405 login 405", pk="round:own"),
        E("redir redir 403 403 login 404", method="post", pk="round:own"),
        E("404 404 403 403 login redir", method="post", pk="round:foreign"),
    ),
    "surveys:round_send": E("ok ok 403 403 login ok"),
    "surveys:rubric": E("ok ok ok 403 login ok"),
    "surveys:rubric_activate": (
        E("405 405 405 405 login 405", pk="rubric:own"),
        E("404 403 403 403 login redir", method="post", pk="rubric:foreign"),
    ),
    "surveys:rubric_copy": E("405 405 405 405 login 405"),
    "surveys:rubric_edit": (
        E("ok 403 403 403 login 404", pk="rubric:own"),
        E("404 403 403 403 login ok", pk="rubric:foreign"),
    ),
    "surveys:schedule_create": E("ok ok 403 403 login ok"),
    "surveys:schedule_delete": (
        E("405 405 405 405 login 405", pk="schedule:own"),
        E("404 404 403 403 login redir", method="post", pk="schedule:foreign"),
    ),
    "surveys:schedule_edit": (
        E("ok ok 403 403 login 404", pk="schedule:own"),
        E("ok ok 403 403 login 404", pk="schedule:sub"),
        E("ok 403 403 403 login 404", pk="schedule:other"),
        E("404 404 403 403 login ok", pk="schedule:foreign"),
    ),
}

SURVEYS_API: dict[str, Entry] = {
    "surveysapi:response_submit": E("405 405 405 405 405 405"),
    "surveysapi:round_detail": (
        E("ok ok 403 403 401 404", pk="round:own"),
        E("ok ok 403 403 401 404", pk="round:sub"),
        E("ok 404 403 403 401 404", pk="round:other"),
        E("404 404 403 403 401 ok", pk="round:foreign"),
    ),
    "surveysapi:round_list": E("ok ok 403 403 401 ok"),
    "surveysapi:schedule_detail": (
        E("ok ok 403 403 401 404", pk="schedule:own"),
        E("ok ok 403 403 401 404", pk="schedule:sub"),
        E("ok 404 403 403 401 404", pk="schedule:other"),
        E("404 404 403 403 401 ok", pk="schedule:foreign"),
    ),
    "surveysapi:schedule_list": E("ok ok 403 403 401 ok"),
    "surveysapi:survey_token": E("ok ok ok ok ok ok", token="survey_token"),
    "surveysapi:survey_tokenless": E("400 400 400 400 400 400"),
}

SCORING: dict[str, Entry] = {
    "scoring:results": E("ok ok ok 403 login ok"),
    "scoring:reliability": E("ok 403 ok 403 login ok"),
}

SCORING_API: dict[str, Entry] = {
    "scoringapi:results": E("ok ok ok 403 401 ok"),
    "scoringapi:reliability": E("ok 403 ok 403 401 ok"),
}

DECISIONS: dict[str, Entry] = {
    "decisions:at_risk": E("ok ok ok 403 login ok"),
    "decisions:checkin": E("ok ok ok ok ok ok", token="checkin_token"),
    "decisions:checkin_form": E("redir redir redir redir redir redir"),
    "decisions:checkin_open": E("ok ok ok ok ok ok"),
    "decisions:create": E("ok ok ok 403 login ok"),
    "decisions:delete": (
        E("405 405 405 405 login 405", pk="decision:own"),
        E("404 404 404 403 login redir", method="post", pk="decision:foreign"),
    ),
    "decisions:detail": (
        E("ok ok 404 403 login 404", pk="decision:own"),
        E("ok ok ok 403 login 404", pk="decision:sub"),
        E("ok 404 404 403 login 404", pk="decision:other"),
        E("404 404 404 403 login ok", pk="decision:foreign"),
    ),
    "decisions:edit": (
        E("ok ok 404 403 login 404", pk="decision:own"),
        E("ok ok ok 403 login 404", pk="decision:sub"),
        E("ok 404 404 403 login 404", pk="decision:other"),
        E("ok 404 404 403 login 404", method="post", pk="decision:other"),
        E("404 404 404 403 login ok", pk="decision:foreign"),
    ),
    "decisions:list": E("ok ok ok 403 login ok"),
    "decisions:stability": E("ok ok ok 403 login ok"),
    "decisions:status": (
        E("405 405 405 405 login 405", pk="decision:own"),
        E("404 404 404 403 login redir", method="post", pk="decision:foreign"),
    ),
}

DECISIONS_API: dict[str, Entry] = {
    "decisionsapi:at-risk": E("ok ok ok 403 401 ok"),
    "decisionsapi:checkin": E("ok ok ok ok ok ok", token="checkin_token"),
    "decisionsapi:checkin_tokenless": E("400 400 400 400 400 400"),
    "decisionsapi:decision-detail": (
        E("ok ok 404 403 401 404", pk="decision:own"),
        E("ok ok ok 403 401 404", pk="decision:sub"),
        E("ok 404 404 403 401 404", pk="decision:other"),
        E("404 404 404 403 401 ok", pk="decision:foreign"),
    ),
    "decisionsapi:decision-list": E("ok ok ok 403 401 ok"),
    "decisionsapi:decision-results": (
        E("ok ok 404 403 401 404", pk="decision:own"),
        E("ok ok ok 403 401 404", pk="decision:sub"),
        E("ok 404 404 403 401 404", pk="decision:other"),
        E("404 404 404 403 401 ok", pk="decision:foreign"),
    ),
    "decisionsapi:stability": E("ok ok ok 403 401 ok"),
}

# Being built in parallel: add each new URL name here with its six expectations.
EXECUTION: dict[str, Entry] = {
    "execution:page": E("ok ok ok 403 login ok"),
    "execution:friction": E("ok ok ok 403 login ok"),
    "execution:handoffs": E("ok ok ok 403 login ok"),
    "execution:drivers": E("ok ok ok 403 login ok"),
    "execution:metrics": E("ok 403 403 403 login ok"),
    "execution:import": E("ok 403 403 403 login ok"),
    "execution:demo_file": E("404 403 403 403 login 404", name="lit:no-such-file.csv"),
    "execution:import_run": (
        E("ok 403 403 403 login 404", pk="import:own"),
        E("404 403 403 403 login ok", pk="import:foreign"),
    ),
    "execution:import_columns": E("ok 403 403 403 login 404", pk="import:own"),
    "execution:import_teams": E("ok 403 403 403 login 404", pk="import:own"),
    "execution:import_statuses": E("ok 403 403 403 login 404", pk="import:own"),
    "execution:import_progress": E("ok 403 403 403 login 404", pk="import:own"),
    "executionapi:observations": E("400 403 403 403 401 400", method="post"),
    "executionapi:work-items": E("400 403 403 403 401 400", method="post"),
}
DASHBOARDS: dict[str, Entry] = {
    "dashboards:overview": E("ok ok ok 403 login ok"),
    "dashboards:heatmap": E("ok ok ok 403 login ok"),
    "dashboards:trends": E("ok ok ok 403 login ok"),
    "dashboards:comments": E("ok ok ok 403 login ok"),
    "dashboards:friction": E("ok ok ok 403 login ok"),
    "dashboards:drivers": E("ok ok ok 403 login ok"),
    "dashboards:handoffs": E("ok ok ok 403 login ok"),
    "dashboards:export": (
        E("ok ok ok 403 login ok", view="lit:heatmap", fmt="lit:csv"),
        E("ok ok ok 403 login ok", view="lit:trends", fmt="lit:xlsx"),
    ),
    "dashboardapi:heatmap": E("ok ok ok 403 401 ok"),
    "dashboardapi:trends": E("ok ok ok 403 401 ok"),
}

HANDOFFS: dict[str, Entry] = {
    "handoffs:pairs": E("ok ok ok 403 login ok"),
    "handoffs:new": E("ok ok ok ok login ok"),
    "handoffs:checkin_open": E("ok ok ok ok ok ok"),
    "handoffs:checkin_form": E("redir redir redir redir redir redir"),
    "handoffsapi:handoffs": E("405 403 403 403 401 405"),
    "handoffsapi:pairs": E("ok ok ok 403 401 ok"),
}

# Workshops run live (h-wslive): the runners are org admins and the workshop's facilitator
# (or its team's); anyone else gets a 404. Participant pages (/w/) need no account.
_RUN_W = {"workshop_id": "liveworkshop:sub"}
_RUN_P = {"workshop_id": "liveworkshop:sub", "poll_id": "livepoll:sub"}
WORKSHOPS: dict[str, Entry] = {
    "workshops:list": E("ok ok ok 403 login ok"),
    "workshops:new": E("ok 403 ok 403 login ok"),
    "workshops:detail": (
        E("ok ok 404 403 login 404", pk="workshop:own"),
        E("ok ok ok 403 login 404", pk="workshop:sub"),
        E("404 404 404 403 login ok", pk="workshop:foreign"),
    ),
    "workshops:report": E("ok ok ok 403 login 404", pk="workshop:sub"),
    "workshops:report_pdf": E("ok ok ok 403 login 404", pk="workshop:sub"),
    "workshops:commitment_create": E("400 403 400 403 login 404", method="post", pk="workshop:sub"),
    "workshops:commitment_status": E(
        "400 403 400 403 login 404", method="post", pk="commitment:sub"
    ),
    "workshops:commitment_edit": E("400 403 400 403 login 404", method="post", pk="commitment:sub"),
    "workshops:commitment_decision": E(
        "redir 403 redir 403 login 404", method="post", pk="commitment:sub"
    ),
    "workshops:followup_open": E("ok ok ok ok ok ok"),
    "workshops:followup_form": E("404 404 404 404 404 404", method="post"),
    "workshops:run": (
        E("ok 404 ok 404 login 404", **_RUN_W),
        E("ok 404 404 404 login 404", workshop_id="liveworkshop:other"),
        E("404 404 404 404 login ok", workshop_id="liveworkshop:foreign"),
    ),
    "workshops:projector": (
        E("ok 404 ok 404 login 404", **_RUN_W),
        E("404 404 404 404 login ok", workshop_id="liveworkshop:foreign"),
    ),
    "workshops:projector_live": (
        E("ok 404 ok 404 login 404", **_RUN_W),
        E("ok 404 404 404 login 404", workshop_id="liveworkshop:other"),
    ),
    "workshops:join_qr": (
        E("ok 404 ok 404 login 404", **_RUN_W),
        E("404 404 404 404 login ok", workshop_id="liveworkshop:foreign"),
    ),
    "workshops:go_live": (
        E("405 405 405 405 login 405", **_RUN_W),
        E("redir 404 redir 404 login 404", method="post", **_RUN_W),
    ),
    "workshops:end": (
        E("405 405 405 405 login 405", **_RUN_W),
        E("redir 404 redir 404 login 404", method="post", **_RUN_W),
        E("404 404 404 404 login redir", method="post", workshop_id="liveworkshop:foreign"),
    ),
    "workshops:poll_add": E("redir 404 redir 404 login 404", method="post", **_RUN_W),
    "workshops:poll_edit": (
        E("redir 404 redir 404 login 404", method="post", **_RUN_P),
        E(
            "404 404 404 404 login 404",
            method="post",
            workshop_id="liveworkshop:foreign",
            poll_id="livepoll:sub",
        ),
    ),
    "workshops:poll_action": (
        E("405 405 405 405 login 405", action="lit:close", **_RUN_P),
        E("redir 404 redir 404 login 404", method="post", action="lit:close", **_RUN_P),
        E("redir 404 redir 404 login 404", method="post", action="lit:nonsense", **_RUN_P),
    ),
}
WORKSHOPS_PARTICIPANT: dict[str, Entry] = {
    "workshops_participant:join": E("ok ok ok ok ok ok"),
    "workshops_participant:live": (
        E("ok ok ok ok ok ok", code="livecode:sub"),
        E("404 404 404 404 404 404", code="lit:ZZZZZZ"),
    ),
    "workshops_participant:status": E("ok ok ok ok ok ok", code="livecode:sub"),
    "workshops_participant:results": (
        E("ok ok ok ok ok ok", code="livecode:sub"),
        # A polled fragment: an unknown code gets the same empty fragment as "nothing yet".
        E("ok ok ok ok ok ok", code="lit:ZZZZZZ"),
    ),
    "workshops_participant:vote": (
        E("405 405 405 405 405 405", code="livecode:sub", poll_id="livepoll:sub"),
        E("400 400 400 400 400 400", method="post", code="livecode:sub", poll_id="livepoll:sub"),
    ),
}

# URL namespace (the part before the first ':'; "" for names without one) -> its dict's name.
TABLES: dict[str, str] = {
    "": "ROOT",
    "orgs": "ORGS",
    "orgsapi": "ORGS_API",
    "surveys": "SURVEYS",
    "surveysapi": "SURVEYS_API",
    "scoring": "SCORING",
    "scoringapi": "SCORING_API",
    "decisions": "DECISIONS",
    "decisionsapi": "DECISIONS_API",
    "execution": "EXECUTION",
    "executionapi": "EXECUTION",
    "dashboards": "DASHBOARDS",
    "dashboardsapi": "DASHBOARDS",
    "dashboardapi": "DASHBOARDS",
    "handoffs": "HANDOFFS",
    "handoffsapi": "HANDOFFS",
    "workshops": "WORKSHOPS",
    "workshops_participant": "WORKSHOPS_PARTICIPANT",
}


def table(name: str) -> dict[str, Entry]:
    return dict(globals()[name])
