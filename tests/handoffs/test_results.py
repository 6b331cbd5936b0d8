"""Pair figures: the gap against a hand-computed fixture, k people on each side, and who sees
which pairs (a leader: pairs involving their teams, decided on the whole org's pairs)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from handoffs.maths import pair_figures
from handoffs.releases import handoff_pairs_publish
from handoffs.selectors import handoff_pairs_for_viewer, handoff_source_cells
from orgs.tenancy import tenant_for_user
from tests.base import BaseTestCase
from tests.factories import people_make
from tests.handoffs.helpers import answered_pair, closed_moment, three_pairs_answered


def test_gap_formula_against_a_hand_computed_fixture() -> None:
    rows = [
        # senders: 5, 4, 4 → scores 100, 75, 75 → mean 83.33; favourable 3/3
        ("sender", 5, None, ""),
        ("sender", 4, None, ""),
        ("sender", 4, None, ""),
        # receivers: 2, 3, 1, 4 → scores 25, 50, 0, 75 → mean 37.5; favourable 1/4
        ("receiver", None, 2, "several"),
        ("receiver", None, 3, "once"),
        ("receiver", None, 1, "several"),
        ("receiver", None, 4, "never"),
    ]
    frame = pd.DataFrame(
        [("2026-03-01", 1, 2, *r) for r in rows],
        columns=["period", "from_team", "to_team", "side", "handed", "context", "chased"],
    )
    got = pair_figures(frame).iloc[0]
    assert got["sender_score"] == pytest.approx(250 / 3)
    assert got["receiver_score"] == pytest.approx(37.5)
    assert got["gap"] == pytest.approx(250 / 3 - 37.5)  # 45.83
    assert got["sender_fav_pct"] == pytest.approx(100.0)
    assert got["receiver_fav_pct"] == pytest.approx(25.0)
    assert got["chase_pct"] == pytest.approx(75.0)
    assert got["chase_several_pct"] == pytest.approx(50.0)


class PairDisclosureTests(BaseTestCase):
    def setUp(self) -> None:
        self.marketing = three_pairs_answered(
            org=self.org, platform=self.platform, sales=self.sales
        )
        handoff_pairs_publish(org=self.org)

    def _pairs(self, user: object) -> dict[tuple[str, str], dict[str, object]]:
        tenant = tenant_for_user(user)
        assert tenant is not None
        return {(p["from_name"], p["to_name"]): p for p in handoff_pairs_for_viewer(tenant=tenant)}

    def test_admin_sees_every_pair_largest_gap_first_and_k_per_side(self) -> None:
        tenant = tenant_for_user(self.owner)
        assert tenant is not None
        pairs = handoff_pairs_for_viewer(tenant=tenant)
        assert (pairs[0]["from_name"], pairs[0]["to_name"]) == ("Platform", "Sales")
        assert pairs[0]["gap"] == pytest.approx(100 - 25)
        assert pairs[0]["chase_several_pct"] == pytest.approx(100)
        assert (pairs[0]["senders"], pairs[0]["receivers"]) == (self.org.k, self.org.k)
        hidden = self._pairs(self.owner)[("Sales", "Marketing")]
        assert hidden["suppressed"] and hidden["gap"] is None and hidden["senders"] is None
        assert "fewer than" in str(hidden["reason"])

    def test_a_leader_sees_only_pairs_involving_their_teams(self) -> None:
        pairs = self._pairs(self.leader)  # leads Engineering (with Platform and Mobile)
        assert set(pairs) == {("Platform", "Sales")}

    def test_a_leaders_hidden_pair_is_decided_on_the_whole_org_not_their_subset(self) -> None:
        # Mobile (the leader's) → Marketing: k senders but k - 1 receivers, all of them on
        # the other side of the leader's subset: hidden for the leader exactly as for the admin.
        mobile = people_make(org=self.org, team=self.mobile, n=self.org.k, prefix="mob")
        mkt = people_make(org=self.org, team=self.marketing, n=self.org.k - 1, prefix="mk2")
        answered_pair(
            org=self.org,
            from_team=self.mobile,
            to_team=self.marketing,
            senders=[(p, 5) for p in mobile],
            receivers=[(p, 1, "several") for p in mkt],
            at=closed_moment() - dt.timedelta(days=35),  # released: a closed period never grows
        )
        handoff_pairs_publish(org=self.org)
        mine = self._pairs(self.leader)[("Mobile", "Marketing")]
        admin = self._pairs(self.owner)[("Mobile", "Marketing")]
        assert mine["suppressed"] and mine["reason"] == admin["reason"]
        assert mine["sender_score"] is None and mine["senders"] is None

    def test_an_employee_and_another_org_see_no_pair(self) -> None:
        assert self._pairs(self.member) == {}
        assert self._pairs(self.outsider) == {}

    def test_pairs_page_and_api_follow_the_same_rules(self) -> None:
        self.login(self.leader)
        page = self.client.get("/handoffs/")
        assert page.status_code == 200
        body = page.content.decode()
        assert "Platform → Sales" in body and "Marketing → Sales" not in body
        api = self.client.get("/api/v1/handoffs/pairs/")
        assert [(p["from_name"], p["to_name"]) for p in api.json()] == [("Platform", "Sales")]
        self.login(self.member)
        assert self.client.get("/handoffs/").status_code == 403
        self.login(self.outsider)
        assert self.client.get("/api/v1/handoffs/pairs/").json() == []

    def test_the_result_source_shows_receiver_experience_from_shown_pairs_only(self) -> None:
        period = handoff_pairs_for_viewer(tenant=tenant_for_user(self.owner))[0]["period"]  # type: ignore[arg-type]
        cells = handoff_source_cells(
            self.org, [(self.sales.pk, period), (self.marketing.pk, period)]
        )
        sales = cells[(self.sales.pk, period)]
        # Sales received from Platform (25) and Marketing (75), k receivers each → 50.
        assert not sales.suppressed and sales.score == pytest.approx(50.0)
        assert cells[(self.marketing.pk, period)].suppressed  # its only pair is hidden
