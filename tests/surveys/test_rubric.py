"""The shipped rubric as data, org copies and edits, and versions that never change once used."""

from __future__ import annotations

from django.core.management.sql import emit_post_migrate_signal
from django.urls import reverse

from surveys.models import PulseRound, RubricVersion
from surveys.rubric_io import rubric_read
from surveys.selectors import rubric_active
from surveys.services.errors import SurveyError
from surveys.services.rubrics import rubric_activate, rubric_copy, rubric_update
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round

KEYS = [
    "decision_stability",
    "ownership_clarity",
    "authority_to_act",
    "constructive_failure",
    "support_consistency",
    "follow_through",
    "handoff_context",
]


class ShippedRubricTests(BaseTestCase):
    def test_the_shipped_rubric_is_loaded_by_the_migration_with_the_agreed_shape(self) -> None:
        rubric = RubricVersion.objects.get(organization=None, is_active=True)
        dims = list(rubric.dimensions.order_by("position"))
        assert [d.key for d in dims] == KEYS
        with_reverse = 0
        for d in dims:
            items = list(d.items.all())
            assert 3 <= len(items) <= 6, d.key
            assert d.definition and d.weight > 0
            assert [b["label"] for b in d.bands] == [
                "Fragile",
                "Inconsistent",
                "Functional",
                "Reliable",
                "Infrastructure",
            ]
            assert d.bands[0]["min"] == 0 and d.bands[-1]["max"] == 100
            assert all(b["descriptor"] for b in d.bands)
            assert 2 <= len(d.plays) <= 4 and {p["kind"] for p in d.plays} <= {"exercise", "system"}
            with_reverse += any(it.reverse_keyed for it in items)
        assert with_reverse >= 5
        assert rubric.items.count() == sum(len(d["items"]) for d in rubric_read()["dimensions"])

    def test_load_rubric_is_a_no_op_when_already_loaded(self) -> None:
        from django.core.management import call_command

        call_command("load_rubric", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert RubricVersion.objects.filter(organization=None).count() == 1

    def test_a_wiped_shipped_rubric_comes_back_on_migrate_or_flush_not_on_read(self) -> None:
        RubricVersion.objects.filter(organization=None).delete()
        with self.assertRaises(RubricVersion.DoesNotExist):
            rubric_active(organization=self.org)  # a read never installs it
        assert not RubricVersion.objects.filter(organization=None).exists()
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")  # migrate, flush
        shipped = rubric_active(organization=self.org)
        assert shipped.organization_id is None
        assert [d.key for d in shipped.dimensions.order_by("position")] == KEYS
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
        assert RubricVersion.objects.filter(organization=None).count() == 1  # idempotent


class RubricVersionTests(BaseTestCase):
    def setUp(self) -> None:
        self.shipped = rubric_active(organization=self.org)

    def test_an_admin_copies_edits_and_activates_a_version_and_old_rounds_keep_theirs(self) -> None:
        add_people(self.org, self.sales, 3)
        with self.captureOnCommitCallbacks(execute=True):
            old_round = open_round(self.org, [self.sales])
        copy = rubric_copy(organization=self.org, source=self.shipped, actor=self.owner)
        assert copy.version == 2 and copy.based_on == self.shipped and not copy.is_active
        ds = copy.dimensions.get(key="decision_stability")
        item = ds.items.get(key="ds1")
        rubric_update(
            rubric=copy,
            actor=self.owner,
            dimensions={
                ds.pk: {
                    "weight": 2.0,
                    "items": {item.pk: {"text": "Our decisions hold.", "reverse_keyed": False}},
                    "new_items": [
                        {"text": "Reversals come with a reason.", "reverse_keyed": False}
                    ],
                }
            },
        )
        ds.refresh_from_db()
        assert ds.weight == 2.0
        assert list(ds.items.values_list("key", flat=True)) == ["ds1", "ds2", "ds3", "ds4", "ds5"]
        rubric_activate(organization=self.org, rubric=copy, actor=self.owner)
        assert rubric_active(organization=self.org) == copy
        with self.captureOnCommitCallbacks(execute=True):
            new_round = open_round(self.org, [self.sales])
        assert new_round.rubric == copy
        old_round.refresh_from_db()
        assert old_round.rubric == self.shipped
        assert self.shipped.items.get(key="ds1").text != "Our decisions hold."

    def test_a_version_used_by_a_round_is_never_edited_in_place(self) -> None:
        copy = rubric_copy(organization=self.org, source=self.shipped, actor=self.owner)
        rubric_activate(organization=self.org, rubric=copy, actor=self.owner)
        add_people(self.org, self.sales, 3)
        with self.captureOnCommitCallbacks(execute=True):
            open_round(self.org, [self.sales])
        ds = copy.dimensions.get(key="decision_stability")
        with self.assertRaises(SurveyError):
            rubric_update(rubric=copy, actor=self.owner, dimensions={ds.pk: {"weight": 3}})
        with self.assertRaises(SurveyError):
            rubric_update(rubric=self.shipped, actor=self.owner, dimensions={})

    def test_an_edit_leaving_fewer_than_3_items_changes_nothing(self) -> None:
        copy = rubric_copy(organization=self.org, source=self.shipped, actor=self.owner)
        sc = copy.dimensions.get(key="support_consistency")  # 3 items
        first = sc.items.first()
        with self.assertRaises(SurveyError) as ctx:
            rubric_update(
                rubric=copy,
                actor=self.owner,
                dimensions={sc.pk: {"weight": 5, "items": {first.pk: {"delete": True}}}},
            )
        assert f"dim-{sc.pk}-items" in ctx.exception.errors
        sc.refresh_from_db()
        assert sc.items.count() == 3 and sc.weight != 5


class RubricPageTests(BaseTestCase):
    def test_leaders_and_facilitators_read_the_rubric_without_edit_controls(self) -> None:
        for user in (self.leader, self.facilitator):
            self.login(user)
            res = self.client.get(reverse("surveys:rubric"))
            assert res.status_code == 200
            html = res.content.decode()
            assert "Decision stability" in html and "Fragile" in html
            assert "Make an editable copy" not in html
        self.login(self.member)
        assert self.client.get(reverse("surveys:rubric")).status_code == 403
        self.login(self.leader)
        assert self.client.post(reverse("surveys:rubric_copy")).status_code == 403

    def test_an_admin_makes_a_copy_and_edits_it_in_the_ui(self) -> None:
        self.login(self.owner)
        res = self.client.post(reverse("surveys:rubric_copy"))
        copy = RubricVersion.objects.get(organization=self.org)
        assert res.status_code == 302 and res.url == reverse("surveys:rubric_edit", args=[copy.pk])
        page = self.client.get(res.url)
        assert page.status_code == 200
        ds = copy.dimensions.get(key="decision_stability")
        item = ds.items.get(key="ds2")
        res = self.client.post(
            res.url,
            {
                f"dim-{ds.pk}-weight": "1.5",
                f"item-{item.pk}-text": "Settled decisions get reopened.",
                f"item-{item.pk}-reverse": "on",
            },
        )
        assert res.status_code == 302
        item.refresh_from_db()
        assert item.text == "Settled decisions get reopened." and item.reverse_keyed
        bad = self.client.post(page.request["PATH_INFO"], {f"dim-{ds.pk}-weight": "heavy"})
        assert bad.status_code == 400 and "weight must be a number" in bad.content.decode()
        self.client.post(reverse("surveys:rubric_activate", args=[copy.pk]))
        assert rubric_active(organization=self.org) == copy
        assert not PulseRound.objects.exists()
