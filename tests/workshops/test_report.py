"""The report: HTML page and PDF; the PDF's text is read back (its fonts' ToUnicode maps)."""

from __future__ import annotations

import datetime as dt
import re

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from orgs.tenancy import tenant_for_user
from tests.base import BaseTestCase
from tests.workshops.helpers import workshop_make
from workshops.models_commitments import Commitment
from workshops.selectors_report import report_context
from workshops.views_report import report_pdf_bytes

_HEX = re.compile(rb"<([0-9a-fA-F]+)>")


def pdf_texts(pdf: bytes) -> list[str]:
    """The text of an uncompressed WeasyPrint PDF, decoded once with each font's ToUnicode
    map (no PDF reader is installed; glyph ids differ per font, so one decoding each)."""
    maps = []
    for block in re.findall(rb"beginbfchar\n(.*?)endbfchar", pdf, re.S):
        pairs = re.findall(rb"<([0-9a-fA-F]+)> <([0-9a-fA-F]+)>", block)
        maps.append({int(g, 16): bytes.fromhex(u.decode()).decode("utf-16-be") for g, u in pairs})
    runs = re.findall(rb"\[(.*?)\] TJ", pdf, re.S)
    out = []
    for cmap in maps:
        words = []
        for run in runs:
            glyphs = b"".join(_HEX.findall(run)).decode()
            words.append(
                "".join(cmap.get(int(glyphs[i : i + 4], 16), "?") for i in range(0, len(glyphs), 4))
            )
        out.append("\n".join(words))
    return out


class ReportTests(BaseTestCase):
    def setUp(self) -> None:
        self.workshop = workshop_make(
            org=self.org,
            team=self.platform,
            title="Platform retro",
            agenda=[{"kind": "note", "title": "Decision rights", "notes": "", "plays": []}],
        )
        Commitment.objects.create(
            organization=self.org,
            workshop=self.workshop,
            what="Publish the release rule",
            owner=self.member_person,
            due_on=dt.date(2026, 12, 20),
            created_at=timezone.now(),
        )

    def test_the_html_report_lists_agenda_commitments_and_no_polls(self) -> None:
        self.login(self.leader)
        r = self.client.get(reverse("workshops:report", args=[self.workshop.pk]))
        self.assertContains(r, "Decision rights")
        self.assertContains(r, "Publish the release rule")
        self.assertContains(r, "Mia Member")
        self.assertContains(r, "No polls")

    def test_the_pdf_downloads(self) -> None:
        self.login(self.facilitator)
        r = self.client.get(reverse("workshops:report_pdf", args=[self.workshop.pk]))
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r["Content-Type"], "application/pdf")
        self.assertTrue(r.content.startswith(b"%PDF"))
        self.assertIn("platform-retro-report.pdf", r["Content-Disposition"])

    def test_the_pdf_contains_the_commitments_with_owner_and_date(self) -> None:
        tenant = tenant_for_user(self.facilitator)
        assert tenant is not None
        html = render_to_string(
            "workshops/report_pdf.html", report_context(tenant=tenant, workshop=self.workshop)
        )
        texts = pdf_texts(report_pdf_bytes(html, uncompressed_pdf=True))
        joined = "\n".join(texts)
        for needle in ("Publish the release rule", "Mia Member", "2026-12-20"):
            with self.subTest(needle=needle):
                self.assertIn(needle, joined)
