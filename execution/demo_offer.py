"""The demo files: generated for an org's teams, offered for download and imported by the seeder.

The realistic Jira "all fields" export, its changelog and a Linear export come from
`execution.demo_files` (seeded: the same org, periods and day give the same bytes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from execution.demo_files import demo_files as demo_files_make
from orgs.demo import TEAM_PROFILES
from orgs.models import Organization, Person
from orgs.periods import recent_periods

CSV = "text/csv; charset=utf-8"
DEMO_SEED = 11
DEMO_PERIODS = 6
# Statuses the demo files use, and what they mean (saved as the org's mapping).
DEMO_STATUSES = {
    "To Do": "todo",
    "Todo": "todo",
    "Backlog": "todo",
    "In Progress": "in_progress",
    "In Review": "in_progress",
    "Blocked": "blocked",
    "Done": "done",
    "Closed": "done",
    "Canceled": "done",
}


@dataclass(frozen=True)
class DemoFile:
    name: str
    description: str
    data: bytes
    role: str  # main | history
    preset: str
    date_format: str = ""


def profile_levels(teams: list[str]) -> dict[str, float]:
    """Each demo team's planted decision stability / authority level (0..1) from its profile,
    so the work items agree with the pulse answers the surveys seeder wrote."""
    out = {}
    for team in teams:
        p = TEAM_PROFILES.get(team)
        if p is not None:
            offset = (
                p.dims.get("decision_stability", 0.0) + p.dims.get("authority_to_act", 0.0)
            ) / 2
            out[team] = min(max(p.base + offset, 0.05), 0.95)
    return out


def demo_handoff_pair(teams: list[str]) -> tuple[str, str] | None:
    """The demo's planted handoff pair (sender, receiver) among the sorted leaf teams.

    Team hops in the demo files go from a team to the next one, and only the Jira files (the
    first two thirds of the teams) carry the changelog that shows them; of those hops, the
    one into the team with the lowest planted level (the demo's struggling receiver: Growth,
    so Product's leader sees it). The handoffs demo plants its gap on this pair.
    """
    if len(teams) < 2:
        return None
    levels = profile_levels(teams)
    hops = [(teams[i], teams[(i + 1) % len(teams)]) for i in range(len(teams) * 2 // 3)]
    return min(hops, key=lambda h: (levels.get(h[1], 0.5), h)) if hops else None


def demo_leaf_teams(org: Organization) -> list[str]:
    """The org's leaf team names, sorted (the teams work items are filed under)."""
    tree = org.team_tree()
    parents = {p for p in tree.parent_of.values() if p}
    return sorted(n for t, n in tree.names.items() if t not in parents)


def _team_emails(org: Organization) -> dict[str, list[str]]:
    """Team name → its active people's emails (sorted), so the files' assignees are ours."""
    out: dict[str, list[str]] = {}
    rows = (
        Person.objects.filter(organization=org, is_active=True, team__isnull=False)
        .exclude(email="")
        .order_by("email")
        .values_list("team__name", "email")
    )
    for team, email in rows:
        out.setdefault(team, []).append(email)
    return out


def demo_bundle(
    *, org: Organization, today: dt.date, periods: list[dt.date] | None = None
) -> list[DemoFile]:
    """The demo files for the org's teams (leaf teams: the ones work items are filed under)."""
    teams = demo_leaf_teams(org)
    if periods is None:
        periods = recent_periods(today, org.reporting_period, DEMO_PERIODS)
    files = demo_files_make(
        teams=teams,
        periods=periods,
        today=today,
        tz=org.tz.key,
        seed=DEMO_SEED,
        levels=profile_levels(teams),
        strain=demo_handoff_pair(teams),
        people=_team_emails(org),
    )
    slug = org.slug
    fmt = str(files.date_format)
    return [
        DemoFile(
            f"{slug}-jira.csv",
            f"Jira Cloud export, all fields ({', '.join(files.jira_teams)})",
            files.jira_csv,
            "main",
            "jira",
            fmt,
        ),
        DemoFile(
            f"{slug}-jira-changelog.csv",
            "Its status and assignee history (Jira changelog)",
            files.jira_history_csv,
            "history",
            "jira",
            fmt,
        ),
        DemoFile(
            f"{slug}-linear.csv",
            f"Linear export ({', '.join(files.linear_teams)})",
            files.linear_csv,
            "main",
            "linear",
        ),
    ]


def demo_files(*, org: Organization, today: dt.date) -> list[dict[str, str]]:
    """Name and description of each file offered for download."""
    return [
        {"name": f.name, "description": f.description} for f in demo_bundle(org=org, today=today)
    ]


def demo_file(*, org: Organization, today: dt.date, name: str) -> tuple[bytes, str] | None:
    """The bytes and content type of one offered file (None if there is no such file)."""
    found = next((f for f in demo_bundle(org=org, today=today) if f.name == name), None)
    return None if found is None else (found.data, CSV)
