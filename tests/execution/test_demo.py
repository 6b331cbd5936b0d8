"""The demo seeder imports the demo files through the real import path, and the views show the
planted relation (low decision stability / authority → late delivery the next period)."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from execution.models import ImportRun, ImportState, Observation, WorkItem
from orgs.demo import DEMO_SLUG
from orgs.models import Organization


class DemoSeederTests(TestCase):
    org: Organization
    seed_output: str

    @classmethod
    def setUpTestData(cls) -> None:
        out = io.StringIO()
        call_command("seed_demo", "--today", "2026-11-20", "--periods", "6", stdout=out)
        cls.seed_output = out.getvalue()
        cls.org = Organization.objects.get(slug=DEMO_SLUG)

    def test_the_seed_output_says_why_rows_were_skipped_where_it_promises_to(self) -> None:
        lines = self.seed_output.splitlines()
        i = next(n for n, line in enumerate(lines) if "see why below" in line)
        below = []
        for line in lines[i + 1 :]:
            if not line.startswith("    "):
                break
            below.append(line)
        self.assertTrue(any("skipped: Sprint" in line for line in below), lines[i : i + 5])

    def test_the_demo_files_are_imported_by_finished_runs_with_their_report(self) -> None:
        runs = list(ImportRun.objects.filter(organization=self.org))
        self.assertEqual(len(runs), 2)
        for run in runs:
            self.assertEqual(run.state, ImportState.DONE, run.report)
            self.assertGreater(run.imported, 0)
            self.assertTrue(run.report["message"])
        self.assertGreater(WorkItem.objects.filter(organization=self.org).count(), 1000)
        self.assertTrue(
            Observation.objects.filter(organization=self.org, source="derived").exists()
        )

    def test_the_drivers_view_shows_the_planted_relation_next_period(self) -> None:
        self.client.force_login(get_user_model().objects.get(username="admin"))
        page = self.client.get(reverse("execution:drivers"))
        d = page.context["d"]
        self.assertEqual(d.hidden_reason, "")
        planted = [
            r
            for r in d.correlations
            if r["predictor"] in ("decision_stability", "authority_to_act") and r["lag"] == 1
        ]
        self.assertTrue(planted)
        for r in planted:
            self.assertFalse(r["hidden"])
            self.assertGreater(r["rho"], 0.2)
            self.assertTrue(r["significant"], r)
        self.assertTrue(any("late more often the next month" in s for s in d.sentences))
        self.assertContains(page, "ρ = ")
        # p to 3 significant figures, like the other sentences: never "adjusted p = 0.000".
        self.assertFalse([s for s in d.sentences if "p = 0.000." in s], d.sentences)

    def test_friction_and_handoff_views_have_figures(self) -> None:
        self.client.force_login(get_user_model().objects.get(username="admin"))
        friction = self.client.get(reverse("execution:friction")).context["table"]
        self.assertTrue(any(r.friction is not None for r in friction.rows))
        handoffs = self.client.get(reverse("execution:handoffs")).context["h"]
        self.assertTrue(handoffs.matrix)
        self.assertTrue(handoffs.waiting)

    def test_the_demo_files_are_offered_for_download_to_the_admin(self) -> None:
        self.client.force_login(get_user_model().objects.get(username="admin"))
        page = self.client.get(reverse("execution:import"))
        names = [f["name"] for f in page.context["demo_files"]]
        self.assertIn(f"{DEMO_SLUG}-jira.csv", names)
        r = self.client.get(reverse("execution:demo_file", args=[f"{DEMO_SLUG}-jira.csv"]))
        self.assertEqual(r.status_code, 200)
        self.assertIn(b"Labels", r.content[:5000])


class DemoUploadThroughThePagesTests(TestCase):
    """What `make run` promises: the admin downloads the demo's Jira export and changelog,
    uploads them, goes through the steps and reads the report."""

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", "--today", "2026-11-20", "--periods", "2", stdout=io.StringIO())

    def test_the_admin_uploads_the_jira_demo_files_and_reads_the_report(self) -> None:
        self.client.force_login(get_user_model().objects.get(username="admin"))
        jira = self.client.get(reverse("execution:demo_file", args=[f"{DEMO_SLUG}-jira.csv"]))
        log = self.client.get(
            reverse("execution:demo_file", args=[f"{DEMO_SLUG}-jira-changelog.csv"])
        )
        r = self.client.post(
            reverse("execution:import"),
            {
                "kind": "work_items",
                "preset": "",
                "file": SimpleUploadedFile("jira.csv", jira.content, "text/csv"),
                "history": SimpleUploadedFile("changelog.csv", log.content, "text/csv"),
            },
        )
        self.assertEqual(r.status_code, 302, r.content[:2000])
        columns = self.client.get(r["Location"])
        form = columns.context["form"]
        self.assertEqual(form.initial["preset"], "jira")  # detected from the headers
        self.assertEqual(form.initial["team_column"], "Custom field (Team)")
        r = self.client.post(
            r["Location"], {k: form.initial[k] for k in ("preset", "date_format", "team_column")}
        )
        self.assertEqual(r.status_code, 302, r.content[:3000])
        teams = self.client.get(r["Location"])
        self.assertEqual(teams.context["unknown"], [])  # the demo teams are ours
        r = self.client.post(r["Location"], {})
        statuses = self.client.get(r["Location"])
        data = {f"status_{i}": c.category for i, c in statuses.context["choices"]}
        r = self.client.post(r["Location"], data)
        run_url = r["Location"]
        self.assertContains(self.client.get(run_url), "Start the import")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(run_url)
        page = self.client.get(run_url)
        self.assertEqual(page.context["run"].state, ImportState.DONE, page.context["report"])
        self.assertContains(page, "rows imported")
        self.assertContains(page, "Skipped rows and why")  # the changelog's Sprint changes
