"""Demo work-item files with planted relations: a Jira "all fields" CSV, its changelog, a Linear CSV.

Pure and seeded (same arguments, same bytes). Per team and period a latent "decision
stability / authority to act" level (0..1) is drawn as a slow random walk around the team's
base. Work finished in a period is driven by the level of the PREVIOUS period: a low level
there means later delivery (due dates missed), more and slower handoffs (the receiver's next
move comes later), more blocking and reopening. The latent frame is returned so the demo's
survey and check-in seeders can make the answers agree with it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from execution.readers.presets import JIRA_DATE_FORMAT

JIRA_STATUSES = ("To Do", "In Progress", "In Review", "Blocked", "Done", "Closed")
LINEAR_STATUS = {
    "To Do": "Todo",
    "In Progress": "In Progress",
    "In Review": "In Review",
    "Blocked": "Blocked",
    "Done": "Done",
    "Closed": "Canceled",
}
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


@dataclass
class _Item:
    key: str
    team: str
    title: str
    created: float  # times are UTC epoch seconds until the files are written
    status: str
    assignee: str
    due: float | None = None
    started: float | None = None
    resolved: float | None = None
    resolution: str = ""
    labels: list[str] = field(default_factory=list)
    events: list[tuple[float, str, str, str, str]] = field(default_factory=list)
    # (at, author, field, from, to)


def _project_keys(teams: Sequence[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for team in teams:
        words = re.findall(r"[A-Za-z]+", team) or ["T"]
        base = "".join(w[0] for w in words).upper() if len(words) > 1 else words[0][:3].upper()
        key, n = base, 1
        while key in keys.values():
            n += 1
            key = f"{base}{n}"
        keys[team] = key
    return keys


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


DAY = 86400.0


def _epoch(day: dt.date, tz: str) -> float:
    return float(pd.Timestamp(day).tz_localize(tz).timestamp())


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
) -> dict[str, list[_Item]]:
    rng = np.random.default_rng([seed, 11])
    keys = _project_keys(teams)
    people = {team: _people(team, rng) for team in teams}
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


def _format_times(values: Sequence[float | None], tz: str, fmt: str) -> list[str]:
    """Epoch seconds -> local text in one vectorised pass ("" for None)."""
    secs = pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    local = pd.to_datetime(secs, unit="s", utc=True).dt.tz_convert(tz).dt.strftime(fmt)
    if "%I" in fmt:
        local = local.str.replace(r"(?<= )0(\d:)", r"\1", regex=True)  # Jira: 3:42 PM
    return [v if isinstance(v, str) else "" for v in local.tolist()]


def _csv_bytes(rows: list[list[str]], *, bom: bool = False) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8")


def _code(key: str) -> int:
    """A small stable number per item (str hash is salted per process, so not hash())."""
    return sum(ord(c) for c in key) % 97


def _updated(it: _Item) -> float:
    return max([it.created] + [e[0] for e in it.events])


def _jira_files(items: dict[str, list[_Item]], tz: str) -> tuple[bytes, bytes]:
    fmt = JIRA_DATE_FORMAT
    keys = _project_keys(list(items))
    header = [
        "Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key",
        "Project name", "Priority", "Resolution", "Assignee", "Reporter", "Created", "Updated",
        "Resolved", "Component/s", "Due date", "Labels", "Labels", "Labels", "Description",
        "Sprint", "Sprint", "Custom field (Team)", "Custom field (Story Points)",
        "Status Category",
    ]  # fmt: skip
    flat = [it for team_items in items.values() for it in team_items]
    created = _format_times([it.created for it in flat], tz, fmt)
    updated = _format_times([_updated(it) for it in flat], tz, fmt)
    resolved = _format_times([it.resolved for it in flat], tz, fmt)
    due = _format_times([it.due for it in flat], "UTC", fmt)  # a date: midnight, no zone shift
    events = [(it, e) for it in flat for e in it.events]
    event_at = _format_times([e[0] for _, e in events], tz, fmt)
    epoch = _epoch(dt.date(2024, 1, 1), "UTC")
    rows = [header]
    ids: dict[str, str] = {}
    for i, it in enumerate(flat):
        ids[it.key] = str(10001 + i)
        h = _code(it.key)
        sprint_no = 1 + int((it.created - epoch) // (14 * DAY))
        sprints = [f"{keys[it.team]} Sprint {sprint_no}"]
        if it.resolved is not None and it.resolved - it.created > 10 * DAY:
            sprints.append(f"{keys[it.team]} Sprint {sprint_no + 1}")
        description = ""
        if h % 5 == 0:  # some descriptions span lines and quote words, as real ones do
            description = (
                f"Context from the planning meeting:\n- owner: {it.assignee}\n"
                '- "done" means shipped, not merged'
            )
        category = {"To Do": "To Do", "Done": "Done", "Closed": "Done"}.get(
            it.status, "In Progress"
        )
        rows.append(
            [
                it.title,
                it.key,
                ids[it.key],
                ("Story", "Task", "Bug")[h % 3],
                it.status,
                keys[it.team],
                it.team,
                ("Medium", "High", "Low", "Medium")[h % 4],
                it.resolution,
                it.assignee if it.status != "To Do" or h % 2 else "",
                it.assignee,
                created[i],
                updated[i],
                resolved[i],
                "",
                due[i],
                *[*it.labels, "", "", ""][:3],
                description,
                *[*sprints, ""][:2],
                it.team,
                str((1, 2, 3, 5, 8)[h % 5]),
                category,
            ]
        )
    history = [["Issue key", "Issue id", "Author", "Date", "Field", "From", "To"]]
    for (it, (_, author, fld, frm, to)), at in zip(events, event_at, strict=True):
        history.append([it.key, ids[it.key], author, at, fld, frm, to])
    return _csv_bytes(rows, bom=True), _csv_bytes(history)


def _linear_file(items: dict[str, list[_Item]]) -> bytes:
    header = [
        "ID", "Team", "Title", "Description", "Status", "Estimate", "Priority", "Project",
        "Creator", "Assignee", "Labels", "Cycle Number", "Cycle Name", "Created", "Updated",
        "Started", "Triaged", "Completed", "Canceled", "Archived", "Due Date",
    ]  # fmt: skip
    iso = "%Y-%m-%dT%H:%M:%S.000Z"
    flat = [it for team_items in items.values() for it in team_items]
    created = _format_times([it.created for it in flat], "UTC", iso)
    updated = _format_times([_updated(it) for it in flat], "UTC", iso)
    started = _format_times([it.started for it in flat], "UTC", iso)
    done = _format_times([it.resolved if it.status == "Done" else None for it in flat], "UTC", iso)
    canceled = _format_times(
        [it.resolved if it.status == "Closed" else None for it in flat], "UTC", iso
    )
    due = _format_times([it.due for it in flat], "UTC", "%Y-%m-%d")
    rows = [header]
    for i, it in enumerate(flat):
        h = _code(it.key)
        title = it.title
        if h % 11 == 0:
            title = "'- " + title.lower()  # Linear guards a leading - = + @ with a quote
        rows.append(
            [
                it.key,
                it.team,
                title,
                "",
                LINEAR_STATUS[it.status],
                str((1, 2, 3, 5)[h % 4]),
                ("Medium", "High", "Low", "No priority")[h % 4],
                "",
                it.assignee,
                it.assignee if it.status != "To Do" else "",
                ", ".join(it.labels),
                "",
                "",
                created[i],
                updated[i],
                started[i],
                "",
                done[i],
                canceled[i],
                "",
                due[i],
            ]
        )
    return _csv_bytes(rows)


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
) -> DemoFiles:
    """The demo's Jira export + changelog and Linear export, with the planted latent level.

    teams: the demo org's team names (as in the files); periods: the period starts (the
    last one is the current period, running until `today`); levels: each team's base
    stability (0..1), e.g. from the demo team profiles; linear_teams: the teams whose work
    is in the Linear file (default: the last third), the others are in the Jira files.
    No team is in both, so importing both files never counts an item twice.
    """
    teams = list(teams)
    periods = list(periods)
    linear = list(linear_teams) if linear_teams is not None else teams[len(teams) * 2 // 3 :]
    jira = [t for t in teams if t not in linear]
    latent_all = latent_levels(teams=teams, periods=periods, levels=levels, seed=seed)
    items = _generate(
        teams=teams,
        periods=periods,
        today=today,
        tz=tz,
        latent=latent_all,
        seed=seed,
        per_team_period=per_team_period,
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


def bench_items_csv(
    *, rows: int, teams: Sequence[str] = ("Platform", "Payments", "Mobile"), seed: int = 0
) -> bytes:
    """A large neutral work-item CSV for `make bench` (vectorised: a million rows in seconds)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-01-01", tz="UTC").value // 10**9
    created = start + rng.integers(0, 180 * 86400, rows)
    started = created + rng.integers(600, 5 * 86400, rows)
    done = started + rng.integers(3600, 20 * 86400, rows)
    open_ = rng.random(rows) < 0.15

    def fmt(secs: np.ndarray) -> np.ndarray:
        # numpy's ISO formatting runs in C; pandas' strftime goes cell by cell.
        text = np.datetime_as_string(secs.astype("datetime64[s]"), unit="s")
        return np.strings.add(text.astype(np.dtypes.StringDType()), "Z")

    ids = np.strings.add("IT-", np.arange(rows).astype(np.dtypes.StringDType()))
    people = np.strings.add(
        np.strings.add("p", rng.integers(0, 200, rows).astype(np.dtypes.StringDType())),
        "@example.com",
    )
    S = np.dtypes.StringDType()
    columns = [
        ids,
        np.asarray(teams, dtype=S)[rng.integers(0, len(teams), rows)],
        np.full(rows, "Work item", dtype=S),
        np.where(open_, "In Progress", "Done").astype(S),
        people,
        fmt(created),
        fmt(started),
        np.where(open_, "", fmt(done)).astype(S),
        np.strings.slice(fmt(done + rng.integers(-5 * 86400, 5 * 86400, rows)), 0, 10),
        np.full(rows, "", dtype=S),
    ]
    # No cell holds a comma or a quote, so lines are joined directly (to_csv is 10x slower).
    line = columns[0]
    for col in columns[1:]:
        line = np.strings.add(np.strings.add(line, ","), col)
    header = "item_id,team,title,status,assignee,created_at,started_at,done_at,due_at,canceled_at"
    return ("\n".join([header, *line.tolist()]) + "\n").encode("utf-8")
