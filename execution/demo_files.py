"""Demo work-item files with planted relations: a Jira "all fields" CSV, its changelog, a Linear CSV.

Pure and seeded (same arguments, same bytes). Per team and period a latent "decision
stability / authority to act" level (0..1) is drawn as a slow random walk around the team's
base. Work finished in a period is driven by the level of the PREVIOUS period: a low level
there means later delivery (due dates missed), more and slower handoffs (the receiver's next
move comes later), more blocking and reopening. The latent frame is returned so the demo's
survey and check-in seeders can make the answers agree with it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from execution.demo_writers import (
    DAY,
    _epoch,
    _Item,
    _jira_files,
    _linear_file,
    _project_keys,
    bench_items_csv,
)
from execution.readers.presets import JIRA_DATE_FORMAT

__all__ = ["DemoFiles", "bench_items_csv", "demo_files", "handoff_strain", "latent_levels"]

_FIRST = (
    "Ada", "Ben", "Chloé", "Dev", "Elif", "Farah", "Gus", "Hana", "Ivan", "Jia", "Kofi", "Lena",
    "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Viktor", "Wen",
    "Yara", "Zoe",
)  # fmt: skip
_VERBS = (
    "Fix", "Add", "Remove", "Refactor", "Migrate", "Document", "Investigate", "Speed up",
    "Review", "Ship", "Clean up",
)  # fmt: skip
_THINGS = (
    "login redirect",
    "card retry",
    "export job",
    "onboarding email",
    "search index",
    "billing webhook",
    "pricing page",
    "release checklist",
    "feature flag",
    "audit log",
    "mobile banner",
    "settlement report",
    "access review",
    "on-call runbook",
    "dashboard filter",
    "CSV import",
)
_LABELS = ("backend", "frontend", "bug", "tech-debt", "customer", "urgent", "infra", "ux", "data")


@dataclass(frozen=True)
class DemoFiles:
    """The demo export files (bytes, ready to import or download) and the planted truth."""

    jira_csv: bytes  # Jira Cloud "all fields" shape: repeated Labels/Sprint, locale dates
    jira_history_csv: bytes  # changelog: Issue key, Issue id, Author, Date, Field, From, To
    linear_csv: bytes  # Linear shape: ID, Team, Title, Status, ... Completed, Canceled, Due Date
    latent: pd.DataFrame  # team, period (date), stability (0..1): decision stability/authority
    jira_teams: list[str] = field(default_factory=list)
    linear_teams: list[str] = field(default_factory=list)
    date_format: str = JIRA_DATE_FORMAT  # of the Jira files' dates, in time zone `tz`
    tz: str = "UTC"


def _people(team: str, rng: np.random.Generator, n: int = 6) -> list[str]:
    slug = re.sub(r"[^a-z]+", "", team.lower()) or "team"
    names = [_FIRST[i] for i in rng.permutation(len(_FIRST))[:n]]
    return [f"{name.lower().replace('é', 'e')}.{slug}@northwind.example" for name in names]


def latent_levels(
    *,
    teams: Sequence[str],
    periods: Sequence[dt.date],
    levels: Mapping[str, float] | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """The planted per team × period level (0..1), one period before the first included.

    A team's base comes from `levels` (e.g. from the demo's team profiles) or is drawn;
    around it the level follows an AR(1) walk so it varies period to period too.
    Columns: team, period (date; the extra first row has period None), stability.
    """
    rng = np.random.default_rng([seed, 7])
    rows: list[tuple[str, dt.date | None, float]] = []
    for team in teams:
        base = float(levels[team]) if levels and team in levels else float(rng.uniform(0.3, 0.75))
        level = base + rng.normal(0, 0.1)
        for period in [None, *periods]:
            level = base + 0.5 * (level - base) + rng.normal(0, 0.13)
            rows.append((team, period, float(np.clip(level, 0.05, 0.95))))
    return pd.DataFrame(rows, columns=["team", "period", "stability"])


def handoff_strain(
    latent: pd.DataFrame, *, receiver: str, periods: Sequence[dt.date]
) -> pd.DataFrame:
    """The planted handoff pair's receiving team struggles in the second-to-last period
    (the handoff check-ins plant confident senders and struggling receivers there), so its
    work finished in the last period is slower: its cycle time suffers the next period.

    Work in a period is driven by the previous period's level, so the receiver's level is
    pushed down in the second-to-last period (slow work in the last). It is not held up the
    period before: that made the receiver the healthiest team of the last released period and
    took the demo leader's only hotspot away."""
    if len(periods) < 2:
        return latent
    out = latent.copy()
    mine = out["team"] == receiver
    at_strain = mine & (out["period"] == periods[-2])
    out.loc[at_strain, "stability"] = out.loc[at_strain, "stability"].clip(upper=0.1)
    return out


def _period_bounds(
    periods: Sequence[dt.date], today: dt.date, tz: str
) -> list[tuple[float, float]]:
    out = []
    for i, start in enumerate(periods):
        end = periods[i + 1] if i + 1 < len(periods) else today
        out.append((_epoch(start, tz), _epoch(max(end, start + dt.timedelta(days=1)), tz)))
    return out


