"""Tenant, team tree, people and roles (the audit log is core.models.AuditEntry)."""

from __future__ import annotations

from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.constants import K_DEFAULT, K_FLOOR, K_MAX
from orgs.tree import TeamTree

COMMENT_K_DEFAULT = 10


def default_checkin_offsets() -> list[int]:
    return [7, 30]


class ReportingPeriod(models.TextChoices):
    WEEK = "week", "Week"
    FORTNIGHT = "fortnight", "Two weeks"
    MONTH = "month", "Month"


class Organization(models.Model):
    """A tenant. Every other object belongs to exactly one organization."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    reporting_period = models.CharField(
        max_length=10, choices=ReportingPeriod.choices, default=ReportingPeriod.MONTH
    )
    # Never below K_FLOOR: at 2 a respondent can subtract their own answer and read the other.
    anonymity_k = models.PositiveSmallIntegerField(
        default=K_DEFAULT, validators=[MinValueValidator(K_FLOOR), MaxValueValidator(K_MAX)]
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    # Days after the decided-on date at which stakeholders get a decision check-in.
    checkin_offsets_days = models.JSONField(default=default_checkin_offsets)
    employees_can_log_decisions = models.BooleanField(default=False)
    employees_see_team_results = models.BooleanField(default=False)
    # Comments are text a colleague may recognise, so they need a larger group than numbers
    # (the best survey tools use a separate, higher threshold); never below k (`comment_threshold`).
    comment_k = models.PositiveSmallIntegerField(
        default=COMMENT_K_DEFAULT, validators=[MinValueValidator(K_FLOOR), MaxValueValidator(K_MAX)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # Org facts every app reads: one definition each, instead of local copies.
    @property
    def tz(self) -> ZoneInfo:
        """The org's time zone (UTC if the stored name is unknown to this machine)."""
        try:
            return ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    @property
    def k(self) -> int:
        """The anonymity threshold, never below the floor whatever the database holds."""
        return max(int(self.anonymity_k or K_DEFAULT), K_FLOOR)

    @property
    def comment_threshold(self) -> int:
        """People a group needs before its comments are shown: comment_k, never below k."""
        return max(int(self.comment_k or COMMENT_K_DEFAULT), self.k)

    def team_tree(self) -> TeamTree:
        """The team tree, loaded with one query and cached on this instance."""
        return self._team_tree

    @cached_property
    def _team_tree(self) -> TeamTree:
        return TeamTree.from_rows(
            Team.objects.filter(organization_id=self.pk).values_list(
                "id", "parent_id", "name", "is_active"
            )
        )

    def team_tree_refresh(self) -> TeamTree:
        """Drop the cached tree (after a team was added, moved or renamed) and load it again."""
        self.__dict__.pop("_team_tree", None)
        return self.team_tree()


class Team(models.Model):
    """A node of the organization's team tree."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="team_unique_name_per_org"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Someone who can be invited to answer. Never linked to any answer (docs/privacy.md)."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="people")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    # Optional filter attributes (location, tenure band, ...), copied onto responses.
    attributes = models.JSONField(default=dict, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "email"], name="person_unique_email_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Role(models.TextChoices):
    ADMIN = "admin", "Org admin"
    LEADER = "leader", "Leader"
    FACILITATOR = "facilitator", "Facilitator"
    EMPLOYEE = "employee", "Employee"


# Which roles open which area. The views' checks and the navigation (trustos/context.py) both
# read these, so a page never shows in the menu of a role it would refuse (or the reverse).
# Org settings may open an area to employees too; the navigation asks the same predicates.
RESULTS_ROLES: tuple[str, ...] = (Role.ADMIN, Role.LEADER, Role.FACILITATOR)
DECISION_READ_ROLES: tuple[str, ...] = (Role.ADMIN, Role.LEADER, Role.FACILITATOR)
PULSE_ROLES: tuple[str, ...] = (Role.ADMIN, Role.LEADER)
RUBRIC_ROLES: tuple[str, ...] = (Role.ADMIN, Role.LEADER, Role.FACILITATOR)
SETUP_ROLES: tuple[str, ...] = (Role.ADMIN,)


class Membership(models.Model):
    """A user's role in an organization; leaders and facilitators name their teams."""

    TENANT_FIELD = "organization"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    # For leaders and facilitators: the teams (with their sub-teams) the role covers.
    teams = models.ManyToManyField(Team, blank=True, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


class ApiTokenScope(models.TextChoices):
    READ = "read", "Read (safe methods only)"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    """A user's API key for one organization: only its SHA-256 is stored (the key is shown
    once), it expires, and its scope limits it to reads or allows writes."""

    TENANT_FIELD = "organization"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    # hex SHA-256 of the key: the key is random (256 bits), so a plain hash suffices — no salt
    # or slow hash is needed against guessing, and a lookup by hash stays one indexed query.
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)  # the key's first characters, to tell tokens apart
    scope = models.CharField(max_length=5, choices=ApiTokenScope.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_on = models.DateField(null=True, blank=True)  # day precision: one write a day
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) · {self.user} · {self.organization}"


from orgs.models_ledger import FrozenTree, LedgerSource, ReleasedSet  # noqa: E402,F401  (registered here)
