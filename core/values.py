"""The one way a computed value leaves pandas/NumPy: missing becomes None, NumPy scalars Python."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def none_if_missing(value: object) -> Any:
    """None for a missing value (None, NaN, pd.NA, NaT); a NumPy scalar as its Python value;
    anything else unchanged.

    JSON has no NaN, a template would print "nan" and a nullable model field wants None, so
    every number that leaves a DataFrame for an API, a page or a model goes through here.
    Containers (a list of reasons, say) are returned as they are, never tested element-wise.
    """
    if isinstance(value, np.generic):
        value = value.item()  # np.float64 → float, np.datetime64("NaT") → None
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