def _days(x: float) -> float:
    return round(float(x) * 24 * 60) * 60.0  # whole minutes, as the tools show them


def _finished_item(
    item: _Item,
    rng: np.random.Generator,
    s: float,
    done: float,
    team_people: list[str],
    other_team: tuple[str, list[str]] | None,
) -> None:
    """Fill the history of an item finished at `done`, driven by the level `s` (0..1)."""
    bad = 1.0 - s
    steps: list[tuple[float, str, str, str, str]] = []  # (offset days, author, field, from, to)
    t = float(rng.exponential(0.8 + 2.5 * bad))
    who = item.assignee
    steps.append((t, who, "status", "To Do", "In Progress"))
    state = "In Progress"
    work = float(rng.lognormal(np.log(1.5 + 3.5 * bad), 0.5))
    if rng.random() < 0.08 + 0.35 * bad:  # blocked once, sometimes twice
        for _ in range(1 + int(rng.random() < 0.25 * bad)):
            t += work * float(rng.uniform(0.1, 0.4))
            steps.append((t, who, "status", state, "Blocked"))
            t += float(rng.exponential(0.8 + 3.5 * bad))
            steps.append((t, who, "status", "Blocked", state))
    n_hand = min(int(rng.poisson(0.4 + 1.8 * bad)), 4)
    team_hop = other_team is not None and rng.random() < 0.05 + 0.3 * bad
    if team_hop:
        n_hand = max(n_hand, 2)
    for j in range(n_hand):
        t += work / (n_hand + 1)
        if team_hop and j == 0 and other_team is not None:
            receiver = other_team[1][int(rng.integers(len(other_team[1])))]
            steps.append((t, who, "Team", item.team, other_team[0]))
        elif team_hop and j == 1 and other_team is not None:
            receiver = team_people[int(rng.integers(len(team_people)))]
            steps.append((t, who, "Team", other_team[0], item.team))
        else:
            others = [p for p in team_people if p != who] or team_people
            receiver = others[int(rng.integers(len(others)))]
        steps.append((t, who, "assignee", who, receiver))
        who = receiver
        # The receiver's next move: the planted handoff wait.
        t += float(rng.exponential(0.3 + 3.5 * bad))
        new = "In Review" if state == "In Progress" else "In Progress"
        steps.append((t, who, "status", state, new))
        state = new
    t += work / (n_hand + 1)
    if state == "In Progress":
        steps.append((t, who, "status", state, "In Review"))
        t += float(rng.exponential(0.4 + 1.0 * bad))
        state = "In Review"
    steps.append((t, who, "status", state, "Done"))
    if rng.random() < 0.03 + 0.15 * bad:  # reopened: done -> not done -> done
        t += float(rng.exponential(1.0))
        steps.append((t, who, "status", "Done", "In Progress"))
        t += float(rng.exponential(1.0 + bad))
        steps.append((t, who, "status", "In Progress", "Done"))
    if rng.random() < 0.04:  # a sprint change: realistic noise the reader reports as untracked
        steps.append((t * float(rng.uniform(0.1, 0.9)), who, "Sprint", "", "next sprint"))
    created = done - _days(t)
    item.created = created
    item.events = sorted(
        ((created + _days(off), a, f, fr, to) for off, a, f, fr, to in steps), key=lambda e: e[0]
    )
    item.started = next(e[0] for e in item.events if e[2] == "status" and e[4] == "In Progress")
    item.resolved = done
    item.status = "Done"
    item.resolution = "Done"
    if rng.random() < 0.88:  # most items carry a due date; on time more often when stable
        lead = t
        if rng.random() < 0.3 + 0.65 * s:
            due = done + _days(rng.uniform(0.5, 6))
        else:
            due = done - _days(min(float(rng.uniform(1, 9)), max(0.6 * lead, 0.5)))
        item.due = due - due % DAY  # a date: midnight UTC


def _open_item(item: _Item, rng: np.random.Generator, s: float, today: float) -> None:
    """An item still open at `today`: older and more often blocked when stability was low."""
    bad = 1.0 - s
    age = min(float(rng.exponential(4 + 14 * bad)), 75.0)
    item.created = today - _days(age + 0.2)
    r = rng.random()
    who = item.assignee
    if r < 0.25:
        item.status = "To Do"
        return
    start = item.created + _days(age * float(rng.uniform(0.05, 0.4)))
    item.started = start
    item.events.append((start, who, "status", "To Do", "In Progress"))
    item.status = "In Progress"
    if r > 0.75 - 0.2 * bad:
        at = start + _days(age * float(rng.uniform(0.1, 0.5)))
        item.events.append((at, who, "status", "In Progress", "Blocked"))
        item.status = "Blocked"


