"""File readers for execution imports: pure pandas (no ORM, no Django), each returning a ReadResult.

    read_items(file, preset=None, column_map=None, date_format=None, tz=...)   -> items frame
    read_history(file, known_items=None, tz=...)                             -> events frame
    read_observations(file, shape=None, column_map=None, sheet=None)          -> observations
    preview(file, kind=..., n=20)                                             -> first rows + mapping

A file that cannot be read as a whole raises ReadError (code: too_large, empty, header_only,
sheet_required, unknown_sheet, missing_columns, unknown_columns, unreadable, unknown_preset,
unknown_shape); a row that cannot be taken is in ReadResult.skipped with its row, column,
value and reason.
"""

from execution.readers.base import ReadError, ReadResult
from execution.readers.history import read_history
from execution.readers.items import read_items
from execution.readers.mapping import (
    Preview,
    closest_names,
    distinct_counts,
    preview,
    status_counts,
    team_counts,
    unknown_counts,
    unknown_values,
)
from execution.readers.observations import DEFAULT_METRICS, period_label_dates, read_observations
from execution.readers.presets import PRESETS

__all__ = [
    "DEFAULT_METRICS",
    "PRESETS",
    "Preview",
    "ReadError",
    "ReadResult",
    "closest_names",
    "distinct_counts",
    "period_label_dates",
    "preview",
    "read_history",
    "read_items",
    "read_observations",
    "status_counts",
    "team_counts",
    "unknown_counts",
    "unknown_values",
]
