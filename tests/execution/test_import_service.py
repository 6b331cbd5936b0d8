"""Imports are atomic, idempotent, and report each skipped row with its line and reason."""

from __future__ import annotations

from unittest import mock

from django.db import DatabaseError

from core.models import AuditEntry
from execution.models import ImportRun, ImportState, Observation, WorkItem, WorkItemEvent
from execution.services import team_aliases_save
from tests.base import BaseTestCase
from tests.execution.app_helpers import HISTORY_CSV, ITEMS_CSV, OBS_LONG, OBS_WIDE, run_import


class WorkItemImportTests(BaseTestCase):
    def _import(self, **kw: object) -> ImportRun:
        return run_import(org=self.org, actor=self.owner, kind="work_items", **kw)  # type: ignore[arg-type]

    def test_items_and_history_are_imported_with_teams_matched_by_name(self) -> None:
        run = self._import(main=ITEMS_CSV, history=HISTORY_CSV)
        self.assertEqual(run.state, ImportState.DONE, run.report)
        self.assertEqual(run.report["items"], 3)
        self.assertEqual(run.report["events"], 5)
        self.assertEqual(WorkItem.objects.get(item_id="A-2").team, self.platform)
        self.assertEqual(run.skipped, 0)
        self.assertTrue(AuditEntry.objects.filter(action="execution.import.run").exists())

    def test_importing_the_same_files_twice_gives_the_same_rows(self) -> None:
        self._import(main=ITEMS_CSV, history=HISTORY_CSV)
        before = (
            sorted(WorkItem.objects.values_list("item_id", "team_id", "status", "done_at")),
            sorted(WorkItemEvent.objects.values_list("item__item_id", "field", "to_value", "at")),
        )
        self._import(main=ITEMS_CSV, history=HISTORY_CSV)
        after = (
            sorted(WorkItem.objects.values_list("item_id", "team_id", "status", "done_at")),
            sorted(WorkItemEvent.objects.values_list("item__item_id", "field", "to_value", "at")),
        )
        self.assertEqual(before, after)
        self.assertEqual(WorkItem.objects.count(), 3)
        self.assertEqual(WorkItemEvent.objects.count(), 5)

    def test_a_failure_halfway_leaves_nothing_imported_and_says_why(self) -> None:
        with (
            mock.patch.object(
                WorkItemEvent.objects, "bulk_create", side_effect=DatabaseError("disk full")
            ),
            self.assertRaises(DatabaseError),
        ):
            self._import(main=ITEMS_CSV, history=HISTORY_CSV)
        run = ImportRun.objects.get()
        self.assertEqual(run.state, ImportState.FAILED)
        self.assertIn("Nothing was imported", run.report["message"])
        self.assertIn("disk full", run.report["message"])
        self.assertFalse(WorkItem.objects.exists())
        self.assertFalse(WorkItemEvent.objects.exists())

    def test_unknown_team_is_skipped_with_its_line_and_the_closest_names(self) -> None:
        csv = ITEMS_CSV + "A-4,Platfrom,Typo team,Done,,2026-10-01 09:00,,2026-10-02 09:00,\n"
        run = self._import(main=csv)
        (row,) = run.report["skipped"]
        self.assertEqual((row["column"], row["value"]), ("team", "Platfrom"))
        # The file line when the reader keeps it, else the item id names the row.
        self.assertTrue(row["row"] == 5 or "(item A-4)" in row["reason"], row)
        self.assertIn("closest: Platform", row["reason"])

    def test_a_saved_team_name_maps_the_export_name_to_our_team(self) -> None:
        team_aliases_save(
            organization=self.org, actor=self.owner, mapping={"Platfrom": self.platform.pk}
        )
        csv = ITEMS_CSV + "A-4,Platfrom,Typo team,Done,,2026-10-01 09:00,,2026-10-02 09:00,\n"
        run = self._import(main=csv)
        self.assertEqual(run.skipped, 0)
        self.assertEqual(WorkItem.objects.get(item_id="A-4").team, self.platform)

    def test_bad_rows_each_get_a_clear_reason(self) -> None:
        csv = ITEMS_CSV + (
            "A-1,Platform,Again,Done,,2026-10-01 09:00,,2026-10-02 09:00,\n"
            "A-5,Platform,Backwards,Done,,2026-10-05 09:00,,2026-10-01 09:00,\n"
            "A-6,Platform,Bad date,Done,,yesterday,,,\n"
        )
        run = self._import(main=csv)
        self.assertEqual(run.skipped, 3)
        self.assertEqual(WorkItem.objects.get(item_id="A-1").title, "Fix login")  # first kept
        reasons = " | ".join(r["reason"] for r in run.report["skipped"])
        self.assertIn("duplicate", reasons)
        self.assertRegex(reasons, r"(done|finished) before it (was created|started)")
        self.assertIn("yesterday", [r["value"] for r in run.report["skipped"]])

    def test_history_rows_of_items_not_in_the_file_are_skipped(self) -> None:
        history = HISTORY_CSV + "Z-9,status,To Do,Done,2026-10-05 09:00\n"
        run = self._import(main=ITEMS_CSV, history=history)
        (row,) = run.report["skipped"]
        self.assertEqual(row["column"], "history: item_id")
        self.assertIn("not in the work-item file", row["reason"])

    def test_another_orgs_team_name_is_not_accepted(self) -> None:
        csv = ITEMS_CSV.splitlines()[0] + "\nX-1,Other team,Theirs,Done,,2026-10-01,,2026-10-02,\n"
        run = self._import(main=csv)
        self.assertEqual(run.imported, 0)
        self.assertIn("unknown team", run.report["skipped"][0]["reason"])
        self.assertIn("Nothing was imported", run.report["message"])

    def test_an_empty_file_is_refused_with_a_message(self) -> None:
        from execution.reading import ReadError

        with self.assertRaisesMessage(ReadError, "is empty"):
            self._import(main="")

    def test_a_header_only_file_fails_the_run_with_a_message(self) -> None:
        run = self._import(main="item_id,team,status\n")
        self.assertEqual(run.state, ImportState.FAILED)
        self.assertIn("no rows", run.report["message"])

    def test_running_a_finished_run_again_changes_nothing(self) -> None:
        from execution.services_import import import_run_execute

        run = self._import(main=ITEMS_CSV)
        again = import_run_execute(run_id=run.pk)
        assert again is not None
        self.assertEqual((again.state, again.imported), (ImportState.DONE, 3))
        self.assertEqual(AuditEntry.objects.filter(action="execution.import.run").count(), 1)


