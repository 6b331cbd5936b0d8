"""Internal consistency of rubric dimensions: Cronbach's α, Feldt interval, item–total r.

Pure NumPy/SciPy/pandas (no Django); shown to admins and facilitators so that a rubric edit
that breaks a dimension is visible (docs/scoring.md).

Formulas
--------
For a respondents × items table with item covariance matrix ``C`` (k items)::

    α = k / (k − 1) · (1 − trace(C) / ΣC)

Feldt's interval (Feldt, Woodruff & Salih 1987), with n respondents, df1 = n − 1 and
df2 = (n − 1)(k − 1)::

    low  = 1 − (1 − α) · F⁻¹(1 − (1 − ci)/2; df1, df2)
    high = 1 − (1 − α) · F⁻¹((1 − ci)/2; df1, df2)

Corrected item–total correlation of item i: the correlation of item i with the sum of the
*other* items, computed from the same covariance matrix::

    r_i = (Σ_j C_ij − C_ii) / sqrt(C_ii · (ΣC − 2 Σ_j C_ij + C_ii))

which equals ``corr(x_i, Σ_{j≠i} x_j)`` on complete data.

Missing answers (skips)
-----------------------
Default ``missing="pairwise"``: each covariance is computed over the respondents who
answered *both* items (each variance over those who answered the item), as pandas
``DataFrame.cov`` and pingouin do. Why: pulse rounds ask rotating subsets of items and
people skip, so hardly anyone answers every item of a dimension; listwise deletion would
drop nearly every respondent. The price: the matrix may be slightly inconsistent, and the
Feldt interval then uses n = respondents with at least one answer on the dimension, an
approximation. ``missing="listwise"`` keeps only respondents who answered every item (n is
then the number of complete respondents — note pingouin 0.7 keeps the pre-deletion n for
its interval; we do not). Respondents with no answer at all on the items are never
counted.

Degenerate input never yields a silent NaN: :func:`cronbach_alpha` raises
:class:`ReliabilityError` with a machine-readable ``reason`` (``too_few_items``,
``too_few_respondents``, ``items_never_answered_together``, ``zero_variance``);
:func:`per_dimension_reliability` reports that reason in a ``reason`` column instead (its
numbers are then NaN *with* a reason, and ``reason == ""`` means they are valid).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy.stats import f as f_dist

Missing = Literal["pairwise", "listwise"]

REASON_TOO_FEW_ITEMS = "too_few_items"
REASON_TOO_FEW_RESPONDENTS = "too_few_respondents"
REASON_NO_OVERLAP = "items_never_answered_together"
REASON_ZERO_VARIANCE = "zero_variance"
# Below 3 respondents α says nothing: with n = 2 the sample covariances rest on one
# difference each and α swings wildly (−18 on real data), so it is refused, with a reason.
MIN_RESPONDENTS = 3


class ReliabilityError(ValueError):
    """α (or an item–total r) is not defined for this input; ``reason`` says why."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class AlphaResult(NamedTuple):
    """Cronbach's α with its Feldt interval, the respondents and items it rests on."""

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k_items: int


def wide_from_long(df: pd.DataFrame, subject: str, item: str, value: str) -> pd.DataFrame:
    """Pivot long answers (one row per subject × item) to a subjects × items table.

    A (subject, item) pair that appears twice is an input error (ValueError), not averaged.
    """
    missing = [c for c in (subject, item, value) if c not in df.columns]
    if missing:
        raise ValueError(f"Long frame lacks columns {missing}.")
    if df.duplicated([subject, item]).any():
        raise ValueError(f"Each ({subject}, {item}) pair must appear at most once.")
    wide = df.set_index([subject, item])[value].unstack(item)
    wide.columns.name = item
    return wide.astype(float)


def _as_matrix(wide: pd.DataFrame | np.ndarray) -> tuple[np.ndarray, pd.Index]:
    if isinstance(wide, pd.DataFrame):
        try:
            values = wide.to_numpy(dtype=float, na_value=np.nan)
        except (TypeError, ValueError) as exc:
            raise ValueError("All item columns must be numeric.") from exc
        return values, wide.columns
    values = np.asarray(wide, dtype=float)
    if values.ndim != 2:
        raise ValueError("wide must be a 2-D respondents × items table.")
    return values, pd.RangeIndex(values.shape[1])


