"""A hand-computed work-item fixture for the flow, handoff and waiting-item tests.

Org time zone Europe/Berlin (CET +1 until 2026-03-29, CEST +2 after), monthly periods,
as_of 2026-04-15 12:00 UTC. Times below are UTC. Expected values are worked out by hand in
tests/trustmath/test_flow_metrics.py.

- I1 (team A): blocked twice (1 day each) inside an 8-day cycle; done on its due day.
- I2 (team A): moved backwards (in progress → to do for 3 days → in progress); done late.
- I3 (team A): handed ann → bob and back (bob → ann), chased once, done, reopened, done.
- I4 (team A): no history; done 2026-02-28 23:30 UTC = 1 March 00:30 in Berlin (March).
- I5 (team A): started 2026-03-20, still open (work-item age at period ends).
- I6 (team B): done 2026-03-31 22:30 UTC = 1 April 00:30 in Berlin (April), due 31 March.
- I7 (team B): canceled: never counted as done.
"""

from __future__ import annotations

import pandas as pd

TZ = "Europe/Berlin"
AS_OF = pd.Timestamp("2026-04-15 12:00", tz="UTC")
STATUS_MAP = {"To Do": "todo", "In Progress": "in_progress", "Blocked": "blocked", "Done": "done"}


def _ts(values: list[str | None]) -> pd.Series:
    return pd.to_datetime(pd.Series(values, dtype=object), utc=True)


def items() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "item_id": ["I1", "I2", "I3", "I4", "I5", "I6", "I7"],
            "source": "jira",
            "team": ["A", "A", "A", "A", "A", "B", "B"],
            "title": ["one", "two", "three", "four", "five", "six", "seven"],
            "status": ["Done", "Done", "Done", "Done", "In Progress", "Done", "To Do"],
            "assignee": ["ann", "ann", "ann", None, "cy", "dee", None],
            "created_at": _ts(
                [
                    "2026-03-01 09:00",
                    "2026-03-01 09:00",
                    "2026-03-01 09:00",
                    "2026-02-20 23:30",
                    "2026-03-15 09:00",
                    "2026-03-30 22:30",
                    "2026-03-01 09:00",
                ]
            ),
            "started_at": _ts(
                [None, None, None, "2026-02-24 23:30", "2026-03-20 09:00", None, None]
            ),
            "done_at": _ts(
                [
                    "2026-03-10 09:00",
                    "2026-03-12 09:00",
                    "2026-03-11 09:00",
                    "2026-02-28 23:30",
                    None,
                    "2026-03-31 22:30",
                    None,
                ]
            ),
            # Due days are local midnights: 10 March (CET), 11 March (CET), 31 March (CEST).
            "due_at": _ts(
                [
                    "2026-03-09 23:00",
                    "2026-03-10 23:00",
                    None,
                    None,
                    None,
                    "2026-03-30 22:00",
                    None,
                ]
            ),
            "canceled_at": _ts([None, None, None, None, None, None, "2026-03-03 09:00"]),
        }
    )


_EVENTS = [
    # I1: blocked twice.
    ("I1", "status", "To Do", "In Progress", "2026-03-02 09:00"),
    ("I1", "status", "In Progress", "Blocked", "2026-03-03 09:00"),
    ("I1", "status", "Blocked", "In Progress", "2026-03-04 09:00"),
    ("I1", "status", "In Progress", "Blocked", "2026-03-05 09:00"),
    ("I1", "status", "Blocked", "In Progress", "2026-03-06 09:00"),
    ("I1", "status", "In Progress", "Done", "2026-03-10 09:00"),
    # I2: moved backwards.
    ("I2", "status", "To Do", "In Progress", "2026-03-04 09:00"),
    ("I2", "status", "In Progress", "To Do", "2026-03-05 09:00"),
    ("I2", "status", "To Do", "In Progress", "2026-03-08 09:00"),
    ("I2", "status", "In Progress", "Done", "2026-03-12 09:00"),
    # I3: first assignment (no handoff), a handoff and back, a follow-up, a reopen.
    ("I3", "assignee", None, "ann", "2026-03-01 09:00"),
    ("I3", "assignee", "ann", "bob", "2026-03-03 09:00"),
    ("I3", "status", "To Do", "In Progress", "2026-03-04 09:00"),
    ("I3", "assignee", "bob", "ann", "2026-03-06 09:00"),
    ("I3", "followup", None, None, "2026-03-07 09:00"),
    ("I3", "status", "In Progress", "Done", "2026-03-08 09:00"),
    ("I3", "status", "Done", "In Progress", "2026-03-09 09:00"),
    ("I3", "status", "In Progress", "Done", "2026-03-11 09:00"),
]


def events() -> pd.DataFrame:
    frame = pd.DataFrame(_EVENTS, columns=["item_id", "field", "from_value", "to_value", "at"])
    # Shuffled on purpose: the maths must not rely on file order.
    frame = frame.sample(frac=1.0, random_state=3).reset_index(drop=True)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame
