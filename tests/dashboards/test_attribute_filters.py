"""Person-attribute filters on the overview: one team × period, computed only when the filtered
responses and the rest of the team both pass the ad-hoc disclosure check (both recorded in the
ledger); otherwise hidden with the reason. Bad input is a 400; other pages refuse filters."""

from __future__ import annotations

from django.core.cache import cache
from django.urls import reverse

from orgs.models import Person
from orgs.models_ledger import LedgerSource, ReleasedSet
from scoring.services import snapshot_recompute
from surveys.models import Response
from tests.base import BaseTestCase
from tests.scoring.db_fixture import P1, build


class AttributeFilterTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()
        build(self.org, {"platform": self.platform, "mobile": self.mobile, "sales": self.sales})
        snapshot_recompute(org_id=self.org.id)
        # Half of Engineering's responses in 2026-10 come from Berlin, half from Lisbon, each
        # half spread over both sub-teams (so no set is a released team minus a few people).
        for team, berlin in ((self.platform, 4), (self.mobile, 3)):
            ids = list(
                Response.objects.filter(team=team, period=P1)
                .order_by("id")
                .values_list("id", flat=True)
            )
            Response.objects.filter(id__in=ids[:berlin]).update(attributes={"location": "Berlin"})
            Response.objects.filter(id__in=ids[berlin:]).update(attributes={"location": "Lisbon"})
        one = Response.objects.filter(team=self.platform, period=P1).order_by("id").first()
        assert one is not None
        Response.objects.filter(id=one.id).update(
            attributes={"location": "Berlin", "tenure_band": "5y+"}
        )
        self.member_person.attributes = {"location": "Berlin", "tenure_band": "5y+"}
        self.member_person.save(update_fields=["attributes"])
        self.leader_person_attrs()
        self.login(self.leader)
        self.url = reverse("dashboards:overview")

    def leader_person_attrs(self) -> None:
        Person.objects.filter(organization=self.org).exclude(pk=self.member_person.pk).update(
            attributes={"location": "Lisbon"}
        )

    def get(self, **params: str) -> object:
        return self.client.get(self.url, {"team": self.eng.pk, "period": "2026-10", **params})

    def test_a_filter_that_cuts_sub_teams_into_groups_under_k_is_refused_by_the_ledger(
        self,
    ) -> None:
        # Berlin is 4 of Platform and 3 of Mobile: with Platform and Mobile released, the
        # pieces are groups under k (atoms of the released sets), so the filter is refused.
        page = self.get(attribute="location", value="Berlin")
        cell = page.context["filtered"]
        self.assertFalse(cell.allowed)
        self.assertEqual(cell.figures, [])
        self.assertIn("released earlier", cell.reason)
        self.assertFalse(ReleasedSet.objects.filter(source=LedgerSource.ADHOC).exists())

    def test_a_filter_below_k_is_hidden_with_the_reason_and_computes_nothing(self) -> None:
        page = self.get(attribute="tenure_band", value="5y+")
        self.assertEqual(page.status_code, 200)
        cell = page.context["filtered"]
        self.assertFalse(cell.allowed)
        self.assertEqual(cell.figures, [])
        self.assertContains(page, "Hidden:")
        self.assertIn("Fewer than", cell.reason)
        self.assertFalse(ReleasedSet.objects.filter(source=LedgerSource.ADHOC).exists())

    def test_a_filter_whose_complement_is_small_is_hidden(self) -> None:
        # Platform alone: 8 responses, 4 from Berlin (with the tenure one) leaves 4 < k.
        page = self.client.get(
            self.url,
            {
                "team": self.platform.pk,
                "period": "2026-10",
                "attribute": "location",
                "value": "Berlin",
            },
        )
        cell = page.context["filtered"]
        self.assertFalse(cell.allowed)
        self.assertEqual(cell.figures, [])

    def test_unknown_attributes_and_values_are_a_400_with_a_message(self) -> None:
        r = self.get(attribute="shoe_size", value="42")
        self.assertEqual(r.status_code, 400)
        self.assertIn("unknown attribute", r.content.decode())
        r = self.get(attribute="location", value="Mars")
        self.assertEqual(r.status_code, 400)
        self.assertIn("no person has location", r.content.decode())
        r = self.get(attribute="location")  # the attribute picked, no value yet
        self.assertEqual(r.status_code, 400)
        self.assertIn("choose a value of location", r.content.decode())

    def test_other_pages_exports_and_the_api_refuse_attribute_filters(self) -> None:
        for url in (
            reverse("dashboards:heatmap"),
            reverse("dashboards:trends"),
            reverse("dashboards:export", args=["heatmap", "csv"]),
            reverse("dashboardapi:heatmap"),
        ):
            with self.subTest(url=url):
                r = self.client.get(url, {"attribute": "location", "value": "Berlin"})
                self.assertEqual(r.status_code, 400)
                self.assertFalse(ReleasedSet.objects.filter(source=LedgerSource.ADHOC).exists())
