"""Work-item export presets: which header fills which canonical column, per tool.

Header names are compared case-insensitively with spaces collapsed, so `Due date` and
`Due Date` are the same; a role takes the first candidate present. A user's column map
(header -> role) overrides any of it (for example their Jira team custom field).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from execution.readers.parse import ISO, norm_header

JIRA_DATE_FORMAT = "%d/%b/%y %I:%M %p"  # 14/Jul/25 3:42 PM, Jira Cloud's default English locale
AUTO = "auto"  # guess the format from the file's own date cells

# Jira resolutions that mean "not done, dropped": resolved date becomes canceled_at.
CANCELED_RESOLUTIONS = frozenset(
    {
        "won't do",
        "won't fix",
        "wont do",
        "wont fix",
        "duplicate",
        "cannot reproduce",
        "declined",
        "obsolete",
        "abandoned",
        "canceled",
        "cancelled",
    }
)


@dataclass(frozen=True)
class Preset:
    """How one tool's export maps to the canonical items frame."""

    key: str  # also the frame's `source`
    label: str
    columns: dict[str, tuple[str, ...]]  # role -> candidate headers, first present wins
    signature: tuple[str, ...]  # headers that must all be present to auto-detect it
    date_format: str = ISO
    lists: dict[str, tuple[str, ...]] = field(
        default_factory=dict
    )  # extra -> headers, kept as list
    extras: dict[str, tuple[str, ...]] = field(
        default_factory=dict
    )  # extra -> headers, kept as text
    split_lists: bool = (
        False  # one cell holds "a, b, c" (Linear, GitHub) instead of repeated headers
    )
    strip_quote: bool = False  # a leading ' (Excel formula guard) is removed from every value
    assignee_list: bool = False  # the assignee cell holds several names: first one is the assignee


JIRA = Preset(
    key="jira",
    label='Jira Cloud "all fields" CSV',
    columns={
        "item_id": ("Issue key", "Key"),
        "title": ("Summary",),
        "status": ("Status",),
        "assignee": ("Assignee",),
        "team": ("Team", "Custom field (Team)", "Component/s", "Components", "Project name"),
        "created_at": ("Created",),
        "started_at": ("Custom field (Start date)", "Start date", "Started"),
        "done_at": ("Resolved", "Resolution date"),
        "due_at": ("Due date",),
    },
    signature=("Issue key", "Summary", "Status"),
    date_format=JIRA_DATE_FORMAT,
    lists={
        "labels": ("Labels",),
        "sprints": ("Sprint",),
        "components": ("Component/s", "Components"),
        "fix_versions": ("Fix Version/s",),
    },
    extras={
        "issue_type": ("Issue Type",),
        "priority": ("Priority",),
        "resolution": ("Resolution",),
        "status_category": ("Status Category",),
        "project": ("Project key",),
    },
)

LINEAR = Preset(
    key="linear",
    label="Linear CSV",
    columns={
        "item_id": ("ID", "Identifier"),
        "title": ("Title",),
        "status": ("Status",),
        "assignee": ("Assignee",),
        "team": ("Team",),
        "created_at": ("Created",),
        "started_at": ("Started",),
        "done_at": ("Completed",),
        "due_at": ("Due Date",),
        "canceled_at": ("Canceled", "Cancelled"),
    },
    signature=("ID", "Title", "Status", "Completed", "Canceled"),
    date_format=AUTO,
    lists={"labels": ("Labels",)},
    extras={
        "priority": ("Priority",),
        "estimate": ("Estimate",),
        "project": ("Project",),
        "cycle": ("Cycle Name",),
    },
    split_lists=True,
    strip_quote=True,
)

GITHUB = Preset(
    key="github",
    label="GitHub Projects TSV",
    columns={
        "item_id": ("URL", "Issue URL", "Number", "Item ID"),
        "title": ("Title",),
        "status": ("Status",),
        "assignee": ("Assignees", "Assignee"),
        "team": ("Team", "Repository"),
        "created_at": ("Created", "Created At"),
        "started_at": ("Start date", "Started", "Started At"),
        "done_at": ("Closed", "Closed At", "Completed", "Done"),
        "due_at": ("Target date", "Due date", "End date"),
    },
    signature=("Title", "URL", "Assignees", "Status"),
    date_format=AUTO,
    lists={"labels": ("Labels",), "assignees": ("Assignees",)},
    extras={
        "repository": ("Repository",),
        "milestone": ("Milestone",),
        "iteration": ("Iteration",),
    },
    split_lists=True,
    assignee_list=True,
)

NEUTRAL = Preset(
    key="neutral",
    label="Trust OS work items (neutral CSV)",
    columns={
        "item_id": ("item_id",),
        "title": ("title",),
        "status": ("status",),
        "assignee": ("assignee",),
        "team": ("team",),
        "created_at": ("created_at",),
        "started_at": ("started_at",),
        "done_at": ("done_at",),
        "due_at": ("due_at",),
        "canceled_at": ("canceled_at",),
    },
    signature=("item_id", "team", "status"),
    date_format=ISO,
    lists={"labels": ("labels",)},
    split_lists=True,
)

PRESETS: dict[str, Preset] = {p.key: p for p in (NEUTRAL, JIRA, LINEAR, GITHUB)}
REQUIRED_ROLES = ("item_id", "team", "status")
ROLE_LABELS = {
    "item_id": "item id",
    "title": "title",
    "status": "status",
    "assignee": "assignee",
    "team": "team",
    "created_at": "created",
    "started_at": "started",
    "done_at": "done (finished)",
    "due_at": "due date",
    "canceled_at": "canceled",
}


def detect_preset(headers: Sequence[str]) -> Preset | None:
    """The preset whose signature headers are all present (neutral, Jira, Linear, GitHub)."""
    present = {norm_header(h) for h in headers}
    for preset in PRESETS.values():
        if all(norm_header(h) in present for h in preset.signature):
            return preset
    return None
