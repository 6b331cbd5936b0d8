"""The import pages: upload → columns → teams → statuses → run, progress fragment and report."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from execution.models import (
    ImportRun,
    ImportState,
    MetricDefinition,
    StatusMapping,
    TeamAlias,
    WorkItem,
)
from tests.base import BaseTestCase
from tests.execution.app_helpers import HISTORY_CSV, ITEMS_CSV, OBS_LONG


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), "text/csv")


class ImportFlowTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)

    def test_work_items_flow_maps_teams_and_statuses_and_runs_to_a_report(self) -> None:
        items = ITEMS_CSV + "A-4,Platfrom,Typo,Blocked,,2026-10-01 09:00,,,\n"
        r = self.client.post(
            reverse("execution:import"),
            {
                "kind": "work_items",
                "preset": "neutral",
                "file": upload("items.csv", items),
                "history": upload("h.csv", HISTORY_CSV),
            },
        )
        self.assertEqual(r.status_code, 302, r.content[:1500])
        run = ImportRun.objects.get()
        self.assertEqual(r["Location"], reverse("execution:import_columns", args=[run.pk]))
        page = self.client.get(r["Location"])
        self.assertContains(page, "Fix login")  # the preview
        r = self.client.post(
            reverse("execution:import_columns", args=[run.pk]),
            {"preset": "neutral", "date_format": "", "team_column": "team"},
        )
        self.assertRedirects(r, reverse("execution:import_teams", args=[run.pk]))
        page = self.client.get(r["Location"])
        self.assertContains(page, "Platfrom")
        self.assertContains(
            page, f'<option value="{self.platform.pk}" selected>Platform</option>', html=True
        )
        r = self.client.post(r["Location"], {"team_0": str(self.platform.pk)})
        self.assertRedirects(r, reverse("execution:import_statuses", args=[run.pk]))
        self.assertTrue(TeamAlias.objects.filter(key="platfrom", team=self.platform).exists())
        page = self.client.get(r["Location"])
        statuses = [c.raw for _, c in page.context["choices"]]
        self.assertEqual(statuses, ["Blocked", "Done", "In Progress", "To Do"])
        r = self.client.post(
            r["Location"],
            {
                "status_0": "blocked",
                "status_1": "done",
                "status_2": "in_progress",
                "status_3": "todo",
            },
        )
        self.assertRedirects(r, reverse("execution:import_run", args=[run.pk]))
        self.assertEqual(StatusMapping.objects.filter(organization=self.org).count(), 4)
        self.assertContains(self.client.get(r["Location"]), "Start the import")
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(reverse("execution:import_run", args=[run.pk]))
        run.refresh_from_db()
        self.assertEqual(run.state, ImportState.DONE, run.report)
        self.assertEqual(WorkItem.objects.count(), 4)
        page = self.client.get(reverse("execution:import_run", args=[run.pk]))
        self.assertContains(page, "9 rows imported; nothing skipped.")

    def test_the_progress_fragment_polls_until_done_then_reloads_the_page(self) -> None:
        self.client.post(
            reverse("execution:import"),
            {"kind": "observations", "preset": "neutral", "file": upload("obs.csv", OBS_LONG)},
        )
        run = ImportRun.objects.get()
        self.client.post(reverse("execution:import_run", args=[run.pk]))  # queued, not run yet
        page = self.client.get(reverse("execution:import_run", args=[run.pk]))
        self.assertContains(page, 'hx-trigger="every 1s"')
        self.assertContains(page, "django_htmx/htmx-2.min.js")
        self.assertContains(page, '<progress id="progress-bar" max="100" value="0">', html=False)
        ImportRun.objects.filter(pk=run.pk).update(state=ImportState.DONE, progress=100)
        frag = self.client.get(
            reverse("execution:import_progress", args=[run.pk]), HTTP_HX_REQUEST="true"
        )
        self.assertEqual(frag["HX-Refresh"], "true")
        self.assertNotContains(frag, "hx-trigger")

    def test_a_failed_run_says_why_on_its_page(self) -> None:
        self.client.post(
            reverse("execution:import"),
            {
                "kind": "work_items",
                "preset": "neutral",
                "file": upload("i.csv", "item_id,team,status\n"),
            },
        )
        run = ImportRun.objects.get()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("execution:import_run", args=[run.pk]))
        page = self.client.get(reverse("execution:import_run", args=[run.pk]))
        self.assertContains(page, "Nothing was imported.")
        self.assertContains(page, "no rows")

    def test_an_empty_upload_is_refused_on_the_form(self) -> None:
        r = self.client.post(
            reverse("execution:import"),
            {"kind": "observations", "preset": "neutral", "file": upload("e.csv", "   ")},
        )
        self.assertEqual(r.status_code, 400)
        self.assertFalse(ImportRun.objects.exists())

    def test_a_history_file_with_metric_values_is_refused_not_dropped(self) -> None:
        r = self.client.post(
            reverse("execution:import"),
            {
                "kind": "observations",
                "preset": "",
                "file": upload("items.csv", ITEMS_CSV),
                "history": upload("h.csv", HISTORY_CSV),
            },
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "A history file goes with a work-item export", status_code=400)
        self.assertFalse(ImportRun.objects.exists())

    def test_an_unmapped_observations_file_stops_at_the_teams_step_with_a_way_back(self) -> None:
        # A work-item export uploaded as "metric values" with no column chosen: the teams step
        # says why and links back; it offers no "Next" that would end on an error page.
        r = self.client.post(
            reverse("execution:import"),
            {"kind": "observations", "preset": "", "file": upload("items.csv", ITEMS_CSV)},
        )
        run = ImportRun.objects.get()
        self.client.post(reverse("execution:import_columns", args=[run.pk]), {})
        teams = reverse("execution:import_teams", args=[run.pk])
        page = self.client.get(teams)
        self.assertContains(page, "Back to the columns")
        self.assertNotContains(page, "Next: run")
        r = self.client.post(teams, {})
        self.assertEqual(r.status_code, 400)
        self.assertTemplateUsed(r, "execution/import_teams.html")
        self.assertContains(r, "Back to the columns", status_code=400)

    def test_demo_files_are_offered_for_download(self) -> None:
        page = self.client.get(reverse("execution:import"))
        name = page.context["demo_files"][0]["name"]
        r = self.client.get(reverse("execution:demo_file", args=[name]))
        self.assertEqual(r.status_code, 200)
        self.assertIn("attachment", r["Content-Disposition"])

    def test_another_orgs_run_is_not_found(self) -> None:
        self.client.post(
            reverse("execution:import"),
            {"kind": "observations", "preset": "neutral", "file": upload("obs.csv", OBS_LONG)},
        )
        run = ImportRun.objects.get()
        self.login(self.outsider)
        self.assertEqual(
            self.client.get(reverse("execution:import_run", args=[run.pk])).status_code, 404
        )


class ImportPermissionTests(BaseTestCase):
    def test_only_admins_import_or_edit_targets(self) -> None:
        for user in (self.leader, self.facilitator, self.member):
            self.login(user)
            for name in ("execution:import", "execution:metrics"):
                self.assertEqual(self.client.get(reverse(name)).status_code, 403, (user, name))
            r = self.client.post(
                reverse("execution:import"),
                {"kind": "observations", "preset": "neutral", "file": upload("obs.csv", OBS_LONG)},
            )
            self.assertEqual(r.status_code, 403)
        self.assertFalse(ImportRun.objects.exists())


class MetricTargetsPageTests(BaseTestCase):
    def test_an_admin_edits_a_target_and_floor_on_the_page(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("execution:metrics"))
        self.assertContains(page, "Cycle time (first in progress → done)")
        r = self.client.post(
            reverse("execution:metrics"), {"code": "throughput", "target": "40", "floor": "10"}
        )
        self.assertRedirects(r, reverse("execution:metrics"))
        d = MetricDefinition.objects.get(organization=self.org, code="throughput")
        self.assertEqual((d.target, d.floor), (40, 10))

    def test_a_target_on_the_wrong_side_is_refused_with_the_reason_on_the_page(self) -> None:
        self.login(self.owner)
        r = self.client.post(
            reverse("execution:metrics"), {"code": "throughput", "target": "5", "floor": "10"}
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "target must be above the floor", status_code=400)
