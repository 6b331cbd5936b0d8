"""Apply a checked people/teams CSV to an organization, atomically, with the deactivation guard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from core.audit import audit_record
from core.errors import InvalidInput
from core.registry import team_tree_changed
from core.text import count_text
from orgs.import_plan import ImportPlan, plan_import
from orgs.importing import PersonRow, RowError, parse_people_csv, row_errors_by_place
from orgs.models import Organization, Person, Team
from orgs.selectors import import_current_state


class ImportRejected(InvalidInput):
    """Nothing was written: the file has errors, or the deactivation guard wants a yes.

    `errors` maps each place ("line 3, column 'email'") to what is wrong there, or names
    `confirm_deactivation` for the guard; `row_errors` keeps the RowErrors, `plan` the plan.
    """

    def __init__(
        self, message: str, *, plan: ImportPlan, row_errors: list[RowError] | None = None
    ) -> None:
        self.plan = plan
        self.row_errors = list(row_errors or [])
        if self.row_errors:
            super().__init__(message, row_errors_by_place(self.row_errors), code="import_rows")
        else:
            super().__init__(
                message, {"confirm_deactivation": message}, code="confirm_deactivation"
            )


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    reactivated: int
    unchanged: int
    deactivated: int
    teams_created: int
    teams_moved: int

    def summary(self) -> str:
        return (
            f"{count_text(self.created, 'person', 'people')} created, {self.updated} updated, "
            f"{self.reactivated} reactivated, {self.unchanged} unchanged, "
            f"{self.deactivated} deactivated; "
            f"{count_text(self.teams_created, 'team')} created, {self.teams_moved} moved."
        )


def people_import_plan(*, organization: Organization, rows: list[PersonRow]) -> ImportPlan:
    teams, people = import_current_state(organization=organization)
    return plan_import(rows, teams=teams, people=people)


def people_import_check(
    *, organization: Organization, data: bytes
) -> tuple[list[PersonRow], list[RowError]]:
    """Parse the file and check it against the current tree: the rows and *every* error (row
    errors and tree errors such as cycles together, by line). Raises ImportFileError."""
    parsed = parse_people_csv(data)
    if parsed.errors and not parsed.rows:
        return [], parsed.errors
    plan = people_import_plan(organization=organization, rows=parsed.rows)
    errors = sorted([*parsed.errors, *plan.errors], key=lambda e: (e.line, e.column))
    return parsed.rows, errors


def people_import_apply(
    *,
    organization: Organization,
    actor: Any,
    rows: list[PersonRow],
    confirm_deactivation: bool = False,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Re-plan against the current data (it may have changed since the preview) and write it
    all or nothing. People missing from the file are deactivated, never deleted."""
    say = progress or (lambda _msg: None)
    with transaction.atomic():
        # Serialise concurrent imports of one org (a no-op lock on SQLite, a row lock elsewhere).
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        plan = people_import_plan(organization=organization, rows=rows)
        if plan.errors:
            raise ImportRejected(
                f"{len(plan.errors)} problem(s) in the file; nothing was imported.",
                plan=plan,
                row_errors=plan.errors,
            )
        if plan.deactivation_needs_confirmation and not confirm_deactivation:
            raise ImportRejected(
                f"This import would deactivate {len(plan.deactivate)} of {plan.active_before} "
                "active people (more than a third). If the export is complete, confirm the "
                "deactivation explicitly.",
                plan=plan,
            )

        teams = {t.name.casefold(): t for t in Team.objects.filter(organization=organization)}
        for name, parent in plan.teams_create:
            teams[name.casefold()] = Team.objects.create(
                organization=organization,
                name=name,
                parent=teams[parent.casefold()] if parent else None,
            )
        say(f"teams: {len(plan.teams_create)} created")
        for name, _old, new in plan.teams_move:
            team = teams[name.casefold()]
            team.parent = teams[new.casefold()] if new else None
            team.save(update_fields=["parent"])
        if plan.teams_move:  # stored results no longer fit the tree: apps recompute
            team_tree_changed.announce(organization.pk)
        for name in plan.teams_reactivate:
            team = teams[name.casefold()]
            team.is_active = True
            team.save(update_fields=["is_active"])

        by_email = {p.email.lower(): p for p in Person.objects.filter(organization=organization)}
        by_line = {r.line: r for r in rows}
        new_people: list[Person] = []
        for i, action in enumerate(plan.rows, start=1):
            row = by_line[action.line]
            row_team = teams[row.team.casefold()] if row.team else None
            if action.action == "create":
                new_people.append(
                    Person(
                        organization=organization,
                        name=row.name,
                        email=row.email,
                        team=row_team,
                        external_id=row.external_id or "",
                        attributes={k: v for k, v in row.attributes.items() if v},
                    )
                )
            elif action.action in ("update", "reactivate"):
                person = by_email[row.email]
                person.name = row.name
                person.is_active = True
                if row.team is not None:
                    person.team = row_team
                if row.external_id is not None:
                    person.external_id = row.external_id
                attrs = dict(person.attributes or {})
                for key, value in row.attributes.items():
                    if value:
                        attrs[key] = value
                    else:
                        attrs.pop(key, None)
                person.attributes = attrs
                person.save()
            if i % 500 == 0:
                say(f"people: {i} of {count_text(len(plan.rows), 'row')}")
        Person.objects.bulk_create(new_people, batch_size=500)
        deactivate_ids = [by_email[p.email.lower()].pk for p in plan.deactivate]
        Person.objects.filter(pk__in=deactivate_ids).update(is_active=False)
        say(f"people: {count_text(len(plan.rows), 'row')} done, {len(deactivate_ids)} deactivated")

        result = ImportResult(
            created=plan.count("create"),
            updated=plan.count("update"),
            reactivated=plan.count("reactivate"),
            unchanged=plan.count("unchanged"),
            deactivated=len(deactivate_ids),
            teams_created=len(plan.teams_create),
            teams_moved=len(plan.teams_move),
        )
        audit_record(
            organization=organization,
            actor=actor,
            action="orgs.people.imported",
            obj=organization,
            changes={
                "created": result.created,
                "updated": result.updated,
                "reactivated": result.reactivated,
                "deactivated": result.deactivated,
                "deactivation_confirmed": bool(deactivate_ids) and confirm_deactivation,
                "teams_created": [n for n, _p in plan.teams_create],
                "teams_moved": [n for n, _o, _n in plan.teams_move],
            },
        )
    return result
