"""Execution metrics: definitions per org, saved mappings, work items, observations, import runs.

Work items are team aggregates' raw material, not people's answers: they carry an assignee
(a name or email as in the source tool) only so handoffs can be counted; GDPR erasure blanks
it (execution.services_gdpr). Observations hold imported, API-sent and derived values of a
metric per team × reporting period (derived ones have source "derived").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from orgs.models import Organization, Team


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class MetricDefinition(models.Model):
    """One metric of an org: what it measures, its unit, and the target and floor of health."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="metric_definitions"
    )
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=20)
    direction = models.CharField(max_length=6, choices=Direction.choices)
    # Execution health scales a value to 100 at the target and 0 at the floor (clamped).
    target = models.FloatField()
    floor = models.FloatField()
    definition = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], name="metricdef_unique_code_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})"


class TeamAlias(models.Model):
    """A team name as an export spells it, saved once mapped to one of our teams."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="team_aliases"
    )
    raw_name = models.CharField(max_length=200)
    # casefolded, trimmed raw name: "Platform " and "platform" are one alias
    key = models.CharField(max_length=200)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="teamalias_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.raw_name} → {self.team_id}"


class StatusCategory(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"


class StatusMapping(models.Model):
    """A raw status name of a tool → one of the four categories flow metrics use."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="status_mappings"
    )
    raw_status = models.CharField(max_length=200)
    key = models.CharField(max_length=200)  # casefolded, trimmed
    category = models.CharField(max_length=12, choices=StatusCategory.choices)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "key"], name="statusmap_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.raw_status} → {self.category}"


class ImportKind(models.TextChoices):
    OBSERVATIONS = "observations", "Metric values (CSV or XLSX)"
    WORK_ITEMS = "work_items", "Work-item export (with optional history)"
    HISTORY = "history", "Status and assignee history only"


class ImportState(models.TextChoices):
    DRAFT = "draft", "Being set up"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    """One import: its files, the choices made in the mapping steps, progress and the report.

    `report` holds `skipped` (rows: row, column, value, reason), `warnings` and `message`
    (why it failed, in words); `options` the preset, date format, shape and column mapping.
    """

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="execution_imports"
    )
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    state = models.CharField(max_length=10, choices=ImportState.choices, default=ImportState.DRAFT)
    progress = models.PositiveSmallIntegerField(default=0)  # 0..100
    imported = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name} · {self.state}"

    @property
    def is_finished(self) -> bool:
        return self.state in (ImportState.DONE, ImportState.FAILED)


class ImportFile(models.Model):
    """An uploaded file, kept in the database so any worker can read it (role: main|history)."""

    TENANT_FIELD = "run__organization"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=10, default="main")
    name = models.CharField(max_length=255)
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "role"], name="importfile_unique_role")
        ]


class WorkItem(models.Model):
    """A task as the source tool exported it, attributed to one of our teams."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="work_items"
    )
    source = models.CharField(max_length=20)
    item_id = models.CharField(max_length=200)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="work_items"
    )
    title = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=200, blank=True)
    # A name or email as in the source tool (blanked on GDPR erasure).
    assignee = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source", "item_id"], name="workitem_unique_source_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.item_id}"


class EventField(models.TextChoices):
    STATUS = "status", "Status"
    ASSIGNEE = "assignee", "Assignee"
    TEAM = "team", "Team"
    FOLLOWUP = "followup", "Follow-up"


class WorkItemEvent(models.Model):
    """One change of a work item; (item, field, at, to) identifies it, so re-sending is a no-op."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="work_item_events"
    )
    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="events")
    field = models.CharField(max_length=10, choices=EventField.choices)
    # "" stands for missing, so the unique constraint also holds for follow-ups without values.
    from_value = models.CharField(max_length=254, blank=True)
    to_value = models.CharField(max_length=254, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["item_id", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "field", "at", "to_value"], name="workitemevent_unique_change"
            )
        ]


class ObservationSource(models.TextChoices):
    UPLOAD = "upload", "Uploaded file"
    API = "api", "API"
    DERIVED = "derived", "Derived from work items"


class Observation(models.Model):
    """The value of one metric for one team and reporting period, from one source."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="observations"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="observations")
    period = models.DateField()  # first day of the org's reporting period
    metric = models.SlugField(max_length=40)
    value = models.FloatField()
    source = models.CharField(max_length=10, choices=ObservationSource.choices)
    n = models.PositiveIntegerField(null=True, blank=True)  # items behind a derived value
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team_id", "period", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "team", "period", "metric", "source"],
                name="observation_unique_cell",
            )
        ]
        indexes = [models.Index(fields=["organization", "period"], name="observation_org_period")]

    def __str__(self) -> str:
        return f"{self.team_id} {self.period} {self.metric}={self.value}"
