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
from tests.workshops.live_factory import poll_make, votes_make
from workshops.models import Workshop
from workshops.models_commitments import Commitment
from workshops.selectors_report import report_context
from workshops.services_live import poll_set_state, workshop_go_live
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

    def test_revealed_polls_from_k_answers_are_in_the_report_and_its_pdf(self) -> None:
        Workshop.objects.filter(pk=self.workshop.pk).update(state=Workshop.State.DRAFT)
        self.workshop.refresh_from_db()
        ws = workshop_go_live(workshop=self.workshop)
        shown = poll_make(workshop=ws, kind="choice", options=["Handoffs", "Decisions"])
        votes_make(poll=shown, raws=[{"value": ["0"]}, {"value": ["0"]}, {"value": ["1"]}])
        poll_make(workshop=ws, kind="text", state="revealed")  # nobody answered: below k
        few = poll_make(workshop=ws, kind="agree")
        votes_make(poll=few, raws=[{"value": ["5"]}, {"value": ["1"]}])
        unrevealed = poll_make(workshop=ws, kind="choice", options=["Secret A", "Secret B"])
        votes_make(poll=unrevealed, raws=[{"value": ["0"]}] * 3)
        poll_set_state(poll=shown, action="reveal")
        poll_set_state(poll=few, action="reveal")
        poll_set_state(poll=unrevealed, action="close")
        self.login(self.facilitator)
        page = self.client.get(reverse("workshops:report", args=[ws.pk])).content.decode()
        self.assertIn("Question choice?", page)
        self.assertIn("2 (67 %)", page)
        self.assertNotIn("Question agree?", page)  # revealed, but fewer than k answered
        self.assertNotIn("Secret A", page)  # never revealed to the room
        tenant = tenant_for_user(self.facilitator)
        assert tenant is not None
        html = render_to_string(
            "workshops/report_pdf.html", report_context(tenant=tenant, workshop=ws)
        )
        joined = "\n".join(pdf_texts(report_pdf_bytes(html, uncompressed_pdf=True)))
        self.assertIn("Handoffs", joined)
        self.assertIn("Question choice?", joined)