def _prepare(values: np.ndarray, missing: Missing) -> np.ndarray:
    """Drop respondents with no answer (and, listwise, any incomplete respondent)."""
    if missing not in ("pairwise", "listwise"):
        raise ValueError('missing must be "pairwise" or "listwise".')
    answered = ~np.isnan(values)
    keep = answered.all(axis=1) if missing == "listwise" else answered.any(axis=1)
    return values[keep]


def _pairwise_cov(values: np.ndarray) -> np.ndarray:
    """Covariances over respondents who answered both items (ddof 1), all in matrix products."""
    mask = ~np.isnan(values)
    counts = mask.T.astype(float) @ mask.astype(float)
    if (counts < 2).any():
        raise ReliabilityError(
            REASON_NO_OVERLAP,
            "Some pair of items was answered together by fewer than 2 respondents, so their "
            "covariance is undefined.",
        )
    # Centring first keeps the one-pass sums accurate; it does not change a covariance.
    centred = np.where(mask, values - np.nanmean(values, axis=0), 0.0)
    m = mask.astype(float)
    cross = centred.T @ centred  # Σ x_i x_j over rows with both answered
    sums = centred.T @ m  # sums[i, j] = Σ x_i over rows with both answered
    return (cross - sums * sums.T / counts) / (counts - 1)


def _covariance(values: np.ndarray, missing: Missing) -> tuple[np.ndarray, int, int]:
    """Validated covariance matrix, n respondents and k items for α."""
    n_all, k = values.shape
    if k < 2:
        raise ReliabilityError(REASON_TOO_FEW_ITEMS, "Cronbach's α needs at least 2 items.")
    used = _prepare(values, missing)
    n = used.shape[0]
    if n < MIN_RESPONDENTS:
        raise ReliabilityError(
            REASON_TOO_FEW_RESPONDENTS,
            f"Cronbach's α needs at least {MIN_RESPONDENTS} respondents ({missing}); "
            f"{n} of {n_all} usable, too few to say anything about reliability.",
        )
    cov = _pairwise_cov(used)
    # A (pairwise) matrix whose total is ~0 or negative has no meaningful α: the sum score
    # does not vary, or the matrix is too inconsistent to be a covariance matrix.
    scale = max(1.0, float(np.abs(cov).max()))
    if not np.isfinite(cov).all() or cov.sum() <= 1e-12 * scale or (np.diag(cov) <= 0).all():
        raise ReliabilityError(
            REASON_ZERO_VARIANCE, "The summed answers have no (positive) variance."
        )
    return cov, n, k


def _feldt(alpha: float, n: int, k: int, ci: float) -> tuple[float, float]:
    df1 = n - 1
    df2 = df1 * (k - 1)
    tail = (1.0 - ci) / 2.0
    low = 1.0 - (1.0 - alpha) * f_dist.isf(tail, df1, df2)
    high = 1.0 - (1.0 - alpha) * f_dist.isf(1.0 - tail, df1, df2)
    return float(low), float(high)


def cronbach_alpha(
    wide: pd.DataFrame | np.ndarray,
    *,
    missing: Missing = "pairwise",
    ci: float = 0.95,
) -> AlphaResult:
    """Cronbach's α of a respondents × items table (NaN = skipped) with Feldt's interval.

    Raises :class:`ReliabilityError` (with ``.reason``) when α is undefined: fewer than 2
    items, fewer than 3 usable respondents, a pair of items never answered together by 2
    people (pairwise), or no variance at all.
    """
    if not 0.0 < ci < 1.0:
        raise ValueError("ci must lie strictly between 0 and 1.")
    values, _ = _as_matrix(wide)
    return _alpha_from_values(values, missing, ci).result


class _AlphaWithCov(NamedTuple):
    """α and the covariance matrix it came from, so item–total r reuses it."""

    result: AlphaResult
    cov: np.ndarray


def _alpha_from_values(values: np.ndarray, missing: Missing, ci: float) -> _AlphaWithCov:
    if not 0.0 < ci < 1.0:
        raise ValueError("ci must lie strictly between 0 and 1.")
    cov, n, k = _covariance(values, missing)
    alpha = float(k / (k - 1) * (1.0 - np.trace(cov) / cov.sum()))
    low, high = _feldt(alpha, n, k, ci)
    return _AlphaWithCov(AlphaResult(alpha=alpha, ci_low=low, ci_high=high, n=n, k_items=k), cov)