class ObservationImportTests(BaseTestCase):
    def _import(self, main: str, **kw: object) -> ImportRun:
        return run_import(org=self.org, actor=self.owner, kind="observations", main=main, **kw)  # type: ignore[arg-type]

    def test_long_and_wide_files_give_the_same_cells(self) -> None:
        self._import(OBS_LONG)
        long = sorted(Observation.objects.values_list("team__name", "period", "metric", "value"))
        Observation.objects.all().delete()
        run = self._import(OBS_WIDE)
        self.assertEqual(run.report.get("skipped_total"), 0)
        wide = sorted(Observation.objects.values_list("team__name", "period", "metric", "value"))
        self.assertIn(long[1], wide)  # Platform throughput 12 in both
        self.assertEqual(len(wide), 3)

    def test_reimport_updates_instead_of_duplicating(self) -> None:
        self._import(OBS_LONG)
        self._import(OBS_LONG.replace(",12", ",15"))
        self.assertEqual(Observation.objects.count(), 2)
        self.assertEqual(Observation.objects.get(metric="throughput").value, 15)

    def test_periods_outside_the_calendar_and_bad_numbers_are_reported(self) -> None:
        csv = (
            "team,period,metric,value\n"
            "Platform,2026-W40,throughput,3\n"
            "Platform,2026-10-15,throughput,3\n"
            "Platform,2026-10,throughput,many\n"
            "Platform,2026-10,velocity,3\n"
        )
        run = self._import(csv)
        self.assertEqual(run.imported, 0)
        reasons = {r["value"]: r["reason"] for r in run.report["skipped"]}
        self.assertIn("reports by month", reasons["2026-W40"])
        self.assertIn("not the first day", reasons["2026-10-15"])
        self.assertIn("not a number", reasons["many"])
        self.assertIn("unknown metric", reasons["velocity"])

    def test_mapped_columns_are_used(self) -> None:
        csv = "Squad,Month,KPI,Val\nPlatform,2026-10,throughput,4\n"
        run = self._import(
            csv,
            options={
                "column_map": {"Squad": "team", "Month": "period", "KPI": "metric", "Val": "value"}
            },
        )
        self.assertEqual(run.imported, 1)

    def test_without_a_team_column_the_run_fails_naming_the_missing_column(self) -> None:
        run = self._import("throughput,on_time_pct\n4,90\n")
        self.assertEqual(run.state, "failed")
        self.assertIn("Nothing was imported", run.report["message"])
        self.assertIn("team", run.report["message"])
