"""The demo export files: readable by the readers, seeded, and carrying the planted relations."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pandas as pd
from scipy.stats import spearmanr

from execution.demo_files import DemoFiles, demo_files
from execution.readers.history import read_history
from execution.readers.items import read_items

TEAMS = [
    "Discovery", "Growth", "Design", "Product Ops", "Platform", "Payments", "Mobile", "Data",
    "Customer Support", "Sales Ops", "Finance", "People",
]  # fmt: skip
PERIODS = [dt.date(2026, m, 1) for m in range(6, 12)]
TODAY = dt.date(2026, 11, 20)
TZ = "Europe/Berlin"


@cache
def files(seed: int = 3) -> DemoFiles:
    return demo_files(teams=TEAMS, periods=PERIODS, today=TODAY, tz=TZ, seed=seed)


def test_the_jira_export_is_a_few_thousand_items_with_repeated_headers_and_locale_dates() -> None:
    d = files()
    head = d.jira_csv.split(b"\r\n", 1)[0].decode("utf-8-sig")
    assert head.count("Labels") == 3 and head.count(",Sprint,") == 1
    res = read_items(d.jira_csv, tz=TZ)
    assert res.meta["preset"] == "jira"
    assert res.meta["encoding"] == "utf-8-sig"
    assert res.skipped.empty
    assert 1500 <= len(res.frame) <= 5000
    assert set(res.frame["team"]) == set(d.jira_teams)
    assert res.frame["done_at"].notna().mean() > 0.8
    assert res.frame["canceled_at"].notna().any()
    assert res.frame["labels"].map(len).max() >= 2
    assert any("Labels" in w for w in res.warnings)
    months = res.frame["done_at"].dropna().dt.tz_convert(TZ).dt.strftime("%Y-%m").unique()
    assert {p.strftime("%Y-%m") for p in PERIODS} <= set(months)


def test_the_history_matches_the_export_item_for_item() -> None:
    d = files()
    items = read_items(d.jira_csv, tz=TZ).frame
    res = read_history(d.jira_history_csv, known_items=set(items["item_id"]), tz=TZ)
    assert set(res.frame["field"]) == {"status", "assignee", "team"}
    assert set(res.frame["item_id"]) <= set(items["item_id"])
    # Only untracked Sprint changes are skipped, each with its reason.
    assert set(res.skipped["value"]) == {"Sprint"}
    done_events = res.frame[(res.frame["field"] == "status") & (res.frame["to_value"] == "Done")]
    last_done = done_events.groupby("item_id")["at"].max()
    resolved = items.set_index("item_id")["done_at"].dropna()
    joined = resolved.to_frame("resolved").join(last_done.rename("event"), how="inner")
    assert len(joined) > 0.9 * len(resolved)
    assert (joined["resolved"] == joined["event"]).all()


def test_the_linear_export_reads_with_its_preset_and_covers_the_other_teams() -> None:
    d = files()
    res = read_items(d.linear_csv)
    assert res.meta["preset"] == "linear"
    assert res.skipped.empty
    assert set(res.frame["team"]) == set(d.linear_teams)
    assert not set(d.linear_teams) & set(d.jira_teams)
    assert not res.frame["title"].str.startswith("'").any()
    assert res.frame["title"].str.startswith("- ").any()  # the quote guard was stripped
    assert res.frame["started_at"].notna().any() and res.frame["canceled_at"].notna().any()


def test_the_files_are_seeded() -> None:
    a = demo_files(teams=TEAMS[:3], periods=PERIODS, today=TODAY, tz=TZ, seed=5)
    b = demo_files(teams=TEAMS[:3], periods=PERIODS, today=TODAY, tz=TZ, seed=5)
    c = demo_files(teams=TEAMS[:3], periods=PERIODS, today=TODAY, tz=TZ, seed=6)
    assert a.jira_csv == b.jira_csv and a.jira_history_csv == b.jira_history_csv
    assert a.linear_csv == b.linear_csv
    assert a.jira_csv != c.jira_csv
    pd.testing.assert_frame_equal(a.latent, b.latent)


def test_the_latent_level_is_returned_per_team_and_period_and_follows_given_levels() -> None:
    d = demo_files(
        teams=["A", "B"],
        periods=PERIODS,
        today=TODAY,
        tz=TZ,
        levels={"A": 0.2, "B": 0.85},
        per_team_period=5,
    )
    assert list(d.latent.columns) == ["team", "period", "stability"]
    assert len(d.latent) == 2 * len(PERIODS)
    assert list(d.latent["period"].unique()) == PERIODS
    means = d.latent.groupby("team")["stability"].mean()
    assert means["A"] < 0.4 < 0.65 < means["B"]


def _outcomes(d: DemoFiles) -> pd.DataFrame:
    """On-time share and mean handoff wait per team × finishing period, computed plainly."""
    items = pd.concat(
        [read_items(d.jira_csv, tz=TZ).frame, read_items(d.linear_csv).frame], ignore_index=True
    )
    events = read_history(d.jira_history_csv, tz=TZ).frame
    done = items[items["done_at"].notna()].copy()
    done["period"] = done["done_at"].dt.tz_convert(TZ).dt.tz_localize(None).dt.to_period("M")
    due = done[done["due_at"].notna()]
    on_time = (
        (due["done_at"] <= due["due_at"] + pd.Timedelta(days=1))
        .groupby([due["team"], due["period"]])
        .mean()
        .rename("on_time")
    )
    ev = events.sort_values(["item_id", "at"]).reset_index(drop=True)
    status_at = ev["at"].where(ev["field"] == "status")
    ev["next_move"] = status_at.groupby(ev["item_id"]).bfill().groupby(ev["item_id"]).shift(-1)
    hand = ev[ev["field"] == "assignee"].copy()
    hand["wait"] = (hand["next_move"] - hand["at"]).dt.total_seconds() / 86400
    hand = hand.merge(done[["item_id", "team", "period"]], on="item_id")
    wait = hand.groupby(["team", "period"])["wait"].mean().rename("handoff_wait")
    out = pd.concat([on_time, wait], axis=1).reset_index()
    out["period"] = out["period"].dt.start_time.dt.date
    return out


def test_low_stability_precedes_late_delivery_and_long_handoff_waits_one_period_later() -> None:
    d = files()
    latent = d.latent.copy()
    nxt = {p: PERIODS[i + 1] for i, p in enumerate(PERIODS[:-1])}
    latent["next_period"] = latent["period"].map(nxt)
    out = _outcomes(d)
    out = out[out["period"] < PERIODS[-1]]  # the current period is only part-way through
    lagged = latent.merge(
        out, left_on=["team", "next_period"], right_on=["team", "period"], how="inner"
    )
    assert len(lagged) >= 40
    rho_on_time = spearmanr(lagged["stability"], lagged["on_time"]).statistic
    rho_wait = spearmanr(lagged["stability"], lagged["handoff_wait"], nan_policy="omit").statistic
    assert rho_on_time > 0.4
    assert rho_wait < -0.4
    # The planted effect is lagged: within a team (its own mean taken out), this period's
    # level says much less about this period's delivery than last period's level does.
    same = latent.merge(out, on=["team", "period"], how="inner")

    def within(df: pd.DataFrame, col: str) -> pd.Series:
        return df[col] - df.groupby("team")[col].transform("mean")

    rho_lag_within = spearmanr(within(lagged, "stability"), within(lagged, "on_time")).statistic
    rho_same_within = spearmanr(within(same, "stability"), within(same, "on_time")).statistic
    assert rho_lag_within > 0.3
    assert rho_same_within < rho_lag_within - 0.2


def test_the_bench_file_is_a_clean_neutral_items_csv() -> None:
    from execution.demo_files import bench_items_csv

    res = read_items(bench_items_csv(rows=2000))
    assert res.meta["preset"] == "neutral"
    assert len(res.frame) == 2000 and res.skipped.empty
    assert res.frame["done_at"].notna().mean() > 0.7