def _item_total_from_cov(cov: np.ndarray) -> np.ndarray:
    """Corrected item–total r per item; NaN where an item or the rest has no variance."""
    diag = np.diag(cov)
    row = cov.sum(axis=1)
    rest_var = cov.sum() - 2.0 * row + diag
    denom = diag * rest_var
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (row - diag) / np.sqrt(denom)
    r[~(denom > 0)] = np.nan
    return r


def item_total_correlations(
    wide: pd.DataFrame | np.ndarray, *, missing: Missing = "pairwise"
) -> pd.Series:
    """Corrected item–total correlation of each item (vs the sum of the *other* items).

    Uses the same covariance matrix as :func:`cronbach_alpha`. Raises
    :class:`ReliabilityError` when it is undefined for some item (that item, or the sum of
    the others, has no variance).
    """
    values, columns = _as_matrix(wide)
    cov, _, _ = _covariance(values, missing)
    r = _item_total_from_cov(cov)
    if np.isnan(r).any():
        flat = [columns[i] for i in np.flatnonzero(np.isnan(r))]
        raise ReliabilityError(
            REASON_ZERO_VARIANCE,
            f"Item–total correlation undefined for {flat}: no variance in the item or the rest.",
        )
    return pd.Series(r, index=columns, name="item_total_r")


_DIMENSION_COLUMNS = ["dimension", "alpha", "ci_low", "ci_high", "n", "k_items", "reason"]
_ITEM_COLUMNS = ["dimension", "item_id", "item_total_r", "n", "reason"]


def _validate(answers_long: pd.DataFrame, items: pd.DataFrame, by: list[str]) -> np.ndarray:
    """Check the frames and return the answer values as floats (NaN = skip)."""
    need = ["response_id", "item_id", "value", *by]
    lacking = [c for c in need if c not in answers_long.columns]
    if lacking:
        raise ValueError(f"answers_long lacks columns {lacking}.")
    lacking = [c for c in ("item_id", "dimension", "reverse_keyed") if c not in items.columns]
    if lacking:
        raise ValueError(f"items lacks columns {lacking}.")
    if items["item_id"].duplicated().any():
        raise ValueError("items lists an item_id twice.")
    raw = answers_long["value"]
    value = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    answered = ~np.isnan(value)
    if (~answered & raw.notna().to_numpy()).any() or not np.isin(value[answered], _LIKERT).all():
        raise ValueError("value must be an integer 1–5 or missing (skip).")
    return value


_LIKERT = np.array([1.0, 2.0, 3.0, 4.0, 5.0])


