"""Suppression and figures on every export × reader × team × period combination: each row
equals the released read model (hidden there ⇒ no number here, shown ⇒ the same score and n),
and no shown parent minus its shown children isolates a hidden child of fewer than k people."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from orgs.periods import period_label
from orgs.tenancy import tenant_for_user
from scoring.selectors import ResultRow, results_for_teams
from tests.dashboards.test_dashboard import DashboardTestCase
from tests.scoring.db_fixture import P1, P2

TRUST = "Trust index"


def _cells(row: ResultRow) -> dict[str, Any]:
    return {TRUST: row.trust_index, **{c.name: c for c in row.dimensions}}


class ExportSweepTests(DashboardTestCase):
    def _rows(self, view: str, fmt: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        r = self.client.get(reverse("dashboards:export", args=[view, fmt]), params)
        self.assertEqual(r.status_code, 200, (view, fmt, params))
        raw = b"".join(r.streaming_content)
        if fmt == "csv":
            return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        values = list(load_workbook(io.BytesIO(raw), read_only=True).active.values)
        head = [str(h) for h in values[0]]
        return [
            {k: ("" if v is None else str(v)) for k, v in zip(head, row, strict=False)}
            for row in values[1:]
        ]

    def test_every_export_row_equals_the_released_model_for_every_combination(self) -> None:
        kind = self.org.reporting_period
        readers = {
            self.owner: [0, self.eng.pk, self.platform.pk, self.mobile.pk, self.sales.pk],
            self.leader: [self.eng.pk, self.platform.pk, self.mobile.pk],
            self.facilitator: [self.platform.pk],
        }
        model = results_for_teams(tenant=tenant_for_user(self.owner, org=self.org))
        by = {(r.team_id, period_label(r.period, kind)): _cells(r) for r in model.rows}
        checked = hidden = 0
        for user, teams in readers.items():
            self.login(user)
            for team in teams:
                for period in (P1, P2):
                    for view in ("heatmap", "trends"):
                        for fmt in ("csv", "xlsx"):
                            params = {"team": team, "period": period_label(period, kind)}
                            for x in self._rows(view, fmt, params):
                                cell = by[(int(x["team_id"]), x["period"])][x["measure"]]
                                with self.subTest(user=user.username, view=view, fmt=fmt, x=x):
                                    if cell.suppressed:
                                        hidden += 1
                                        self.assertEqual(x["score"], "")
                                        self.assertEqual(x["n"], "")
                                        self.assertTrue(x["hidden_because"])
                                    else:
                                        self.assertAlmostEqual(  # exports round to 2 places
                                            float(x["score"]), cell.score, delta=0.0051
                                        )
                                        self.assertEqual(int(float(x["n"])), cell.n)
                                checked += 1
        self.assertGreater(checked, 100)
        self.assertGreater(hidden, 0)  # the sweep met suppressed cells, not only shown ones

    def test_no_parent_minus_its_children_isolates_fewer_than_k(self) -> None:
        self.login(self.owner)
        tree = self.org.team_tree()
        k = self.org.k
        for period in (P1, P2):
            rows = self._rows("heatmap", "csv", {"team": 0, "period": period.strftime("%Y-%m")})
            by: dict[tuple[int, str], dict[str, Any]] = {
                (int(x["team_id"]), x["measure"]): x for x in rows
            }
            measures = {m for _, m in by}
            for (parent, measure), x in by.items():
                if x["n"] == "":
                    continue
                kids = [t for t, p in tree.parent_of.items() if (p or 0) == parent and t != parent]
                kid_rows = [by[(t, measure)] for t in kids if (t, measure) in by]
                hidden_kids = [r for r in kid_rows if r["n"] == ""]
                if len(hidden_kids) != 1:
                    continue
                rest = int(x["n"]) - sum(int(r["n"]) for r in kid_rows if r["n"] != "")
                with self.subTest(period=period, parent=parent, measure=measure):
                    self.assertTrue(rest == 0 or rest >= k, f"parent − children = {rest} < k")
            self.assertIn(TRUST, measures)

    def test_a_hidden_team_shows_no_number_on_any_page(self) -> None:
        # Sales had 2 respondents in P2 (k = 5): every page says why, none prints a figure.
        self.login(self.owner)
        for name in ("dashboards:overview", "dashboards:heatmap", "dashboards:trends"):
            page = self.client.get(reverse(name), {"team": self.sales.pk, "period": "2026-11"})
            with self.subTest(name=name):
                self.assertEqual(page.status_code, 200)
                self.assertContains(page, "fewer than 5 people")
        overview = self.client.get(
            reverse("dashboards:overview"), {"team": self.sales.pk, "period": "2026-11"}
        )
        self.assertNotContains(overview, 'class="big-number"')
        self.assertIsNone(overview.context["ov"].trust.score)
