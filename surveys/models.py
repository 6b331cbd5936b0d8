"""Rubric versions (dimensions, items), pulse schedules and rounds, invitations, anonymous responses.

Anonymity by design (docs/privacy.md): *who was asked* (Invitation) and *what was
answered* (Response, Answer) live in separate tables with no key between them. A Response
has a random UUID, a day-precision date, the team and period it counts for, and nothing
that names a person, a token or an invitation. Answer rows have a composite primary key,
so no sequential id leaks submission order either.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.constants import ANSWER_MAX, ANSWER_MIN
from orgs.models import Organization, Person, Team


class RubricVersion(models.Model):
    """One immutable-once-used version of the trust-infrastructure rubric.

    organization=None is the rubric shipped with the product (loaded from
    surveys/rubric/trust_infrastructure.yaml); an org edits its own copy in a new version.
    """

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="rubrics"
    )
    key = models.SlugField(max_length=60, default="trust-infrastructure")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="derived"
    )
    # The version new rounds of the org use (at most one active per org).
    is_active = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization_id", "key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key", "version"], name="rubric_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Dimension(models.Model):
    """A rubric dimension, e.g. decision stability; bands and plays are ordered JSON lists."""

    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="dimensions")
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    definition = models.TextField()
    weight = models.FloatField(validators=[MinValueValidator(0.0)])
    position = models.PositiveSmallIntegerField(default=0)
    # [{"label": "Fragile", "min": 0, "max": 20, "descriptor": "..."}, ...] covering 0-100.
    bands = models.JSONField(default=list)
    # [{"title": "...", "kind": "exercise" | "system", "description": "..."}, ...]
    plays = models.JSONField(default=list)

    class Meta:
        ordering = ["rubric_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "key"], name="dimension_unique_key")
        ]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """A statement answered on a 5-point agreement scale; reverse-keyed items score 6 - x."""

    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="items")
    dimension = models.ForeignKey(Dimension, on_delete=models.CASCADE, related_name="items")
    key = models.SlugField(max_length=60)
    text = models.CharField(max_length=300)
    reverse_keyed = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["dimension__position", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["rubric", "key"], name="item_unique_key")]

    def __str__(self) -> str:
        return f"{self.key}: {self.text}"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Every month"


class PulseSchedule(models.Model):
    """A recurring pulse for an audience; its timing lives in a django-celery-beat PeriodicTask."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="pulse_schedules"
    )
    name = models.CharField(max_length=200)
    # The audience: these teams *and all their sub-teams*.
    teams = models.ManyToManyField(Team, related_name="pulse_schedules")
    cadence = models.CharField(max_length=20, choices=Cadence.choices, default=Cadence.MONTHLY)
    questions_per_round = models.PositiveSmallIntegerField(
        default=8, validators=[MinValueValidator(6), MaxValueValidator(10)]
    )
    open_days = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    # When the round opens, in the org's time zone: weekday 0=Monday (monthly = the first
    # such weekday of the month) and hour of day.
    send_weekday = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(6)]
    )
    send_hour = models.PositiveSmallIntegerField(
        default=9, validators=[MinValueValidator(0), MaxValueValidator(23)]
    )
    is_active = models.BooleanField(default=True)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask", null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class RoundStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class PulseRound(models.Model):
    """One sending of a pulse: audience, items asked, open/close times, period it counts for."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="pulse_rounds"
    )
    schedule = models.ForeignKey(
        PulseSchedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="rounds"
    )
    rubric = models.ForeignKey(RubricVersion, on_delete=models.PROTECT, related_name="rounds")
    title = models.CharField(max_length=200)
    teams = models.ManyToManyField(Team, related_name="pulse_rounds")
    items: models.ManyToManyField[Item, RoundItem] = models.ManyToManyField(
        Item, through="RoundItem", related_name="rounds"
    )
    # First day of the reporting period in which the round opened (orgs.periods).
    period = models.DateField(db_index=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=RoundStatus.choices, default=RoundStatus.SCHEDULED
    )
    # Question budget Q of each respondent's form (surveys/rotation.py: form_items); the
    # round items are then the statements the round *may* ask. Null: a round made before
    # per-respondent forms, whose invitees all answer its round items.
    questions = models.PositiveSmallIntegerField(null=True, blank=True)
    dispatch_finished_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.title


class FormCounter(models.Model):
    """The next rotation form of an org's rubric: forms go out in the order people open a survey.

    One counter per (organization, rubric), continued across rounds and periods, so the
    forms of any period are consecutive (surveys/rotation.py guarantee 3). It counts forms
    handed out and nothing else: no person, invitation or time is stored with a form.
    """

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="+")
    next_form = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "rubric"], name="form_counter_unique")
        ]


class RoundItem(models.Model):
    round = models.ForeignKey(PulseRound, on_delete=models.CASCADE, related_name="round_items")
    item = models.ForeignKey(Item, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["round_id", "position"]
        constraints = [models.UniqueConstraint(fields=["round", "item"], name="round_item_unique")]


class Invitation(models.Model):
    """Who was asked. Records only *that* the token was used, never what was answered."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    round = models.ForeignKey(PulseRound, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    # The team the person belonged to when invited: the response counts for this team.
    team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    # sha256 hex of the random token; the token itself is only ever in the message sent.
    token_hash = models.CharField(max_length=64, unique=True)
    # Random per-invitation salt: the raw token is HMAC(SECRET_KEY, pulse:round:person:nonce),
    # so a re-run of an interrupted dispatch can rebuild the same link, while the database
    # alone (without SECRET_KEY) cannot (see core/links.py).
    nonce = models.CharField(max_length=32, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    used = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="invitation_once_per_round")
        ]


class Response(models.Model):
    """What was answered, by nobody in particular (no person, token or invitation; random id)."""

    TENANT_FIELD = "organization"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="responses"
    )
    round = models.ForeignKey(PulseRound, on_delete=models.CASCADE, related_name="responses")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="responses")
    period = models.DateField(db_index=True)
    submitted_on = models.DateField()  # day precision on purpose
    attributes = models.JSONField(default=dict, blank=True)  # e.g. location, tenure band
    comment = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "period"])]


class Answer(models.Model):
    """One item's answer: value 1-5, or NULL for an explicit skip."""

    pk = models.CompositePrimaryKey("response_id", "item_id")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(ANSWER_MIN), MaxValueValidator(ANSWER_MAX)],
    )


class PendingResponse(models.Model):
    """A submitted answer waiting for its shuffled batch (surveys/services/responses.py).

    Stores what the Response will hold and nothing more: no person, token or invitation. The
    id is random and is *not* reused by the Response, so nothing of this row survives the
    flush that moves it (in a transaction that touches no invitation) and deletes it.
    """

    TENANT_FIELD = "organization"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(PulseRound, on_delete=models.CASCADE, related_name="pending")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    period = models.DateField()
    attributes = models.JSONField(default=dict, blank=True)
    # {"<item id>": 1-5 or null}: one entry per asked item.
    answers = models.JSONField(default=dict)
    comment = models.TextField(blank=True)


# The counts that replace closed rounds' invitations live in their own module (imported here
# so Django registers them with this app).
from surveys.models_counts import (  # noqa: E402, F401
    ClosedRoundLink,
    PeriodRespondentCount,
    PeriodRespondentKey,
    RoundTeamCount,
)
