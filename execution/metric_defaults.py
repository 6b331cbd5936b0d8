"""The default metric definitions every organization starts with (issue 11, contract table).

Plain data, no Django: the data migration, the org-creation hook and the selectors read the
same list. Targets and floors are starting points an admin edits per org; each definition
line says exactly what is measured, so "lead time" and "cycle time" are never ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass

HIGHER = "higher"
LOWER = "lower"


@dataclass(frozen=True)
class MetricDefault:
    code: str
    name: str
    unit: str
    direction: str
    target: float
    floor: float
    definition: str


DEFAULT_METRICS: tuple[MetricDefault, ...] = (
    MetricDefault(
        "on_time_pct",
        "On-time delivery",
        "%",
        HIGHER,
        90.0,
        50.0,
        "Share of items done in the period that were done on or before their due date "
        "(items without a due date are not counted).",
    ),
    MetricDefault(
        "cycle_time_days",
        "Cycle time (first in progress → done)",
        "days",
        LOWER,
        5.0,
        20.0,
        "Median days from the first move to an in-progress status to done, for items done "
        "in the period (the default cycle time; not from creation).",
    ),
    MetricDefault(
        "lead_time_days",
        "Lead time (created → done)",
        "days",
        LOWER,
        10.0,
        45.0,
        "Median days from the item's creation to done, for items done in the period "
        "(includes the time waiting in the backlog).",
    ),
    MetricDefault(
        "throughput",
        "Throughput (items done)",
        "items",
        HIGHER,
        30.0,
        5.0,
        "Number of items that reached done in the period (each item counted once, for the "
        "team in its team column).",
    ),
    MetricDefault(
        "wip_age_days",
        "Work-item age at period end (open items, median)",
        "days",
        LOWER,
        7.0,
        30.0,
        "Median age in days, at the last day of the period, of items started but not done.",
    ),
    MetricDefault(
        "blocked_pct",
        "Blocked time",
        "%",
        LOWER,
        5.0,
        30.0,
        "Share of in-flight time (first in progress → done) the items done in the period "
        "spent in a blocked status.",
    ),
    MetricDefault(
        "reopened_pct",
        "Reopened work",
        "%",
        LOWER,
        5.0,
        25.0,
        "Share of items done in the period that moved from done back to a not-done status.",
    ),
    MetricDefault(
        "flow_efficiency_pct",
        "Flow efficiency (active / (active + blocked + waiting))",
        "%",
        HIGHER,
        60.0,
        20.0,
        "Time in progress divided by time in progress, blocked or waiting, between the "
        "first in-progress move and done.",
    ),
    MetricDefault(
        "handoffs_per_task",
        "Handoffs per task",
        "handoffs",
        LOWER,
        1.0,
        4.0,
        "Mean number of changes of assignee or team per item done in the period.",
    ),
    MetricDefault(
        "handoff_wait_days",
        "Handoff wait (handoff → receiver's next move)",
        "days",
        LOWER,
        1.0,
        7.0,
        "Median days from a handoff to the receiver's next status change on the item.",
    ),
    MetricDefault(
        "followups_per_task",
        "Follow-ups per task",
        "follow-ups",
        LOWER,
        0.5,
        3.0,
        "Mean number of chases or pings recorded per item done in the period.",
    ),
    MetricDefault(
        "decision_lag_days",
        "Decision-to-action lag (from decisions)",
        "days",
        LOWER,
        7.0,
        30.0,
        'Median days from a decision\'s decided-on date to the first "yes, acted on it" '
        "check-in (from the decision register).",
    ),
)

METRIC_CODES: tuple[str, ...] = tuple(m.code for m in DEFAULT_METRICS)
DEFAULTS_BY_CODE: dict[str, MetricDefault] = {m.code: m for m in DEFAULT_METRICS}
