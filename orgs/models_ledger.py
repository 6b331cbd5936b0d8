"""The release ledger's storage: each distinct set of anonymous response ids released in an org.

A row is one *set* (deduplicated by fingerprint), never a person: the ids are the random
UUIDs of pulse `Response` or `CheckInResponse` rows, which carry no person (docs/privacy.md,
"The release ledger"). Imported by orgs.models so Django registers it.
"""

from __future__ import annotations

from django.db import models


class LedgerSource(models.TextChoices):
    PULSE = "pulse", "Pulse results"
    CHECKIN = "checkin", "Decision check-ins"
    ADHOC = "adhoc", "Ad-hoc cell (a filter)"
    HANDOFF = "handoff", "Handoff pair figures"
    WORKSHOP = "workshop", "Follow-through figures"


class ReleasedSet(models.Model):
    """One set of response ids behind a released cell; later releases are checked against it."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(max_length=10, choices=LedgerSource.choices)
    # Sets are compared within one measure (a dimension, the trust index, a decision share):
    # subtracting two aggregates of the same figure gives the difference's answers; two
    # different figures over nearly the same people do not. "" = any measure (ad-hoc).
    measure = models.CharField(max_length=60, blank=True, default="")
    fingerprint = models.CharField(max_length=32, help_text="order-free hash of the id set")
    size = models.PositiveIntegerField(help_text="responses in the set")
    # The 16 bytes of each response UUID, sorted and concatenated: compact, order-free.
    ids = models.BinaryField()
    # The rounds (pulse rounds, check-in windows) that fed the set, as sorted signed 8-byte
    # keys: a difference of d responses over r rounds is at least ceil(d / r) people
    # (trustmath.ledger). Empty = one unknown round (sets recorded before this was kept).
    rounds = models.BinaryField(default=b"")
    round_count = models.PositiveIntegerField(default=1)
    # Each id's round (8 bytes each, in the order of ``ids``), when known: within one round
    # every response is a different person, a tighter bound. Empty = not known (check-ins).
    id_rounds = models.BinaryField(default=b"")
    first_label = models.CharField(max_length=200, blank=True, help_text="cell first released")
    first_released_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "measure", "fingerprint"], name="released_set_unique"
            )
        ]
        indexes = [models.Index(fields=["organization", "measure", "size"])]


class FrozenTree(models.Model):
    """The team tree as it was when something was first released for a scope (a pulse round).

    Participation of a round is decided on the tree of its dispatch, for as long as it is
    shown: moving a team under another and back between two reads changes nothing anyone
    sees (docs/privacy.md, "Participation"). Holds team ids and names, never a person.
    """

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(max_length=60, help_text='what it was frozen for, e.g. "round:12"')
    # [[team id, parent id or null, name, active], ...]
    teams = models.JSONField(default=list)
    frozen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "scope"], name="frozen_tree_unique")
        ]
