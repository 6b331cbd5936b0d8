"""The bulk answer load (one SQL query, integer columns) scores exactly like the old ORM load."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from pandas.testing import assert_frame_equal

from scoring import adapter
from scoring.adapter import answer_columns, answers_frame, org_scores, period_day
from surveys.models import Answer, PulseRound, RoundStatus
from tests.base import BaseTestCase
from tests.scoring.db_fixture import P1, P2, build
from trustmath.engine import score


def orm_answers_frame(round_ids: list[int]) -> pd.DataFrame:
    """The adapter's load before the bulk path: ORM rows, UUID and date objects, UUID sort."""
    rows = list(
        Answer.objects.filter(response__round_id__in=round_ids)
        .order_by("response_id", "item_id")
        .values_list("response_id", "response__team_id", "response__period", "item_id", "value")
    )
    rid, team, period, item, value = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            "response_id": np.array(rid, dtype=object),
            "team_id": np.array(team, dtype=np.int64),
            "period": np.array(period, dtype=object),
            "item_id": np.array(item, dtype=np.int64),
            "value": np.array(value, dtype=np.float64),
        }
    )


def signatures(frame: pd.DataFrame) -> Counter[tuple[object, ...]]:
    """Each response as (team, period, its sorted (item, value) pairs): ids left out."""
    out: Counter[tuple[object, ...]] = Counter()
    for _, grp in frame.groupby("response_id", sort=False):
        pairs = tuple(sorted(zip(grp["item_id"], grp["value"].fillna(-1), strict=True)))
        out[(int(grp["team_id"].iloc[0]), grp["period"].iloc[0], pairs)] += 1
    return out


class BulkAnswerLoadTests(BaseTestCase):
    def setUp(self) -> None:
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        self.rounds = build(self.org, teams)
        self.round_ids = [r.id for r in self.rounds.values()]

    def test_answers_load_in_one_query_as_integer_columns(self) -> None:
        with self.assertNumQueries(1):
            frame = answer_columns(round_ids=self.round_ids)
        assert list(frame.columns) == ["response_id", "team_id", "period", "item_id", "value"]
        assert [str(t) for t in frame.dtypes] == ["int64"] * 4 + ["float64"]
        assert len(frame) == Answer.objects.count()
        assert frame["value"].isna().sum() == Answer.objects.filter(value=None).count()
        assert frame["response_id"].nunique() == len(
            set(Answer.objects.values_list("response_id", flat=True))
        )
        assert set(frame["period"]) == {period_day(P1), period_day(P2)}

    def test_the_same_rows_as_the_orm_load(self) -> None:
        new = answers_frame(round_ids=self.round_ids)
        old = orm_answers_frame(self.round_ids)
        assert len(new) == len(old)
        assert signatures(new) == signatures(old)

    def test_scores_equal_the_old_path_on_a_seeded_org(self) -> None:
        (new,) = org_scores(org=self.org)
        old_answers = orm_answers_frame(self.round_ids)
        items, dims = adapter.rubric_frames(rubric_ids=[self.rounds["p1"].rubric_id])[
            self.rounds["p1"].rubric_id
        ]
        old = score(old_answers, items, dims, adapter.engine_parent_of(self.org), [P1, P2])
        assert_frame_equal(new.result.dimensions, old.dimensions)
        assert_frame_equal(new.result.trust, old.trust)
        assert isinstance(new.result.trust["period"].iloc[0], type(P1))

    def test_scores_equal_the_old_path_for_one_period(self) -> None:
        (new,) = org_scores(org=self.org, periods=[P2])
        rubric_id = self.rounds["p1"].rubric_id
        items, dims = adapter.rubric_frames(rubric_ids=[rubric_id])[rubric_id]
        old = score(
            orm_answers_frame(self.round_ids),
            items,
            dims,
            adapter.engine_parent_of(self.org),
            [P1, P2],
        )
        keep = old.trust[old.trust["period"] == P2].reset_index(drop=True)
        assert_frame_equal(new.result.trust, keep)

    def test_no_rounds_give_an_empty_typed_frame(self) -> None:
        frame = answers_frame(round_ids=[])
        assert str(frame["period"].dtype) == "object"
        assert frame.empty and list(frame.columns) == [
            "response_id",
            "team_id",
            "period",
            "item_id",
            "value",
        ]
        PulseRound.objects.update(status=RoundStatus.OPEN)
        assert org_scores(org=self.org) == []
