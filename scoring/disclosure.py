"""Which pulse results may be released: trust index and dimension cells through orgs.disclosure.

The trust index and each dimension are separate measures with their own people counts, each
suppressed on the org's whole tree per (period, rubric); a dimension is never shown next to a
hidden trust index; and the trust index — a weighted mean of the cell's dimensions — is shown
only when every dimension it was computed from is shown (reason "part_hidden"), so the index
and the shown dimensions can never be solved for a hidden one.
"""

from __future__ import annotations

import pandas as pd

from orgs.disclosure import disclosure_cells
from orgs.models import Organization

# The trust index as a measure; dimension keys are slugs, so this can never clash with one.
TRUST_MEASURE = "__trust_index__"
_BY = ["period", "rubric_id"]
_KEY = [*_BY, "team_id", "measure"]


def results_disclosure(
    *, org: Organization, trust: pd.DataFrame, dims: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add `suppressed` and `reason` (a code of trustmath.suppression) to both snapshot frames.

    `trust`: one row per (team_id, period, rubric_id) with n, n_own; `dims`: the same plus
    dimension_key. Both frames hold the whole org (every team), never a viewer's subset.
    """
    cols = [*_BY, "team_id", "n", "n_own"]
    long = [trust[cols].assign(measure=TRUST_MEASURE)]
    if not dims.empty:
        long.append(dims[[*cols, "dimension_key"]].rename(columns={"dimension_key": "measure"}))
    decided = disclosure_cells(
        org=org,
        cells=pd.concat(long, ignore_index=True),
        by=_BY,
        base=TRUST_MEASURE,
        composites={TRUST_MEASURE: None},
    )[[*_KEY, "suppressed", "reason"]]
    is_trust = decided["measure"] == TRUST_MEASURE
    trust_out = trust.merge(
        decided.loc[is_trust].drop(columns="measure"), on=[*_BY, "team_id"], how="left"
    )
    if dims.empty:
        return trust_out, dims
    dims_out = dims.merge(
        decided.loc[~is_trust].rename(columns={"measure": "dimension_key"}),
        on=[*_BY, "team_id", "dimension_key"],
        how="left",
    )
    return trust_out, dims_out