def _canceled_item(item: _Item, rng: np.random.Generator, done: float) -> None:
    item.created = done - _days(rng.exponential(6) + 0.5)
    item.events.append((done, item.assignee, "status", "To Do", "Closed"))
    item.status = "Closed"
    item.resolution = "Won't Do"
    item.resolved = done


def _generate(
    *,
    teams: Sequence[str],
    periods: Sequence[dt.date],
    today: dt.date,
    tz: str,
    latent: pd.DataFrame,
    seed: int,
    per_team_period: int,
    known_people: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, list[_Item]]:
    rng = np.random.default_rng([seed, 11])
    keys = _project_keys(teams)
    people = {team: _people(team, rng) for team in teams}
    for team, emails in (known_people or {}).items():  # the org's own people, when given
        if team in people and len(emails) >= 2:
            people[team] = list(emails)[:6]
    bounds = _period_bounds(periods, today, tz)
    today_ts = _epoch(today, tz) + 9 * 3600
    level = {(r.team, r.period): r.stability for r in latent.itertuples()}
    out: dict[str, list[_Item]] = {}
    counter = {team: 0 for team in teams}
    for ti, team in enumerate(teams):
        items: list[_Item] = []
        other = teams[(ti + 1) % len(teams)] if len(teams) > 1 else None
        other_team = (other, people[other]) if other else None

        def new_item(team: str = team) -> _Item:
            counter[team] += 1
            title = f"{_VERBS[int(rng.integers(len(_VERBS)))]} {_THINGS[int(rng.integers(len(_THINGS)))]}"
            picks = rng.permutation(len(_LABELS))[: int(rng.integers(0, 4))]
            labels = [_LABELS[i] for i in picks]
            return _Item(
                key=f"{keys[team]}-{counter[team]}",
                team=team,
                title=title,
                created=today_ts,
                status="To Do",
                assignee=people[team][int(rng.integers(len(people[team])))],
                labels=labels,
            )

        for pi, (lo, hi) in enumerate(bounds):
            prev = None if pi == 0 else periods[pi - 1]
            s = float(level[(team, prev)])
            span = hi - lo
            share = min(1.0, span / (30 * 86400))  # a partial current period has fewer items
            n_done = int(rng.poisson(per_team_period * share * (0.8 + 0.4 * s)))
            for _ in range(n_done):
                done = min(lo + float(rng.uniform(0, span)), today_ts - 3600)
                done -= done % 60
                item = new_item()
                if rng.random() < 0.03:
                    _canceled_item(item, rng, done)
                else:
                    _finished_item(item, rng, s, done, people[team], other_team)
                items.append(item)
            if pi >= len(bounds) - 2:  # work still open now, started in the last two periods
                s_now = float(level[(team, periods[pi])]) if pi == len(bounds) - 1 else s
                for _ in range(int(rng.poisson(per_team_period * 0.15))):
                    item = new_item()
                    _open_item(item, rng, s_now, today_ts)
                    items.append(item)
        items.sort(key=lambda it: it.created)
        out[team] = items
    return out


def demo_files(
    *,
    teams: Sequence[str],
    periods: Sequence[dt.date],
    today: dt.date,
    tz: str = "UTC",
    seed: int = 0,
    levels: Mapping[str, float] | None = None,
    linear_teams: Sequence[str] | None = None,
    per_team_period: int = 45,
    strain: tuple[str, str] | None = None,
    people: Mapping[str, Sequence[str]] | None = None,
) -> DemoFiles:
    """The demo's Jira export + changelog and Linear export, with the planted latent level.

    teams: the demo org's team names (as in the files); periods: the period starts (the
    last one is the current period, running until `today`); levels: each team's base
    stability (0..1), e.g. from the demo team profiles; linear_teams: the teams whose work
    is in the Linear file (default: the last third), the others are in the Jira files.
    No team is in both, so importing both files never counts an item twice.
    strain: (sender, receiver) of the demo's planted handoff pair (`handoff_strain`).
    people: team → emails of the org's own people to assign work to (so the history's
    handoffs match people who can be asked); default: made-up addresses.
    """
    teams = list(teams)
    periods = list(periods)
    linear = list(linear_teams) if linear_teams is not None else teams[len(teams) * 2 // 3 :]
    jira = [t for t in teams if t not in linear]
    latent_all = latent_levels(teams=teams, periods=periods, levels=levels, seed=seed)
    if strain is not None:
        latent_all = handoff_strain(latent_all, receiver=strain[1], periods=periods)
    items = _generate(
        teams=teams,
        periods=periods,
        today=today,
        tz=tz,
        latent=latent_all,
        seed=seed,
        per_team_period=per_team_period,
        known_people=people,
    )
    jira_csv, history_csv = _jira_files({t: items[t] for t in jira}, tz)
    linear_csv = _linear_file({t: items[t] for t in linear})
    latent = latent_all[latent_all["period"].notna()].reset_index(drop=True)
    return DemoFiles(
        jira_csv=jira_csv,
        jira_history_csv=history_csv,
        linear_csv=linear_csv,
        latent=latent,
        jira_teams=jira,
        linear_teams=linear,
        tz=tz,
    )
