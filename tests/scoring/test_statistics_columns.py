"""The engine's statistics columns (like-for-like, BH-adjusted p, index band, clustered n) are
stored in the snapshots and reach the results API."""

from __future__ import annotations

from scoring.models import DimensionSnapshot, TrustIndexSnapshot
from scoring.services import snapshot_recompute
from tests.base import BaseTestCase
from tests.scoring.db_fixture import P2, build
from trustmath.stats import round_sig


class StatisticsColumnsTests(BaseTestCase):
    def setUp(self) -> None:
        build(self.org, {"platform": self.platform, "mobile": self.mobile, "sales": self.sales})
        snapshot_recompute(org_id=self.org.id)

    def test_snapshots_keep_comparable_adjusted_p_band_shared_items_and_effective_n(self) -> None:
        org_dim = DimensionSnapshot.objects.get(team_key=0, period=P2, dimension_key="clarity")
        assert org_dim.comparable and org_dim.shared_items >= 1
        assert org_dim.p_adjusted is not None and org_dim.p_value is not None
        assert org_dim.p_adjusted >= org_dim.p_value - 1e-12  # BH never lowers a p-value
        assert org_dim.significant == (org_dim.p_adjusted < 0.05)
        assert org_dim.favourable_n_eff is not None
        assert 0 < org_dim.favourable_n_eff <= org_dim.answers
        trust = TrustIndexSnapshot.objects.get(team_key=0, period=P2)
        assert trust.band in {"Fragile", "Functional", "Reliable"}
        assert trust.comparable and trust.p_adjusted is not None

    def test_the_results_api_shows_the_new_fields_with_p_to_three_significant_figures(
        self,
    ) -> None:
        self.client.force_login(self.owner)
        body = self.client.get("/api/v1/results/", {"team": 0}).json()
        row = next(r for r in body["results"] if r["period"] == P2.isoformat())
        trust = row["trust_index"]
        assert {"comparable", "p_adjusted", "band"} <= set(trust)
        dim = row["dimensions"][0]
        assert {"comparable", "p_adjusted", "shared_items", "favourable_n_eff"} <= set(dim)
        for cell in (trust, dim):
            p = cell["p_adjusted"]
            assert p is None or p == round_sig(p, 3)
