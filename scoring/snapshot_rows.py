"""Snapshot rows of the engine's results as one INSERT and its parameter rows, built column-wise.

Built before the recompute's write transaction (scoring.services), so only the statement
runs under SQLite's write lock. No model instance per cell and no per-value field call:
each column is converted once as an array (NaN → None for nullable floats, NumPy →
Python scalars), and values of other field types (dates, the timestamp) are converted by
Django's own `get_db_prep_save` once per DISTINCT value — at 1M responses that is ~33,000
rows × 28 fields, which per-value conversion took ~20 s over.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection, models

from scoring.adapter import RubricScores
from scoring.models import DimensionSnapshot, TrustIndexSnapshot
from trustmath.engine import ORG_ID

Insert = tuple[str, list[tuple[Any, ...]]]
# Field types whose Python value goes to the driver as it is (Django's conversion for
# them is int()/float()/bool(), a no-op on the values built below).
_PLAIN = (
    models.IntegerField,  # every integer kind, PositiveSmallIntegerField included
    models.BooleanField,
    models.ForeignKey,  # an integer id here
)


def snapshot_frames(
    *, org_id: int, results: list[RubricScores], now: dt.datetime
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(trust, dimension) frames with one column per snapshot field (attname)."""
    out = []
    for attr, model in (("trust", TrustIndexSnapshot), ("dimensions", DimensionSnapshot)):
        parts = [getattr(rs.result, attr).assign(rubric_id=rs.rubric_id) for rs in results]
        frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        if frame.empty:
            out.append(frame)
            continue
        team = frame["team_id"].to_numpy(dtype=np.int64)
        frame = frame.assign(
            organization_id=org_id,
            team_key=team,
            team_id=pd.Series(team, dtype="Int64").mask(team == ORG_ID),  # the org: NULL
            computed_at=now,
        )
        if "dimension" in frame.columns:
            frame = frame.rename(columns={"dimension": "dimension_key"})
        fields = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
        out.append(frame[fields])
    return out[0], out[1]


def _column(field: models.Field[Any, Any], values: pd.Series) -> list[Any]:
    """One column's database values."""
    if isinstance(field, models.FloatField):
        arr = values.to_numpy(dtype=np.float64, na_value=np.nan)
        obj = arr.astype(object)
        if field.null:
            obj[np.isnan(arr)] = None
        return list(obj.tolist())
    if isinstance(field, _PLAIN):
        if field.null and values.isna().any():
            return [None if pd.isna(v) else int(v) for v in values.tolist()]
        kind = np.bool_ if isinstance(field, models.BooleanField) else np.int64
        return list(values.to_numpy(dtype=kind).tolist())
    if isinstance(field, models.CharField):  # CharField, SlugField: "" for a missing value
        return [str(v) for v in values.astype(object).where(values.notna(), "").tolist()]
    # Dates, the timestamp, anything else: Django converts each distinct value once.
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    converted = np.empty(len(uniques), dtype=object)
    converted[:] = [field.get_db_prep_save(v, connection) for v in uniques]
    return list(converted[codes].tolist())


def snapshot_insert(model: type[models.Model], frame: pd.DataFrame) -> Insert:
    """One INSERT statement for `model` and its parameter rows from a `snapshot_frames` frame."""
    if frame.empty:
        return "", []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    columns = [_column(f, frame[f.attname]) for f in fields]
    return sql, list(zip(*columns, strict=True))