def per_dimension_reliability(
    answers_long: pd.DataFrame,
    items: pd.DataFrame,
    *,
    by: Sequence[str] = (),
    missing: Missing = "pairwise",
    ci: float = 0.95,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cronbach's α per dimension (optionally per ``by`` group, e.g. period) and item–total r.

    ``answers_long`` has columns response_id, item_id, value (1–5, NaN = skip) plus any
    ``by`` columns (team_id and period may be present and are ignored unless in ``by``);
    ``items`` has item_id, dimension, reverse_keyed. Items are reverse keyed first (6 − x).

    Returns ``(dimensions, item_stats)``:

    - ``dimensions``: one row per (by…, dimension) with alpha, ci_low, ci_high, n (the
      respondents used), k_items (the items with answers), reason (``""`` when valid).
    - ``item_stats``: one row per (by…, dimension, item_id) with the corrected item–total
      correlation ``item_total_r``, ``n`` answers, reason (``""`` when valid).

    A dimension without any answer in a group gets no row. Raises ValueError for answers
    to items not in ``items``, values outside 1–5, or an item answered twice by one
    response. The pivot is done with NumPy indexing (no loop per respondent); the only
    Python loop is over (group, dimension) blocks.
    """
    by = list(by)
    if missing not in ("pairwise", "listwise"):
        raise ValueError('missing must be "pairwise" or "listwise".')
    value = _validate(answers_long, items, by)
    item_pos = pd.Index(items["item_id"]).get_indexer(answers_long["item_id"])
    if (item_pos < 0).any():
        some = answers_long["item_id"][item_pos < 0].drop_duplicates().head(5).tolist()
        raise ValueError(f"Answers for items not in the rubric: {some}.")
    reverse = items["reverse_keyed"].to_numpy(dtype=bool)[item_pos]
    value = np.where(reverse, 6.0 - value, value)

    # Each item's slot within its dimension: the wide block of a dimension has as many
    # columns as the dimension has items, not as many as the whole rubric.
    dim_codes, dim_labels = pd.factorize(items["dimension"], sort=True)
    slot = items.groupby(dim_codes, sort=False).cumcount().to_numpy()
    n_slots = int(slot.max()) + 1
    item_ids = items["item_id"].to_numpy()
    item_at = np.full((len(dim_labels), n_slots), -1, dtype=np.int64)
    item_at[dim_codes, slot] = np.arange(len(items))

    keep = ~np.isnan(value)
    frame = answers_long.loc[keep, [*by, "response_id"]]
    frame = frame.assign(_dimension=dim_codes[item_pos[keep]])
    if frame.empty:
        return (
            pd.DataFrame(columns=[*by, *_DIMENSION_COLUMNS]),
            pd.DataFrame(columns=[*by, *_ITEM_COLUMNS]),
        )
    group_cols = [*by, "_dimension"]
    grouper = frame.groupby(group_cols, sort=True, dropna=False)
    group = grouper.ngroup().to_numpy()
    group_keys = grouper.size().index
    row = frame.groupby([*group_cols, "response_id"], sort=False, dropna=False).ngroup().to_numpy()
    n_rows = int(row.max()) + 1
    col = slot[item_pos[keep]]
    if np.bincount(row * n_slots + col, minlength=n_rows * n_slots).max() > 1:
        raise ValueError("A response answers the same item twice.")
    wide = np.full((n_rows, n_slots), np.nan)
    wide[row, col] = value[keep]
    row_group = np.zeros(n_rows, dtype=np.int64)
    row_group[row] = group
    order = np.argsort(row_group, kind="stable")
    bounds = np.searchsorted(row_group[order], np.arange(len(group_keys) + 1))

    dim_rows: list[dict[str, object]] = []
    item_frames: list[pd.DataFrame] = []
    for g, key in enumerate(group_keys):  # one block per (group, dimension)
        key = key if isinstance(key, tuple) else (key,)
        labels = dict(zip(by, key[:-1], strict=True))
        dim_code = int(key[-1])
        labels["dimension"] = dim_labels[dim_code]
        block = wide[order[bounds[g] : bounds[g + 1]]]
        asked = ~np.isnan(block).all(axis=0)  # slots this dimension lacks or did not ask
        values = block[:, asked]
        answers_per_item = (~np.isnan(values)).sum(axis=0)
        result_row: dict[str, object] = {
            **labels,
            "alpha": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "n": int(_prepare(values, missing).shape[0]),
            "k_items": int(values.shape[1]),
            "reason": "",
        }
        item_r = np.full(values.shape[1], np.nan)
        item_reason = np.full(values.shape[1], "", dtype=object)
        try:
            found = _alpha_from_values(values, missing, ci)
            alpha = found.result
            result_row.update(alpha=alpha.alpha, ci_low=alpha.ci_low, ci_high=alpha.ci_high)
            item_r = _item_total_from_cov(found.cov)
            item_reason[np.isnan(item_r)] = REASON_ZERO_VARIANCE
        except ReliabilityError as exc:
            result_row["reason"] = exc.reason
            item_reason[:] = exc.reason
        dim_rows.append(result_row)
        item_frames.append(
            pd.DataFrame(
                {
                    **{c: [v] * values.shape[1] for c, v in labels.items()},
                    "item_id": item_ids[item_at[dim_code, np.flatnonzero(asked)]],
                    "item_total_r": item_r,
                    "n": answers_per_item.astype(np.int64),
                    "reason": item_reason,
                }
            )
        )
    dimensions = pd.DataFrame(dim_rows, columns=[*by, *_DIMENSION_COLUMNS])
    item_stats = pd.concat(item_frames, ignore_index=True)[[*by, *_ITEM_COLUMNS]]
    return dimensions, item_stats
