"""Plan what importing checked rows would change, against the org's current teams and people.

Pure: the current state comes in as plain dicts (see `orgs.selectors.import_current_state`),
so the preview, the confirm step and the management command all get the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orgs.importing import PersonRow, RowError


@dataclass(frozen=True)
class ExistingTeam:
    name: str
    parent: str | None  # parent team's name
    is_active: bool


@dataclass(frozen=True)
class ExistingPerson:
    email: str
    name: str
    team: str | None
    external_id: str
    attributes: dict[str, Any]
    is_active: bool


@dataclass(frozen=True)
class RowAction:
    line: int
    email: str
    name: str
    team: str | None
    action: str  # create | update | reactivate | unchanged
    changes: dict[str, Any]


@dataclass
class ImportPlan:
    rows: list[RowAction] = field(default_factory=list)
    teams_create: list[tuple[str, str | None]] = field(default_factory=list)  # (name, parent)
    teams_move: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    teams_reactivate: list[str] = field(default_factory=list)
    deactivate: list[ExistingPerson] = field(default_factory=list)
    active_before: int = 0
    errors: list[RowError] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def deactivation_needs_confirmation(self) -> bool:
        """More than a third of the active people would go: likely a broken export."""
        return len(self.deactivate) * 3 > self.active_before

    @property
    def has_changes(self) -> bool:
        return bool(
            self.teams_create
            or self.teams_move
            or self.teams_reactivate
            or self.deactivate
            or any(r.action != "unchanged" for r in self.rows)
        )


def plan_import(
    rows: list[PersonRow],
    *,
    teams: dict[str, ExistingTeam],
    people: dict[str, ExistingPerson],
) -> ImportPlan:
    """What importing `rows` would do. `teams` keyed by casefolded name, `people` by lower email."""
    plan = ImportPlan(active_before=sum(1 for p in people.values() if p.is_active))
    spelled: dict[str, str] = {k: t.name for k, t in teams.items()}  # casefold -> spelling

    def canon(name: str) -> str:
        return spelled.setdefault(name.casefold(), name)

    # 1. The tree the file asks for: a team's parent as stated in the file (first statement
    #    wins, a conflicting later one is an error), otherwise as it is today.
    stated: dict[str, tuple[str | None, int]] = {}  # team key -> (parent key, line)
    mentioned: set[str] = set()
    for row in rows:
        if not row.team:
            continue
        key = canon(row.team).casefold()
        mentioned.add(key)
        if row.parent_team is None:
            continue  # no parent_team column: leave the tree as it is
        parent_key = canon(row.parent_team).casefold() if row.parent_team else None
        if parent_key:
            mentioned.add(parent_key)
        if key in stated and stated[key][0] != parent_key:
            first_parent, first_line = stated[key]
            plan.errors.append(
                RowError(
                    row.line,
                    "parent_team",
                    f"team '{spelled[key]}' is placed under "
                    f"'{spelled[first_parent] if first_parent else '(no parent)'}' on line "
                    f"{first_line} and under '{row.parent_team or '(no parent)'}' here",
                )
            )
        else:
            stated.setdefault(key, (parent_key, row.line))

    final_parent: dict[str, str | None] = {
        k: (t.parent.casefold() if t.parent else None) for k, t in teams.items()
    }
    for key in mentioned:
        final_parent.setdefault(key, None)
    for key, (parent_key, _line) in stated.items():
        final_parent[key] = parent_key

    # 2. Cycles in the resulting tree, reported on the line that closes them.
    reported: set[frozenset[str]] = set()
    for key, (_parent, line) in stated.items():
        path = [key]
        cur = final_parent.get(key)
        while cur is not None and cur not in path and len(path) <= len(final_parent):
            path.append(cur)
            cur = final_parent.get(cur)
        if cur == key:
            cycle = frozenset(path)
            if cycle not in reported:
                reported.add(cycle)
                names = " → ".join(spelled[k] for k in [*path, key])
                plan.errors.append(
                    RowError(line, "parent_team", f"this makes a cycle of teams: {names}")
                )
    if plan.errors:
        plan.errors.sort(key=lambda e: e.line)
        return plan

    # 3. Teams to create (parents before children), move, reactivate.
    new_keys = [k for k in final_parent if k not in teams]
    ordered: list[str] = []
    placed: set[str] = set(teams)

    def place(k: str) -> None:
        if k in placed:
            return
        parent_key = final_parent.get(k)
        if parent_key is not None:
            place(parent_key)
        placed.add(k)
        ordered.append(k)

    for k in sorted(new_keys):
        place(k)
    for k in ordered:
        parent_key = final_parent[k]
        plan.teams_create.append((spelled[k], spelled[parent_key] if parent_key else None))
    for key, (parent_key, _line) in sorted(stated.items()):
        if key in teams:
            old = teams[key].parent
            new = spelled[parent_key] if parent_key else None
            if (old or "").casefold() != (new or "").casefold():
                plan.teams_move.append((spelled[key], old, new))
    for key in sorted(mentioned):
        if key in teams and not teams[key].is_active:
            plan.teams_reactivate.append(spelled[key])

    # 4. People.
    seen: set[str] = set()
    for row in rows:
        seen.add(row.email)
        team = spelled[row.team.casefold()] if row.team else None
        existing = people.get(row.email)
        if existing is None:
            plan.rows.append(RowAction(row.line, row.email, row.name, team, "create", {}))
            continue
        changes: dict[str, Any] = {}
        if existing.name != row.name:
            changes["name"] = [existing.name, row.name]
        if row.team is not None and (existing.team or "") != (team or ""):
            changes["team"] = [existing.team, team]
        if row.external_id is not None and existing.external_id != row.external_id:
            changes["external_id"] = [existing.external_id, row.external_id]
        for col, value in row.attributes.items():
            old = existing.attributes.get(col)
            if (old or "") != value:
                changes[col] = [old, value or None]
        if not existing.is_active:
            action = "reactivate"
        elif changes:
            action = "update"
        else:
            action = "unchanged"
        plan.rows.append(
            RowAction(
                row.line,
                row.email,
                row.name,
                team if row.team is not None else existing.team,
                action,
                changes,
            )
        )
    plan.deactivate = sorted(
        (p for e, p in people.items() if p.is_active and e not in seen), key=lambda p: p.email
    )
    return plan
