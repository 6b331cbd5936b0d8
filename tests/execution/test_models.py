"""Metric definitions per org with defaults; saved team names and status mappings; GDPR."""

from __future__ import annotations

from core.errors import InvalidInput
from core.models import AuditEntry
from core.registry import person_data
from execution.metric_defaults import METRIC_CODES
from execution.models import MetricDefinition, StatusMapping, TeamAlias, WorkItem, WorkItemEvent
from execution.services import metric_definition_update, status_mappings_save, team_aliases_save
from orgs.models import Person
from tests.base import BaseTestCase
from tests.execution.app_helpers import HISTORY_CSV, ITEMS_CSV, run_import
from tests.factories import org_make, person_make


class MetricDefinitionTests(BaseTestCase):
    def test_a_new_org_gets_every_default_metric_with_its_definition_line(self) -> None:
        org = org_make()
        defs = {d.code: d for d in MetricDefinition.objects.filter(organization=org)}
        self.assertEqual(set(defs), set(METRIC_CODES))
        self.assertIn("first move to an in-progress", defs["cycle_time_days"].definition)
        self.assertIn("created → done", defs["lead_time_days"].name)
        self.assertEqual(defs["on_time_pct"].direction, "higher")

    def test_an_admin_changes_target_and_floor_and_it_is_audited(self) -> None:
        metric_definition_update(
            organization=self.org, actor=self.owner, code="cycle_time_days", target=3, floor=15
        )
        d = MetricDefinition.objects.get(organization=self.org, code="cycle_time_days")
        self.assertEqual((d.target, d.floor), (3, 15))
        self.assertTrue(AuditEntry.objects.filter(action="execution.metric.update").exists())

    def test_a_target_on_the_wrong_side_of_the_floor_is_refused_with_the_reason(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "target must be below the floor"):
            metric_definition_update(
                organization=self.org, actor=self.owner, code="cycle_time_days", target=20, floor=5
            )
        with self.assertRaisesMessage(InvalidInput, "must differ"):
            metric_definition_update(
                organization=self.org, actor=self.owner, code="on_time_pct", target=5, floor=5
            )


class SavedMappingTests(BaseTestCase):
    def test_team_names_are_saved_case_and_space_insensitively(self) -> None:
        team_aliases_save(
            organization=self.org, actor=self.owner, mapping={" Plat  Form ": self.platform.pk}
        )
        alias = TeamAlias.objects.get(organization=self.org)
        self.assertEqual((alias.key, alias.team_id), ("plat form", self.platform.pk))

    def test_another_orgs_team_is_not_accepted_as_a_mapping(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "Not a team of Acme"):
            team_aliases_save(
                organization=self.org, actor=self.owner, mapping={"X": self.other_team.pk}
            )
        self.assertFalse(TeamAlias.objects.exists())

    def test_status_mappings_are_saved_and_updated(self) -> None:
        status_mappings_save(
            organization=self.org, actor=self.owner, mapping={"In Review": "in_progress"}
        )
        status_mappings_save(
            organization=self.org, actor=self.owner, mapping={"in review": "blocked"}
        )
        self.assertEqual(
            list(StatusMapping.objects.values_list("key", "category")), [("in review", "blocked")]
        )

    def test_an_unknown_category_is_refused(self) -> None:
        with self.assertRaisesMessage(InvalidInput, "Choose to do, in progress, blocked or done"):
            status_mappings_save(
                organization=self.org, actor=self.owner, mapping={"Waiting": "parked"}
            )


class GdprTests(BaseTestCase):
    def test_erasing_a_person_blanks_them_as_assignee_and_in_the_history(self) -> None:
        ada = person_make(
            org=self.org, team=self.platform, name="Ada Lovelace", email="ADA@example.com"
        )
        run_import(
            org=self.org, actor=self.owner, kind="work_items", main=ITEMS_CSV, history=HISTORY_CSV
        )
        exported = person_data.items()
        parts = {key: pd.export(ada) for key, pd in exported}
        self.assertEqual(
            [i["item_id"] for i in parts["execution"]["execution_work_items"]], ["A-1"]
        )
        summary = dict(person_data.items())["execution"].summary(ada)
        self.assertIn("1 imported work item", summary[0])
        counts = dict(person_data.items())["execution"].erase(ada)
        self.assertEqual(counts, {"work_items_unassigned": 1, "assignee_changes_blanked": 1})
        self.assertEqual(WorkItem.objects.get(item_id="A-1").assignee, "")
        self.assertFalse(WorkItemEvent.objects.filter(to_value__iexact="ada@example.com").exists())
        self.assertTrue(Person.objects.filter(pk=ada.pk).exists())  # orgs deletes the person row
